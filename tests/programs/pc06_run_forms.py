"""Less common but real forms of run/create arguments (testcontainers,
dockerspawner, Airflow's DockerOperator): Image objects, ports with host
ip/port tuples and lists, environment values None/int, networking_config in
run, mac/hostname, detach+remove, start/stop twice, exec socket, attach
demux."""
import os
import socket
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import EndpointConfig

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc06": tag}
made = []
net = client.networks.create("clibdocker-test-pc06-" + tag, labels={"clibdocker-test": "1"})


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


try:
    image = client.images.get(IMAGE)
    p1, p2, p3 = free_port(), free_port(), free_port()
    c = client.containers.run(
        image, command=["sh", "-c", "echo $NUM $FLAG $EMPTY; env | grep -c ^NOVAL; sleep 30"], detach=True,
        labels=LABELS, ports={"80/tcp": ("127.0.0.1", p1), "81/tcp": [p2, p3], "82": 0},
        environment={"NUM": 42, "FLAG": True, "EMPTY": "", "NOVAL": None},
        network=net.name, networking_config={net.name: EndpointConfig("1.41", aliases=["svc"])},
        hostname="h-" + tag[:4], mac_address="02:42:ac:11:00:99")
    made.append(c)
    for _ in range(100):   # both lines (the second command may not have run yet)
        if c.logs().count(b"\n") >= 2:
            break
        time.sleep(0.1)
    print("env", c.logs().split())
    c.reload()
    print("ports", sorted((k, sorted((b["HostIp"], b["HostPort"] == str(p)) for b, p in zip(v, [None] * len(v)))) for k, v in c.ports.items() if v))
    pb = c.attrs["HostConfig"]["PortBindings"]
    print("bindings", pb["80/tcp"] == [{"HostIp": "127.0.0.1", "HostPort": str(p1)}],
          sorted(b["HostPort"] for b in pb["81/tcp"]) == sorted([str(p2), str(p3)]), pb["82/tcp"])
    nw = c.attrs["NetworkSettings"]["Networks"]
    print("network", list(nw) == [net.name], "svc" in nw[net.name]["Aliases"], nw[net.name]["MacAddress"] or c.attrs["Config"].get("MacAddress"))
    print("hostname", c.attrs["Config"]["Hostname"] == "h-" + tag[:4])
    print("image model", c.image.id == image.id, c.attrs["Config"]["Image"] == image.id)
    c.start()
    print("start twice ok", c.status)

    ec, sock = c.exec_run(["sh", "-c", "echo via-socket"], socket=True)
    from docker.utils.socket import frames_iter, consume_socket_output
    print("exec socket", ec, b"".join(d for _, d in frames_iter(sock, tty=False)))
    sock.close()
    ec, sock = c.exec_run(["sh", "-c", "echo via-socket-tty"], socket=True, tty=True)
    data = b""
    for _, chunk in frames_iter(sock, tty=True):
        data += chunk
    print("exec socket tty", ec, data)
    sock.close()

    c.stop(timeout=0)
    c.stop(timeout=0)
    c.reload()
    print("stop twice ok", c.status, c.ports == {} or all(v is None for v in c.ports.values()) or sorted(c.ports))

    d = client.containers.run(IMAGE, ["sh", "-c", "echo bye"], detach=True, remove=True, labels=LABELS)
    print("detach+remove", type(d).__name__, d.wait(timeout=10)["StatusCode"])
    time.sleep(0.5)
    try:
        d.reload()
        print("detach+remove still there", d.attrs["HostConfig"]["AutoRemove"])
    except NotFound:
        print("detach+remove gone")

    a = client.containers.create(IMAGE, ["sh", "-c", "sleep 0.5; echo o1; echo e1 >&2"], labels=LABELS,
                                 name="clibdocker-test-pc06-a-" + tag)
    made.append(a)
    out = a.attach(stream=True, demux=True, stdout=True, stderr=True)
    a.start()
    print("attach stream demux", sorted(out, key=lambda t: (t[0] is None, t)))
    print("wait", a.wait()["StatusCode"])
    a.remove(link=False, v=True, force=False)
    made.remove(a)
    try:
        client.containers.get(a.id)
    except NotFound:
        print("removed by id")

    b = client.containers.create(IMAGE, labels=LABELS, command=None, entrypoint=["sh", "-c", "echo ep"],
                                 name=None)
    made.append(b)
    b.start()
    print("entrypoint only", b.wait()["StatusCode"], b.logs())
    try:
        client.containers.run(IMAGE, ["sleep", 30], labels=LABELS, detach=True, name="clibdocker-test-pc06-int-" + tag)
        print("int command accepted")
    except (APIError, TypeError) as e:
        print("int command", type(e).__name__, getattr(e, "status_code", None))
    finally:
        for x in client.containers.list(all=True, filters={"name": "clibdocker-test-pc06-int-" + tag}):
            x.remove(force=True)
    try:
        client.containers.run(IMAGE, "true", labels=LABELS, detach=True, network="clibdocker-test-none-" + tag)
    except NotFound as e:
        print("missing network", e.status_code, type(e).__name__)
    except APIError as e:
        print("missing network api", e.status_code)
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "pc06=" + tag}):
        x.remove(force=True)
    net.remove()
print("left", len(client.containers.list(all=True, filters={"label": "pc06=" + tag})))
client.close()
