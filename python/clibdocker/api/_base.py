"""What every API mixin can rely on."""
from __future__ import annotations

from typing import Any, Dict

from .._binding import Client


class BaseMixin:
    _native: Client
    _auth_configs: Dict[str, Dict[str, Any]]
