"""docker-py's ``docker.types.services``: Mount, RestartPolicy and
DriverConfig (which containers also use) and the swarm service specs
(TaskTemplate, ContainerSpec, ServiceMode, UpdateConfig, ...)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from .. import _lazy, errors
from ..constants import IS_WINDOWS_PLATFORM
from ._util import format_environment, format_extra_hosts, parse_bytes, split_command
from .base import DictType

_MOUNT_TYPES = ("bind", "volume", "tmpfs", "npipe", "cluster", "image")


class DriverConfig(DictType):
    """A volume (or log/secret) driver and its options: ``{"Name", "Options"}``."""

    def __init__(self, name: str, options: Optional[Dict[str, str]] = None) -> None:
        super().__init__()
        self["Name"] = name
        if options:
            self["Options"] = options


class Mount(DictType):
    """A mount for ``HostConfig(mounts=[...])`` (and services).

    :param target: the path in the container.
    :param source: a host path (bind), a volume name (volume; None for an
        anonymous volume), None for tmpfs.
    :param type: ``"volume"`` (default), ``"bind"``, ``"tmpfs"``,
        ``"npipe"``, ``"cluster"`` or ``"image"``.
    :param read_only, consistency: as in the API.
    :param propagation: bind only: ``"rprivate"``, ``"shared"``…
    :param no_copy, labels, driver_config: volume only.
    :param tmpfs_size (bytes or ``"64m"``), tmpfs_mode (int): tmpfs only.

    Beyond docker-py (the API's other options): ``non_recursive``,
    ``create_mountpoint``, ``read_only_non_recursive``,
    ``read_only_force_recursive`` (bind).
    :param subpath: volume only: mount this path inside the volume (API >= 1.45).
    """

    def __init__(self, target: Optional[str], source: Optional[str], type: str = "volume",
                 read_only: bool = False, consistency: Optional[str] = None,
                 propagation: Optional[str] = None, no_copy: bool = False,
                 labels: Optional[Dict[str, str]] = None,
                 driver_config: Optional[Dict[str, Any]] = None,
                 tmpfs_size: Any = None, tmpfs_mode: Optional[int] = None,
                 subpath: Optional[str] = None, *,
                 non_recursive: Optional[bool] = None,
                 create_mountpoint: Optional[bool] = None,
                 read_only_non_recursive: Optional[bool] = None,
                 read_only_force_recursive: Optional[bool] = None) -> None:
        super().__init__()
        # no target (None, ""): kept as docker-py keeps it; the engine
        # refuses it on create (400 "field Target must not be empty")
        if type not in _MOUNT_TYPES:
            raise errors.InvalidArgument(f'Unsupported mount type: "{type}"')
        self["Target"] = target
        self["Source"] = source
        self["Type"] = type
        self["ReadOnly"] = read_only
        if consistency:
            self["Consistency"] = consistency
        bind_extra = any(x is not None for x in (non_recursive, create_mountpoint,
                                                  read_only_non_recursive,
                                                  read_only_force_recursive))
        if type == "bind":
            if any([labels, driver_config, no_copy, tmpfs_size, tmpfs_mode, subpath]):
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the bind type mount.")
            opts: Dict[str, Any] = {}
            if propagation is not None:
                opts["Propagation"] = propagation
            for key, val in (("NonRecursive", non_recursive),
                             ("CreateMountpoint", create_mountpoint),
                             ("ReadOnlyNonRecursive", read_only_non_recursive),
                             ("ReadOnlyForceRecursive", read_only_force_recursive)):
                if val is not None:
                    opts[key] = val
            if opts:
                self["BindOptions"] = opts
        elif type == "volume":
            if any([propagation, tmpfs_size, tmpfs_mode]) or bind_extra:
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the volume type mount.")
            vopts: Dict[str, Any] = {}
            if no_copy:
                vopts["NoCopy"] = True
            if labels:
                vopts["Labels"] = labels
            if driver_config:
                vopts["DriverConfig"] = driver_config
            if subpath:
                vopts["Subpath"] = subpath
            if vopts:
                self["VolumeOptions"] = vopts
        elif type == "tmpfs":
            if any([propagation, labels, driver_config, no_copy, subpath]) or bind_extra:
                raise errors.InvalidArgument(
                    "Incompatible options have been provided for the tmpfs type mount.")
            topts: Dict[str, Any] = {}
            if tmpfs_mode:
                if not isinstance(tmpfs_mode, int):
                    raise errors.InvalidArgument("tmpfs_mode must be an integer")
                topts["Mode"] = tmpfs_mode
            if tmpfs_size:
                topts["SizeBytes"] = parse_bytes(tmpfs_size)
            if topts:
                self["TmpfsOptions"] = topts

    @classmethod
    def parse_mount_string(cls, string: str) -> "Mount":
        """``"src:dst[:ro|rw]"`` or ``"dst"``: a bind when src is absolute,
        else a volume."""
        parts = string.split(":")
        if len(parts) > 3:
            raise errors.InvalidArgument(f'Invalid mount format "{string}"')
        if len(parts) == 1:
            return cls(target=parts[0], source=None)
        source, target = parts[0], parts[1]
        mount_type = "bind" if source.startswith("/") else "volume"
        read_only = not (len(parts) == 2 or parts[2] == "rw")
        return cls(target, source, read_only=read_only, type=mount_type)


class RestartConditionTypesEnum:
    _values = ("none", "on-failure", "any")
    NONE, ON_FAILURE, ANY = _values


class RestartPolicy(DictType):
    """A swarm service task's restart policy (docker-py's
    ``docker.types.RestartPolicy``): ``Condition``, ``Delay``,
    ``MaxAttempts``, ``Window``. A container's restart policy is a plain dict
    ``{"Name": "on-failure", "MaximumRetryCount": 3}`` given to
    ``HostConfig(restart_policy=...)``."""

    condition_types = RestartConditionTypesEnum

    def __init__(self, condition: str = RestartConditionTypesEnum.NONE, delay: int = 0,
                 max_attempts: int = 0, window: int = 0) -> None:
        super().__init__()
        if condition not in self.condition_types._values:
            raise TypeError(f"Invalid RestartPolicy condition {condition}")
        self["Condition"] = condition
        self["Delay"] = delay
        self["MaxAttempts"] = max_attempts
        self["Window"] = window


# --- swarm service specs (docker-py's ``docker.types.services``) -------------

def convert_service_networks(networks: Optional[List[Any]]) -> Optional[List[Any]]:
    """Network names/IDs (or NetworkAttachmentConfig dicts) -> the API's
    ``[{"Target": ...}, ...]``."""
    if not networks:
        return networks
    if not isinstance(networks, list):
        raise TypeError("networks parameter must be a list.")
    return [{"Target": n} if isinstance(n, str) else n for n in networks]


def convert_service_ports(ports: Union[Dict[Any, Any], List[Any]]) -> List[Any]:
    """``{published: target}`` or ``{published: (target, protocol, mode)}``
    -> the API's PortConfig list (a list is passed through)."""
    if isinstance(ports, list):
        return ports
    if not isinstance(ports, dict):
        raise TypeError("Invalid type for ports, expected dict or list")
    out = []
    for published, v in ports.items():
        spec: Dict[str, Any] = {"Protocol": "tcp", "PublishedPort": published}
        if isinstance(v, tuple):
            if len(v) > 3:
                raise ValueError("Service port configuration can have at most 3 elements: "
                                 "(target_port, protocol, mode)")
            spec["TargetPort"] = v[0]
            if len(v) >= 2 and v[1] is not None:
                spec["Protocol"] = v[1]
            if len(v) == 3:
                spec["PublishMode"] = v[2]
        else:
            spec["TargetPort"] = v
        out.append(spec)
    return out


