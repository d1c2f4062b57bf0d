"""Helpers as pytest-docker-tools and testcontainers write them around a
container: wait_for_callable on logs/status, get_files through get_archive
(tarfile over the joined stream), ips per network, host ports from
attrs['NetworkSettings']['Ports'], exec-based readiness, teardown that
tolerates an already-removed container."""
import io
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc08": tag}


def wait_for_callable(message, func, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if func():
            return True
        time.sleep(0.1)
    raise TimeoutError(message)


def get_files(container, path):
    bits, stat = container.get_archive(path)
    fp = io.BytesIO()
    for chunk in bits:
        fp.write(chunk)
    fp.seek(0)
    files = {}
    with tarfile.open(fileobj=fp, mode="r") as tar:
        for member in tar.getmembers():
            if member.isfile():
                files[member.name] = tar.extractfile(member).read().decode("utf-8")
    return stat, files


def ips(container):
    container.reload()
    out = {}
    for name, nw in container.attrs["NetworkSettings"]["Networks"].items():
        out[name] = nw["IPAddress"]
    return out


def host_ports(container, port):
    container.reload()
    bindings = container.attrs["NetworkSettings"]["Ports"].get(port) or []
    return sorted(b["HostPort"] for b in bindings if b["HostIp"] in ("0.0.0.0", ""))


net = client.networks.create("clibdocker-test-pc08-" + tag, labels={"clibdocker-test": "1"})
containers = []
try:
    server = client.containers.run(
        IMAGE, ["sh", "-c", "mkdir -p /srv/conf && echo 'a=1' > /srv/conf/x.ini && echo 'b=2' > /srv/conf/y.ini"
                " && echo 'server ready' && exec httpd -f -p 8000 -h /srv"],
        detach=True, labels=LABELS, ports={"8000/tcp": None}, network=net.name,
        name="clibdocker-test-pc08-srv-" + tag)
    containers.append(server)
    wait_for_callable("server ready", lambda: "server ready" in server.logs().decode("utf-8"))
    wait_for_callable("running", lambda: (server.reload() or server.status) == "running")
    print("status", server.status)
    hp = host_ports(server, "8000/tcp")
    print("host ports", len(hp) >= 1, all(p.isdigit() for p in hp))
    print("ips", [(k == net.name, v.count(".")) for k, v in ips(server).items()])
    stat, files = get_files(server, "/srv/conf")
    print("get_files", stat["name"], sorted(files.items()))
    client_c = client.containers.run(
        IMAGE, ["sh", "-c", "sleep 30"], detach=True, labels=LABELS, network=net.name)
    containers.append(client_c)

    def ready():
        r = client_c.exec_run(["wget", "-q", "-O", "-", f"http://{server.name}:8000/conf/x.ini"])
        return r.exit_code == 0 and r.output == b"a=1\n"
    print("reachable", wait_for_callable("http", ready))
    print("same network", sorted(c.name == server.name for c in (net.reload() or net.containers)))
    try:
        wait_for_callable("never", lambda: False, timeout=0.3)
    except TimeoutError as e:
        print("timeout", e)
    # teardown helpers must tolerate a container removed behind their back
    client_c.remove(force=True)
    for c in containers:
        try:
            c.remove(force=True, v=True)
            print("removed", c.name.startswith("clibdocker-test-pc08-srv"))
        except NotFound:
            print("already removed")
        except APIError as e:
            print("remove error", e.status_code)
    containers = []
finally:
    for c in containers:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    net.remove()
print("left", len(client.containers.list(all=True, filters={"label": "pc08=" + tag})))
client.close()
