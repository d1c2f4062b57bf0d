"""containers.run() with the kwargs testcontainers / pytest-docker-tools /
molecule pass, read back from attrs (HostConfig, Config, NetworkSettings)."""
import os
import socket
import uuid

import docker
from docker.types import Healthcheck, Mount, Ulimit, LogConfig
from docker.errors import ContainerError, ImageNotFound, NotFound, APIError

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc01": tag}
created = []
vol = client.volumes.create("clibdocker-test-pc01-" + tag, labels={"clibdocker-test": "1"})


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def show(c):
    a = c.attrs
    hc, cfg = a["HostConfig"], a["Config"]
    print(" cmd", cfg["Cmd"], "entrypoint", cfg["Entrypoint"], "user", repr(cfg["User"]),
          "wd", repr(cfg["WorkingDir"]))
    print(" env", sorted(e for e in cfg["Env"] if not e.startswith("PATH=")))
    print(" tty", cfg["Tty"], "stdin", cfg["OpenStdin"], "hostname?", bool(cfg["Hostname"]))
    print(" restart", hc["RestartPolicy"], "auto_remove", hc["AutoRemove"])
    print(" mem", hc["Memory"], hc["MemoryReservation"], hc.get("MemorySwap"),
          "cpu", hc["NanoCpus"], hc["CpuShares"], hc["CpuPeriod"], hc["CpuQuota"], repr(hc["CpusetCpus"]))
    print(" caps", hc["CapAdd"], hc["CapDrop"], "priv", hc["Privileged"], "ro", hc["ReadonlyRootfs"])
    print(" tmpfs", hc.get("Tmpfs"), "binds", sorted(b.replace(tag, "TAG") for b in (hc.get("Binds") or [])))
    print(" mounts", sorted((m["Type"], m["Target"], m.get("ReadOnly", False)) for m in (hc.get("Mounts") or [])))
    print(" ports", sorted((k, [(b["HostIp"], b["HostPort"] != "") for b in v]) for k, v in (hc["PortBindings"] or {}).items()))
    print(" exposed", sorted(cfg.get("ExposedPorts") or {}))
    print(" netmode", hc["NetworkMode"], "dns", hc["Dns"], "extra_hosts", hc["ExtraHosts"])
    print(" shm", hc["ShmSize"], "pids", hc["PidsLimit"], "init", hc.get("Init"), "ulimits",
          [(u["Name"], u["Soft"], u["Hard"]) for u in hc["Ulimits"] or []])
    print(" log", hc["LogConfig"]["Type"], sorted(hc["LogConfig"]["Config"]))
    print(" sysctls", hc.get("Sysctls"), "security_opt", hc.get("SecurityOpt"))
    print(" labels", sorted(cfg["Labels"]), "stopsig", cfg.get("StopSignal"), "hc", cfg.get("Healthcheck"))


