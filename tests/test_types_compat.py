"""``clibdocker.types`` against docker-py's ``docker.types`` (no engine):
the module layout (``base``, ``daemon``), the DictType base, Mount's
positional order, the host_config_* error helpers, and CancellableStream."""
from __future__ import annotations

import inspect

import docker.types as dpy
import docker.types.containers as dpy_containers
import docker.types.services as dpy_services
import docker.errors as dpy_errors
import pytest

import clibdocker
from clibdocker import errors, types as ct
from clibdocker.types import base, containers, daemon, healthcheck, networks, services, swarm

ALL_TYPES = [n for n in ct.__all__ if n != "CancellableStream"]


@pytest.mark.parametrize("name", ALL_TYPES)
def test_every_type_is_a_dict_type(name):
    cls = getattr(ct, name)
    assert issubclass(cls, base.DictType) and issubclass(cls, dict)
    # docker-py's are dicts too (some through its DictType)
    assert issubclass(getattr(dpy, name), dict)


def test_dict_type_takes_a_mapping():
    d = base.DictType({"A": 1, "B": [2]})
    assert d == {"A": 1, "B": [2]} and dict(dpy.base.DictType({"A": 1, "B": [2]})) == d
    assert base.DictType() == {}
    assert containers.DictType is base.DictType and healthcheck.DictType is base.DictType


def test_module_names_as_docker_py():
    assert networks.NetworkingConfig is ct.NetworkingConfig
    assert services.IS_WINDOWS_PLATFORM is False
    assert callable(services.check_resource)
    assert swarm.InvalidVersion is errors.InvalidVersion
    assert daemon.DockerException is errors.DockerException
    assert ct.CancellableStream is daemon.CancellableStream
    assert containers.LogConfigTypesEnum.JSON == dpy_containers.LogConfigTypesEnum.JSON
    assert services.RestartConditionTypesEnum.ON_FAILURE == \
        dpy_services.RestartConditionTypesEnum.ON_FAILURE
    ports = {8080: 80, "53/udp": (53, "udp")}
    assert services.convert_service_ports(dict(ports)) == \
        dpy_services.convert_service_ports(dict(ports))


def test_mount_positional_order_as_docker_py_7_2():
    names = list(inspect.signature(ct.Mount).parameters)
    assert names[:12] == list(inspect.signature(dpy.Mount).parameters)
    args = ("/data", "vol", "volume", True, "cached", None, True, {"l": "v"},
            ct.DriverConfig("local", {"o": "x"}), None, None, "sub/dir")
    dargs = args[:8] + (dpy.DriverConfig("local", {"o": "x"}),) + args[9:]
    assert dict(ct.Mount(*args)) == dict(dpy.Mount(*dargs))
    tmpfs = ("/t", None, "tmpfs", False, None, None, False, None, None, "64m", 0o1777)
    assert dict(ct.Mount(*tmpfs)) == dict(dpy.Mount(*tmpfs))
    with pytest.raises(errors.InvalidArgument):
        ct.Mount("/t", "/host", "bind", subpath="x")


def test_mount_without_target_is_built_as_docker_py():
    """docker-py's Mount keeps a None / empty target (the engine refuses it
    on create, 400 "field Target must not be empty"); clibdocker's raised
    InvalidArgument at construction (found by a pu01 probe; the engine's
    refusal: test_models_compat)."""
    for target in (None, ""):
        for kw in ({}, {"type": "tmpfs", "source": None, "tmpfs_size": "1m"},
                   {"type": "bind", "source": "/tmp", "read_only": True}):
            kw = dict({"source": "vol"}, **kw)
            assert dict(ct.Mount(target, **kw)) == dict(dpy.Mount(target, **kw))


@pytest.mark.parametrize("fn,args", [
    ("host_config_type_error", ("mem_limit", [1], "int")),
    ("host_config_value_error", ("uts_mode", "bogus")),
    ("host_config_version_error", ("init_path", "1.29", False)),
    ("host_config_version_error", ("annotations", "1.43")),
    ("host_config_incompatible_error", ("network_mode", "host", "port_bindings")),
])
def test_host_config_errors_as_docker_py(fn, args):
    ours = getattr(containers, fn)(*args)
    theirs = getattr(dpy_containers, fn)(*args)
    assert str(ours) == str(theirs)
    assert type(ours).__name__ == type(theirs).__name__
    # same keyword names
    assert list(inspect.signature(getattr(containers, fn)).parameters) == \
        list(inspect.signature(getattr(dpy_containers, fn)).parameters)