def _check_id(value: Any, what: str) -> str:
    """An ID from a string or, as docker-py's ``check_resource`` takes it, a
    dict with ``Id``/``ID`` (``create_secret()``'s answer)."""
    if isinstance(value, dict):
        value = value.get("Id", value.get("ID"))
    if not value:
        raise errors.NullResource("Resource ID was not provided")  # docker-py's words
    return str(value)


class SecretReference(DictType):
    """A secret made available as a file in a service's containers
    (``/run/secrets/<filename>``).

    :param secret_id, secret_name: the secret's ID (or ``create_secret()``'s
        dict) and name.
    :param filename: the file name (default: the secret's name).
    :param uid, gid: the file's owner (strings, default ``"0"``).
    :param mode: the file mode (default ``0o444``).
    """

    def __init__(self, secret_id: Union[str, Dict[str, Any]], secret_name: str, filename: Optional[str] = None,
                 uid: Optional[str] = None, gid: Optional[str] = None,
                 mode: int = 0o444) -> None:
        super().__init__()
        self["SecretName"] = secret_name
        self["SecretID"] = _check_id(secret_id, "secret_id")
        self["File"] = {"Name": filename or secret_name, "UID": uid or "0",
                        "GID": gid or "0", "Mode": mode}


class ConfigReference(DictType):
    """A config made available as a file in a service's containers (at
    ``/<filename>`` unless the name is an absolute path).

    :param config_id, config_name: the config's ID (or ``create_config()``'s
        dict) and name.
    :param filename, uid, gid, mode: as in :class:`SecretReference`.
    """

    def __init__(self, config_id: Union[str, Dict[str, Any]], config_name: str, filename: Optional[str] = None,
                 uid: Optional[str] = None, gid: Optional[str] = None,
                 mode: int = 0o444) -> None:
        super().__init__()
        self["ConfigName"] = config_name
        self["ConfigID"] = _check_id(config_id, "config_id")
        self["File"] = {"Name": filename or config_name, "UID": uid or "0",
                        "GID": gid or "0", "Mode": mode}


