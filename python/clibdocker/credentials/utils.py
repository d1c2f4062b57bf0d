"""Environment for credential helper processes."""
from __future__ import annotations

import os
from typing import Dict, Mapping, Optional


def create_environment_dict(overrides: Optional[Mapping[str, str]]) -> Dict[str, str]:
    """A copy of ``os.environ`` with ``overrides`` applied on top."""
    result = dict(os.environ)
    result.update(overrides or {})
    return result