def test_host_config_every_option_gives_docker_py_s_dict():
    """Every HostConfig option docker-py 7.2 takes, set at once: the same
    dict, key for key (docker-py's unit tests found CpuRealtimePeriod /
    CpuRealtimeRuntime where docker-py writes CPURealtime*; the engine reads
    either, a program reading the dict back does not)."""
    mount = dict(target="/t", source="v")
    vals = dict(
        binds={"/a": {"bind": "/b", "mode": "ro"}}, port_bindings={80: 8080},
        publish_all_ports=True, links={"a": "b"}, privileged=True, dns=["1.1.1.1"],
        dns_search=["x"], volumes_from=["c"], network_mode="bridge",
        restart_policy={"Name": "always"}, cap_add=["X"], cap_drop=["Y"],
        devices=["/dev/null:/dev/null:rwm"], extra_hosts={"h": "1.2.3.4"}, read_only=True,
        pid_mode="host", ipc_mode="host", security_opt=["a"],
        ulimits=[{"Name": "nofile", "Soft": 1, "Hard": 2}], log_config={"Type": "json-file"},
        mem_limit="1g", memswap_limit="2g", mem_reservation="512m", kernel_memory="10m",
        mem_swappiness=10, cgroup_parent="cg", group_add=["1"], cpu_quota=1000,
        cpu_period=1000, blkio_weight=10, blkio_weight_device=[{"Path": "/dev/sda", "Weight": 10}],
        device_read_bps=[{"Path": "/dev/sda", "Rate": 1}],
        device_write_bps=[{"Path": "/dev/sda", "Rate": 1}],
        device_read_iops=[{"Path": "/dev/sda", "Rate": 1}],
        device_write_iops=[{"Path": "/dev/sda", "Rate": 1}], oom_kill_disable=True,
        shm_size="64m", sysctls={"a": "b"}, tmpfs=["/t:size=1m"], oom_score_adj=5,
        dns_opt=["x"], cpu_shares=10, cpuset_cpus="0", userns_mode="host", uts_mode="host",
        pids_limit=10, isolation="default", auto_remove=True, storage_opt={"size": "1G"},
        init=True, volume_driver="local", cpu_count=1, cpu_percent=10, nano_cpus=1000,
        cpuset_mems="0", runtime="runc", cpu_rt_period=1000, cpu_rt_runtime=100,
        device_cgroup_rules=["c 1:1 rwm"], cgroupns="private")
    params = set(inspect.signature(dpy_containers.HostConfig.__init__).parameters)
    assert params - set(vals) == {"self", "version", "lxc_conf", "mounts", "init_path",
                                  "device_requests"}   # set below / refused at 1.41
    theirs = dpy.HostConfig("1.41", lxc_conf={"a": "b"}, mounts=[dpy.Mount(**mount)],
                            device_requests=[dpy.DeviceRequest(count=1)], **vals)
    ours = ct.HostConfig("1.41", lxc_conf={"a": "b"}, mounts=[ct.Mount(**mount)],
                         device_requests=[ct.DeviceRequest(count=1)], **vals)
    assert dict(ours) == dict(theirs)
    assert ours["CPURealtimePeriod"] == 1000 and ours["CPURealtimeRuntime"] == 100


def test_references_take_create_results():
    """docker-py's check_resource: create_secret()/create_config()'s dict
    (``{"ID": ...}``) is as good as the ID."""
    for ours, theirs in ((ct.SecretReference({"ID": "sid1"}, "s"),
                          dpy.SecretReference({"ID": "sid1"}, "s")),
                         (ct.ConfigReference({"Id": "cid1"}, "c", "/f"),
                          dpy.ConfigReference({"Id": "cid1"}, "c", "/f")),
                         (ct.SecretReference(secret_id="sid2", secret_name="s"),
                          dpy.SecretReference(secret_id="sid2", secret_name="s"))):
        assert dict(ours) == dict(theirs)
    assert ct.SecretReference({"ID": "x"}, "s")["SecretID"] == "x"
    with pytest.raises(errors.NullResource):
        ct.SecretReference({}, "s")
    with pytest.raises(errors.NullResource):
        ct.ConfigReference(None, "c")  # type: ignore[arg-type]


