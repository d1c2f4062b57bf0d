"""Low-level streams: attach_socket with utils.socket, events close, run with
stream, low-level build error items, df."""
import io
import os
import threading
import uuid

import docker
from docker.utils.socket import frames_iter, consume_socket_output, demux_adaptor  # noqa: F401

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
c = api.create_container(IMAGE, ["sh", "-c", "sleep 1; echo out; echo err >&2"],
                         labels={"clibdocker-test": "1"}, stdin_open=False)
try:
    sock = api.attach_socket(c, params={"stdout": 1, "stderr": 1, "stream": 1})
    api.start(c)
    print("socket demux", consume_socket_output((demux_adaptor(*f) for f in frames_iter(sock, tty=False)), demux=True))
    sock.close()
    api.wait(c)
finally:
    api.remove_container(c, force=True)

ev = client.events(decode=True, filters={"type": "container", "label": "clibdocker-test-p09=1"})
seen = []


def reader():
    for e in ev:
        seen.append(e["Action"])
        if e["Action"] == "destroy":
            break


t = threading.Thread(target=reader)
t.start()
out = client.containers.run(IMAGE, ["echo", "hello"], remove=True,
                            labels={"clibdocker-test": "1", "clibdocker-test-p09": "1"})
t.join(30)
ev.close()
print("run", out, "events", [a for a in ("create", "start", "die", "destroy") if a in seen])
gen = client.containers.run(IMAGE, ["sh", "-c", "echo a; echo b"], stream=True, remove=False,
                            detach=False, labels={"clibdocker-test": "1"},
                            name="clibdocker-test-p09-" + uuid.uuid4().hex[:8])
print("run stream", b"".join(gen))
for x in client.containers.list(all=True, filters={"label": "clibdocker-test=1", "name": "clibdocker-test-p09-"}):
    x.remove(force=True)
items = list(api.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN exit 4\n".encode()), decode=True, rm=True, forcerm=True))
print("build items", [sorted(i) for i in items if "error" in i or "errorDetail" in i])
print("df", sorted(k for k in api.df() if k in ("Containers", "Images", "Volumes")))
print("done")