class DNSConfig(DictType):
    """resolv.conf settings for a service's containers: ``nameservers``,
    ``search`` domains and resolver ``options``."""

    def __init__(self, nameservers: Optional[List[str]] = None,
                 search: Optional[List[str]] = None,
                 options: Optional[List[str]] = None) -> None:
        super().__init__()
        self["Nameservers"] = nameservers
        self["Search"] = search
        self["Options"] = options


class Privileges(DictType):
    """Security options of a service's containers: a Windows credential spec
    (``credentialspec_file`` or ``credentialspec_registry``, not both) and
    the SELinux context."""

    def __init__(self, credentialspec_file: Optional[str] = None,
                 credentialspec_registry: Optional[str] = None,
                 selinux_disable: Optional[bool] = None, selinux_user: Optional[str] = None,
                 selinux_role: Optional[str] = None, selinux_type: Optional[str] = None,
                 selinux_level: Optional[str] = None) -> None:
        super().__init__()
        cred: Dict[str, str] = {}
        if credentialspec_registry is not None:
            cred["Registry"] = credentialspec_registry
        if credentialspec_file is not None:
            cred["File"] = credentialspec_file
        if len(cred) > 1:
            raise errors.InvalidArgument(
                "credentialspec_file and credentialspec_registry are mutually exclusive")
        if cred:
            self["CredentialSpec"] = cred
        self["SELinuxContext"] = {"Disable": selinux_disable, "User": selinux_user,
                                  "Role": selinux_role, "Type": selinux_type,
                                  "Level": selinux_level}


