"""A deployment tool that builds its API payloads from docker.types and
prints them (dry-run mode) as dicts and JSON before sending them: direct
ContainerConfig / HostConfig / NetworkingConfig / EndpointConfig /
SwarmSpec / SwarmExternalCA / DriverConfig objects, the property setters of
LogConfig / Ulimit / DeviceRequest / Healthcheck, the ValueError / TypeError /
InvalidVersion / InvalidArgument they raise, then one container created
from the dry-run payload with the low-level client."""
import copy
import json
import os
import pickle
import uuid

import docker
from docker import errors, types
from docker.types import (ContainerConfig, DeviceRequest, DriverConfig, EndpointConfig, Healthcheck,
                          HostConfig, IPAMConfig, IPAMPool, LogConfig, Mount, NetworkingConfig,
                          RestartPolicy, SwarmExternalCA, SwarmSpec, Ulimit)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm03": tag}


def dump(label, obj):
    # how dry-run output is usually written: JSON with sorted keys and the
    # dict the tool would send
    print(label, type(obj).__name__, isinstance(obj, dict), json.dumps(obj, sort_keys=True))


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", json.dumps(r, sort_keys=True) if isinstance(r, dict) else r)
    except Exception as e:  # noqa: BLE001 - the dry run reports whatever comes
        kinds = [k for k in ("InvalidVersion", "InvalidArgument", "DockerException", "ValueError", "TypeError")
                 if any(c.__name__ == k for c in type(e).__mro__)]
        print(label, "!!", kinds[:1] + kinds[-1:], str(e))


# --- direct construction, printed as the tool prints them
hc = HostConfig(version="1.41", binds=["/tmp:/data:ro"], port_bindings={8080: ("127.0.0.1", 18080), "53/udp": None},
                mem_limit="64m", memswap_limit="128m", restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
                cap_add=["NET_ADMIN"], cap_drop=["MKNOD"], dns=["8.8.8.8"], extra_hosts={"db": "10.0.0.5"},
                tmpfs={"/run": "size=1m"}, ulimits=[Ulimit(name="nofile", soft=1024, hard=2048)],
                log_config=LogConfig(type="json-file", config={"max-size": "1m"}), init=True, shm_size="32m",
                sysctls={"net.core.somaxconn": "1024"}, pids_limit=64, cpu_shares=512, read_only=True,
                security_opt=["no-new-privileges"], network_mode="bridge", auto_remove=False)
dump("HostConfig", hc)
print("HostConfig keys", sorted(hc), len(hc))
dump("HostConfig minimal", HostConfig(version="1.41"))
dump("HostConfig volumes_from", HostConfig(version="1.41", volumes_from=["a", "b:ro"], links={"db": "database"},
                                           privileged=True, publish_all_ports=True, oom_kill_disable=True))
dump("HostConfig devices", HostConfig(version="1.41", devices=["/dev/null:/dev/xnull:rw"],
                                      device_requests=[DeviceRequest(count=-1, capabilities=[["gpu"]])],
                                      mounts=[Mount("/m", "vol-pm03", labels={"a": "b"})]))
dump("HostConfig cpus", HostConfig(version="1.41", nano_cpus=500000000, cpu_period=100000, cpu_quota=50000,
                                   cpuset_cpus="0", blkio_weight=300, mem_reservation="16m", kernel_memory=None,
                                   oom_score_adj=100, group_add=["wheel", 1000], userns_mode="host",
                                   uts_mode="host", ipc_mode="shareable", pid_mode="host", isolation=None))
cc = ContainerConfig("1.41", IMAGE, "sh -c 'echo hi; sleep 1'", hostname="pm03", user=1000, detach=True,
                     ports=[80, (53, "udp"), "9000"], environment={"A": "1", "B": None}, volumes="/data",
                     entrypoint="/bin/sh -c", working_dir="/tmp", labels=["x", "y"], stop_signal="SIGTERM",
                     healthcheck={"test": ["CMD", "true"], "interval": 1000000000}, stop_timeout=5, host_config=hc)
dump("ContainerConfig", cc)
dump("ContainerConfig attached", ContainerConfig("1.41", IMAGE, ["true"], stdin_open=True, tty=True))
nc = NetworkingConfig({"net-a": EndpointConfig("1.41", aliases=["web"], links={"db": "db"}, ipv4_address="172.30.0.5",
                                               driver_opt={"x": "y"}),
                       "net-b": EndpointConfig("1.41", mac_address="02:42:ac:11:00:09")})
