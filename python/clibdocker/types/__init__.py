"""Configuration types (docker-py's ``docker.types``): dicts holding the
API's JSON field names. Each submodule is imported on first use of one of
its names (start-up)."""
from typing import TYPE_CHECKING

from .. import _lazy

if TYPE_CHECKING:
    from .containers import (ContainerConfig, DeviceRequest, EndpointConfig, HostConfig,
                             LogConfig, NetworkingConfig, Ulimit)
    from .daemon import CancellableStream
    from .healthcheck import Healthcheck
    from .networks import IPAMConfig, IPAMPool
    from .services import (ConfigReference, ContainerSpec, DNSConfig, DriverConfig,
                           EndpointSpec, Mount, NetworkAttachmentConfig, Placement,
                           PlacementPreference, Privileges, Resources, RestartPolicy,
                           RollbackConfig, SecretReference, ServiceMode, TaskTemplate,
                           UpdateConfig)
    from .swarm import SwarmExternalCA, SwarmSpec

_WHERE = {
    "containers": ["ContainerConfig", "DeviceRequest", "EndpointConfig", "HostConfig",
                   "LogConfig", "NetworkingConfig", "Ulimit"],
    "daemon": ["CancellableStream"],
    "healthcheck": ["Healthcheck"],
    "networks": ["IPAMConfig", "IPAMPool"],
    "services": ["ConfigReference", "ContainerSpec", "DNSConfig", "DriverConfig", "EndpointSpec",
                 "Mount", "NetworkAttachmentConfig", "Placement", "PlacementPreference",
                 "Privileges", "Resources", "RestartPolicy", "RollbackConfig", "SecretReference",
                 "ServiceMode", "TaskTemplate", "UpdateConfig"],
    "swarm": ["SwarmExternalCA", "SwarmSpec"],
}
# docker-py's submodules, attributes of the package after ``import docker``
_SUBMODULES = ("base", "containers", "daemon", "healthcheck", "networks", "services", "swarm")
__getattr__, __dir__ = _lazy.names(__name__, {
    **{name: (f".{mod}", name) for mod, names in _WHERE.items() for name in names},
    **{mod: (f".{mod}", None) for mod in _SUBMODULES}})

__all__ = [
    "CancellableStream",
    "ConfigReference",
    "ContainerConfig",
    "ContainerSpec",
    "DNSConfig",
    "DeviceRequest",
    "DriverConfig",
    "EndpointConfig",
    "EndpointSpec",
    "Healthcheck",
    "HostConfig",
    "IPAMConfig",
    "IPAMPool",
    "LogConfig",
    "Mount",
    "NetworkAttachmentConfig",
    "NetworkingConfig",
    "Placement",
    "PlacementPreference",
    "Privileges",
    "Resources",
    "RestartPolicy",
    "RollbackConfig",
    "SecretReference",
    "ServiceMode",
    "SwarmExternalCA",
    "SwarmSpec",
    "TaskTemplate",
    "Ulimit",
    "UpdateConfig",
]
