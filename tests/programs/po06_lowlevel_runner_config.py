"""A low-level job runner's config layer (in the style of Airflow's
DockerOperator, Nomad's docker driver shims and in-house batch schedulers on
docker.APIClient): create_host_config with the rarer options printed as the
dicts docker-py builds (devices in every string form, device_requests,
cgroup rules, dns options, extra_hosts dict/list, tmpfs list/dict, cgroupns,
userns/uts/pid/ipc modes, runtime, isolation, cgroup_parent, storage_opt,
volume_driver, blkio throttles, cpu_rt, oom_score_adj, pids_limit, links,
volumes_from), the client-side errors for wrong types and values, clients
pinned to old API versions refusing newer options, create_container with
stop_timeout, healthcheck, mac_address, domainname, network_disabled,
platform, runtime and use_config_proxy, read back with inspect."""
import os
import re
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import DeviceRequest, Ulimit

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="auto")
old = docker.APIClient(version="1.24")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "po06": tag}
NAME = "clibdocker-test-po06-" + tag
made = []


def scrub(s):
    return re.sub("[0-9a-f]{64}", "<id>", str(s).replace(tag, "T"))[:200]


def attempt(label, fn):
    try:
        r = fn()
        if isinstance(r, dict):
            r = sorted((k, "<id>" if k == "Id" else v) for k, v in r.items())
        print(label, "->", r)
        return r
    except Exception as e:
        print(label, type(e).__name__, [c.__name__ for c in type(e).__mro__ if c.__name__ in ("ValueError", "TypeError", "APIError")],
              getattr(e, "status_code", None), scrub(e))
        return None


def hc(label, **kw):
    return attempt("hc " + label, lambda: dict(api.create_host_config(**kw)))