class ContainerSpec(DictType):
    """What each task of a service runs (part of :class:`TaskTemplate`).

    :param image: the image (required).
    :param command: a string (split like a shell) or a list; ``args`` its
        arguments.
    :param env: a dict (``{"A": "1"}``) or a list of ``"A=1"``.
    :param workdir, user, hostname, groups, labels, stop_signal, tty,
        open_stdin, read_only, isolation, init: as in the API.
    :param stop_grace_period: nanoseconds.
    :param mounts: :class:`Mount` objects or ``"src:dst[:ro]"`` strings.
    :param secrets: a list of :class:`SecretReference`; ``configs`` a list
        of :class:`ConfigReference`.
    :param healthcheck: a :class:`~clibdocker.types.Healthcheck`.
    :param hosts: ``{"name": "1.2.3.4"}`` extra /etc/hosts entries.
    :param dns_config: a :class:`DNSConfig`; ``privileges`` a
        :class:`Privileges`.
    :param cap_add, cap_drop: lists of capabilities; ``sysctls`` a dict.

    Beyond docker-py: ``ulimits`` (a list of ``{"Name", "Soft", "Hard"}``)
    and ``oom_score_adj`` (API >= 1.46; refused with InvalidVersion before
    sending to an older API).
    """

    def __init__(self, image: str, command: Union[str, List[str], None] = None,
                 args: Optional[List[str]] = None, hostname: Optional[str] = None,
                 env: Union[Dict[str, Any], List[str], None] = None,
                 workdir: Optional[str] = None, user: Optional[str] = None,
                 labels: Optional[Dict[str, str]] = None, mounts: Optional[List[Any]] = None,
                 stop_grace_period: Optional[int] = None,
                 secrets: Optional[List[Any]] = None, tty: Optional[bool] = None,
                 groups: Optional[List[str]] = None, open_stdin: Optional[bool] = None,
                 read_only: Optional[bool] = None, stop_signal: Optional[str] = None,
                 healthcheck: Optional[Dict[str, Any]] = None,
                 hosts: Optional[Dict[str, str]] = None,
                 dns_config: Optional[Dict[str, Any]] = None,
                 configs: Optional[List[Any]] = None,
                 privileges: Optional[Dict[str, Any]] = None,
                 isolation: Optional[str] = None, init: Optional[bool] = None,
                 cap_add: Optional[List[str]] = None, cap_drop: Optional[List[str]] = None,
                 sysctls: Optional[Dict[str, str]] = None, *,
                 ulimits: Optional[List[Dict[str, Any]]] = None,
                 oom_score_adj: Optional[int] = None) -> None:
        super().__init__()
        self["Image"] = image
        self["Command"] = split_command(command) if isinstance(command, str) else command
        self["Args"] = args
        optional = (("Hostname", hostname), ("Dir", workdir), ("User", user),
                    ("Groups", groups), ("StopSignal", stop_signal),
                    ("StopGracePeriod", stop_grace_period), ("Labels", labels),
                    ("DNSConfig", dns_config), ("Privileges", privileges),
                    ("Healthcheck", healthcheck), ("TTY", tty), ("OpenStdin", open_stdin),
                    ("ReadOnly", read_only), ("Isolation", isolation), ("Init", init),
                    ("Ulimits", ulimits), ("OomScoreAdj", oom_score_adj))
        for key, value in optional:
            if value is not None:
                self[key] = value
        if env is not None:
            self["Env"] = format_environment(env) if isinstance(env, dict) else env
        if hosts is not None:
            self["Hosts"] = format_extra_hosts(hosts, task=True)
        if mounts is not None:
            self["Mounts"] = [Mount.parse_mount_string(m) if isinstance(m, str) else m
                              for m in mounts]
        for key, value, what in (("Secrets", secrets, "secrets"), ("Configs", configs, "configs"),
                                 ("CapabilityAdd", cap_add, "cap_add"),
                                 ("CapabilityDrop", cap_drop, "cap_drop")):
            if value is not None:
                if not isinstance(value, list):
                    raise TypeError(f"{what} must be a list")
                self[key] = value
        if sysctls is not None:
            if not isinstance(sysctls, dict):
                raise TypeError("sysctls must be a dict")
            self["Sysctls"] = sysctls


def _generic_resources(value: Union[Dict[str, Any], List[Any]]) -> List[Any]:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise errors.InvalidArgument(
            f"generic_resources must be a dict or a list (found {type(value)})")
    out = []
    for kind, v in value.items():
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise errors.InvalidArgument(
                f"Unsupported generic resource reservation type: {{{kind!r}: {v!r}}}")
        key = "DiscreteResourceSpec" if isinstance(v, int) else "NamedResourceSpec"
        out.append({key: {"Kind": kind, "Value": v}})
    return out


class Resources(DictType):
    """Limits and reservations of each task: ``cpu_limit`` /
    ``cpu_reservation`` in 1e-9 CPUs (NanoCPUs), ``mem_limit`` /
    ``mem_reservation`` in bytes (or ``"64m"``), ``generic_resources`` as
    ``{"gpu": 2, "ssd": "name"}`` or the API's list."""

    def __init__(self, cpu_limit: Optional[int] = None, mem_limit: Any = None,
                 cpu_reservation: Optional[int] = None, mem_reservation: Any = None,
                 generic_resources: Union[Dict[str, Any], List[Any], None] = None) -> None:
        super().__init__()
        limits: Dict[str, Any] = {}
        res: Dict[str, Any] = {}
        if cpu_limit is not None:
            limits["NanoCPUs"] = cpu_limit
        if mem_limit is not None:
            limits["MemoryBytes"] = parse_bytes(mem_limit)
        if cpu_reservation is not None:
            res["NanoCPUs"] = cpu_reservation
        if mem_reservation is not None:
            res["MemoryBytes"] = parse_bytes(mem_reservation)
        if generic_resources is not None:
            res["GenericResources"] = _generic_resources(generic_resources)
        if limits:
            self["Limits"] = limits
        if res:
            self["Reservations"] = res