class _Response:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_cancellable_stream_wraps_an_iterator():
    resp = _Response()
    s = daemon.CancellableStream(iter([b"a", b"b", b"c"]), resp)
    assert next(s) == b"a" and s.next() == b"b"
    s.close()
    assert resp.closed
    assert list(s) == []
    with daemon.CancellableStream([1, 2], None) as s2:
        assert list(s2) == [1, 2]


def test_our_streams_are_cancellable_streams():
    from clibdocker.stream import CancellableStream, FrameStream, RawStream
    for cls in (CancellableStream, FrameStream, RawStream):
        assert issubclass(cls, ct.CancellableStream)
    assert not isinstance([], ct.CancellableStream)
    assert not issubclass(list, ct.CancellableStream)


def test_api_modules_bind_docker_py_names():
    from clibdocker.api import container, exec_api, network, swarm as api_swarm
    assert container.HostConfig is ct.HostConfig
    assert container.ContainerConfig is ct.ContainerConfig
    assert container.EndpointConfig is ct.EndpointConfig
    assert container.NetworkingConfig is ct.NetworkingConfig
    assert container.CancellableStream is ct.CancellableStream
    assert container.DEFAULT_DATA_CHUNK_SIZE == 2 * 1024 * 1024
    assert exec_api.CancellableStream is ct.CancellableStream
    assert network.InvalidVersion is errors.InvalidVersion
    assert callable(network.check_resource) and callable(network.minimum_version)
    assert api_swarm.log.name == "clibdocker.api.swarm"
    with pytest.raises(AttributeError):
        container.NoSuchName  # noqa: B018


def test_container_mixin_has_the_io_methods():
    from clibdocker.api.container import ContainerApiMixin
    from clibdocker.api.service import ServiceApiMixin
    for m in ("attach", "attach_socket", "commit", "export", "get_archive", "logs",
              "put_archive", "stats"):
        assert callable(getattr(ContainerApiMixin, m)), m
    assert callable(ServiceApiMixin.service_logs)
    mro = clibdocker.APIClient.__mro__
    names = [k.__name__ for k in mro]
    assert names.index("ContainerApiMixin") < names.index("ContainerIOMixin")
    assert len(set(mro)) == len(mro)


