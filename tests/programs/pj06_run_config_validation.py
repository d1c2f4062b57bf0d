"""A compose-like launcher that turns user YAML into containers.run kwargs
and reports bad input as the client rejects it: every docker.types helper
(Mount, Ulimit, LogConfig, RestartPolicy, Healthcheck, DeviceRequest) with
good and bad values, run/create with volumes/mounts/ports/log drivers in
every form, and the resulting HostConfig/Config as the engine stored it."""
import os
import re
import uuid

import docker
from docker.errors import APIError, NotFound, InvalidArgument, DockerException
from docker.types import Mount, Ulimit, LogConfig, RestartPolicy, Healthcheck, DeviceRequest

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj06": tag}
vol = "clibdocker-test-pj06-" + tag


def attempt(label, fn, text=True):
    try:
        r = fn()
        if isinstance(r, docker.models.containers.Container):
            r.reload()
            return r
        print(label, "ok", r if not hasattr(r, "items") else dict(r))
    except Exception as e:
        msg = re.sub("[0-9a-f]{64}", "<id>", str(e).replace(tag, "T"))[:160] if text else getattr(e, "status_code", None)
        print(label, type(e).__name__, isinstance(e, (DockerException, ValueError, TypeError)), msg)


try:
    # types alone
    attempt("mount bad type", lambda: Mount("/x", "y", type="nfs"))
    attempt("mount bind no source", lambda: Mount("/x", None, type="bind"))
    attempt("mount propagation volume", lambda: Mount("/x", "v", propagation="rshared"))
    attempt("mount tmpfs source", lambda: Mount("/x", "v", type="tmpfs", tmpfs_size="1m"))
    attempt("mount driver on bind", lambda: Mount("/x", "/tmp", type="bind", driver_config={"Name": "local"}))
    attempt("mount parse", lambda: Mount.parse_mount_string("/tmp:/mnt:ro"))
    attempt("mount parse vol", lambda: Mount.parse_mount_string("myvol:/data"))
    attempt("mount parse short", lambda: Mount.parse_mount_string("/data"))
    attempt("mount parse bad", lambda: Mount.parse_mount_string("a:b:c:d"))
    attempt("mount parse mode", lambda: Mount.parse_mount_string("/a:/b:zz"))
    attempt("ulimit str", lambda: Ulimit(name="nofile", soft="10"))
    attempt("ulimit name", lambda: Ulimit(name=5))
    attempt("ulimit ok", lambda: (Ulimit(name="core", soft=0, hard=0).soft, Ulimit(name="core").hard))
    attempt("logconfig bad config", lambda: LogConfig(type="json-file", config="x"))
    attempt("logconfig set", lambda: (lambda l: (l.set_config_value("k", "v"), l.unset_config("k"), dict(l))[2])(LogConfig(type="syslog")))
    attempt("restart bad", lambda: RestartPolicy(condition="sometimes"))
    attempt("restart dict", lambda: RestartPolicy(condition="any", delay=5, max_attempts=2, window=10))
    attempt("health bad test", lambda: Healthcheck(test=5))
    attempt("health str", lambda: Healthcheck(test="curl x"))
    attempt("health props", lambda: (lambda h: (h.test, h.interval, h.retries, h.start_period))(Healthcheck(test=["NONE"], retries=3)))
    attempt("health bad retries", lambda: Healthcheck(test=["CMD", "x"], retries="3"))
    attempt("devreq", lambda: DeviceRequest(driver="nvidia", count=-1, capabilities=[["gpu"]]))
    attempt("devreq bad", lambda: DeviceRequest(count="all"))
    attempt("devreq caps", lambda: DeviceRequest(capabilities="gpu"))

    # run forms that fail before the engine or at it
    base = dict(labels=LABELS, detach=True)
    attempt("run no image", lambda: client.containers.run(None, "true", **base), text=False)
    attempt("run bad ports", lambda: client.containers.run(IMAGE, "true", ports={"abc/tcp": 1}, **base))
    attempt("run bad proto", lambda: client.containers.run(IMAGE, "true", ports={"80/xyz": 1}, **base), text=False)
    attempt("run bad volumes", lambda: client.containers.run(IMAGE, "true", volumes=5, **base))
    attempt("run bad volume str", lambda: client.containers.run(IMAGE, "true", volumes="/onlypath", **base))
    attempt("run bad mounts", lambda: client.containers.run(IMAGE, "true", mounts=["/tmp:/x"], **base))
    attempt("run bad restart", lambda: client.containers.run(IMAGE, "true", restart_policy={"Name": "bogus"}, **base), text=False)
    attempt("run restart+remove", lambda: client.containers.run(IMAGE, "true", restart_policy={"Name": "always"}, auto_remove=True, **base))
    attempt("run bad env", lambda: client.containers.run(IMAGE, "true", environment="A=1", **base))
    attempt("run bad labels", lambda: client.containers.run(IMAGE, "true", labels="a=b", detach=True))
    attempt("run bad network", lambda: client.containers.run(IMAGE, "true", network="none", network_mode="host", **base))
    attempt("run bad log driver", lambda: client.containers.run(IMAGE, "true", log_config=LogConfig(type="nosuchdriver"), **base))
    attempt("run bad cap", lambda: client.containers.run(IMAGE, "true", cap_add=["NOT_A_CAP"], **base))
    attempt("run bad sysctl", lambda: client.containers.run(IMAGE, "true", sysctls={"kernel.bogus": "1"}, **base))
    attempt("run bad storage_opt", lambda: client.containers.run(IMAGE, "true", storage_opt={"size": "1G"}, **base))
    attempt("run bad platform", lambda: client.containers.run(IMAGE, "true", platform="linux/s390x", **base))
    attempt("run bad user", lambda: client.containers.run(IMAGE, "id", user="nosuchuser", labels=LABELS, remove=True))
    attempt("run bad workdir rel", lambda: client.containers.run(IMAGE, "true", working_dir="rel/dir", **base))
    attempt("run bad device", lambda: client.containers.run(IMAGE, "true", devices=["/dev/nosuch:/dev/x"], **base))
    attempt("run bad cpuset", lambda: client.containers.run(IMAGE, "true", cpuset_cpus="99", **base))
    attempt("run bad mem small", lambda: client.containers.run(IMAGE, "true", mem_limit="1k", **base))
    attempt("run bad shm", lambda: client.containers.run(IMAGE, "true", shm_size="lots", **base))
    attempt("run bad pid", lambda: client.containers.run(IMAGE, "true", pid_mode="container:nosuch" + tag, **base))
    attempt("run bad volumes_from", lambda: client.containers.run(IMAGE, "true", volumes_from=["nosuch" + tag], **base))
    attempt("run bad links", lambda: client.containers.run(IMAGE, "true", links={"nosuch" + tag: "x"}, **base))
    attempt("run bad dns", lambda: client.containers.run(IMAGE, "true", dns=["not-an-ip"], **base))
    attempt("run bad extra_hosts", lambda: client.containers.run(IMAGE, "true", extra_hosts={"h": "not-an-ip"}, **base))
    attempt("run bad tmpfs", lambda: client.containers.run(IMAGE, "true", tmpfs={"rel": ""}, **base))
    attempt("run bad ulimit", lambda: client.containers.run(IMAGE, "true", ulimits=[Ulimit(name="bogus", soft=1, hard=1)], **base))
    attempt("run bad stop_signal", lambda: client.containers.run(IMAGE, "true", stop_signal="SIGBOGUS", **base))
    attempt("run bad health", lambda: client.containers.run(IMAGE, "true", healthcheck={"test": ["CMD"], "interval": 5}, **base))

    # forms that work: what the engine stored
    def made(label, **kw):
        c = attempt(label, lambda: client.containers.run(IMAGE, "sleep 30", **dict(base, **kw)))
        return c

    c = made("vols", volumes={vol: {"bind": "/data", "mode": "rw"}, "/tmp": {"bind": "/host-tmp", "mode": "ro"}},
             mounts=[Mount("/m1", vol + "-m"), Mount("/m2", None, type="tmpfs", tmpfs_size="2m"),
                     Mount("/m3", "/tmp", type="bind", read_only=True)])
    print("vols binds", sorted(b.replace(tag, "T") for b in c.attrs["HostConfig"]["Binds"]))
    print("vols mounts", sorted((m["Type"], m["Destination"], m["RW"]) for m in c.attrs["Mounts"]))
    c.remove(force=True, v=True)
    c = made("vols list", volumes=[vol + ":/data", "/tmp:/ht:ro", "/anon"])
    print("vols list binds", sorted(b.replace(tag, "T") for b in c.attrs["HostConfig"]["Binds"]), sorted(c.attrs["Config"]["Volumes"] or {}))
    c.remove(force=True, v=True)
    c = made("vols str", volumes=[vol + ":/data:ro"])
    print("vols str binds", [b.replace(tag, "T") for b in c.attrs["HostConfig"]["Binds"]])
    c.remove(force=True)
    c = made("ports", ports={"80/tcp": None, "53/udp": ("127.0.0.1", None), 8125: [("127.0.0.1", None), ("127.0.0.1", None)]}, publish_all_ports=False)
    pb = c.attrs["HostConfig"]["PortBindings"]
    print("ports bindings", sorted((k, sorted((b["HostIp"], b["HostPort"]) for b in v)) for k, v in pb.items()))
    print("ports model", sorted(c.ports), all(isinstance(v, list) for v in c.ports.values()))
    c.remove(force=True)
    c = made("publish all", publish_all_ports=True, ports={"81": None})
    print("publish all", sorted(c.ports), c.attrs["HostConfig"]["PublishAllPorts"])
    c.remove(force=True)
    c = made("log", log_config={"type": "json-file", "config": {"max-size": "10k", "max-file": "2"}})
    print("log", c.attrs["HostConfig"]["LogConfig"])
    c.remove(force=True)
    c = made("log none", log_config=LogConfig(type="none"))
    print("log none", c.attrs["HostConfig"]["LogConfig"])
    try:
        c.logs()
    except APIError as e:
        print("log none logs", type(e).__name__, e.status_code, e.explanation)
    c.remove(force=True)
    attempt("run log none foreground", lambda: client.containers.run(IMAGE, "echo x", log_config=LogConfig(type="none"), labels=LABELS, remove=True))
    c = made("restart", restart_policy=RestartPolicy(condition="on-failure", max_attempts=2))
    print("restart", c.attrs["HostConfig"]["RestartPolicy"])
    c.remove(force=True)
    c = made("ulimit", ulimits=[Ulimit(name="nofile", soft=100, hard=200)], cpu_shares=100, cpu_period=100000, cpu_quota=50000,
             nano_cpus=None, mem_limit="32m", mem_reservation="16m", memswap_limit=-1, pids_limit=50, oom_score_adj=10,
             security_opt=["no-new-privileges:true"], cap_add=["SYS_PTRACE"], cap_drop=["ALL"], group_add=["10"], stop_signal="SIGQUIT",
             stdin_open=True, tty=True, userns_mode=None, ipc_mode="shareable", shm_size=1 << 20)
    hc, cfg = c.attrs["HostConfig"], c.attrs["Config"]
    print("limits", hc["Ulimits"], hc["CpuShares"], hc["CpuQuota"], hc["Memory"], hc["MemoryReservation"], hc["MemorySwap"],
          hc["PidsLimit"], hc["OomScoreAdj"], hc["SecurityOpt"], hc["CapAdd"], hc["CapDrop"], hc["GroupAdd"], hc["IpcMode"], hc["ShmSize"])
    print("config", cfg["StopSignal"], cfg["OpenStdin"], cfg["Tty"], cfg["StdinOnce"], cfg["AttachStdin"])
    # bad values for operations on a running container
    attempt("exec env str", lambda: c.exec_run("true", environment="A=1"), text=False)
    attempt("exec env dict", lambda: c.exec_run(["sh", "-c", "echo $A:$B; env | grep -c ^C$"], environment={"A": 1, "B": b"x", "C": None}))
    attempt("rename none", lambda: c.rename(None), text=False)
    attempt("update restart str", lambda: c.update(restart_policy="always"), text=False)
    attempt("resize str", lambda: c.resize(height="x", width=80), text=False)
    attempt("inspect int", lambda: client.api.inspect_container(5))
    c.remove(force=True)
finally:
    for x in client.containers.list(all=True, filters={"label": "pj06=" + tag}):
        x.remove(force=True, v=True)
    for v in (vol, vol + "-m"):
        try:
            client.volumes.get(v).remove(force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "pj06=" + tag})))
client.close()
