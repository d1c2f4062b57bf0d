"""The low-level API client."""
from .. import _lazy
from .client import APIClient

__all__ = ["APIClient"]

# docker-py's ``docker.api.container`` and the other area modules are
# attributes of the package after ``import docker``; here they load on first
# use of the attribute (the areas load lazily: tests/test_lazy_areas.py).
__getattr__, __dir__ = _lazy.names(__name__, {
    name: (f".{name}", None) for name in ("build", "config", "container", "daemon", "exec_api",
                                          "image", "network", "plugin", "secret", "service",
                                          "swarm", "volume")})