@pytest.mark.parametrize("name,args,kwargs", [
    ("HostConfig", ("1.41",), dict(
        binds={"/host": {"bind": "/c", "mode": "ro"}, "vol": "/v"},
        port_bindings={80: 8080, "53/udp": ("127.0.0.1", 53), 22: None, 90: [9000, 9001]},
        lxc_conf=None, publish_all_ports=True, links={"db": "database"}, privileged=True,
        dns=["1.1.1.1"], dns_search=["x"], volumes_from=["other"], network_mode="bridge",
        restart_policy={"Name": "on-failure", "MaximumRetryCount": 3}, cap_add=["NET_ADMIN"],
        cap_drop=["MKNOD"], devices=["/dev/null:/dev/xnull:rwm"], extra_hosts={"h": "1.2.3.4"},
        read_only=True, pid_mode="host", ipc_mode="private", security_opt=["no-new-privileges"],
        ulimits=[{"Name": "nofile", "Soft": 1024, "Hard": 2048}],
        log_config={"Type": "json-file", "Config": {"max-size": "1m"}},
        mem_limit="512m", memswap_limit="1g", mem_reservation="256m", mem_swappiness=10,
        cgroup_parent="/x", group_add=["audio"], cpu_quota=50000, cpu_period=100000,
        blkio_weight=500, shm_size="64m", oom_kill_disable=False, oom_score_adj=100,
        tmpfs={"/run": "size=64m"}, sysctls={"net.core.somaxconn": "1024"}, pids_limit=100,
        isolation="default", auto_remove=True, storage_opt={"size": "1G"}, init=True,
        cpu_count=None, nano_cpus=500000000, cpuset_cpus="0", cpuset_mems="0",
        cpu_shares=512, runtime="runc", userns_mode="host", uts_mode="host",
        mounts=[{"Type": "tmpfs", "Target": "/m"}], device_cgroup_rules=["c 1:3 mr"],
        device_requests=[{"Driver": "nvidia", "Count": -1, "Capabilities": [["gpu"]]}],
        volume_driver="local", kernel_memory="10m", cgroupns="private")),
    ("HostConfig", ("1.41",), dict(network_mode="container:x", restart_policy={"Name": "always"})),
    ("ContainerConfig", ("1.41", "img", ["echo", "hi"]), dict(
        hostname="h", user="u", detach=True, stdin_open=True, tty=True, ports=[80, "53/udp"],
        environment=["A=1"], volumes=["/data"], network_disabled=False, entrypoint="sh -c",
        working_dir="/w", domainname="d", labels={"a": "b"}, stop_signal="SIGINT",
        healthcheck={"test": ["CMD", "true"], "interval": 10 ** 9}, stop_timeout=5,
        runtime="runc", mac_address="02:42:ac:11:00:02")),
    ("ContainerConfig", ("1.41", "img", "echo hi"), dict(labels=["x", "y"], user=1000)),
    ("EndpointConfig", ("1.41",), dict(aliases=["a"], links={"b": "c"},
                                       ipv4_address="10.0.0.2", ipv6_address=None,
                                       link_local_ips=["169.254.1.1"], driver_opt={"o": "v"},
                                       mac_address=None)),
    ("NetworkingConfig", ({"net": {"Aliases": ["x"]}},), {}),
    ("IPAMConfig", (), dict(driver="default", pool_configs=[{"Subnet": "10.9.0.0/16"}],
                            options={"o": "v"})),
    ("IPAMPool", (), dict(subnet="10.9.0.0/16", iprange="10.9.1.0/24", gateway="10.9.0.1",
                          aux_addresses={"a": "10.9.0.2"})),
    ("LogConfig", (), dict(type="syslog", config={"tag": "x"})),
    ("Ulimit", (), dict(name="nofile", soft=1, hard=2)),
    ("DeviceRequest", (), dict(driver="nvidia", count=1, device_ids=["0"],
                               capabilities=[["gpu"]], options={"o": "v"})),
    ("Healthcheck", (), dict(test="curl x", interval=10 ** 9, timeout=10 ** 9, retries=3,
                             start_period=10 ** 9)),
    ("RestartPolicy", (), dict(condition="on-failure", delay=5, max_attempts=3, window=10)),
    ("DriverConfig", ("local",), dict(options={"o": "v"})),
    ("Mount", ("/b", "/host", "bind"), dict(read_only=True, propagation="rshared")),
    ("PlacementPreference", ("spread", "node.labels.z"), {}),
    ("SwarmExternalCA", ("https://ca",), dict(protocol="cfssl", options={"o": "v"},
                                             ca_cert="C")),
])
def test_container_and_network_types_same_json_as_docker_py(name, args, kwargs):
    ours = getattr(ct, name)(*args, **kwargs)
    theirs = getattr(dpy, name)(*args, **kwargs)
    assert dict(ours) == dict(theirs)