class UpdateConfig(DictType):
    """How a service's tasks are updated.

    :param parallelism: tasks updated at once (0: all).
    :param delay, monitor: nanoseconds.
    :param failure_action: ``"continue"`` (default), ``"pause"`` or
        ``"rollback"``.
    :param max_failure_ratio: 0..1.
    :param order: ``"stop-first"`` or ``"start-first"``.
    """

    def __init__(self, parallelism: int = 0, delay: Optional[int] = None,
                 failure_action: str = "continue", monitor: Optional[int] = None,
                 max_failure_ratio: Optional[float] = None,
                 order: Optional[str] = None) -> None:
        super().__init__()
        self["Parallelism"] = parallelism
        if delay is not None:
            self["Delay"] = delay
        if failure_action not in ("pause", "continue", "rollback"):
            raise errors.InvalidArgument(
                "failure_action must be one of `pause`, `continue`, `rollback`")
        self["FailureAction"] = failure_action
        if monitor is not None:
            if not isinstance(monitor, int):
                raise TypeError("monitor must be an integer")
            self["Monitor"] = monitor
        if max_failure_ratio is not None:
            if not isinstance(max_failure_ratio, (float, int)):
                raise TypeError("max_failure_ratio must be a float")
            if not 0 <= max_failure_ratio <= 1:
                raise errors.InvalidArgument("max_failure_ratio must be a number between 0 and 1")
            self["MaxFailureRatio"] = max_failure_ratio
        if order is not None:
            if order not in ("start-first", "stop-first"):
                raise errors.InvalidArgument("order must be either `start-first` or `stop-first`")
            self["Order"] = order


class RollbackConfig(UpdateConfig):
    """How a service is rolled back; the same fields as :class:`UpdateConfig`."""


class EndpointSpec(DictType):
    """How a service is reached: ``mode`` ``"vip"`` (default) or
    ``"dnsrr"``; ``ports`` ``{published: target}``,
    ``{published: (target, "udp", "host")}`` or the API's list."""

    def __init__(self, mode: Optional[str] = None,
                 ports: Union[Dict[Any, Any], List[Any], None] = None) -> None:
        super().__init__()
        if ports:
            self["Ports"] = convert_service_ports(ports)
        if mode:
            self["Mode"] = mode


class ServiceMode(DictType):
    """``"replicated"`` (with ``replicas``), ``"global"``,
    ``"replicated-job"`` (``replicas`` = total completions, ``concurrency``
    = at once) or ``"global-job"``."""

    def __init__(self, mode: str, replicas: Optional[int] = None,
                 concurrency: Optional[int] = None) -> None:
        super().__init__()
        replicated = ("replicated", "replicated-job")
        if mode not in replicated + ("global", "global-job"):
            raise errors.InvalidArgument(
                'mode must be either "replicated", "global", "replicated-job" or "global-job"')
        if mode not in replicated:
            if replicas is not None:
                raise errors.InvalidArgument(
                    'replicas can only be used for "replicated" or "replicated-job" mode')
            if concurrency is not None:
                raise errors.InvalidArgument(
                    'concurrency can only be used for "replicated-job" mode')
        key = {"global-job": "GlobalJob", "replicated-job": "ReplicatedJob"}.get(mode, mode)
        self.mode = key
        self[key] = {}
        if replicas is not None:
            if mode == "replicated":
                self[key]["Replicas"] = replicas
            else:
                self[key]["MaxConcurrent"] = concurrency or 1
                self[key]["TotalCompletions"] = replicas

    @property
    def replicas(self) -> Optional[int]:
        """The replica count (total completions for a replicated job)."""
        if "replicated" in self:
            return self["replicated"].get("Replicas")  # type: ignore[no-any-return]
        if "ReplicatedJob" in self:
            return self["ReplicatedJob"].get("TotalCompletions")  # type: ignore[no-any-return]
        return None


