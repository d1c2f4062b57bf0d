"""Configuration types (docker-py's ``docker.types``): dicts holding the
API's JSON field names. Each submodule is imported on first use of one of
its names (start-up)."""
from typing import TYPE_CHECKING, Any

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
_MODULE_OF = {name: mod for mod, names in _WHERE.items() for name in names}

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


# docker-py's submodules, attributes of the package after ``import docker``
_SUBMODULES = frozenset({"base", "containers", "daemon", "healthcheck", "networks", "services",
                         "swarm"})


def __getattr__(name: str) -> Any:
    """PEP 562: import the submodule that defines ``name`` (or is ``name``)
    on first use."""
    import importlib
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    mod = _MODULE_OF.get(name)
    if mod is None:
        raise AttributeError(f"module 'clibdocker.types' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{mod}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(_MODULE_OF) | _SUBMODULES)
