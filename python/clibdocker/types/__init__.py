"""Configuration types (docker-py's ``docker.types``): dicts holding the
API's JSON field names."""
from .containers import (ContainerConfig, DeviceRequest, EndpointConfig, HostConfig, LogConfig,
                         NetworkingConfig, Ulimit)
from .healthcheck import Healthcheck
from .networks import IPAMConfig, IPAMPool
from .services import DriverConfig, Mount, RestartPolicy

__all__ = ["ContainerConfig", "DeviceRequest", "DriverConfig", "EndpointConfig", "Healthcheck",
           "HostConfig", "IPAMConfig", "IPAMPool", "LogConfig", "Mount", "NetworkingConfig", "RestartPolicy", "Ulimit"]
