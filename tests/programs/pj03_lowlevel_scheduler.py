"""A job scheduler's executor (in the style of Airflow's DockerOperator and
Nomad/Celery docker task runners) on the low-level APIClient: host configs
built with create_host_config (printed as the dicts docker-py builds),
create_container with networking_config, start/wait/logs, port(), exec_*,
archives, top/resize/stats, containers(quiet/filters/limit)."""
import builtins
import io
import json
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound, InvalidArgument
from docker.types import LogConfig, Ulimit, Mount, RestartPolicy, Healthcheck

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="1.41")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj03": tag}
made = []
net = api.create_network("clibdocker-test-pj03-" + tag, labels={"clibdocker-test": "1"})["Id"]
vol = "clibdocker-test-pj03-" + tag


def print(*args):
    # job names carry the run's tag: print them without it
    builtins.print(*(str(a).replace(tag, "<tag>").replace(tag[:3], "<t>") for a in args))


def show(label, d):
    print(label, json.dumps(d, sort_keys=True, default=str))


try:
    # host configs as built client-side
    show("hc ports", api.create_host_config(port_bindings={80: 8080, "81/udp": ("127.0.0.1", 9090), 82: [1, 2], 83: None,
                                                          "84/tcp": ("0.0.0.0",), 85: {"HostPort": "5"}}))
    show("hc binds dict", api.create_host_config(binds={"/tmp": {"bind": "/mnt/t", "mode": "ro"}, vol: {"bind": "/data", "mode": "rw"}}))
    show("hc binds list", api.create_host_config(binds=["/tmp:/mnt/t:ro", vol + ":/data"]))
    show("hc log", api.create_host_config(log_config=LogConfig(type=LogConfig.types.JSON, config={"max-size": "1m", "max-file": 2})))
    show("hc log dict", api.create_host_config(log_config={"Type": "json-file", "Config": {"max-size": "2m"}}))
    show("hc ulimits", api.create_host_config(ulimits=[Ulimit(name="nofile", soft=1024, hard=2048), {"Name": "nproc", "Soft": 64, "Hard": 64}]))
    show("hc restart", api.create_host_config(restart_policy=RestartPolicy(condition="on-failure", max_attempts=3)))
    show("hc restart dict", api.create_host_config(restart_policy={"Name": "always"}))
    show("hc mem", api.create_host_config(mem_limit="1g", memswap_limit="2G", mem_reservation="512k", shm_size="64M", kernel_memory=None))
    show("hc mem int", api.create_host_config(mem_limit=1024 * 1024, mem_swappiness=10, oom_kill_disable=True, oom_score_adj=100))
    show("hc cpu", api.create_host_config(cpu_period=100000, cpu_quota=50000, cpu_shares=512, cpuset_cpus="0", cpuset_mems="0", nano_cpus=500000000, cpu_rt_period=None))
    show("hc misc", api.create_host_config(privileged=False, publish_all_ports=True, read_only=True, init=True, auto_remove=False,
                                           dns=["1.1.1.1"], dns_opt=["ndots:2"], dns_search=["x.example"], extra_hosts={"a": "1.2.3.4"},
                                           cap_add=["NET_ADMIN"], cap_drop=["MKNOD"], security_opt=["no-new-privileges"],
                                           sysctls={"net.core.somaxconn": "1024"}, tmpfs={"/run": "size=1m"}, group_add=["audio", 5],
                                           pids_limit=100, ipc_mode="private", pid_mode=None, network_mode="bridge",
                                           devices=["/dev/null:/dev/mynull:rwm"], links={"db": "database"}, volumes_from=["other:ro"],
                                           storage_opt=None, userns_mode=None, uts_mode=None, isolation=None, runtime=None,
                                           device_cgroup_rules=["c 1:3 mr"], blkio_weight=300, cgroup_parent="", lxc_conf=None))
    show("hc mounts", api.create_host_config(mounts=[Mount("/data", vol), Mount("/tmpfs", None, type="tmpfs", tmpfs_size="1m", tmpfs_mode=0o1777),
                                                     Mount("/ro", "/tmp", type="bind", read_only=True, propagation="rprivate"),
                                                     Mount("/nc", vol, no_copy=True, labels={"a": "b"}, driver_config=None)]))
    show("hc empty", api.create_host_config())
    for bad in ({"mem_limit": "1x"}, {"restart_policy": "always"}, {"ulimits": "nofile"}, {"dns": "1.1.1.1"},
                {"volumes_from": "x"}, {"oom_kill_disable": "yes"}, {"binds": 5}, {"port_bindings": [80]},
                {"tmpfs": "/x"}, {"security_opt": "no-new-privileges"}, {"nano_cpus": "1"}, {"cpu_period": "5"}):
        try:
            show("hc bad ok " + list(bad)[0], api.create_host_config(**bad))
        except Exception as e:
            print("hc bad", list(bad)[0], type(e).__name__, str(e)[:120])
    show("ec", api.create_endpoint_config(aliases=["w1"], ipv4_address=None, links={"a": "b"}, driver_opt={"o": "1"}))
    show("nc", api.create_networking_config({"clibdocker-test-pj03-" + tag: api.create_endpoint_config(aliases=["job"])}))

    # a job
    hc = api.create_host_config(port_bindings={8000: None, "9000/udp": None}, binds={vol: {"bind": "/data", "mode": "rw"}},
                                log_config=LogConfig(type="json-file", config={"max-size": "1m"}), ulimits=[Ulimit(name="nofile", soft=512, hard=512)],
                                restart_policy={"Name": "no"}, tmpfs=["/scratch:size=2m"], init=True)
    ctr = api.create_container(IMAGE, command=["sh", "-c", "ulimit -n; echo data > /data/f; ls /data; echo $JOB_ID; sleep 30"],
                               ports=[8000, (9000, "udp")], volumes=["/data"], host_config=hc, labels=LABELS,
                               environment={"JOB_ID": "job-" + tag[:3]}, working_dir="/data", hostname="worker",
                               networking_config=api.create_networking_config({"clibdocker-test-pj03-" + tag: api.create_endpoint_config(aliases=["job"])}),
                               healthcheck=Healthcheck(test=["CMD", "true"], interval=1000000000, retries=2, start_period=0),
                               stop_signal="SIGINT", stop_timeout=3, domainname="corp", tty=False, stdin_open=False, mac_address=None,
                               name="clibdocker-test-pj03-job-" + tag)
    made.append(ctr["Id"])
    print("create", sorted(ctr), ctr["Warnings"] in (None, []))
    print("start", api.start(ctr))
    for _ in range(50):
        if b"job-" in api.logs(ctr):
            break
        time.sleep(0.1)
    print("logs", api.logs(ctr["Id"]))
    print("logs stderr only", api.logs(ctr, stdout=False))
    info = api.inspect_container(ctr)
    cfg, host = info["Config"], info["HostConfig"]
    print("inspect config", cfg["Env"][-1:], cfg["WorkingDir"], cfg["Hostname"], cfg["Domainname"], cfg["StopSignal"], cfg["StopTimeout"],
          sorted(cfg["ExposedPorts"]), cfg["Volumes"], cfg["Healthcheck"])
    print("inspect host", host["Binds"], host["LogConfig"], host["Ulimits"], host["Tmpfs"], host["Init"], host["RestartPolicy"])
    print("inspect net", list(info["NetworkSettings"]["Networks"]), "job" in info["NetworkSettings"]["Networks"]["clibdocker-test-pj03-" + tag]["Aliases"])
    p = api.port(ctr, 8000)
    print("port", type(p).__name__, len(p), p[0]["HostIp"] in ("0.0.0.0", "::"), p[0]["HostPort"].isdigit())
    print("port udp", len(api.port(ctr, "9000/udp")) >= 1, [b["HostIp"] for b in api.port(ctr, 9000)], api.port(ctr, "7777"),
          sorted(b["HostIp"] for b in api.port(ctr, "9000/udp")))
    print("top", api.top(ctr)["Titles"][:2])
    try:
        api.resize(ctr, 20, 80)
        print("resize ok")
    except APIError as e:
        print("resize", type(e).__name__, e.status_code)
    st = api.stats(ctr, stream=False)
    print("stats", sorted(k for k in st if k in ("read", "cpu_stats", "memory_stats", "networks", "pids_stats")))
    gen = api.stats(ctr, decode=True)
    print("stats stream", type(next(gen)).__name__)
    gen.close()

    # exec
    e = api.exec_create(ctr, ["sh", "-c", "echo $E; pwd; sleep 0.2; echo oops >&2; exit 3"], environment={"E": "v"}, workdir="/tmp", user="nobody")
    print("exec_create", sorted(e))
    ei = api.exec_inspect(e)
    print("exec_inspect before", ei["Running"], ei["ExitCode"], ei["ProcessConfig"]["user"], ei["ProcessConfig"]["entrypoint"], ei["ProcessConfig"]["arguments"][:1])
    print("exec_start", api.exec_start(e))
    ei = api.exec_inspect(e["Id"])
    print("exec_inspect after", ei["Running"], ei["ExitCode"], ei["OpenStdout"], ei["OpenStderr"], ei["OpenStdin"])
    e = api.exec_create(ctr, "sh -c 'echo o; echo e >&2'", stdout=True, stderr=False)
    print("exec stderr off", api.exec_start(e))
    e = api.exec_create(ctr, ["sh", "-c", "echo o; sleep 0.2; echo e >&2"])
    print("exec demux", api.exec_start(e, demux=True))
    e = api.exec_create(ctr, ["sh", "-c", "echo t"], tty=True)
    print("exec tty", api.exec_start(e, tty=True))
    e = api.exec_create(ctr, ["sh", "-c", "sleep 0.3"])
    print("exec detach", repr(api.exec_start(e, detach=True)))
    time.sleep(1)
    print("exec done", api.exec_inspect(e)["Running"], api.exec_inspect(e)["ExitCode"])
    try:
        api.exec_start(e)
    except APIError as ex:
        print("exec start twice", type(ex).__name__, ex.status_code)
    try:
        api.exec_create(ctr, [])
    except APIError as ex:
        print("exec empty", type(ex).__name__, ex.status_code)

    # archives
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for n, body in (("in/job.json", b'{"a": 1}'), ("in/run.sh", b"#!/bin/sh\necho run\n")):
            ti = tarfile.TarInfo(n)
            ti.size = len(body)
            ti.mode = 0o755
            tf.addfile(ti, io.BytesIO(body))
    print("put_archive", api.put_archive(ctr, "/tmp", buf.getvalue()))
    print("ran", api.exec_start(api.exec_create(ctr, "/tmp/in/run.sh")))
    strm, stat = api.get_archive(ctr, "/tmp/in", chunk_size=7)
    with tarfile.open(fileobj=io.BytesIO(b"".join(strm))) as tf:
        print("get_archive", sorted(tf.getnames()), stat["name"], sorted(stat))

    # lists
    q = api.containers(quiet=True, filters={"label": "pj03=" + tag})
    print("quiet", len(q), sorted(q[0]) if q else None, q[0]["Id"] == ctr["Id"])
    full = api.containers(filters={"label": ["clibdocker-test=1", "pj03=" + tag]})
    print("full", len(full), full[0]["Labels"] == LABELS, full[0]["State"], full[0]["Names"], sorted(p["PrivatePort"] for p in full[0]["Ports"]))
    print("trunc", len(api.containers(trunc=True, filters={"label": "pj03=" + tag})[0]["Id"]))
    print("size", "SizeRw" in api.containers(size=True, filters={"label": "pj03=" + tag})[0])
    print("latest", len(api.containers(latest=True, filters={"label": "pj03=" + tag})))
    print("status exited", api.containers(all=True, filters={"label": "pj03=" + tag, "status": "exited"}))
    print("name filter", len(api.containers(filters={"name": "pj03-job-" + tag})))
    print("ancestor filter", len(api.containers(filters={"ancestor": IMAGE, "label": "pj03=" + tag})))
    print("volume filter", len(api.containers(filters={"volume": vol, "label": "pj03=" + tag})))
    print("network filter", len(api.containers(filters={"network": "clibdocker-test-pj03-" + tag})))
    print("health filter", len(api.containers(filters={"health": "none", "label": "pj03=" + tag})))

    # stop/wait/remove
    api.stop(ctr, timeout=2)
    w = api.wait(ctr, timeout=10)
    print("wait", sorted(w), w["StatusCode"] in (130, 137))   # SIGINT, or SIGKILL after stop_timeout
    print("state", api.inspect_container(ctr)["State"]["Status"])
    print("prune", sorted(api.prune_containers(filters={"label": "pj03=" + tag})), api.containers(all=True, filters={"label": "pj03=" + tag}))
    made.remove(ctr["Id"])
    try:
        api.inspect_container(ctr)
    except NotFound as ex:
        print("pruned", ex.status_code)
finally:
    for cid in made:
        try:
            api.remove_container(cid, force=True, v=True)
        except NotFound:
            pass
    api.remove_network(net)
    try:
        api.remove_volume(vol)
    except NotFound:
        pass
print("left", len(api.containers(all=True, filters={"label": "pj03=" + tag})))
api.close()
