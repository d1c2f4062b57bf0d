"""An image publisher in the style of repo2docker / chartpress: logs in with a
config file, pushes with per-layer progress parsed from the stream, reads
the digest back with get_registry_data, pulls by tag, by digest and with a
platform, re-logs in (cached and reauth), and prints the shapes of what
docker-py hands back (dicts, strings, generators, models) and of its errors."""
import base64
import json
import os
import shutil
import tempfile
import uuid

import docker
from docker.errors import APIError, ImageNotFound, InvalidArgument, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")

sfx = uuid.uuid4().hex[:8]
REPO = f"{REGISTRY}/clibdocker-test/pk03-{sfx}"
tmp = tempfile.mkdtemp()
cfg_path = os.path.join(tmp, "config.json")
with open(cfg_path, "w") as f:
    json.dump({"auths": {REGISTRY: {"auth": base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}}}, f)

client = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto", timeout=120)
api = client.api
cleanup = []
digest = None


def norm(s):
    if not isinstance(s, str):
        return s
    s = s.replace(REPO, "REPO").replace(sfx, "S")
    return s.replace(digest, "DIGEST") if digest else s


try:
    # login from a config file: the stored entry is returned without asking the registry
    r = client.login(username=USER, registry=REGISTRY, dockercfg_path=cfg_path)
    print("login cached", type(r).__name__, sorted(r), r.get("username"), r.get("serveraddress"))
    r = client.login(username=USER, password=PASSWORD, registry=REGISTRY, dockercfg_path=cfg_path)
    print("login cached registry", sorted(r), r.get("password") == PASSWORD)
    r = client.login(username=USER, password=PASSWORD, registry=REGISTRY, reauth=True)
    print("login reauth", sorted(r), r.get("Status"))
    r = api.login(USER, PASSWORD, registry="http://" + REGISTRY, reauth=True)
    print("login http", r.get("Status"))
    try:
        api.login("nobody", "wrong", registry=REGISTRY, reauth=True)
    except APIError as e:
        print("bad login", type(e).__name__, e.status_code, e.is_client_error(), e.is_server_error())
    for user in ("", None):
        try:
            api.login(user, "x", registry=REGISTRY)
        except APIError as e:
            print("login no user", type(e).__name__, e.status_code, e.is_server_error())
    print("auth configs", sorted(api._auth_configs.auths) if hasattr(api._auth_configs, "auths") else None)

    base = client.images.get(IMAGE)
    print("tag", base.tag(REPO, "1.0"), api.tag(IMAGE, REPO, "1.1"), api.tag(IMAGE, REPO + ":1.2"))
    cleanup += [REPO + ":1.0", REPO + ":1.1", REPO + ":1.2"]

    # repo2docker's push loop: layers by id, progress, the final aux digest
    layers = {}
    for chunk in api.push(REPO, tag="1.0", stream=True, decode=True):
        if "id" in chunk and "status" in chunk:
            layers[chunk["id"]] = chunk["status"]
        if "aux" in chunk:
            digest = chunk["aux"]["Digest"]
            print("push aux", sorted(chunk["aux"]), chunk["aux"]["Tag"])
        if "error" in chunk:
            print("push error", chunk["error"])
    print("push layers", len(layers) >= 1, all(isinstance(k, str) for k in layers))
    # raw (undecoded) streaming push: bytes, one JSON document per item
    raw = list(api.push(REPO, tag="1.1", stream=True))
    print("push raw", {type(x).__name__ for x in raw}, all(x.endswith(b"\r\n") for x in raw),
          sorted(json.loads(raw[-1])))
    # high level: the whole progress as one string, and the decoded generator
    out = client.images.push(REPO, "1.2")
    print("push str", type(out).__name__, out.count("\r\n") >= 2, out.endswith("\r\n"))
    lines = list(client.images.push(REPO + ":1.2", stream=True, decode=True))
    print("push decoded", [sorted(x) for x in lines[-1:]], norm(lines[0].get("status")))

    rd = client.images.get_registry_data(f"{REPO}:1.0")
    print("registry data", type(rd).__name__, rd.id == digest, norm(rd.image_name), rd.short_id == digest[:19])
    print("rd attrs", sorted(rd.attrs), sorted(rd.attrs["Descriptor"]), rd.attrs["Descriptor"]["mediaType"])
    print("rd platforms", [sorted(p) for p in rd.attrs["Platforms"]][:1],
          rd.has_platform("linux/amd64"), rd.has_platform({"os": "linux", "architecture": "amd64"}),
          rd.has_platform("windows/amd64"))
    try:
        rd.has_platform("not a platform/x/y/z")
    except InvalidArgument as e:
        print("bad platform", type(e).__name__)
    rd2 = client.images.get_registry_data(f"{REPO}@{digest}")
    print("rd by digest", rd2.id == digest, norm(rd2.image_name))
    dist = api.inspect_distribution(f"{REPO}:1.0")
    print("inspect_distribution", sorted(dist), dist["Descriptor"]["digest"] == digest)

    # pull back in every form the publisher uses
    for t in ("1.0", "1.1", "1.2"):
        client.images.remove(f"{REPO}:{t}")
    img = client.images.pull(REPO, tag="1.0")
    print("pull tag", type(img).__name__, sorted(norm(t) for t in img.tags), norm(img.attrs["RepoDigests"][0]).split("@")[0])
    img = client.images.pull(f"{REPO}:1.1")
    print("pull ref", sorted(norm(t) for t in img.tags))
    img = client.images.pull(f"{REPO}@{digest}")
    print("pull digest", sorted(norm(t) for t in img.tags), any(d.endswith(digest) for d in img.attrs["RepoDigests"]))
    img = client.images.pull(REPO, tag=digest)
    print("pull digest as tag", img.id == base.id)
    img = client.images.pull(REPO, tag="1.2", platform="linux/amd64")
    print("pull platform", sorted(norm(t) for t in img.tags))
    allt = client.images.pull(REPO, all_tags=True)
    print("pull all_tags", type(allt).__name__, len(allt), sorted(norm(t) for i in allt for t in i.tags))
    txt = api.pull(REPO, tag="1.0")
    print("low pull str", type(txt).__name__, norm(json.loads(txt.strip().split("\r\n")[-1])["status"]))
    gen = api.pull(REPO, tag="1.0", stream=True, decode=True)
    msgs = list(gen)
    print("low pull decoded", [norm(m.get("status")) for m in msgs])
    gen = api.pull(REPO, tag="1.0", stream=True, decode=True, platform="linux/amd64")
    print("low pull platform", norm(list(gen)[-1]["status"]))
    for ref, kw in [(REPO, {"tag": "nope"}), (REPO + "-missing", {}), (f"{REGISTRY}/clibdocker-test/UPPER", {}),
                    (REPO, {"tag": "1.0", "platform": "linux/s390x"}), ("127.0.0.1:1/x/y", {"tag": "v"})]:
        try:
            client.images.pull(ref, **kw)
            print("pull error? none")
        except ImageNotFound as e:
            print("pull error", "ImageNotFound", e.status_code, isinstance(e, NotFound))
        except NotFound as e:
            print("pull error", "NotFound", e.status_code)
        except APIError as e:
            print("pull error", "APIError", e.status_code, e.is_client_error())
    try:
        client.images.search("busybox", limit=3)
        print("search: ok?")
    except APIError as e:
        print("search error", type(e).__name__, e.status_code, e.is_server_error())
    try:
        api.search("busybox", limit=2)
    except APIError as e:
        print("low search error", e.status_code)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    for t in cleanup:
        try:
            client.images.remove(t, force=True)
        except (ImageNotFound, APIError):
            pass
    client.close()
print("done")