dump("NetworkingConfig", nc)
dump("NetworkingConfig empty", NetworkingConfig())
dump("EndpointConfig minimal", EndpointConfig("1.41"))
dump("IPAMConfig", IPAMConfig(driver="default", pool_configs=[IPAMPool(subnet="172.30.0.0/16", gateway="172.30.0.1",
                                                                       iprange="172.30.5.0/24", aux_addresses={"h": "172.30.0.2"})],
                              options={"o": "1"}))
dump("SwarmSpec", SwarmSpec("1.41", task_history_retention_limit=5, snapshot_interval=10000, keep_old_snapshots=1,
                            log_entries_for_slow_followers=500, heartbeat_tick=1, election_tick=3,
                            dispatcher_heartbeat_period=5000000000, node_cert_expiry=7776000000000000,
                            external_cas=[SwarmExternalCA(url="https://ca.example:8443", protocol="cfssl",
                                                          options={"k": "v"}, ca_cert="PEM")],
                            name="default", labels={"l": "1"}, signing_ca_cert=None, signing_ca_key=None,
                            ca_force_rotate=2, autolock_managers=True, log_driver={"Name": "json-file"}))
dump("SwarmSpec minimal", SwarmSpec("1.41"))
dump("SwarmExternalCA", SwarmExternalCA(url="https://ca"))
dump("DriverConfig", DriverConfig("local", options={"type": "tmpfs"}))
dump("DriverConfig bare", DriverConfig("local"))
dump("RestartPolicy", RestartPolicy(condition="on-failure", delay=5, max_attempts=2, window=10))

# --- property setters the tool uses to adjust defaults
lc = LogConfig(type=LogConfig.types.SYSLOG, config={"tag": "pm03"})
print("LogConfig", lc.type, lc.config, LogConfig.types.JSON, LogConfig.types.NONE)
lc.type = "json-file"
lc.set_config_value("max-file", "3")
lc.unset_config("tag")
lc.unset_config("nope")
dump("LogConfig after", lc)
dump("LogConfig default", LogConfig())
ul = Ulimit(name="nproc", soft=10)
ul.hard = 20
ul.name = "nofile"
print("Ulimit", ul.name, ul.soft, ul.hard, json.dumps(ul, sort_keys=True))
ul2 = Ulimit(Name="core", Soft=0, Hard=0)
print("Ulimit capitalised", ul2.name, ul2.soft, ul2.hard, dict(ul2))
dr = DeviceRequest(driver="nvidia", device_ids=["0"], capabilities=[["gpu", "utility"]], options={"k": "v"})
dr.count = 2
dr.driver = "cdi"
print("DeviceRequest", dr.driver, dr.count, dr.device_ids, dr.capabilities, dr.options, json.dumps(dr, sort_keys=True))
print("DeviceRequest defaults", json.dumps(DeviceRequest(), sort_keys=True))
hcheck = Healthcheck(test="curl -f localhost", interval=1000000000, retries=3)
hcheck.timeout = 2000000000
hcheck.start_period = 3000000000
hcheck.test = ["CMD", "true"]
print("Healthcheck", hcheck.test, hcheck.interval, hcheck.timeout, hcheck.retries, hcheck.start_period)
hcheck.test = "echo ok"
print("Healthcheck str test", hcheck.test, json.dumps(hcheck, sort_keys=True))
print("Healthcheck capitalised", json.dumps(Healthcheck(Test=["NONE"], Interval=5), sort_keys=True))
print("copy", copy.deepcopy(hc) == hc, type(copy.copy(lc)).__name__, pickle.loads(pickle.dumps(ul)) == ul,
      type(pickle.loads(pickle.dumps(ul))).__name__)
print("dict()", dict(lc) == lc, {**ul}, list(Ulimit(name="a", soft=1, hard=1).keys()))

