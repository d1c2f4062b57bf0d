"""Client construction as Airflow's DockerHook, Ansible's module_utils and
compose-v1 do it: from_env(environment=...), kwargs_from_env, DockerClient
(base_url, timeout), an APIClient subclass, docker.auth helpers and
config files, low-level image calls."""
import base64
import json
import os
import shutil
import tempfile

import docker
from docker import auth, errors
from docker.constants import DEFAULT_DOCKER_API_VERSION, DEFAULT_TIMEOUT_SECONDS
from docker.utils import kwargs_from_env, parse_repository_tag, version_gte, version_lt

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")

print("constants", DEFAULT_TIMEOUT_SECONDS, isinstance(DEFAULT_DOCKER_API_VERSION, str))
env = {"DOCKER_HOST": "unix:///var/run/docker.sock"}
kw = kwargs_from_env(environment=env)
print("kwargs_from_env", sorted(kw), kw["base_url"])
kw2 = kwargs_from_env(environment={"DOCKER_HOST": "tcp://10.1.2.3:2376", "DOCKER_TLS_VERIFY": ""})
print("kwargs tcp", sorted(kw2), kw2["base_url"])
try:
    kwargs_from_env(environment={"DOCKER_HOST": "tcp://10.1.2.3:2376", "DOCKER_TLS_VERIFY": "1",
                                 "DOCKER_CERT_PATH": "/nonexistent-clibdocker"})
    print("tls missing certs: no error")
except (errors.TLSParameterError, OSError, errors.DockerException) as e:
    print("tls missing certs", isinstance(e, errors.DockerException))
print("kwargs empty", kwargs_from_env(environment={}))

c1 = docker.from_env(environment=env, timeout=30)
print("from_env", type(c1).__name__, c1.api.timeout, c1.ping())
c2 = docker.DockerClient(base_url="unix://var/run/docker.sock", timeout=45, version="1.41")
print("DockerClient", c2.api.base_url, c2.api.timeout, c2.api.api_version, c2.version()["ApiVersion"] >= "1.41")
c3 = docker.DockerClient(**kw, version="auto")
print("auto", version_gte(c3.api.api_version, "1.24"), version_lt(c3.api.api_version, "9.0"))
try:
    docker.DockerClient(base_url="unix:///nonexistent-clibdocker.sock", version="1.41").ping()
except errors.DockerException as e:
    print("bad socket", type(e).__name__ in ("ConnectionError", "DockerException", "APIError", "TransportError")
          or isinstance(e, errors.DockerException))
except Exception as e:  # requests.exceptions.ConnectionError with docker-py
    print("bad socket", True)
try:
    # docker-py fails in the constructor, clibdocker (lazy negotiation) at the first call
    docker.DockerClient(base_url="unix:///nonexistent-clibdocker.sock", version="auto").ping()
    print("unreachable: no error")
except Exception as e:
    print("unreachable", type(e).__name__ != "")


class AnsibleStyleClient(docker.APIClient):
    """community.docker's AnsibleDockerClientBase subclasses APIClient."""

    def __init__(self, min_api="1.25"):
        params = kwargs_from_env(environment=env)
        params.update(version="auto", timeout=DEFAULT_TIMEOUT_SECONDS)
        super(AnsibleStyleClient, self).__init__(**params)
        self.docker_api_version_str = self.api_version
        self.ok = version_gte(self.api_version, min_api)

    def get_image_by_id(self, image_id):
        try:
            return self.inspect_image(image_id)
        except errors.NotFound:
            return None
        except Exception as exc:
            raise RuntimeError("Error inspecting image %s - %s" % (image_id, str(exc)))

    def find_image(self, name, tag):
        images = self._image_lookup(name, tag)
        if not images:
            registry, repo_name = auth.resolve_repository_name(name)
            if registry == "docker.io":
                images = self._image_lookup(repo_name, tag)
        if len(images) > 1:
            raise RuntimeError("Found more than one image")
        return self.inspect_image(images[0]["Id"]) if images else None

    def _image_lookup(self, name, tag):
        response = self.images(name=name)
        out = []
        for image in response:
            tags = image.get("RepoTags") or []
            if f"{name}:{tag}" in tags:
                out.append(image)
        return out

    def raw_json(self, path):
        return self._result(self._get(self._url(path)), json=True)


