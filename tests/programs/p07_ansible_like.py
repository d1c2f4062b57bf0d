"""In the style of Ansible's community.docker: subclass APIClient, version
checks on the SDK, auth helpers, low-level inspect calls, login/push/pull."""
import os
import uuid
from distutils.version import LooseVersion  # noqa: F401  (ansible still imports it on 3.11)

import docker
from docker import __version__ as docker_version
from docker import auth
from docker.errors import APIError, NotFound
from docker.utils import parse_repository_tag

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
print("sdk ok", LooseVersion(docker_version) >= LooseVersion("2.0.0"))


class AnsibleDockerClient(docker.APIClient):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.checked = True

    def find_image(self, name, tag):
        for im in self.images(name=name):
            if f"{name}:{tag}" in (im.get("RepoTags") or []):
                return self.inspect_image(im["Id"])
        return None


client = AnsibleDockerClient(base_url="unix:///var/run/docker.sock", version="auto", timeout=60)
print("subclass", client.checked, isinstance(client, docker.APIClient))
name, tag = parse_repository_tag(IMAGE)
print("find", client.find_image(name, tag)["Id"].startswith("sha256:"))
print("resolve", auth.resolve_repository_name(f"{REGISTRY}/x/y"), auth.split_repo_name("library/busybox"))
try:
    client.inspect_container("clibdocker-test-nope")
except NotFound as e:
    print("inspect missing", e.status_code)
print("info", sorted(k for k in client.info() if k in ("Containers", "Images", "Swarm", "ServerVersion")))
print("version", sorted(k for k in client.version() if k in ("ApiVersion", "Version", "Os")))
res = client.login(username="clibdocker", password="clibdocker-secret", registry=REGISTRY,
                   reauth=True, dockercfg_path="/nonexistent-clibdocker/config.json")
print("login", res.get("Status"))
repo = f"{REGISTRY}/clibdocker-test/p07-{uuid.uuid4().hex[:8]}"
client.tag(IMAGE, repo, "v1")
out = [x for x in client.push(repo, tag="v1", stream=True, decode=True)]
print("push", any("aux" in x for x in out), any("error" in x for x in out))
client.remove_image(f"{repo}:v1")
pulled = [x for x in client.pull(repo, tag="v1", stream=True, decode=True)]
print("pull", any("Digest" in x.get("status", "") for x in pulled))
print("inspect pulled", client.inspect_image(f"{repo}:v1")["RepoTags"] == [f"{repo}:v1"])
client.remove_image(f"{repo}:v1")
try:
    client.pull(f"{REGISTRY}/clibdocker-test/does-not-exist", tag="v9")
except APIError as e:
    print("pull missing", type(e).__name__ in ("NotFound", "ImageNotFound", "APIError"), e.status_code)
print("done")
