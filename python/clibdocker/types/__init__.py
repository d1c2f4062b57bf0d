"""Request-building types with docker-py's shapes (``docker.types``)."""
from .networks import EndpointConfig, IPAMConfig, IPAMPool

__all__ = ["EndpointConfig", "IPAMConfig", "IPAMPool"]