@pytest.mark.parametrize("name,kwargs", [
    ("HostConfig", dict(network_mode="host", port_bindings={80: 80})),
    ("HostConfig", dict(mem_swappiness="x")),
    ("HostConfig", dict(userns_mode="bogus")),
    ("HostConfig", dict(cpu_period="x")),
    ("HostConfig", dict(init_path="/x")),
    ("HostConfig", dict(isolation=1)),
    ("HostConfig", dict(ulimits="x")),
])
def test_host_config_refusals_like_docker_py(name, kwargs):
    ours = theirs = None
    try:
        getattr(ct, name)("1.41", **kwargs)
    except Exception as e:  # noqa: BLE001
        ours = e
    try:
        getattr(dpy, name)("1.41", **kwargs)
    except Exception as e:  # noqa: BLE001
        theirs = e
    assert ours is not None and theirs is not None, (ours, theirs)
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("version,kwargs", [
    ("1.21", dict(aliases=["x"])),
    ("1.21", {}),
    ("1.24", dict(mac_address="02:42:ac:11:00:02")),
    ("1.23", dict(link_local_ips=["169.254.1.1"])),
    ("1.23", dict(link_local_ips=[])),
    ("1.31", dict(driver_opt={"o": "v"})),
])
def test_endpoint_config_version_gates_like_docker_py(version, kwargs):
    """EndpointConfig refuses what the API version lacks with docker-py's
    InvalidVersion and message (a harness on an old engine asserts on it)."""
    with pytest.raises(clibdocker.errors.InvalidVersion) as ours:
        ct.EndpointConfig(version, **kwargs)
    with pytest.raises(dpy_errors.InvalidVersion) as theirs:
        dpy.EndpointConfig(version, **kwargs)
    assert str(ours.value) == str(theirs.value)
    # at the versions that have them, the same dict
    assert dict(ct.EndpointConfig("1.41", **kwargs)) == dict(dpy.EndpointConfig("1.41", **kwargs))


@pytest.mark.parametrize("name,args,kwargs", [
    ("HostConfig", ("1.29",), dict(mounts=[{"Type": "tmpfs", "Target": "/m"}])),
    ("HostConfig", ("1.39",), dict(device_requests=[{"Count": 1}])),
    ("HostConfig", ("1.27",), dict(device_cgroup_rules=["c 1:3 mr"])),
    ("HostConfig", ("1.24",), dict(auto_remove=True)),
    ("HostConfig", ("1.24",), dict(init=False)),
    ("HostConfig", ("1.24",), dict(init_path="/x")),
    ("HostConfig", ("1.24",), dict(nano_cpus=1000)),
    ("HostConfig", ("1.24",), dict(cpu_count=1)),
    ("HostConfig", ("1.24",), dict(cpu_percent=1)),
    ("HostConfig", ("1.24",), dict(runtime="runc")),
    ("HostConfig", ("1.24",), dict(cpu_rt_period=1000)),
    ("HostConfig", ("1.24",), dict(cpu_rt_runtime=1000)),
    ("HostConfig", ("1.23",), dict(isolation="default")),
    ("HostConfig", ("1.23",), dict(storage_opt={})),
    ("HostConfig", ("1.22",), dict(userns_mode="host")),
    ("HostConfig", ("1.22",), dict(pids_limit=5)),
    ("HostConfig", ("1.21",), dict(tmpfs=["/run"])),
    ("HostConfig", ("1.21",), dict(oom_score_adj=5)),
    ("HostConfig", ("1.21",), dict(blkio_weight=5)),
    ("HostConfig", ("1.21",), dict(device_read_bps=[{"Path": "/dev/sda", "Rate": 1}])),
    ("ContainerConfig", ("1.24", "img", None), dict(stop_timeout=1)),
    ("ContainerConfig", ("1.23", "img", None), dict(healthcheck={"test": ["NONE"]})),
    ("ContainerConfig", ("1.28", "img", None), dict(healthcheck={"StartPeriod": 1})),
    ("SwarmSpec", ("1.24",), dict(log_driver={"Name": "x"})),
    ("SwarmSpec", ("1.24",), dict(autolock_managers=False)),
    ("SwarmSpec", ("1.29",), dict(signing_ca_key="K")),
    ("SwarmSpec", ("1.29",), dict(signing_ca_cert="C")),
    ("SwarmSpec", ("1.29",), dict(ca_force_rotate=0)),
])
def test_type_version_gates_at_construction_like_docker_py(name, args, kwargs):
    """docker-py's types refuse what their API version lacks when they are
    built (a program falls back on InvalidVersion there, before any call):
    the same class and words; at 1.41 the same dict."""
    with pytest.raises(clibdocker.errors.InvalidVersion) as ours:
        getattr(ct, name)(*args, **kwargs)
    with pytest.raises(dpy_errors.InvalidVersion) as theirs:
        getattr(dpy, name)(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)
    if "init_path" not in kwargs:   # refused above 1.29 as well
        new = ("1.41",) + args[1:]
        assert dict(getattr(ct, name)(*new, **kwargs)) == dict(getattr(dpy, name)(*new, **kwargs))


