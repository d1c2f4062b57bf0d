"""docker-py's ``docker.types.base``: the dict every configuration type
derives from."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional


class DictType(Dict[str, Any]):
    """A ``dict`` holding the Engine API's JSON field names; every type of
    :mod:`clibdocker.types` derives from it (as in docker-py), so
    ``isinstance(x, DictType)`` tells a configuration type from a plain dict.

    :param init: the initial members (as ``dict(init)``).
    """

    def __init__(self, init: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        if init:
            for key, value in init.items():
                self[key] = value


__all__ = ["DictType"]