# --- what the tool's validation catches
attempt("HostConfig no version", lambda: HostConfig(mem_limit="1m"))
attempt("HostConfig bad pid", lambda: HostConfig(version="1.41", pid_mode="nope"))
attempt("HostConfig bad dns_search", lambda: HostConfig(version="1.41", dns_search="a.example"))
attempt("HostConfig bad sysctls", lambda: HostConfig(version="1.41", sysctls=["a=1"]))
attempt("HostConfig bad ulimits", lambda: HostConfig(version="1.41", ulimits="nofile=1"))
attempt("HostConfig bad cpu_quota", lambda: HostConfig(version="1.41", cpu_quota="1"))
attempt("HostConfig bad userns", lambda: HostConfig(version="1.41", userns_mode="private"))
attempt("HostConfig bad uts", lambda: HostConfig(version="1.41", uts_mode="private"))
attempt("HostConfig bad pids", lambda: HostConfig(version="1.41", pids_limit="10"))
attempt("HostConfig bad isolation", lambda: HostConfig(version="1.41", isolation=1))
attempt("HostConfig memswap without mem", lambda: HostConfig(version="1.41", memswap_limit="1g"))
attempt("HostConfig bad restart", lambda: HostConfig(version="1.41", restart_policy="always"))
attempt("HostConfig bad device_requests", lambda: HostConfig(version="1.41", device_requests={"count": 1}))
attempt("HostConfig bad cgroup rules", lambda: HostConfig(version="1.41", device_cgroup_rules="c 1:3 mr"))
attempt("HostConfig bad oom", lambda: HostConfig(version="1.41", oom_score_adj="1"))
attempt("HostConfig bad blkio", lambda: HostConfig(version="1.41", blkio_weight="1"))
attempt("HostConfig init_path", lambda: HostConfig(version="1.41", init_path="/x"))
attempt("HostConfig old mounts", lambda: HostConfig(version="1.29", mounts=[Mount("/m", "v")]))
attempt("HostConfig old device_requests", lambda: HostConfig(version="1.39", device_requests=[DeviceRequest()]))
attempt("ContainerConfig old stop_timeout", lambda: ContainerConfig("1.24", IMAGE, None, stop_timeout=1))
attempt("ContainerConfig old start_period", lambda: ContainerConfig("1.28", IMAGE, None,
                                                                   healthcheck={"StartPeriod": 1}))
attempt("EndpointConfig old driver_opt", lambda: EndpointConfig("1.31", driver_opt={"a": "b"}))
attempt("EndpointConfig bad driver_opt", lambda: EndpointConfig("1.41", driver_opt=["a"]))
attempt("LogConfig bad config", lambda: LogConfig(type="json-file", config="max-size=1m"))
attempt("Ulimit bad name", lambda: Ulimit(name=1))
attempt("Ulimit bad soft", lambda: Ulimit(name="a", soft="1"))
attempt("DeviceRequest bad count", lambda: DeviceRequest(count="all"))
attempt("DeviceRequest bad ids", lambda: DeviceRequest(device_ids="0"))
attempt("Healthcheck bad test", lambda: setattr(Healthcheck(), "test", 5) or "set")
attempt("SwarmSpec old", lambda: SwarmSpec("1.24", log_driver={"Name": "x"}))
attempt("SwarmExternalCA no url", lambda: SwarmExternalCA(url=None))
attempt("IPAMPool unknown", lambda: IPAMPool(subnet="10.0.0.0/8", bogus=1))

# --- the dry-run payload, sent
api = docker.APIClient(version="1.41")
hc2 = api.create_host_config(binds={"/tmp": {"bind": "/data", "mode": "ro"}}, mem_limit="64m",
                             restart_policy={"Name": "no"}, log_config=LogConfig(type="json-file"),
                             ulimits=[Ulimit(name="nofile", soft=100, hard=200)])
dump("create_host_config", hc2)
cid = None
try:
    cid = api.create_container(IMAGE, "sh -c 'ulimit -n; ls /data >/dev/null && echo ok'", host_config=hc2,
                               labels=LABELS, name="clibdocker-test-pm03-" + tag,
                               healthcheck=Healthcheck(test=["CMD", "true"], interval=1000000000),
                               networking_config=api.create_networking_config({"bridge": api.create_endpoint_config()}))["Id"]
    info = api.inspect_container(cid)
    print("created", info["HostConfig"]["Memory"], info["HostConfig"]["Binds"], info["HostConfig"]["Ulimits"],
          info["HostConfig"]["LogConfig"]["Type"], info["Config"]["Healthcheck"], sorted(info["NetworkSettings"]["Networks"]))
    api.start(cid)
    print("ran", api.wait(cid, timeout=30)["StatusCode"], api.logs(cid))
finally:
    if cid:
        api.remove_container(cid, force=True)
print("left", api.containers(all=True, filters={"label": f"pm03={tag}"}))
api.close()
print("done", types.__name__.split(".")[-1], errors.__name__.split(".")[-1])