def test_host_config_gates_through_create_host_config():
    c = clibdocker.APIClient(version="1.29")
    with pytest.raises(clibdocker.errors.InvalidVersion,
                       match=r"^mounts param is not supported in API versions < 1\.30$"):
        c.create_host_config(mounts=[{"Type": "tmpfs", "Target": "/m"}])
    c.close()


def test_realtime_cpu_keys_and_device_request_setters_as_docker_py():
    # below 1.24 only the host's pid namespace: docker-py's ValueError
    with pytest.raises(ValueError, match="Invalid value for pid_mode param: container:x"):
        ct.HostConfig("1.23", pid_mode="container:x")
    assert ct.HostConfig("1.23", pid_mode="host")["PidMode"] == "host"
    kw = dict(cpu_rt_period=1000, cpu_rt_runtime=950)
    assert dict(ct.HostConfig("1.41", **kw)) == dict(dpy.HostConfig("1.41", **kw))
    ours, theirs = ct.DeviceRequest(), dpy.DeviceRequest()
    for d in (ours, theirs):
        d.driver, d.count, d.device_ids = "cdi", 2, ["0"]
        d.capabilities, d.options = [["gpu"]], {"k": "v"}
    assert dict(ours) == dict(theirs) == {"Driver": "cdi", "Count": 2, "DeviceIDs": ["0"],
                                          "Capabilities": [["gpu"]], "Options": {"k": "v"}}


@pytest.mark.parametrize("version,kwargs", [
    ("1.24", dict(init=True)), ("1.24", dict(init_path="/x")), ("1.24", dict(auto_remove=True)),
    ("1.24", dict(cpu_rt_period=1)), ("1.24", dict(cpu_rt_runtime=1)), ("1.24", dict(cpu_count=1)),
    ("1.24", dict(cpu_percent=1)), ("1.24", dict(nano_cpus=1)), ("1.24", dict(runtime="runc")),
    ("1.29", dict(mounts=[{"Type": "tmpfs", "Target": "/m"}])), ("1.29", dict(mounts=[])),
    ("1.27", dict(device_cgroup_rules=["c 1:3 mr"])), ("1.39", dict(device_requests=[])),
    ("1.24", dict(cpu_rt_period="x")),  # docker-py: the version before the type
    ("1.30", dict(init_path="/x")),
])
def test_host_config_version_gates_like_docker_py(version, kwargs):
    """HostConfig refuses what the API version lacks while it is built, with
    docker-py's InvalidVersion and words (a program tries an option and falls
    back on InvalidVersion around create_host_config)."""
    with pytest.raises(clibdocker.errors.InvalidVersion) as ours:
        ct.HostConfig(version, **kwargs)
    with pytest.raises(dpy_errors.InvalidVersion) as theirs:
        dpy.HostConfig(version, **kwargs)
    assert str(ours.value) == str(theirs.value)
    ok = {k: v for k, v in kwargs.items() if k != "init_path" and v != "x"}
    assert dict(ct.HostConfig("1.41", **ok)) == dict(dpy.HostConfig("1.41", **ok))


def test_host_config_cpu_realtime_keys_and_create_gates_like_docker_py():
    """docker-py spells the realtime keys CPURealtimePeriod/CPURealtimeRuntime
    (the engine reads keys case-insensitively); stop_timeout and platform below
    their versions raise docker-py's InvalidVersion words."""
    kw = dict(cpu_rt_period=1000000, cpu_rt_runtime=1000, cpu_count=2, cpu_percent=5)
    assert dict(ct.HostConfig("1.41", **kw)) == dict(dpy.HostConfig("1.41", **kw))
    assert "CPURealtimePeriod" in ct.HostConfig("1.41", **kw)
    with pytest.raises(clibdocker.errors.InvalidVersion) as ours:
        ct.ContainerConfig("1.24", "img", "true", stop_timeout=3)
    with pytest.raises(dpy_errors.InvalidVersion) as theirs:
        dpy.ContainerConfig("1.24", "img", "true", stop_timeout=3)
    assert str(ours.value) == str(theirs.value)
    cd = clibdocker.APIClient(base_url="unix:///nonexistent.sock", version="1.40")
    dp = __import__("docker").APIClient(base_url="unix:///nonexistent.sock", version="1.40")
    try:
        with pytest.raises(clibdocker.errors.InvalidVersion) as ours:
            cd.create_container("img", "true", platform="linux/amd64")
        with pytest.raises(dpy_errors.InvalidVersion) as theirs:
            dp.create_container("img", "true", platform="linux/amd64")
        assert str(ours.value) == str(theirs.value)
    finally:
        cd.close()
        dp.close()


