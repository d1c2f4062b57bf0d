"""pytest-docker-tools / molecule style: images, networks, volumes, prune."""
import io
import os
import uuid

import docker

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = "clibdocker-test/p05:" + uuid.uuid4().hex[:8]
img, logs = client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo built > /built\nLABEL clibdocker-test=1\n".encode()),
                                tag=tag, rm=True)
print("build", type(img).__name__, tag in img.tags, any("stream" in x for x in logs))
print("labels", img.labels.get("clibdocker-test"))
got = client.images.get(tag)
print("get", got.id == img.id, got.short_id.startswith("sha256:"))
print("tag", got.tag(tag.split(":")[0], "other"), sorted(client.images.get(img.id).tags) == sorted([tag, tag.split(":")[0] + ":other"]))
print("history", type(got.history()).__name__)
print("list", any(tag in i.tags for i in client.images.list(filters={"label": "clibdocker-test=1"})))
out = client.containers.run(tag, ["cat", "/built"], remove=True)
print("run output", out)
net = client.networks.create("clibdocker-test-p05-" + uuid.uuid4().hex[:8], driver="bridge",
                             labels={"clibdocker-test": "1"})
vol = client.volumes.create(name="clibdocker-test-p05-" + uuid.uuid4().hex[:8], labels={"clibdocker-test": "1"})
c = client.containers.create(tag, ["sleep", "20"], labels={"clibdocker-test": "1"},
                             volumes={vol.name: {"bind": "/v", "mode": "rw"}})
try:
    net.connect(c)
    net.reload()
    print("net containers", [x.id == c.id for x in net.containers])
    print("vol attrs", vol.attrs["Labels"], vol.attrs["Driver"])
    net.disconnect(c)
    net.reload()
    print("net empty", net.containers)
finally:
    c.remove(force=True)
    net.remove()
    vol.remove()
client.images.remove(tag.split(":")[0] + ":other")
client.images.remove(tag, force=True)
print("pruned type", type(client.containers.prune(filters={"label": "clibdocker-test-none=1"})).__name__)
print("done")
