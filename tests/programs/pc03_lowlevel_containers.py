"""Low-level APIClient container calls as dockerspawner / molecule / Airflow
write them: create_container with create_host_config / networking config,
start, inspect, port, logs, wait, kill, remove(v, force), containers()
filters, exec_*, resize, archives, networks with aliases."""
import io
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.utils import kwargs_from_env

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="auto", timeout=60, **kwargs_from_env())
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc03": tag}
net_name = "clibdocker-test-pc03-" + tag
name = "clibdocker-test-pc03-" + tag
cleanup = []
net = api.create_network(net_name, driver="bridge", labels={"clibdocker-test": "1"}, check_duplicate=True)
print("network", sorted(net))
try:
    vol = api.create_volume(name="clibdocker-test-pc03-" + tag, labels={"clibdocker-test": "1"})
    hc = api.create_host_config(
        binds={vol["Name"]: {"bind": "/data", "mode": "rw"}},
        port_bindings={8080: None, "9090/tcp": ("127.0.0.1", None), 53: [("127.0.0.1", None)]},
        mem_limit=64 * 1024 * 1024, cpu_period=100000, cpu_quota=20000,
        restart_policy={"Name": "no"}, network_mode=net_name, cap_add=["SYS_PTRACE"],
        extra_hosts=["gw:127.0.0.1"], tmpfs=["/scratch:size=1m"], auto_remove=False,
        log_config={"Type": "json-file", "Config": {"max-file": "2", "max-size": "1m"}},
        dns_search=["example.org"], oom_score_adj=100, storage_opt=None)
    print("host_config keys", sorted(hc))
    ep = api.create_endpoint_config(aliases=["web", "web-" + tag[:4]], links=None,
                                    ipv4_address=None)
    nc = api.create_networking_config({net_name: ep})
    print("networking_config", sorted(nc), sorted(nc["EndpointsConfig"][net_name]))
    c = api.create_container(
        IMAGE, command=["sh", "-c", "echo started; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done"],
        name=name, hostname="pc03", user="root", environment={"JUPYTERHUB_USER": "u1"},
        labels=LABELS, ports=[8080, (9090, "tcp"), (53, "udp"), 53], volumes=["/data"],
        host_config=hc, networking_config=nc, working_dir="/data", stop_signal="SIGKILL",
        detach=True, stdin_open=False, tty=False)
    print("create", sorted(c), c["Warnings"] in (None, []))
    cleanup.append(c["Id"])
    api.start(c["Id"])
    info = api.inspect_container(c)
    print("inspect", info["Name"] == "/" + name, info["State"]["Status"], info["Config"]["WorkingDir"],
          info["Config"]["Hostname"], sorted(info["Config"]["ExposedPorts"]))
    nets = info["NetworkSettings"]["Networks"]
    print("networks", [n == net_name for n in nets], sorted(a.replace(tag[:4], "T") for a in nets[net_name]["Aliases"] if not info["Id"].startswith(a)))
    print("host", info["HostConfig"]["Memory"], info["HostConfig"]["CpuQuota"], info["HostConfig"]["CapAdd"],
          info["HostConfig"]["Tmpfs"], info["HostConfig"]["DnsSearch"], info["HostConfig"]["OomScoreAdj"])
    print("port 8080", [sorted(b) for b in api.port(c, 8080)])
    print("port 9090", api.port(c["Id"], "9090")[0]["HostIp"])
    print("port 53/udp", api.port(c, "53/udp"), "53", len(api.port(c, 53)))
    print("port none", api.port(c, 1234))
    for _ in range(50):
        if api.logs(c):
            break
        time.sleep(0.1)
    print("logs", api.logs(c), api.logs(c, stdout=False), api.logs(c, tail=5, timestamps=False))
    lg = api.logs(c, stream=True, follow=False)
    print("logs stream", list(lg))

    print("containers name", len(api.containers(filters={"name": name})))
    q = api.containers(quiet=True, filters={"label": "pc03=" + tag})
    print("quiet", [sorted(x) for x in q], q[0]["Id"] == c["Id"])
    full = api.containers(filters={"label": ["clibdocker-test=1", "pc03=" + tag], "status": "running"})
    print("filters", len(full), sorted(full[0])[:6], full[0]["Names"] == ["/" + name])
    print("ports in list", sorted((p.get("PrivatePort"), p.get("Type")) for p in full[0]["Ports"]))
    print("limit", len(api.containers(all=True, limit=1)), "latest", len(api.containers(latest=True)))
    print("ancestor", len(api.containers(filters={"ancestor": IMAGE, "label": "pc03=" + tag})))
    print("network filter", len(api.containers(filters={"network": net_name})))
    print("exited filter", len(api.containers(all=True, filters={"exited": 0, "label": "pc03=" + tag})))

    ex = api.exec_create(c, ["sh", "-c", "echo $V; pwd; cat"], environment={"V": "v1"}, workdir="/tmp",
                         stdin=False, tty=False, user="nobody")
    print("exec_create", sorted(ex))
    print("exec_start", api.exec_start(ex))
    ei = api.exec_inspect(ex["Id"])
    print("exec_inspect", ei["ExitCode"], ei["Running"], ei["ProcessConfig"]["user"], ei["ProcessConfig"]["entrypoint"])
    ex = api.exec_create(c, "sh -c 'echo a; echo b >&2'", stderr=True, stdout=True)
    print("exec_start demux", api.exec_start(ex["Id"], demux=True))
    ex = api.exec_create(c, ["sh", "-c", "for i in 1 2; do echo s$i; sleep 0.1; done"])
    print("exec_start stream", b"".join(api.exec_start(ex, stream=True)).split())
    ex = api.exec_create(c, ["sh", "-c", "sleep 1"], tty=True)
    print("exec_start detach", api.exec_start(ex, detach=True))
    try:
        api.exec_resize(ex["Id"], height=40, width=100)
        print("exec_resize ok")
    except APIError as e:
        print("exec_resize error", e.status_code)
    ex = api.exec_create(c, ["cat"], stdin=True)
    sock = api.exec_start(ex, socket=True)
    sock._sock.sendall(b"through-socket\n")
    sock._sock.shutdown(1) if hasattr(sock._sock, "shutdown") else None
    time.sleep(0.5)
    from docker.utils.socket import frames_iter
    got = b""
    for stream_id, data in frames_iter(sock, tty=False):
        got += data
        if b"\n" in got:
            break
    sock.close()
    print("exec socket", got)

    tc = api.create_container(IMAGE, ["sh", "-c", "stty size; sleep 2; stty size"], tty=True,
                              stdin_open=True, labels=LABELS, host_config=api.create_host_config())
    cleanup.append(tc["Id"])
    api.start(tc)
    time.sleep(0.5)
    print("resize", api.resize(tc, height=33, width=111))
    print("wait tty", api.wait(tc, timeout=10))
    print("tty logs", api.logs(tc).split(b"\r\n")[1])

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info_ = tarfile.TarInfo("cfg/app.ini")
        data = b"[app]\nx=1\n"
        info_.size = len(data)
        t.addfile(info_, io.BytesIO(data))
    print("put_archive", api.put_archive(c, "/data", buf.getvalue()))
    stat = api.inspect_container(c)  # noqa: F841
    strm, st = api.get_archive(c, "/data/cfg/app.ini")
    with tarfile.open(fileobj=io.BytesIO(b"".join(strm))) as t:
        print("get_archive", st["name"], st["size"], t.extractfile("app.ini").read())
    print("archive head", {k: v for k, v in api.get_archive(c, "/data/cfg")[1].items() if k in ("name", "linkTarget")})

    other = api.create_container(IMAGE, ["sleep", "30"], labels=LABELS,
                                 host_config=api.create_host_config(network_mode="bridge"))
    cleanup.append(other["Id"])
    api.start(other)
    api.connect_container_to_network(other, net_name, aliases=["db", "database"], links=None)
    oi = api.inspect_container(other["Id"])
    print("connected", sorted(n == net_name for n in oi["NetworkSettings"]["Networks"]),
          sorted(a for a in oi["NetworkSettings"]["Networks"][net_name]["Aliases"] if a in ("db", "database")))
    ninfo = api.inspect_network(net["Id"])
    print("network containers", len(ninfo["Containers"]), sorted(v["Name"] == name for v in ninfo["Containers"].values()))
    ec, = [api.exec_inspect(e)["ExitCode"] for e in [api.exec_create(c, "sh -c 'ping -c1 -W2 db >/dev/null; echo $?'")]
                                                       if api.exec_start(e) is not None] or [None]
    print("ping alias exit", ec)
    out = api.exec_start(api.exec_create(c, ["sh", "-c", "ping -c1 -W2 database >/dev/null && echo ok"]))
    print("ping alias", out)
    api.disconnect_container_from_network(other, net_name, force=False)
    oi = api.inspect_container(other["Id"])
    print("disconnected", sorted(oi["NetworkSettings"]["Networks"]))
    print("network containers after", len(api.inspect_network(net_name)["Containers"]))
    try:
        api.disconnect_container_from_network(other, net_name)
    except APIError as e:
        print("disconnect again", e.status_code, isinstance(e, APIError))

    api.kill(other, signal="SIGKILL")
    print("wait killed", api.wait(other)["StatusCode"])
    api.stop(c, timeout=1)
    print("wait stopped", api.wait(c, condition="not-running")["StatusCode"])
    api.restart(c, timeout=0)
    print("restarted", api.inspect_container(c)["State"]["Running"])
    try:
        api.remove_container(c)
    except APIError as e:
        print("remove running", e.status_code, "stop the container" in str(e).lower() or "force" in str(e).lower())
    api.remove_container(c, v=True, force=True)
    cleanup.remove(c["Id"])
    try:
        api.inspect_container(name)
    except NotFound as e:
        print("inspect removed", e.status_code, type(e).__name__)
    try:
        api.wait(name)
    except NotFound as e:
        print("wait removed", e.status_code)
    try:
        api.logs(name)
    except NotFound as e:
        print("logs removed", e.status_code)
finally:
    for cid in cleanup:
        try:
            api.remove_container(cid, force=True, v=True)
        except NotFound:
            pass
    api.remove_network(net["Id"])
    for v in api.volumes(filters={"name": "clibdocker-test-pc03-" + tag})["Volumes"] or []:
        api.remove_volume(v["Name"], force=True)
print("left", len(api.containers(all=True, filters={"label": "pc03=" + tag})),
      len(api.networks(names=[net_name])))
api.close()
