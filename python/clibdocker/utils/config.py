"""The Docker CLI config file (docker-py's ``docker.utils.config``):
``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``, else the
legacy ``~/.dockercfg``. Cheap to import (json and logging load on use)."""
from __future__ import annotations

import os
from typing import Any, Dict, Optional

from .. import _lazy
from ..constants import IS_WINDOWS_PLATFORM

__all__ = ["DOCKER_CONFIG_FILENAME", "LEGACY_DOCKER_CONFIG_FILENAME", "config_path_from_environment",
           "find_config_file", "home_dir", "load_general_config", "log"]

DOCKER_CONFIG_FILENAME = os.path.join(".docker", "config.json")
LEGACY_DOCKER_CONFIG_FILENAME = ".dockercfg"


# the module's logger, made on first use
__getattr__, __dir__ = _lazy.names(__name__, {"log": _lazy.LOGGER})


def _debug(*args: Any) -> None:
    """Log at debug level, but only once logging is in use (start-up time)."""
    import sys
    if "logging" in sys.modules:
        (globals().get("log") or __getattr__("log")).debug(*args)


def home_dir() -> str:
    """The user's home directory (``%USERPROFILE%`` on Windows)."""
    if IS_WINDOWS_PLATFORM:
        return os.environ.get("USERPROFILE", "")
    return os.path.expanduser("~")


def config_path_from_environment() -> Optional[str]:
    """``$DOCKER_CONFIG/config.json``, or None when DOCKER_CONFIG is unset or empty."""
    config_dir = os.environ.get("DOCKER_CONFIG")
    if not config_dir:
        return None
    return os.path.join(config_dir, os.path.basename(DOCKER_CONFIG_FILENAME))


def find_config_file(config_path: Optional[str] = None) -> Optional[str]:
    """The first existing one of: ``config_path``, ``$DOCKER_CONFIG/config.json``,
    ``~/.docker/config.json``, ``~/.dockercfg``; None if none exists."""
    home = home_dir()
    for path in (config_path, config_path_from_environment(),
                 os.path.join(home, DOCKER_CONFIG_FILENAME),
                 os.path.join(home, LEGACY_DOCKER_CONFIG_FILENAME)):
        if path and os.path.exists(path):
            _debug("Found file at path: %s", path)
            return path
    _debug("No config file found")
    return None


def load_general_config(config_path: Optional[str] = None) -> Dict[str, Any]:
    """The config file (see :func:`find_config_file`) as a dict; ``{}`` when
    there is none or it cannot be read or parsed."""
    path = find_config_file(config_path)
    if not path:
        return {}
    import json
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        _debug("%s", e)
        _debug("All parsing attempts failed - returning empty config")
        return {}
    return data if isinstance(data, dict) else {}