class PlacementPreference(DictType):
    """A scheduling preference: strategy ``"spread"`` over the nodes'
    values of ``descriptor`` (e.g. ``"node.labels.zone"``)."""

    def __init__(self, strategy: str, descriptor: str) -> None:
        super().__init__()
        if strategy != "spread":
            raise errors.InvalidArgument(
                f'PlacementPreference strategy value is invalid ({strategy}): must be "spread".')
        self["Spread"] = {"SpreadDescriptor": descriptor}


class Placement(DictType):
    """Where tasks may run: ``constraints`` (``["node.role==manager"]``),
    ``preferences`` (:class:`PlacementPreference` or ``(strategy,
    descriptor)`` tuples), ``platforms`` (``(arch, os)`` tuples),
    ``maxreplicas`` per node."""

    def __init__(self, constraints: Optional[List[str]] = None,
                 preferences: Optional[List[Any]] = None,
                 platforms: Optional[List[Any]] = None,
                 maxreplicas: Optional[int] = None) -> None:
        super().__init__()
        if constraints is not None:
            self["Constraints"] = constraints
        if preferences is not None:
            self["Preferences"] = [PlacementPreference(*p) if isinstance(p, tuple) else p
                                   for p in preferences]
        if maxreplicas is not None:
            self["MaxReplicas"] = maxreplicas
        if platforms:
            self["Platforms"] = [{"Architecture": p[0], "OS": p[1]} for p in platforms]


class NetworkAttachmentConfig(DictType):
    """A network a service attaches to: ``target`` (name or ID), ``aliases``,
    driver ``options``."""

    def __init__(self, target: str, aliases: Optional[List[str]] = None,
                 options: Optional[Dict[str, str]] = None) -> None:
        super().__init__()
        self["Target"] = target
        self["Aliases"] = aliases
        self["DriverOpts"] = options


class TaskTemplate(DictType):
    """The task specification of a service.

    :param container_spec: a :class:`ContainerSpec` (required).
    :param resources: :class:`Resources`; ``restart_policy``
        :class:`RestartPolicy`; ``placement`` :class:`Placement` or a list of
        constraints; ``log_driver`` :class:`DriverConfig`.
    :param networks: names/IDs or :class:`NetworkAttachmentConfig` dicts.
    :param force_update: a counter; changing it redeploys the tasks (an
        int; a bool is sent as it is, as docker-py does, and the engine
        refuses it).
    """

    def __init__(self, container_spec: Dict[str, Any], resources: Optional[Dict[str, Any]] = None,
                 restart_policy: Optional[Dict[str, Any]] = None,
                 placement: Union[Dict[str, Any], List[str], None] = None,
                 log_driver: Optional[Dict[str, Any]] = None,
                 networks: Optional[List[Any]] = None,
                 force_update: Optional[int] = None) -> None:
        super().__init__()
        self["ContainerSpec"] = container_spec
        if resources:
            self["Resources"] = resources
        if restart_policy:
            self["RestartPolicy"] = restart_policy
        if placement:
            self["Placement"] = (Placement(constraints=placement)
                                 if isinstance(placement, list) else placement)
        if log_driver:
            self["LogDriver"] = log_driver
        if networks:
            self["Networks"] = convert_service_networks(networks)
        if force_update is not None:
            # a bool is an int, as for docker-py: it is sent, and the engine
            # answers (400, ForceUpdate is a counter)
            if not isinstance(force_update, int):
                raise TypeError("force_update must be an integer")
            self["ForceUpdate"] = force_update

    @property
    def container_spec(self) -> Any:
        return self.get("ContainerSpec")

    @property
    def resources(self) -> Any:
        return self.get("Resources")

    @property
    def restart_policy(self) -> Any:
        return self.get("RestartPolicy")

    @property
    def placement(self) -> Any:
        return self.get("Placement")


# ``check_resource`` (docker-py's decorator, re-exported here as in
# docker-py) comes from clibdocker.utils on first use
__getattr__, __dir__ = _lazy.names(__name__, {"check_resource": ("..utils", "check_resource")})
