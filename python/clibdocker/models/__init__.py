"""docker-py's high-level models and collections (``client.containers``,
``client.images``…), written over :class:`~clibdocker.APIClient`."""
import sys as _sys

# docker-py imports every model module with the package, so a program may
# name ``docker.models.containers.Container`` after a bare ``import docker``;
# here each is imported on first use of the attribute (start-up time).
_SUBMODULES = frozenset({"configs", "containers", "images", "networks", "nodes", "plugins",
                         "resource", "secrets", "services", "swarm", "volumes"})


def __getattr__(name: str) -> object:
    """PEP 562: the model submodule ``name``, imported on first use."""
    if name not in _SUBMODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    __import__(f"{__name__}.{name}")
    return _sys.modules[f"{__name__}.{name}"]


def __dir__() -> "list[str]":
    return sorted(set(globals()) | _SUBMODULES)
