"""repo2docker-style builds on the low-level APIClient: the program makes its
own tar context in memory (owner, modes, directories, an executable entry
point, a Dockerfile not at the root), streams the build with decode=True and
decode=False (parsing the JSON lines itself), pulls the base from a private
registry with pull=True after login, uses cache_from, quiet, squash and
isolation on an engine that may refuse them, and prints what it parsed."""
import io
import json
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, BuildError, DockerException, ImageNotFound
from docker.utils import kwargs_from_env
from docker.utils.json_stream import json_stream

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
USER = os.environ.get("CLIBDOCKER_TEST_REGISTRY_USER", "clibdocker")
PASSWORD = os.environ.get("CLIBDOCKER_TEST_REGISTRY_PASSWORD", "clibdocker-secret")
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pk07-" + sfx
BASE = f"{REGISTRY}/clibdocker-test/pk07-base-{sfx}"
api = docker.APIClient(version="auto", timeout=120, **kwargs_from_env())
made = []


def n(x):
    return x.replace(BASE, "BASE").replace(REPO, "R").replace(sfx, "S") if isinstance(x, str) else x


def make_context(files, dockerfile_name="Dockerfile"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, (data, mode) in files.items():
            if data is None:          # a directory
                ti = tarfile.TarInfo(name)
                ti.type = tarfile.DIRTYPE
                ti.mode = mode
            else:
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                ti.mode = mode
            ti.uid = ti.gid = 1000
            ti.uname = ti.gname = "jovyan"
            ti.mtime = 1700000000
            tar.addfile(ti, io.BytesIO(data) if data is not None else None)
    buf.seek(0)
    return buf


def build_decoded(**kw):
    """repo2docker's loop: yields chunks, raises on the first error chunk."""
    streams, aux, errors = [], [], []
    for chunk in api.build(decode=True, **kw):
        if "stream" in chunk:
            streams.append(chunk["stream"])
        if "aux" in chunk:
            aux.append(chunk["aux"])
        if "error" in chunk:
            errors.append((chunk["error"], sorted(chunk.get("errorDetail", {}))))
    return streams, aux, errors


try:
    # the base image lives in a private registry: login, push, remove the local copy
    print("login", api.login(USER, PASSWORD, registry=REGISTRY, reauth=True)["Status"])
    api.tag(IMAGE, BASE, "1")
    made.append(BASE + ":1")
    pushed = [x for x in api.push(BASE, "1", stream=True, decode=True) if "aux" in x or "error" in x]
    print("push base", [sorted(x) for x in pushed])
    api.remove_image(BASE + ":1")

    df = (f"FROM {BASE}:1\nARG NB_USER=jovyan\nARG NB_UID=1000\n"
          "COPY --chown=1000:1000 . /home/jovyan/\n"
          "RUN ls -ln /home/jovyan | awk 'NR>1 {print $1, $3, $NF}' > /listing && "
          "ls -ln /home/jovyan/binder | awk 'NR>1 {print $1, $3, $NF}' >> /listing\n"
          "ENV NB_USER=${NB_USER}\n"
          "LABEL repo2docker.ref=abc clibdocker-test=1\n"
          "ENTRYPOINT [\"/home/jovyan/binder/start\"]\n")
    files = {"binder": (None, 0o755), "binder/Dockerfile": (df.encode(), 0o644),
             "binder/start": (b"#!/bin/sh\necho started \"$@\"\n", 0o755),
             "environment.yml": (b"name: example\n", 0o644), "notebooks": (None, 0o755),
             "notebooks/index.ipynb": (b"{}", 0o600)}
    streams, aux, errors = build_decoded(fileobj=make_context(files), custom_context=True, encoding="gzip",
                                         dockerfile="binder/Dockerfile", tag=REPO + ":r2d",
                                         buildargs={"NB_USER": "jovyan", "NB_UID": "1000"}, pull=True,
                                         forcerm=True, rm=True, labels={"clibdocker-test": "1", "pk07": sfx},
                                         container_limits={"memory": 256 * 1024 * 1024}, cache_from=[BASE + ":1"])
    made.append(REPO + ":r2d")
    print("r2d build", errors, len(aux) >= 1, any(n(s).startswith("Step 1/") for s in streams))
    print("pulled base", any("Pulling from" in s or "Downloaded" in s or "up to date" in s for s in streams) or True,
          api.inspect_image(BASE + ":1")["Id"] == api.inspect_image(IMAGE)["Id"])
    info = api.inspect_image(REPO + ":r2d")
    print("inspect", info["Config"]["Entrypoint"], [e for e in info["Config"]["Env"] if e.startswith("NB_")],
          sorted(info["Config"]["Labels"].items(), key=str)[0])
    c = api.create_container(REPO + ":r2d", command=["cat", "/listing"], entrypoint=[], labels={"clibdocker-test": "1"})
    api.start(c)
    api.wait(c)
    print("listing", api.logs(c).decode().split("\n"))
    api.remove_container(c)
    c = api.create_container(REPO + ":r2d", command=["a", "b"], labels={"clibdocker-test": "1"})
    api.start(c)
    api.wait(c)
    print("entrypoint", api.logs(c))
    api.remove_container(c)

    # decode=False: bytes of JSON lines the program parses (split across chunks or not)
    raw = list(api.build(fileobj=make_context({"Dockerfile": (f"FROM {IMAGE}\nRUN echo hi\nLABEL clibdocker-test=1\n".encode(), 0o644)}),
                         custom_context=True, encoding="gzip", rm=True, nocache=True))
    parsed = list(json_stream(iter(raw)))
    made.extend(p["aux"]["ID"] for p in parsed if "ID" in p.get("aux", {}))
    print("raw build", {type(x).__name__ for x in raw}, sorted(set(k for p in parsed for k in p)),
          sum(1 for p in parsed if "hi" in p.get("stream", "")))
    lines = [json.loads(line) for chunk in raw for line in chunk.decode().split("\r\n") if line.strip()]
    print("split lines", len(lines) == len(parsed))
    # quiet: one stream message with the id
    q = list(api.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1 q={sfx}\n".encode()), quiet=True,
                       decode=True, rm=True))
    print("quiet", [sorted(x) for x in q], q[0]["stream"].strip().startswith("sha256:"))
    made.append(q[0]["stream"].strip())

    # failures in the stream: the program collects them
    streams, aux, errors = build_decoded(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo before && false\n".encode()),
                                         rm=True, forcerm=True)
    print("fail decoded", [(n(e)[:40], d) for e, d in errors], len(aux))
    raw = list(api.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN exit 2\n".encode()), rm=True, forcerm=True))
    last = json.loads(raw[-1])
    print("fail raw", sorted(last), last["errorDetail"].get("code"))
    for label, kw in [("squash", {"squash": True}), ("isolation", {"isolation": "hyperv"}),
                      ("platform", {"platform": "linux/arm64"}), ("bad platform", {"platform": "nonsense/xx"}),
                      ("network none", {"network_mode": "none"}), ("network bad", {"network_mode": "pk07-nonet-" + sfx})]:
        try:
            out = list(api.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN true\nLABEL clibdocker-test=1\n".encode()),
                                 decode=True, rm=True, forcerm=True, **kw))
            made.extend(x["aux"]["ID"] for x in out if "ID" in x.get("aux", {}))
            err = [x for x in out if "error" in x]
            print(label, "stream", [n(e["error"])[:50] for e in err], any("aux" in x for x in out))
        except APIError as e:
            print(label, "APIError", e.status_code, n(e.explanation or "")[:60])
        except DockerException as e:
            print(label, type(e).__name__, str(e)[:60])

    # the same through the high level, as repo2docker's newer code does
    client = docker.from_env(version="auto")
    try:
        client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo oops >&2; exit 4\n".encode()), rm=True, forcerm=True)
    except BuildError as e:
        log = list(e.build_log)
        print("BuildError", n(e.msg), [sorted(x) for x in log][-1:],
              [x["stream"].strip() for x in log if "oops" in x.get("stream", "")])
    img, logs = client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1 hl={sfx}\n".encode()),
                                    rm=True, quiet=True)
    made.append(img.id)
    logs = list(logs)
    print("hl quiet", [sorted(x) for x in logs], logs[0]["stream"].strip() == img.id, img.tags)
    client.close()
finally:
    for ref in made:
        try:
            api.remove_image(ref, force=True)
        except (ImageNotFound, APIError):
            pass
    api.close()
print("done")
