"""Port publishing in every form docker-py documents, read back through
container.ports, api.port() and attrs; exec_run in all its forms (what
testcontainers' get_exposed_port / pytest-docker's port_for and molecule's
exec helpers do)."""
import os
import socket
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph02": tag}
made = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def shape(bindings):
    if bindings is None:
        return None
    return sorted((b["HostIp"], b["HostPort"].isdigit()) for b in bindings)


try:
    fixed = free_port()
    c = client.containers.run(
        IMAGE, ["sh", "-c", "httpd -f -p 80 & nc -lk -p 81 -e true & sleep 60"], detach=True, labels=LABELS,
        ports={"80/tcp": None, "81": ("127.0.0.1", None), 82: fixed, "83/udp": None,
               "84/tcp": ("127.0.0.1",), "85/tcp": [None, ("127.0.0.1", None)]})
    made.append(c)
    print("ports before reload", c.ports)
    c.reload()
    ports = c.ports
    print("ports keys", sorted(ports))
    for k in sorted(ports):
        print(" ", k, shape(ports[k]))
    print("fixed", ports["82/tcp"][0]["HostPort"] == str(fixed))
    print("api.port 80", shape(api.port(c.id, 80)), shape(api.port(c.id, "80")))
    print("api.port 81/tcp", shape(api.port(c.id, "81/tcp")))
    print("api.port 83/udp", shape(api.port(c.id, "83/udp")))
    print("api.port 83 (no proto)", shape(api.port(c.id, 83)))
    print("api.port unpublished", api.port(c.id, 9999))
    hp = api.port(c.id, 80)[0]["HostPort"]
    ns = c.attrs["NetworkSettings"]
    print("networksettings ports", sorted(ns["Ports"]) == sorted(ports), type(ns["Ports"]["80/tcp"]).__name__)
    exposed = c.attrs["Config"]["ExposedPorts"]
    print("exposed", sorted(exposed), exposed["80/tcp"])
    print("portbindings", sorted((k, [(b["HostIp"], b["HostPort"] == "" or b["HostPort"].isdigit())
                                       for b in v]) for k, v in c.attrs["HostConfig"]["PortBindings"].items()))
    ok = False
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", int(hp)), timeout=1) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                ok = s.recv(12).startswith(b"HTTP/1.")
                break
        except OSError:
            time.sleep(0.1)
    print("http through published port", ok)

    # low-level create with ports list + host_config port_bindings
    p2 = free_port()
    hc = api.create_host_config(port_bindings={1111: p2, "2222/udp": ("127.0.0.1", None), 3333: None},
                                publish_all_ports=False)
    print("host_config PortBindings", sorted((k, [(b["HostIp"], b["HostPort"] == str(p2) or b["HostPort"])
                                              for b in v]) for k, v in hc["PortBindings"].items()))
    r = api.create_container(IMAGE, ["sleep", "60"], ports=[1111, (2222, "udp"), 3333], host_config=hc,
                             labels=LABELS)
    print("create_container keys", sorted(r))
    made.append(client.containers.get(r["Id"]))
    api.start(r["Id"])
    info = api.inspect_container(r["Id"])
    print("ll exposed", sorted(info["Config"]["ExposedPorts"]))
    print("ll port 1111", api.port(r["Id"], 1111)[0]["HostPort"] == str(p2))
    print("ll port 2222/udp", shape(api.port(r["Id"], "2222/udp")))
    print("ll port 3333", shape(api.port(r["Id"], 3333)))
    lst = api.containers(filters={"id": r["Id"]})
    print("list Ports", sorted((p["PrivatePort"], p["Type"], "PublicPort" in p, p.get("IP", "")) for p in lst[0]["Ports"]
                               if p.get("IP", "") in ("", "0.0.0.0", "127.0.0.1")))
    print("list by publish", len(client.containers.list(filters={"publish": "%d/tcp" % p2})),
          len(client.containers.list(filters={"expose": "1111/tcp", "label": "ph02=" + tag})))

    # exec_run in every form
    e = c.exec_run("echo plain")
    print("exec plain", type(e).__name__, e.exit_code, e.output, tuple(e) == (0, b"plain\n"))
    print("exec list", c.exec_run(["echo", "a b", "c"]).output)
    print("exec shell string", c.exec_run("sh -c 'echo $((1+2))'").output)
    print("exec env dict", c.exec_run("sh -c 'echo $K'", environment={"K": "v=1"}).output)
    print("exec env list", c.exec_run("sh -c 'echo $K $L'", environment=["K=1", "L=2"]).output)
    print("exec workdir", c.exec_run("pwd", workdir="/etc").output)
    print("exec user", c.exec_run("id -un", user="nobody").output, c.exec_run("id -u", user="65534:65534").output)
    print("exec privileged", c.exec_run("sh -c 'echo ok'", privileged=True).exit_code)
    print("exec stderr", c.exec_run(["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=True).output)
    # nothing attached: the engine answers at once, the exit code is racy
    print("exec neither", c.exec_run(["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=False).output)
    print("exec demux", c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True))
    print("exec demux only err", c.exec_run(["sh", "-c", "echo err >&2"], demux=True).output)
    print("exec demux nothing", c.exec_run(["true"], demux=True).output)
    print("exec tty", c.exec_run(["sh", "-c", "echo out; echo err >&2"], tty=True).output)
    print("exec tty demux", c.exec_run(["sh", "-c", "echo out; echo err >&2"], tty=True, demux=True).output)
    print("exec stdin", c.exec_run("cat", stdin=False).output)
    r = c.exec_run(["sh", "-c", "for i in 1 2 3; do echo n$i; sleep 0.1; done"], stream=True)
    print("exec stream", r.exit_code, type(r.output).__name__ != "bytes",
          b"".join(r.output))
    r = c.exec_run(["sh", "-c", "echo o; sleep 0.1; echo e >&2"], stream=True, demux=True)
    print("exec stream demux", r.exit_code, list(r.output))
    r = c.exec_run(["sh", "-c", "echo o; echo e >&2"], stream=True, tty=True)
    print("exec stream tty", b"".join(r.output).split())
    r = c.exec_run(["sh", "-c", "sleep 0.2; touch /tmp/detached"], detach=True)
    print("exec detach", r.exit_code, r.output)
    for _ in range(50):
        if c.exec_run("test -f /tmp/detached").exit_code == 0:
            break
        time.sleep(0.1)
    print("detached ran", c.exec_run("test -f /tmp/detached").exit_code)
    r = c.exec_run("sh -c 'exit 42'")
    print("exec code", r.exit_code, r.output)
    r = c.exec_run("does-not-exist")
    print("exec missing cmd", r.exit_code, b"not found" in r.output or b"no such file" in r.output.lower())
    big = c.exec_run(["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"])
    print("exec big", big.exit_code, len(big.output), set(big.output))

    # low-level exec api
    ex = api.exec_create(c.id, ["sh", "-c", "echo ll; exit 5"], environment={"Z": "1"}, workdir="/tmp")
    print("exec_create keys", sorted(ex))
    out = api.exec_start(ex["Id"])
    ins = api.exec_inspect(ex["Id"])
    print("exec_start", out, ins["ExitCode"], ins["Running"], ins["ProcessConfig"]["entrypoint"],
          ins["ProcessConfig"]["arguments"])
    ex = api.exec_create(c.id, "sh -c 'echo o; echo e >&2'")
    print("exec_start demux", api.exec_start(ex, demux=True))
    ex = api.exec_create(c.id, "sh -c 'echo s1; echo s2'")
    print("exec_start stream", b"".join(api.exec_start(ex["Id"], stream=True)).split())
    ex = api.exec_create(c.id, "true")
    print("exec_start detach", api.exec_start(ex["Id"], detach=True))
    try:
        api.exec_inspect("0" * 64)
    except NotFound as err:
        print("exec_inspect missing", err.status_code)
    try:
        api.exec_create("clibdocker-test-ph02-missing-" + tag, "true")
    except NotFound as err:
        print("exec_create missing container", err.status_code)
    c.stop(timeout=0)
    c.reload()
    print("ports after stop", c.ports)
    try:
        c.exec_run("true")
    except APIError as err:
        print("exec stopped", err.status_code, err.is_client_error())
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "ph02=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "ph02=" + tag})))
client.close()