a = AnsibleStyleClient()
print("ansible", a.ok, a.docker_api_version_str == a.api_version)
n, t = parse_repository_tag(IMAGE)
img = a.find_image(n, t)
print("find_image", img["RepoTags"][:1] == [IMAGE] or IMAGE in img["RepoTags"], a.find_image(n, "nope-pi04"))
print("by id", a.get_image_by_id(img["Id"])["Id"] == img["Id"], a.get_image_by_id("sha256:" + "0" * 64))
print("raw _get", sorted(k for k in a.raw_json("/info") if k in ("ID", "Name")))
print("raw _url", a._url("/images/{0}/json", "a/b:c").endswith("/images/a/b:c/json"))
print("images quiet", all(x.startswith("sha256:") for x in a.images(name=n, quiet=True)))
print("images filter", len(a.images(filters={"reference": IMAGE})) == 1)
print("history low", type(a.history(IMAGE)).__name__)
print("inspect distribution err", end=" ")
try:
    a.inspect_distribution(f"{REGISTRY}/clibdocker-test/pi04-missing:v0")
    print("none")
except errors.APIError as e:
    print(type(e).__name__ in ("NotFound", "APIError", "Unauthorized"), e.is_client_error() or e.is_server_error())
a.close()

# docker.auth helpers
print("resolve", auth.resolve_repository_name("busybox"), auth.resolve_repository_name("quay.io/a/b"),
      auth.resolve_repository_name(f"{REGISTRY}/x/y"))
print("index name", auth.get_config_header(c1.api, "docker.io"))
try:
    auth.resolve_repository_name("-bad.io/x")
except errors.InvalidRepository as e:
    print("invalid repo", type(e).__name__)
print("split", auth.split_repo_name("quay.io/a/b"), auth.split_repo_name("a/b"))
print("convert", auth.convert_to_hostname("https://index.docker.io/v1/"), auth.convert_to_hostname("http://127.0.0.1:5000/v2/"))
hdr = auth.encode_header({"username": "u", "password": "p"})
print("encode_header", type(hdr).__name__, json.loads(base64.urlsafe_b64decode(hdr)))
tmp = tempfile.mkdtemp()
try:
    cfg = os.path.join(tmp, "config.json")
    with open(cfg, "w") as f:
        json.dump({"auths": {REGISTRY: {"auth": base64.b64encode(b"clibdocker:clibdocker-secret").decode()},
                             "https://index.docker.io/v1/": {"auth": base64.b64encode(b"hub:pw").decode(),
                                                             "email": "x@y"}}}, f)
    ac = auth.load_config(cfg)
    print("load_config", type(ac).__name__, sorted(ac.registries) if hasattr(ac, "registries") else sorted(ac))
    r = auth.resolve_authconfig(ac, REGISTRY)
    print("resolve_authconfig", sorted(r.items()))
    hub = auth.resolve_authconfig(ac, None)
    print("hub", hub["username"], hub.get("Email") or hub.get("email"))
    print("missing", auth.resolve_authconfig(ac, "other.example:5000"))
    print("parse_auth", sorted(auth.parse_auth({"r.example": {"auth": base64.b64encode(b"a:b").decode()}})["r.example"].items()))
    c4 = docker.APIClient(version="auto")
    c4.reload_config(cfg)
    print("client cfg", sorted(c4._auth_configs.get_all_credentials())[:2] if hasattr(c4._auth_configs, "get_all_credentials") else None)
    c4.close()
finally:
    shutil.rmtree(tmp)
for c in (c1, c2, c3):
    c.close()
# a closed client is still usable (requests reopens its connections)
print("after close", c1.ping(), len(c1.images.list(name=n)) == 1)
c1.close()
with docker.APIClient(version="auto") as c5:
    print("context manager", c5.ping())
print("done")
