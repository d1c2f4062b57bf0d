"""The low-level API client."""
from .client import APIClient

__all__ = ["APIClient"]

import sys as _sys

# docker-py's ``docker.api.container`` and the other area modules are
# attributes of the package after ``import docker``; here they load on first
# use of the attribute (the areas load lazily: tests/test_lazy_areas.py).
_SUBMODULES = frozenset({"build", "config", "container", "daemon", "exec_api", "image",
                         "network", "plugin", "secret", "service", "swarm", "volume"})


def __getattr__(name: str) -> object:
    """PEP 562: the API area module ``name``, imported on first use."""
    if name not in _SUBMODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    __import__(f"{__name__}.{name}")
    return _sys.modules[f"{__name__}.{name}"]


def __dir__() -> "list[str]":
    return sorted(set(globals()) | _SUBMODULES)
