"""Ansible docker_image / Airflow style registry work: login, push with
stream/decode and auth_config, pull by tag and all_tags, RegistryData,
save/load round trip, import_image from a tar, search errors."""
import io
import json
import os
import tarfile
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")
AUTH = {"username": USER, "password": PASSWORD}

client = docker.DockerClient(base_url="unix:///var/run/docker.sock", timeout=120)
repo = f"{REGISTRY}/clibdocker-test/pi02-{uuid.uuid4().hex[:8]}"
cleanup = []
try:
    r = client.login(username=USER, password=PASSWORD, registry=REGISTRY, reauth=True,
                     dockercfg_path="/nonexistent-clibdocker/config.json")
    print("login", sorted(r), r.get("Status"))
    try:
        client.login(username=USER, password="wrong", registry=REGISTRY, reauth=True,
                     dockercfg_path="/nonexistent-clibdocker/config.json")
    except APIError as e:
        print("bad login", e.status_code, e.is_client_error())

    base = client.images.get(IMAGE)
    for t in ("v1", "v2"):
        print("tag", t, base.tag(repo, t))
        cleanup.append(f"{repo}:{t}")
    # push, high level, stream+decode, read the digest from aux like Ansible does
    digest = None
    statuses = set()
    for line in client.images.push(repo, tag="v1", stream=True, decode=True, auth_config=AUTH):
        if "error" in line:
            raise Exception(line["error"])
        if "aux" in line:
            digest = line["aux"].get("Digest")
        if "status" in line:
            statuses.add(line["status"].split(" ")[0])
    print("push v1", digest is not None and digest.startswith("sha256:"), "v1:" in " ".join(statuses) or bool(statuses))
    out = client.images.push(repo, tag="v2", auth_config=AUTH)
    print("push v2 str", type(out).__name__, '"aux"' in out)

    rd = client.images.get_registry_data(f"{repo}:v1", auth_config=AUTH)
    print("registry data", type(rd).__name__, rd.id == digest, rd.short_id.startswith("sha256:"))
    print("rd platform", rd.has_platform("linux/amd64") or rd.has_platform("linux"), sorted(rd.attrs))
    print("rd image name", rd.image_name == f"{repo}:v1")

    for t in ("v1", "v2"):
        client.images.remove(f"{repo}:{t}")
    try:
        client.images.get(f"{repo}:v1")
    except ImageNotFound as e:
        print("removed", type(e).__name__, e.status_code)

    img = client.images.pull(repo, tag="v1", auth_config=AUTH)
    print("pull tag", type(img).__name__, f"{repo}:v1" in img.tags, img.id == base.id)
    imgs = client.images.pull(repo, all_tags=True, auth_config=AUTH)
    print("pull all_tags", type(imgs).__name__, sorted(t.split(":")[-1] for i in imgs for t in i.tags if t.startswith(repo)))
    img2 = client.images.pull(f"{repo}:v2")
    print("pull ref", f"{repo}:v2" in img2.tags)
    # compose-v1 style: raw progress lines, split and decoded by the program
    raw = list(client.api.pull(repo, tag="v2", stream=True))
    print("raw pull", {type(x).__name__ for x in raw}, [sorted(json.loads(x)) for x in raw][-1:],
          b"".join(raw).count(b"\r\n") == len(raw))
    text = client.api.push(repo, tag="v2")
    print("push text", [sorted(json.loads(line)) for line in text.split("\r\n") if line][-1:])
    print("list name", sorted(t.replace(repo, "REPO") for i in client.images.list(name=repo) for t in i.tags))
    print("list all", len(client.images.list(all=True)) >= len(client.images.list()))
    try:
        client.images.pull(repo, tag="nope", auth_config=AUTH)
    except NotFound as e:
        print("pull missing", type(e).__name__, e.status_code)
    except APIError as e:
        print("pull missing", "APIError", e.status_code)

    # save + load round trip
    chunks = img.save(named=True)
    data = b"".join(chunks)
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        names = tf.getnames()
    print("save", "manifest.json" in names, "repositories" in names)
    client.images.remove(f"{repo}:v1")
    loaded = client.images.load(data)
    print("load", type(loaded).__name__, [f"{repo}:v1" in i.tags for i in loaded])
    low = list(client.api.load_image(data))
    print("low load", type(low).__name__, all(isinstance(x, dict) for x in low),
          any("Loaded image" in x.get("stream", "") for x in low))

    # history
    hist = img.history()
    print("history", type(hist).__name__, sorted(hist[0]))

    # import_image from a tar of a rootfs
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        ti = tarfile.TarInfo("hello.txt")
        ti.size = 6
        tf.addfile(ti, io.BytesIO(b"hello\n"))
    imp_repo = "clibdocker-test/pi02-import-" + uuid.uuid4().hex[:8]
    res = client.api.import_image(src=buf.getvalue(), repository=imp_repo, tag="t1",
                                  changes=["LABEL clibdocker-test=1"])
    cleanup.append(imp_repo + ":t1")
    print("import", type(res).__name__, "status" in res)
    imp = client.images.get(imp_repo + ":t1")
    print("import labels", imp.labels, imp.attrs["Os"] if "Os" in imp.attrs else None)
    # search needs the Hub: error is an APIError (or works offline? no)
    try:
        client.images.search("clibdocker-test-no-such-thing", limit=1)
        print("search ok")
    except APIError as e:
        print("search error", type(e).__name__, e.status_code >= 400)
finally:
    for t in cleanup:
        try:
            client.images.remove(t, force=True)
        except ImageNotFound:
            pass
    client.close()
print("done")