def test_subclassing_apiclient_keeps_a_consistent_mro():
    """Programs (Ansible) subclass APIClient: the container mixin and its I/O
    base sit in one consistent MRO, and every docker-py method is found."""
    class Sub(clibdocker.APIClient):
        pass
    names = [k.__name__ for k in Sub.__mro__]
    assert names.count("ContainerIOMixin") == 1
    for m in ("logs", "attach_socket", "commit", "service_logs", "exec_start", "stats"):
        assert callable(getattr(Sub, m))


def test_healthcheck_start_interval_dropped_for_docker_py_programs(tmp_path):
    """docker-py 7.2's Healthcheck keeps only the keys it knows and drops
    start_interval silently, so a program written for it that passes one
    creates its container on an engine older than API 1.44. Under the
    ``docker`` alias clibdocker drops it too (found by program pq04);
    clibdocker's own Healthcheck sends it (and refuses it below 1.44)."""
    import os
    import subprocess
    import sys
    assert "StartInterval" not in dpy.Healthcheck(test=["CMD", "true"], start_interval=5 * 10 ** 8)
    ours = ct.Healthcheck(test=["CMD", "true"], start_interval=5 * 10 ** 8)
    assert ours["StartInterval"] == 5 * 10 ** 8
    with pytest.raises(errors.InvalidVersion):
        containers.ContainerConfig("1.41", "busybox", None, healthcheck={"test": ["CMD", "true"],
                                                                         "start_interval": 1})
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import uuid, docker\n"
            "from docker.types import Healthcheck\n"
            "print(sorted(Healthcheck(test=['CMD', 'true'], StartInterval=1)))\n"
            "c = docker.DockerClient(base_url='unix:///var/run/docker.sock', version='1.41')\n"
            "x = c.containers.create('%s', 'true', labels={'clibdocker-test': '1'},\n"
            "    healthcheck={'test': ['CMD', 'true'], 'start_interval': 5 * 10 ** 8})\n"
            "try:\n    print(sorted(x.attrs['Config']['Healthcheck']))\n"
            "finally:\n    x.remove(force=True)\n") % ("clibdocker-test/busybox:latest",)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.join(root, "python"), os.environ.get("PYTHONPATH", "")]))
    prog = tmp_path / "prog.py"
    prog.write_text(code)
    outs = []
    for args in ([str(prog)], ["-m", "clibdocker.compat", str(prog)]):
        proc = subprocess.run([sys.executable, *args], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1] == ("['Interval', 'Retries', 'StartPeriod', 'Test', 'Timeout']\n"
                                  "['Test']\n")


def test_links_as_one_string_is_refused_as_docker_py_refuses_it():
    """``links="db:alias"`` (a str, not a list): docker-py fails with a
    ValueError unpacking it; clibdocker took the string apart letter by
    letter (``["a", "b"]`` for ``"ab"``). Now a ValueError naming it, in
    EndpointConfig and create_host_config alike (found by a pu02 probe)."""
    import docker
    for links in ("ab", "db:alias"):
        for make in (lambda m: m.types.EndpointConfig("1.41", links=links),
                     lambda m: m.APIClient(version="1.41").create_host_config(links=links)):
            with pytest.raises(ValueError):
                make(docker)
            with pytest.raises(ValueError, match="not a string"):
                make(clibdocker)
    # the documented extension stays: "name:alias" strings inside a list
    assert ct.EndpointConfig("1.41", links=["db:alias", ("web", "w")])["Links"] == ["db:alias", "web:w"]
