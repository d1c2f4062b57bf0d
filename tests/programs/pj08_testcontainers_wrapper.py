"""A testcontainers-python style wrapper (DockerContainer with
with_env/with_exposed_ports/with_bind_ports, get_exposed_port,
get_container_host_ip, wait_for_logs with a regex and a timeout, exec and
copy helpers), its sidecars sharing the network namespace
(network_mode="container:..."), network modes host/none, a name conflict,
and docker.utils helpers such as ports.split_port and parse_bytes."""
import io
import os
import re
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.utils import parse_bytes, format_environment, convert_port_bindings, parse_repository_tag
from docker.utils.ports import split_port, build_port_bindings

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj08": tag}


class DockerContainer:
    def __init__(self, image, **kwargs):
        self.image = image
        self.env = {}
        self.ports = {}
        self.volumes = {}
        self.kwargs = kwargs
        self._container = None
        self.client = docker.from_env()

    def with_env(self, k, v):
        self.env[k] = v
        return self

    def with_exposed_ports(self, *ports):
        for p in ports:
            self.ports[p] = None
        return self

    def with_bind_ports(self, container, host=None):
        self.ports[container] = host
        return self

    def with_volume_mapping(self, host, container, mode="ro"):
        self.volumes[host] = {"bind": container, "mode": mode}
        return self

    def start(self):
        self._container = self.client.containers.run(self.image, detach=True, environment=self.env, ports=self.ports,
                                                     volumes=self.volumes, labels=LABELS, **self.kwargs)
        return self

    def stop(self, force=True, delete_volume=True):
        if self._container:
            self._container.remove(force=force, v=delete_volume)
        self.client.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *a):
        self.stop()

    def get_container_host_ip(self):
        return "localhost"

    def get_exposed_port(self, port):
        return self.client.api.port(self._container.id, port)[0]["HostPort"]

    def get_wrapped_container(self):
        return self._container

    def exec(self, cmd):
        return self._container.exec_run(cmd)


def wait_for_logs(container, predicate, timeout=10, interval=0.1):
    if isinstance(predicate, str):
        predicate = re.compile(predicate, re.MULTILINE).search
    start = time.time()
    while True:
        out = container.get_wrapped_container().logs().decode()
        if predicate(out):
            return True
        if time.time() - start > timeout:
            raise TimeoutError("container did not emit logs satisfying predicate in %.3f seconds" % timeout)
        container.get_wrapped_container().reload()
        if container.get_wrapped_container().status == "exited":
            raise RuntimeError("Container exited before emitting logs satisfying predicate")
        time.sleep(interval)


# docker.utils helpers used by such wrappers
print("split_port", split_port("8080:80"), split_port("127.0.0.1:8080:80/udp"), split_port("80"), split_port("1000-1002:2000-2002"))
print("split_port ip only", split_port("127.0.0.1::80"))
for bad in ("a:b:c:d", "80/xyz/1", "", "1000-1001:2000-2002"):
    try:
        print("split_port bad ok", split_port(bad))
    except ValueError as e:
        print("split_port bad", repr(bad), type(e).__name__, str(e))
print("build_port_bindings", build_port_bindings(["8080:80", "8081:80", "53:53/udp"]))
print("convert_port_bindings", convert_port_bindings({80: 8080, "90/udp": ("0.0.0.0", 9090), 100: [1, 2]}))
print("parse_bytes", parse_bytes("1k"), parse_bytes("1.5m"), parse_bytes(1024), parse_bytes("2G"), parse_bytes("10"))
for bad in ("x", "1q", "1.5"):
    try:
        print("parse_bytes bad ok", parse_bytes(bad))
    except docker.errors.DockerException as e:
        print("parse_bytes bad", repr(bad), type(e).__name__, str(e))
print("format_environment", format_environment({"A": "1", "B": None, "C": b"x"}))
print("parse_repository_tag", parse_repository_tag("localhost:5000/a/b:1"), parse_repository_tag("a@sha256:" + "0" * 64), parse_repository_tag("a"))

client = docker.from_env()
try:
    srv = (DockerContainer(IMAGE, command=["sh", "-c", "echo booting; sleep 0.3; echo \"ready on $PORT\"; httpd -f -p $PORT -h /www"],
                           name="clibdocker-test-pj08-" + tag, hostname="srv")
           .with_env("PORT", "8080").with_exposed_ports(8080).with_bind_ports("9090/udp", None)
           .with_volume_mapping("/tmp", "/www"))
    with srv:
        print("wait logs", wait_for_logs(srv, r"ready on \d+"))
        host_port = srv.get_exposed_port(8080)
        print("exposed", srv.get_container_host_ip(), host_port.isdigit(), srv.get_exposed_port("9090/udp").isdigit())
        print("exec", srv.exec(["sh", "-c", "echo $PORT; hostname"]))
        w = srv.get_wrapped_container()
        print("attrs without reload", w.status, w.attrs["State"]["Running"], w.name.endswith(tag), sorted(w.ports))
        # sidecar in the same network namespace
        side = client.containers.run(IMAGE, ["sh", "-c", "wget -q -O- http://127.0.0.1:8080/ >/dev/null 2>&1; echo rc=$?; hostname"],
                                     network_mode="container:" + w.id, labels=LABELS, detach=True)
        print("sidecar", side.wait(timeout=20)["StatusCode"], side.logs().split()[0], side.attrs["HostConfig"]["NetworkMode"] == "container:" + w.id)
        side.remove()
        # a second container with the same name
        try:
            client.containers.run(IMAGE, "true", name="clibdocker-test-pj08-" + tag, labels=LABELS, detach=True)
        except APIError as e:
            print("name conflict", type(e).__name__, e.status_code, e.is_client_error(),
                  "is already in use" in e.explanation)
        # copy a file in the testcontainers way
        data = b"payload"
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tf:
            ti = tarfile.TarInfo("payload.txt")
            ti.size = len(data)
            ti.mtime = 0
            tf.addfile(ti, io.BytesIO(data))
        w.put_archive("/", buf.getvalue())
        print("copied", srv.exec("cat /payload.txt").output)
    print("stopped", client.containers.list(all=True, filters={"name": "clibdocker-test-pj08-" + tag}))

    none = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.3; ls /sys/class/net | sort | tr '\\n' ' '; echo"], network_mode="none", labels=LABELS, remove=True)
    print("network none", none)
    host = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.3; test -e /sys/class/net/lo && echo has-lo"], network_mode="host", labels=LABELS, remove=True)
    print("network host", host)
    nd = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.3; ls /sys/class/net | sort | tr '\\n' ' '; echo"], network_disabled=True, labels=LABELS, remove=True)
    print("network disabled", nd)
    c = client.containers.create(IMAGE, "true", network_mode="bridge", labels=LABELS, mac_address="02:42:ac:11:00:42")
    print("created net", c.attrs["HostConfig"]["NetworkMode"], list(c.attrs["NetworkSettings"]["Networks"]))
    c.remove()
    try:
        client.containers.run(IMAGE, "true", network_mode="container:nosuch-" + tag, labels=LABELS, detach=True)
    except APIError as e:
        print("bad container netns", type(e).__name__, e.status_code)
finally:
    for x in client.containers.list(all=True, filters={"label": "pj08=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "pj08=" + tag})))
client.close()
