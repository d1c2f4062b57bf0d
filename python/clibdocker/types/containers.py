"""Container configuration types (docker-py's ``docker.types.containers``
and the container side of ``docker.types.networks``).

Each is a ``dict`` holding the API's JSON field names, so it can be passed
wherever the API's object is expected and inspected like one. Conversions
and validations mirror docker-py; fields of the API that docker-py lacks are
keyword arguments documented as "beyond docker-py".
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .. import errors
from ._util import (convert_port_bindings, convert_tmpfs_mounts, convert_volume_binds,
                    format_environment, format_extra_hosts, normalize_links, parse_bytes,
                    parse_devices, split_command, version_gte, version_lt)
from .base import DictType
from .healthcheck import Healthcheck

_RESTART_NAMES = ("", "no", "always", "unless-stopped", "on-failure")


class LogConfigTypesEnum:
    _values = ("json-file", "syslog", "journald", "gelf", "fluentd", "none")
    JSON, SYSLOG, JOURNALD, GELF, FLUENTD, NONE = _values


class LogConfig(DictType):
    """A logging driver and its options: ``LogConfig(type="json-file",
    config={"max-size": "1m"})``."""

    types = LogConfigTypesEnum

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        log_type = kwargs.get("type", kwargs.get("Type"))
        config = kwargs.get("config", kwargs.get("Config")) or {}
        if config and not isinstance(config, dict):
            raise ValueError("LogConfig.config must be a dictionary")
        self["Type"] = log_type
        self["Config"] = config

    @property
    def type(self) -> Optional[str]:
        return self["Type"]  # type: ignore[no-any-return]

    @type.setter
    def type(self, value: Optional[str]) -> None:
        self["Type"] = value

    @property
    def config(self) -> Dict[str, str]:
        return self["Config"]  # type: ignore[no-any-return]

    def set_config_value(self, key: str, value: str) -> None:
        """Set ``key`` in the driver options."""
        self.config[key] = value

    def unset_config(self, key: str) -> None:
        """Remove ``key`` from the driver options."""
        self.config.pop(key, None)


class Ulimit(DictType):
    """A resource limit: ``Ulimit(name="nofile", soft=1024, hard=2048)``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        name = kwargs.get("name", kwargs.get("Name"))
        soft = kwargs.get("soft", kwargs.get("Soft"))
        hard = kwargs.get("hard", kwargs.get("Hard"))
        if not isinstance(name, str):
            raise ValueError("Ulimit.name must be a string")
        if soft and not isinstance(soft, int):
            raise ValueError("Ulimit.soft must be an integer")
        if hard and not isinstance(hard, int):
            raise ValueError("Ulimit.hard must be an integer")
        self["Name"] = name
        self["Soft"] = soft
        self["Hard"] = hard

    @property
    def name(self) -> str:
        return self["Name"]  # type: ignore[no-any-return]

    @name.setter
    def name(self, value: str) -> None:
        self["Name"] = value

    @property
    def soft(self) -> Optional[int]:
        return self.get("Soft")

    @soft.setter
    def soft(self, value: Optional[int]) -> None:
        self["Soft"] = value

    @property
    def hard(self) -> Optional[int]:
        return self.get("Hard")

    @hard.setter
    def hard(self, value: Optional[int]) -> None:
        self["Hard"] = value


