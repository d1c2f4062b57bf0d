"""Configuration types (docker-py's ``docker.types``): dicts holding the
API's JSON field names."""
from .containers import (ContainerConfig, DeviceRequest, EndpointConfig, HostConfig, LogConfig,
                         NetworkingConfig, Ulimit)
from .healthcheck import Healthcheck
from .networks import IPAMConfig, IPAMPool
from .services import DriverConfig, Mount, RestartPolicy
from .services import (ConfigReference, ContainerSpec, DNSConfig, EndpointSpec,
                       NetworkAttachmentConfig, Placement, PlacementPreference, Privileges,
                       Resources, RollbackConfig, SecretReference, ServiceMode, TaskTemplate,
                       UpdateConfig)
from .swarm import SwarmExternalCA, SwarmSpec

__all__ = ["ContainerConfig", "DeviceRequest", "DriverConfig", "EndpointConfig", "Healthcheck",
           "HostConfig", "IPAMConfig", "IPAMPool", "LogConfig", "Mount", "NetworkingConfig", "RestartPolicy", "Ulimit",
           "ConfigReference", "ContainerSpec", "DNSConfig", "EndpointSpec",
           "NetworkAttachmentConfig", "Placement", "PlacementPreference", "Privileges",
           "Resources", "RollbackConfig", "SecretReference", "ServiceMode", "SwarmExternalCA",
           "SwarmSpec", "TaskTemplate", "UpdateConfig"]
