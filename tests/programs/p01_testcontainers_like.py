"""A program in the style of testcontainers-python: high-level client, api
state, run/exec/logs/archives."""
import io
import os
import tarfile
import urllib.parse
import uuid

import docker
from docker.errors import NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
client.api.headers["x-tc-sid"] = "session-1"
url = urllib.parse.urlparse(client.api.base_url)
print("scheme", url.scheme, url.hostname)
if url.scheme == "http+docker":
    print("socket", client.api.get_adapter(client.api.base_url).socket_path)
print("version.__version__", type(docker.version.__version__).__name__)
name = "clibdocker-test-p01-" + uuid.uuid4().hex[:8]
c = client.containers.run(IMAGE, ["sh", "-c", "echo ready; sleep 30"], detach=True,
                          name=name, labels={"clibdocker-test": "1"},
                          ports={"8080/tcp": None}, environment={"A": "1"})
try:
    c.reload()
    print("status", c.status, c.name == name, c.labels["clibdocker-test"])
    host_port = c.ports["8080/tcp"][0]["HostPort"]
    print("port", host_port.isdigit(), client.api.port(c.id, 8080)[0]["HostPort"] == host_port)
    for _ in range(50):
        if b"ready" in c.logs():
            break
    print("logs", c.logs())
    r = c.exec_run(["sh", "-c", "echo $A; echo err >&2; exit 3"])
    print("exec", r.exit_code, sorted(r.output.split()))
    r = c.exec_run("cat /nonexistent", demux=True)
    print("exec demux", r.exit_code, r.output[0], r.output[1] is not None)
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as t:
        blob = b"hello archive\n"
        info = tarfile.TarInfo("hello.txt"); info.size = len(blob)
        t.addfile(info, io.BytesIO(blob))
    print("put_archive", c.put_archive("/tmp", data.getvalue()))
    stream, stat = c.get_archive("/tmp/hello.txt")
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        print("get_archive", stat["name"], stat["size"], t.extractfile("hello.txt").read())
    print("list", [x.name == name for x in client.containers.list(filters={"name": name})])
    print("api.containers", len(client.api.containers(filters={"name": name})))
    c.stop(timeout=1)
    print("wait", c.wait()["StatusCode"])
finally:
    c.remove(force=True)
try:
    client.containers.get(name)
except NotFound as e:
    print("gone", e.status_code)
client.close()