try:
    c = client.containers.run(
        IMAGE, "sh -c 'echo started; sleep 30'", detach=True, name="clibdocker-test-pc01a-" + tag,
        labels=LABELS, environment={"A": "1", "B": "two words"}, ports={"80/tcp": free_port(),
                                                                         "81/tcp": None, 82: ("127.0.0.1", None),
                                                                         "83/udp": [None, None]},
        volumes={vol.name: {"bind": "/data", "mode": "rw"}, "/tmp": {"bind": "/hosttmp", "mode": "ro"}},
        working_dir="/tmp", user="nobody", restart_policy={"Name": "on-failure", "MaximumRetryCount": 3},
        mem_limit="64m", mem_reservation="32m", memswap_limit=-1, nano_cpus=500000000, cpu_shares=512,
        cpuset_cpus="0", tmpfs={"/run": "size=1m"}, cap_add=["NET_ADMIN"], cap_drop=["MKNOD"],
        privileged=False, stdin_open=True, tty=False, hostname="pchost", dns=["8.8.8.8"],
        extra_hosts={"foo.local": "10.1.2.3"}, shm_size="16m", pids_limit=100, init=True,
        ulimits=[Ulimit(name="nofile", soft=1024, hard=2048)], read_only=False,
        log_config=LogConfig(type=LogConfig.types.JSON, config={"max-size": "1m"}),
        sysctls={"net.ipv4.ip_forward": "1"}, security_opt=["no-new-privileges"], stop_signal="SIGTERM",
        healthcheck={"test": ["CMD", "true"], "interval": 1000000000, "timeout": 1000000000, "retries": 2})
    created.append(c)
    c.reload()
    print("a", c.status, c.name.startswith("clibdocker-test-pc01a-"), c.image.tags, c.labels == LABELS)
    show(c)
    print("ports model", sorted((k, v is None, len(v or [])) for k, v in c.ports.items()))
    print("health", c.health in ("starting", "healthy"))

    c2 = client.containers.run(
        IMAGE, ["sleep", "30"], entrypoint=["/bin/sh", "-c", "exec \"$@\"", "x"], detach=True,
        labels=LABELS, environment=["X=1", "Y=2"], volumes=["/tmp:/ro:ro", vol.name + ":/v"],
        network_mode="none", restart_policy={"Name": "unless-stopped"}, cpu_period=100000,
        cpu_quota=50000, mounts=[Mount("/m", vol.name, type="volume", read_only=True),
                                 Mount("/t", None, type="tmpfs")],
        tty=True, user="1000:1000", working_dir="/", read_only=True, domainname="example.org",
        healthcheck=Healthcheck(test="true", interval=2_000_000_000, start_period=1_000_000_000),
        auto_remove=False, oom_kill_disable=False, mem_swappiness=10, group_add=["100"])
    created.append(c2)
    c2.reload()
    print("b", c2.status, c2.attrs["Config"]["Domainname"], c2.attrs["HostConfig"]["GroupAdd"])
    show(c2)
    print("ports none", c2.ports)

    out = client.containers.run(IMAGE, "echo hello", remove=True, labels=LABELS)
    print("run out", out)
    out = client.containers.run(IMAGE, ["sh", "-c", "echo o; echo e >&2"], remove=True, labels=LABELS,
                                stdout=True, stderr=True)
    print("run both", sorted(out.split()))
    out = client.containers.run(IMAGE, ["sh", "-c", "echo o; echo e >&2"], remove=True, labels=LABELS,
                                stdout=False, stderr=True)
    print("run stderr only", out)
    out = client.containers.run(IMAGE, ["sh", "-c", "echo $FOO"], environment=["FOO=bar"], remove=True, labels=LABELS)
    print("run env list", out)
    out = client.containers.run(IMAGE, entrypoint="echo", command="from entrypoint", remove=True, labels=LABELS)
    print("run entrypoint str", out)
    try:
        client.containers.run(IMAGE, ["sh", "-c", "echo bad >&2; exit 7"], remove=True, labels=LABELS)
    except ContainerError as e:
        print("ContainerError", e.exit_status, e.command, e.image, e.stderr, type(e.container).__name__)
        print(" str", str(e).replace(e.container.id, "ID"))
    try:
        client.containers.run(IMAGE, ["sh", "-c", "exit 2"], labels=LABELS, name="clibdocker-test-pc01c-" + tag)
    except ContainerError as e:
        print("ContainerError kept", e.exit_status, e.stderr)
        e.container.reload()
        print(" kept status", e.container.status, e.container.attrs["State"]["ExitCode"])
        created.append(e.container)
    try:
        client.containers.run("127.0.0.1:5000/clibdocker-test/does-not-exist-pc01:nope", "true", labels=LABELS)
    except (ImageNotFound, APIError) as e:
        print("missing image", isinstance(e, APIError), e.status_code)
    try:
        client.containers.run(IMAGE, "true", name=c.name, labels=LABELS)
    except APIError as e:
        print("conflict", e.status_code, e.is_client_error(), "already in use" in e.explanation)
    ac = client.containers.run(IMAGE, "sleep 0.2", detach=True, auto_remove=True, labels=LABELS)
    print("auto_remove wait", ac.wait()["StatusCode"])
    try:
        for _ in range(50):
            ac.reload()
            import time; time.sleep(0.1)
        print("auto_remove still there")
    except NotFound:
        print("auto_remove gone")
    gen = client.containers.run(IMAGE, ["sh", "-c", "for i in 1 2 3; do echo l$i; done"], stream=True,
                                labels=LABELS, name="clibdocker-test-pc01s-" + tag)
    print("stream", type(gen).__name__ != "bytes", b"".join(gen).split())
    created.append(client.containers.get("clibdocker-test-pc01s-" + tag))
finally:
    for x in created:
        try:
            x.remove(force=True, v=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "pc01=" + tag}):
        x.remove(force=True)
    vol.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "pc01=" + tag})))
client.close()
