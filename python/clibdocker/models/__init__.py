"""docker-py's high-level models and collections (``client.containers``,
``client.images``…), written over :class:`~clibdocker.APIClient`."""
from .. import _lazy

# docker-py imports every model module with the package, so a program may
# name ``docker.models.containers.Container`` after a bare ``import docker``;
# here each is imported on first use of the attribute (start-up time).
__getattr__, __dir__ = _lazy.names(__name__, {
    name: (f".{name}", None) for name in ("configs", "containers", "images", "networks", "nodes",
                                          "plugins", "resource", "secrets", "services", "swarm",
                                          "volumes")})