try:
    hc("devices", devices=["/dev/null", "/dev/null:/dev/n2", "/dev/null:/dev/n3:r", "/dev/zero:rw",
                           {"PathOnHost": "/dev/zero", "PathInContainer": "/dev/z2", "CgroupPermissions": "m"}])
    hc("device_requests", device_requests=[DeviceRequest(driver="nvidia", count=2, device_ids=None,
                                                         capabilities=[["gpu", "utility"]], options={"k": "v"}),
                                           {"Driver": "x", "Count": -1}])
    hc("cgroup rules", device_cgroup_rules=["c 1:3 mr"])
    hc("dns", dns=["1.1.1.1"], dns_opt=["ndots:1"], dns_search=["a.example"])
    hc("extra_hosts dict", extra_hosts={"a.local": "10.0.0.1", "b.local": "::1"})
    hc("extra_hosts list", extra_hosts=["a.local:10.0.0.1"])
    hc("extra_hosts dict list", extra_hosts={"multi.local": ["10.0.0.1", "10.0.0.2"]})
    hc("tmpfs list", tmpfs=["/run:size=1m,mode=1777", "/cache"])
    hc("tmpfs dict", tmpfs={"/run": "size=1m"})
    hc("modes", cgroupns="host", userns_mode="host", uts_mode="host", pid_mode="host", ipc_mode="shareable")
    hc("runtime etc", runtime="runc", isolation="default", cgroup_parent="/ci-jobs", storage_opt={"size": "1G"},
       volume_driver="local", init=True, init_path="/usr/bin/docker-init")
    hc("blkio", blkio_weight=100, blkio_weight_device=[{"Path": "/dev/sda", "Weight": 10}],
       device_read_bps=[{"Path": "/dev/sda", "Rate": 1}], device_write_bps=[{"Path": "/dev/sda", "Rate": 2}],
       device_read_iops=[{"Path": "/dev/sda", "Rate": 3}], device_write_iops=[{"Path": "/dev/sda", "Rate": 4}])
    hc("cpu rt", cpu_rt_period=1000000, cpu_rt_runtime=1000, cpu_count=2, cpu_percent=50)
    hc("oom pids", oom_score_adj=-500, pids_limit=-1, mem_swappiness=0, oom_kill_disable=True)
    hc("links dict", links={"db": "database", "cache": None})
    hc("links list", links=[("db", "database"), ("cache", None)])
    hc("volumes_from", volumes_from=["data1", "data2:ro"])
    hc("group_add ints", group_add=[0, "users", 1234])
    hc("security", security_opt=["seccomp=unconfined"], cap_add=["ALL"], cap_drop=None, privileged=True)
    hc("lxc", lxc_conf={"lxc.utsname": "x"})
    hc("ulimits dicts", ulimits=[{"name": "core", "soft": 1, "hard": 2}])
    hc("sysctls", sysctls={"net.ipv4.ip_forward": 1})
    hc("shm str", shm_size="1G")
    hc("shm int", shm_size=1024)
    hc("network container", network_mode="container:job-" + "1")

    # the client's own refusals
    for kw in [{"cpu_quota": "1"}, {"cpu_period": 1.5}, {"cpu_shares": "2"}, {"cpuset_cpus": 0},
               {"cpu_rt_period": "1"}, {"cpu_rt_runtime": "1"}, {"blkio_weight": "x"},
               {"blkio_weight_device": {}}, {"device_read_bps": "x"}, {"sysctls": ["a=b"]},
               {"ulimits": {"name": "core"}}, {"dns_search": "a"},
               {"oom_score_adj": "5"}, {"userns_mode": "private"}, {"mem_swappiness": "0"},
               {"volumes_from": "x"}, {"tmpfs": "x"}, {"isolation": 1}, {"storage_opt": ["size=1G"]},
               {"security_opt": "seccomp=x"}, {"log_config": "json-file"}, {"pids_limit": "1"},
               {"device_requests": "gpu"}, {"cpu_count": "2"}, {"cpu_percent": "5"}, {"nano_cpus": "1"},
               {"shm_size": [1]}, {"extra_hosts": "a:1"}, {"dns": "1.1.1.1"},
               {"mounts": "x"}, {"restart_policy": "always"}]:
        attempt("bad " + ",".join(kw), lambda: dict(api.create_host_config(**kw)))

    # clients pinned to an old API version
    for kw in [{"init": True}, {"cpu_rt_period": 1}, {"isolation": "default"}, {"auto_remove": True},
               {"storage_opt": {"size": "1G"}}, {"mounts": [{"Target": "/x", "Type": "tmpfs"}]},
               {"cpu_count": 1}, {"runtime": "runc"}, {"nano_cpus": 1}, {"device_requests": [{"Count": 1}]},
               {"cgroupns": "host"}, {"device_cgroup_rules": ["c 1:3 mr"]}, {"pids_limit": 10},
               {"sysctls": {"a": "b"}}, {"userns_mode": "host"}]:
        attempt("old " + ",".join(kw), lambda: sorted(old.create_host_config(**kw)))
    attempt("old create platform", lambda: old.create_container(IMAGE, "true", platform="linux/amd64", labels=LABELS))
    attempt("old create stop_timeout", lambda: old.create_container(IMAGE, "true", stop_timeout=5, labels=LABELS,
                                                                    name=NAME + "-old")["Id"] is not None)
    # (a start_period at 1.24 is a documented difference: clibdocker's gates refuse it, docker-py sends it)
    attempt("old create healthcheck", lambda: old.create_container(
        IMAGE, "true", labels=LABELS, healthcheck={"test": ["CMD", "true"], "interval": 1_000_000_000}))
    attempt("old create init", lambda: old.create_container(IMAGE, "true", labels=LABELS,
                                                            host_config=old.create_host_config(init=True)))

    # create_container with the rarer Config fields, read back
    ids = {}
    ids["a"] = api.create_container(
        IMAGE, "sh -c 'sleep 60'", name=NAME + "-a", labels=LABELS, stop_timeout=3, stop_signal="SIGINT",
        healthcheck={"Test": ["CMD-SHELL", "true"], "Interval": 1_000_000_000, "StartPeriod": 2_000_000_000},
        mac_address="02:42:ac:11:00:07", domainname="jobs.example", hostname="job-1", network_disabled=False,
        platform="linux/amd64", runtime="runc", use_config_proxy=False, entrypoint="/bin/sh -c",
        working_dir="/var/job", environment={"JOB": "1"}, volumes=["/scratch", "/cache"],
        host_config=api.create_host_config(tmpfs=["/run:size=1m"], devices=["/dev/null:/dev/n2:r"],
                                           cgroupns="private", init=True, oom_score_adj=-100))["Id"]
    made.append(ids["a"])
    ins = api.inspect_container(ids["a"])
    cfg, h = ins["Config"], ins["HostConfig"]
    print("a config", cfg["StopTimeout"], cfg["StopSignal"], cfg["Healthcheck"], cfg.get("MacAddress"),
          cfg["Domainname"], cfg["Hostname"], cfg.get("NetworkDisabled"), cfg["Entrypoint"], cfg["Cmd"],
          cfg["WorkingDir"], sorted(cfg["Volumes"]), [e for e in cfg["Env"] if e.startswith("JOB")])
    print("a host", h["Runtime"], h["Tmpfs"], h["Devices"], h.get("CgroupnsMode"), h["Init"], h["OomScoreAdj"])
    print("a platform", ins["Platform"], ins["Name"].replace(tag, "T"))
    ids["b"] = api.create_container(IMAGE, ["true"], name=NAME + "-b", labels=LABELS, network_disabled=True,
                                    healthcheck={"test": "true", "interval": 0, "retries": 0},
                                    host_config=api.create_host_config(network_mode="none"))["Id"]
    made.append(ids["b"])
    ins = api.inspect_container(ids["b"])
    print("b", ins["Config"].get("NetworkDisabled"), ins["Config"]["Healthcheck"], ins["HostConfig"]["NetworkMode"])
    api.start(ids["b"])
    print("b wait", api.wait(ids["b"], timeout=10))
    attempt("create bad healthcheck key", lambda: api.create_container(IMAGE, "true", labels=LABELS,
                                                                        healthcheck={"test": "true", "bogus": 1}))
    attempt("create stop_timeout str", lambda: api.create_container(IMAGE, "true", labels=LABELS, stop_timeout="3"))
    attempt("create bad runtime", lambda: api.create_container(IMAGE, "true", labels=LABELS, runtime="nosuchruntime"))
    attempt("create volumes str", lambda: api.create_container(IMAGE, "true", labels=LABELS, volumes="/v",
                                                                 name=NAME + "-v")["Warnings"])
    attempt("create volumes str read back", lambda: sorted(api.inspect_container(NAME + "-v")["Config"]["Volumes"]))
    attempt("create host_config not dict", lambda: api.create_container(IMAGE, "true", labels=LABELS, host_config="x"))
    attempt("create ulimit obj", lambda: api.create_container(IMAGE, "true", labels=LABELS, name=NAME + "-u",
                                                               host_config=api.create_host_config(
                                                                   ulimits=[Ulimit(name="nofile", soft=10, hard=20)]))["Warnings"])
    attempt("create ulimits read back", lambda: api.inspect_container(NAME + "-u")["HostConfig"]["Ulimits"])
finally:
    for x in api.containers(all=True, filters={"label": "po06=" + tag}):
        try:
            api.remove_container(x["Id"], force=True, v=True)
        except NotFound:
            pass
print("left", len(api.containers(all=True, filters={"label": "po06=" + tag})))
api.close()
old.close()