class DeviceRequest(DictType):
    """A request for devices from a driver (e.g. GPUs):
    ``DeviceRequest(driver="nvidia", count=-1, capabilities=[["gpu"]])``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        driver = kwargs.get("driver", kwargs.get("Driver"))
        count = kwargs.get("count", kwargs.get("Count"))
        device_ids = kwargs.get("device_ids", kwargs.get("DeviceIDs"))
        capabilities = kwargs.get("capabilities", kwargs.get("Capabilities"))
        options = kwargs.get("options", kwargs.get("Options"))
        if driver is None:
            driver = ""
        elif not isinstance(driver, str):
            raise ValueError("DeviceRequest.driver must be a string")
        if count is None:
            count = 0
        elif not isinstance(count, int):
            raise ValueError("DeviceRequest.count must be an integer")
        if device_ids is None:
            device_ids = []
        elif not isinstance(device_ids, list):
            raise ValueError("DeviceRequest.device_ids must be a list")
        if capabilities is None:
            capabilities = []
        elif not isinstance(capabilities, list):
            raise ValueError("DeviceRequest.capabilities must be a list")
        if options is None:
            options = {}
        elif not isinstance(options, dict):
            raise ValueError("DeviceRequest.options must be a dict")
        self.update({"Driver": driver, "Count": count, "DeviceIDs": device_ids,
                     "Capabilities": capabilities, "Options": options})

    @property
    def driver(self) -> str:
        return self["Driver"]  # type: ignore[no-any-return]

    @driver.setter
    def driver(self, value: str) -> None:  # as docker-py: stored as given
        self["Driver"] = value

    @property
    def count(self) -> int:
        return self["Count"]  # type: ignore[no-any-return]

    @count.setter
    def count(self, value: int) -> None:  # as docker-py: stored as given
        self["Count"] = value

    @property
    def device_ids(self) -> List[str]:
        return self["DeviceIDs"]  # type: ignore[no-any-return]

    @device_ids.setter
    def device_ids(self, value: List[str]) -> None:  # as docker-py: stored as given
        self["DeviceIDs"] = value

    @property
    def capabilities(self) -> List[List[str]]:
        return self["Capabilities"]  # type: ignore[no-any-return]

    @capabilities.setter
    def capabilities(self, value: List[List[str]]) -> None:  # as docker-py: stored as given
        self["Capabilities"] = value

    @property
    def options(self) -> Dict[str, str]:
        return self["Options"]  # type: ignore[no-any-return]

    @options.setter
    def options(self, value: Dict[str, str]) -> None:  # as docker-py: stored as given
        self["Options"] = value


def host_config_type_error(param: str, param_value: Any, expected: str) -> TypeError:
    """The TypeError for a HostConfig argument of the wrong type."""
    return TypeError(f"Invalid type for {param} param: expected {expected} "
                     f"but found {type(param_value)}")


def host_config_version_error(param: str, version: str, less_than: bool = True
                              ) -> errors.InvalidVersion:
    """The InvalidVersion for a HostConfig argument the API version lacks
    (``less_than``: missing before ``version``; else removed after it)."""
    op = "<" if less_than else ">"
    return errors.InvalidVersion(f"{param} param is not supported in API versions {op} {version}")


def host_config_value_error(param: str, param_value: Any) -> ValueError:
    """The ValueError for a HostConfig argument with an invalid value."""
    return ValueError(f"Invalid value for {param} param: {param_value}")


def host_config_incompatible_error(param: str, param_value: Any,
                                   incompatible_param: str) -> errors.InvalidArgument:
    """The error for two HostConfig arguments that cannot go together."""
    return errors.InvalidArgument(
        f"\"{param_value}\" {param} is incompatible with {incompatible_param}")


def _need_int(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise host_config_type_error(name, value, "int")


def _need_list(name: str, value: Any) -> None:
    if not isinstance(value, list):
        raise host_config_type_error(name, value, "list")


# docker-py's own HostConfig version checks (argument, first API version, set
# when), raised while the host config is built, with its words, so a program
# that tries an option and falls back on InvalidVersion sees it there (the
# call mechanism's gates would refuse it only at create time). Those of
# _HOST_CONFIG_SINCE are checked where docker-py checks them, each before its
# argument's type; the older ones (below 1.24, the oldest API we speak, for a
# HostConfig built for such a version by hand) up front.
_HOST_CONFIG_GATES = (
    ("oom_score_adj", "1.22", bool), ("blkio_weight", "1.22", bool),
    ("blkio_weight_device", "1.22", bool), ("device_read_bps", "1.22", bool),
    ("device_write_bps", "1.22", bool), ("device_read_iops", "1.22", bool),
    ("device_write_iops", "1.22", bool), ("tmpfs", "1.22", bool),
    ("userns_mode", "1.23", bool), ("pids_limit", "1.23", bool), ("isolation", "1.24", bool),
    ("storage_opt", "1.24", lambda v: v is not None),
)
_HOST_CONFIG_SINCE = {
    "cpu_rt_period": "1.25", "cpu_rt_runtime": "1.25", "auto_remove": "1.25", "init": "1.25",
    "init_path": "1.25", "cpu_count": "1.25", "cpu_percent": "1.25", "nano_cpus": "1.25",
    "runtime": "1.25", "mounts": "1.30", "device_cgroup_rules": "1.28", "device_requests": "1.40",
}


def _host_config_gates(version: str, args: Dict[str, Any]) -> None:
    pid_mode = args.get("pid_mode")
    if pid_mode and version_lt(version, "1.24") and pid_mode != "host":
        raise host_config_value_error("pid_mode", pid_mode)
    for name, since, given in _HOST_CONFIG_GATES:
        if given(args.get(name)) and version_lt(version, since):
            raise host_config_version_error(name, since)


def _since(version: str, name: str) -> None:
    need = _HOST_CONFIG_SINCE[name]
    if version_lt(version, need):
        raise host_config_version_error(name, need)


class HostConfig(DictType):
    """A container's host configuration (``HostConfig`` of the create body),
    built from docker-py's arguments; ``APIClient.create_host_config()``
    fills in ``version``.

    Conversions: ``binds`` (dict or list), ``port_bindings``
    (``{8080: 80, "53/udp": ("127.0.0.1", 53)}``), ``devices``
    (``"/dev/a:/dev/b:rwm"``), ``tmpfs`` (list or dict), ``extra_hosts``
    (dict), ``links`` (dict), memory sizes (``"512m"``), ``ulimits`` /
    ``log_config`` / ``device_requests`` from dicts.

    Beyond docker-py, the API's remaining fields: ``kernel_memory_tcp``,
    ``io_maximum_iops``, ``io_maximum_bandwidth``, ``container_id_file``,
    ``console_size`` (``(height, width)``), ``annotations`` (API >= 1.43),
    ``cgroup``, ``masked_paths``, ``readonly_paths``.
    """

    def __init__(self, version: str, binds: Any = None, port_bindings: Any = None,
                 lxc_conf: Any = None, publish_all_ports: bool = False, links: Any = None,
                 privileged: bool = False, dns: Optional[List[str]] = None,
                 dns_search: Optional[List[str]] = None, volumes_from: Any = None,
                 network_mode: Optional[str] = None,
                 restart_policy: Optional[Dict[str, Any]] = None,
                 cap_add: Optional[List[str]] = None, cap_drop: Optional[List[str]] = None,
                 devices: Any = None, extra_hosts: Any = None,
                 read_only: Optional[bool] = None, pid_mode: Optional[str] = None,
                 ipc_mode: Optional[str] = None, security_opt: Optional[List[str]] = None,
                 ulimits: Optional[List[Any]] = None, log_config: Any = None,
                 mem_limit: Any = None, memswap_limit: Any = None, mem_reservation: Any = None,
                 kernel_memory: Any = None, mem_swappiness: Optional[int] = None,
                 cgroup_parent: Optional[str] = None, group_add: Optional[List[Any]] = None,
                 cpu_quota: Optional[int] = None, cpu_period: Optional[int] = None,
                 blkio_weight: Optional[int] = None, blkio_weight_device: Any = None,
                 device_read_bps: Any = None, device_write_bps: Any = None,
                 device_read_iops: Any = None, device_write_iops: Any = None,
                 oom_kill_disable: bool = False, shm_size: Any = None,
                 sysctls: Optional[Dict[str, Any]] = None, tmpfs: Any = None,
                 oom_score_adj: Optional[int] = None, dns_opt: Optional[List[str]] = None,
                 cpu_shares: Optional[int] = None, cpuset_cpus: Optional[str] = None,
                 userns_mode: Optional[str] = None, uts_mode: Optional[str] = None,
                 pids_limit: Optional[int] = None, isolation: Optional[str] = None,
                 auto_remove: bool = False, storage_opt: Optional[Dict[str, str]] = None,
                 init: Optional[bool] = None, init_path: Optional[str] = None,
                 volume_driver: Optional[str] = None, cpu_count: Optional[int] = None,
                 cpu_percent: Optional[int] = None, nano_cpus: Optional[int] = None,
                 cpuset_mems: Optional[str] = None, runtime: Optional[str] = None,
                 mounts: Optional[List[Any]] = None, cpu_rt_period: Optional[int] = None,
                 cpu_rt_runtime: Optional[int] = None,
                 device_cgroup_rules: Optional[List[str]] = None,
                 device_requests: Optional[List[Any]] = None, cgroupns: Optional[str] = None,
                 *, kernel_memory_tcp: Any = None, io_maximum_iops: Optional[int] = None,
                 io_maximum_bandwidth: Optional[int] = None,
                 container_id_file: Optional[str] = None,
                 console_size: Optional[Any] = None,
                 annotations: Optional[Dict[str, str]] = None, cgroup: Optional[str] = None,
                 masked_paths: Optional[List[str]] = None,
                 readonly_paths: Optional[List[str]] = None) -> None:
        super().__init__()
        if isinstance(version, str):
            # docker-py's version gates of HostConfig, with its words (a
            # program falls back on InvalidVersion when it builds the object)
            _host_config_gates(version, locals())
        if mem_limit is not None:
            self["Memory"] = parse_bytes(mem_limit)
        if memswap_limit is not None:
            self["MemorySwap"] = parse_bytes(memswap_limit)
        if mem_reservation:
            self["MemoryReservation"] = parse_bytes(mem_reservation)
        if kernel_memory:
            self["KernelMemory"] = parse_bytes(kernel_memory)
        if kernel_memory_tcp:
            self["KernelMemoryTCP"] = parse_bytes(kernel_memory_tcp)
        if mem_swappiness is not None:
            _need_int("mem_swappiness", mem_swappiness)
            self["MemorySwappiness"] = mem_swappiness
        if shm_size is not None:
            self["ShmSize"] = parse_bytes(shm_size) if isinstance(shm_size, str) else shm_size
        if pid_mode:
            self["PidMode"] = pid_mode
        if ipc_mode:
            self["IpcMode"] = ipc_mode
        if privileged:
            self["Privileged"] = privileged
        if oom_kill_disable:
            self["OomKillDisable"] = oom_kill_disable
        if oom_score_adj:
            _need_int("oom_score_adj", oom_score_adj)
            self["OomScoreAdj"] = oom_score_adj
        if publish_all_ports:
            self["PublishAllPorts"] = publish_all_ports
        if read_only is not None:
            self["ReadonlyRootfs"] = read_only
        if dns_search:
            self["DnsSearch"] = dns_search
        if network_mode == "host" and port_bindings:
            raise errors.InvalidArgument('"host" network_mode is incompatible with port_bindings')
        self["NetworkMode"] = network_mode or "default"
        if restart_policy:
            if not isinstance(restart_policy, dict):
                raise host_config_type_error("restart_policy", restart_policy, "dict")
            name = restart_policy.get("Name", "")
            if name not in _RESTART_NAMES:
                # docker-py sends it; the engine answers 400
                raise errors.refused_as_engine(errors.InvalidArgument(
                    f"invalid restart policy name {name!r}: one of {', '.join(_RESTART_NAMES[1:])}"), 400)
            self["RestartPolicy"] = restart_policy
        if cap_add:
            self["CapAdd"] = cap_add
        if cap_drop:
            self["CapDrop"] = cap_drop
        if devices:
            self["Devices"] = parse_devices(devices)
        if group_add:
            self["GroupAdd"] = [str(g) for g in group_add]
        if dns is not None:
            self["Dns"] = dns
        if dns_opt is not None:
            self["DnsOptions"] = dns_opt
        if security_opt is not None:
            _need_list("security_opt", security_opt)
            self["SecurityOpt"] = security_opt
        if sysctls:
            if not isinstance(sysctls, dict):
                raise host_config_type_error("sysctls", sysctls, "dict")
            self["Sysctls"] = {k: str(v) for k, v in sysctls.items()}
        if volumes_from is not None:
            if isinstance(volumes_from, str):
                volumes_from = volumes_from.split(",")
            self["VolumesFrom"] = volumes_from
        if binds is not None:
            self["Binds"] = convert_volume_binds(binds)
        if port_bindings is not None:
            self["PortBindings"] = convert_port_bindings(port_bindings)
        if extra_hosts is not None:
            if isinstance(extra_hosts, dict):
                extra_hosts = format_extra_hosts(extra_hosts)
            self["ExtraHosts"] = extra_hosts
        if links is not None:
            self["Links"] = normalize_links(links)
        if isinstance(lxc_conf, dict):
            lxc_conf = [{"Key": k, "Value": str(v)} for k, v in lxc_conf.items()]
        if lxc_conf is not None:
            self["LxcConf"] = lxc_conf
        if cgroup_parent is not None:
            self["CgroupParent"] = cgroup_parent
        if ulimits is not None:
            _need_list("ulimits", ulimits)
            self["Ulimits"] = [u if isinstance(u, Ulimit) else Ulimit(**u) for u in ulimits]
        if log_config is not None:
            if not isinstance(log_config, LogConfig):
                if not isinstance(log_config, dict):
                    raise host_config_type_error("log_config", log_config, "LogConfig")
                log_config = LogConfig(**log_config)
            self["LogConfig"] = log_config
        # CPURealtime*: docker-py's spelling (the engine reads JSON keys
        # case-insensitively; so do the call mechanism's gates)
        for key, name, val in (("CpuQuota", "cpu_quota", cpu_quota),
                               ("CpuPeriod", "cpu_period", cpu_period),
                               ("CpuShares", "cpu_shares", cpu_shares),
                               # docker-py's spelling (the engine reads keys
                               # case-insensitively; programs read it back)
                               ("CPURealtimePeriod", "cpu_rt_period", cpu_rt_period),
                               ("CPURealtimeRuntime", "cpu_rt_runtime", cpu_rt_runtime),
                               ("BlkioWeight", "blkio_weight", blkio_weight),
                               ("PidsLimit", "pids_limit", pids_limit),
                               ("CpuCount", "cpu_count", cpu_count),
                               ("CpuPercent", "cpu_percent", cpu_percent),
                               ("NanoCpus", "nano_cpus", nano_cpus),
                               ("IOMaximumIOps", "io_maximum_iops", io_maximum_iops),
                               ("IOMaximumBandwidth", "io_maximum_bandwidth",
                                io_maximum_bandwidth)):
            if val:
                if name in ("cpu_rt_period", "cpu_rt_runtime"):
                    _since(version, name)   # docker-py: the version, then the type
                _need_int(name, val)
                if name in ("cpu_count", "cpu_percent", "nano_cpus"):
                    _since(version, name)
                self[key] = val
        if cpuset_cpus:
            if not isinstance(cpuset_cpus, str):
                raise host_config_type_error("cpuset_cpus", cpuset_cpus, "str")
            self["CpusetCpus"] = cpuset_cpus
        if cpuset_mems:
            if not isinstance(cpuset_mems, str):
                raise host_config_type_error("cpuset_mems", cpuset_mems, "str")
            self["CpusetMems"] = cpuset_mems
        for key, name, val in (("BlkioWeightDevice", "blkio_weight_device", blkio_weight_device),
                               ("BlkioDeviceReadBps", "device_read_bps", device_read_bps),
                               ("BlkioDeviceWriteBps", "device_write_bps", device_write_bps),
                               ("BlkioDeviceReadIOps", "device_read_iops", device_read_iops),
                               ("BlkioDeviceWriteIOps", "device_write_iops", device_write_iops)):
            if val:
                _need_list(name, val)
                self[key] = val
        if tmpfs:
            self["Tmpfs"] = convert_tmpfs_mounts(tmpfs)
        if userns_mode:
            if userns_mode != "host":
                raise host_config_value_error("userns_mode", userns_mode)
            self["UsernsMode"] = userns_mode
        if uts_mode:
            if uts_mode != "host":
                raise host_config_value_error("uts_mode", uts_mode)
            self["UTSMode"] = uts_mode
        if isolation:
            if not isinstance(isolation, str):
                raise host_config_type_error("isolation", isolation, "string")
            self["Isolation"] = isolation
        if auto_remove:
            _since(version, "auto_remove")
            self["AutoRemove"] = auto_remove
        if storage_opt is not None:
            self["StorageOpt"] = storage_opt
        if init is not None:
            _since(version, "init")
            self["Init"] = init
        if init_path is not None:
            _since(version, "init_path")
            if version_gte(version, "1.29"):
                raise host_config_version_error("init_path", "1.29", False)
            self["InitPath"] = init_path
        if volume_driver is not None:
            self["VolumeDriver"] = volume_driver
        if runtime:
            _since(version, "runtime")
            self["Runtime"] = runtime
        if mounts is not None:
            _since(version, "mounts")
            self["Mounts"] = mounts
        if device_cgroup_rules is not None:
            _since(version, "device_cgroup_rules")
            _need_list("device_cgroup_rules", device_cgroup_rules)
            self["DeviceCgroupRules"] = device_cgroup_rules
        if device_requests is not None:
            _since(version, "device_requests")
            _need_list("device_requests", device_requests)
            self["DeviceRequests"] = [r if isinstance(r, DeviceRequest) else DeviceRequest(**r)
                                      for r in device_requests]
        if cgroupns:
            self["CgroupnsMode"] = cgroupns
        if container_id_file is not None:
            self["ContainerIDFile"] = container_id_file
        if console_size is not None:
            if (not isinstance(console_size, (list, tuple)) or len(console_size) != 2
                    or not all(isinstance(x, int) and x >= 0 for x in console_size)):
                raise errors.InvalidArgument("console_size must be (height, width), two ints >= 0")
            self["ConsoleSize"] = list(console_size)
        if annotations is not None:
            if version_lt(version, "1.43"):
                raise host_config_version_error("annotations", "1.43")
            if not isinstance(annotations, dict):
                raise host_config_type_error("annotations", annotations, "dict")
            self["Annotations"] = annotations
        if cgroup is not None:
            self["Cgroup"] = cgroup
        if masked_paths is not None:
            _need_list("masked_paths", masked_paths)
            self["MaskedPaths"] = masked_paths
        if readonly_paths is not None:
            _need_list("readonly_paths", readonly_paths)
            self["ReadonlyPaths"] = readonly_paths


class ContainerConfig(DictType):
    """The create body's container fields (docker-py's ``ContainerConfig``).

    ``command``/``entrypoint`` strings are split like a shell would,
    ``environment`` may be a dict, ``labels`` a list, ``ports`` a list of
    ports or ``(port, proto)`` tuples, ``volumes`` a list of paths. Without
    ``detach``, stdout/stderr (and stdin with ``stdin_open``) are attached.

    Beyond docker-py: ``shell`` (for the image's shell-form commands),
    ``on_build``, ``args_escaped``.
    """

    def __init__(self, version: str, image: str, command: Any, hostname: Optional[str] = None,
                 user: Any = None, detach: bool = False, stdin_open: bool = False,
                 tty: bool = False, ports: Any = None, environment: Any = None,
                 volumes: Any = None, network_disabled: bool = False, entrypoint: Any = None,
                 working_dir: Optional[str] = None, domainname: Optional[str] = None,
                 host_config: Optional[Dict[str, Any]] = None,
                 mac_address: Optional[str] = None, labels: Any = None,
                 stop_signal: Optional[str] = None,
                 networking_config: Optional[Dict[str, Any]] = None,
                 healthcheck: Optional[Dict[str, Any]] = None,
                 stop_timeout: Optional[int] = None, runtime: Optional[str] = None,
                 *, shell: Optional[List[str]] = None, on_build: Optional[List[str]] = None,
                 args_escaped: Optional[bool] = None) -> None:
        super().__init__()
        if isinstance(version, str):  # docker-py's gates, in its words
            if stop_timeout is not None and version_lt(version, "1.25"):
                raise errors.InvalidVersion("stop_timeout was only introduced in API version 1.25")
            if healthcheck is not None:
                if version_lt(version, "1.24"):
                    raise errors.InvalidVersion(
                        "Health options were only introduced in API version 1.24")
                if version_lt(version, "1.29") and "StartPeriod" in healthcheck:
                    raise errors.InvalidVersion(
                        "healthcheck start period was introduced in API version 1.29")
        if healthcheck is not None:
            if isinstance(healthcheck, dict) and not isinstance(healthcheck, Healthcheck):
                healthcheck = Healthcheck(**healthcheck)
            if healthcheck.get("StartInterval") is not None and version_lt(version, "1.44"):
                raise errors.InvalidVersion(
                    "healthcheck start interval was introduced in API version 1.44")
        if isinstance(command, str):
            command = split_command(command)
        if isinstance(entrypoint, str):
            entrypoint = split_command(entrypoint)
        if isinstance(environment, dict):
            environment = format_environment(environment)
        if isinstance(labels, list):
            labels = {lbl: "" for lbl in labels}
        if isinstance(ports, list):
            exposed: Dict[str, Dict[str, Any]] = {}
            for p in ports:
                port, proto = p, "tcp"
                if isinstance(p, tuple):
                    if len(p) == 2:
                        proto = p[1]
                    port = p[0]
                exposed[f"{port}/{proto}"] = {}
            ports = exposed
        if isinstance(volumes, str):
            volumes = [volumes]
        if isinstance(volumes, list):
            volumes = {v: {} for v in volumes}
        attach_stdin = attach_stdout = attach_stderr = stdin_once = False
        if not detach:
            attach_stdout = attach_stderr = True
            if stdin_open:
                attach_stdin = stdin_once = True
        self.update({
            "Hostname": hostname,
            "Domainname": domainname,
            "ExposedPorts": ports,
            "User": str(user) if user is not None else None,
            "Tty": tty,
            "OpenStdin": stdin_open,
            "StdinOnce": stdin_once,
            "AttachStdin": attach_stdin,
            "AttachStdout": attach_stdout,
            "AttachStderr": attach_stderr,
            "Env": environment,
            "Cmd": command,
            "Image": image,
            "Volumes": volumes,
            "NetworkDisabled": network_disabled,
            "Entrypoint": entrypoint,
            "WorkingDir": working_dir,
            "HostConfig": host_config,
            "NetworkingConfig": networking_config,
            "MacAddress": mac_address,
            "Labels": labels,
            "StopSignal": stop_signal,
            "Healthcheck": healthcheck,
            "StopTimeout": stop_timeout,
            "Runtime": runtime,
        })
        if shell is not None:
            self["Shell"] = shell
        if on_build is not None:
            self["OnBuild"] = on_build
        if args_escaped is not None:
            self["ArgsEscaped"] = args_escaped


class EndpointConfig(DictType):
    """A container's settings on one network, for
    :class:`NetworkingConfig` (and network connect).

    Beyond docker-py: ``gw_priority`` (API >= 1.48).
    """

    def __init__(self, version: str, aliases: Optional[List[str]] = None, links: Any = None,
                 ipv4_address: Optional[str] = None, ipv6_address: Optional[str] = None,
                 link_local_ips: Optional[List[str]] = None,
                 driver_opt: Optional[Dict[str, str]] = None,
                 mac_address: Optional[str] = None, *,
                 gw_priority: Optional[int] = None) -> None:
        super().__init__()
        # docker-py's version gates, checked in its order
        if version_lt(version, "1.22"):
            raise errors.InvalidVersion("Endpoint config is not supported for API version < 1.22")
        if aliases:
            self["Aliases"] = aliases
        if links:
            self["Links"] = normalize_links(links)
        ipam: Dict[str, Any] = {}
        if ipv4_address:
            ipam["IPv4Address"] = ipv4_address
        if ipv6_address:
            ipam["IPv6Address"] = ipv6_address
        if mac_address:
            if version_lt(version, "1.25"):
                raise errors.InvalidVersion("mac_address is not supported for API version < 1.25")
            self["MacAddress"] = mac_address
        if link_local_ips is not None:
            if version_lt(version, "1.24"):
                raise errors.InvalidVersion(
                    "link_local_ips is not supported for API version < 1.24")
            ipam["LinkLocalIPs"] = link_local_ips
        if ipam:
            self["IPAMConfig"] = ipam
        if driver_opt:
            if version_lt(version, "1.32"):
                raise errors.InvalidVersion("DriverOpts is not supported for API version < 1.32")
            if not isinstance(driver_opt, dict):
                raise TypeError("driver_opt must be a dictionary")
            self["DriverOpts"] = driver_opt
        if gw_priority is not None:
            if version_lt(version, "1.48"):
                raise errors.InvalidVersion(
                    "gw_priority is not supported for API version < 1.48")
            self["GwPriority"] = gw_priority


class NetworkingConfig(DictType):
    """``{"EndpointsConfig": {network_name: EndpointConfig, ...}}``."""

    def __init__(self, endpoints_config: Optional[Dict[str, Any]] = None) -> None:
        super().__init__()
        if endpoints_config:
            self["EndpointsConfig"] = endpoints_config


__all__ = ["LogConfig", "Ulimit", "DeviceRequest", "HostConfig", "ContainerConfig",
           "EndpointConfig", "NetworkingConfig"]
