"""compose-v1 / Airflow style image builds: a directory context with
.dockerignore, buildargs, multi-stage target, labels, quiet, custom tar
context, low-level build(decode=True) log parsing, BuildError handling."""
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import uuid

import docker
from docker.errors import BuildError, APIError
from docker.utils import build as build_utils

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
suffix = uuid.uuid4().hex[:8]
repo = "clibdocker-test/pi01-" + suffix
created = []
tmp = tempfile.mkdtemp()
try:
    # -- directory context with .dockerignore (compose-v1 "build: ." style)
    os.makedirs(os.path.join(tmp, "app", "cache"))
    os.makedirs(os.path.join(tmp, "docs"))
    with open(os.path.join(tmp, "Dockerfile"), "w") as f:
        f.write(
            f"ARG BASE={IMAGE}\n"
            "FROM ${BASE} AS base\n"
            "ARG GREETING=hello\n"
            "RUN echo $GREETING > /greeting\n"
            "COPY . /ctx\n"
            "RUN find /ctx -type f | sort > /listing\n"
            "FROM base AS final\n"
            "RUN echo final > /stage\n"
            "LABEL stage=final\n")
    for rel, content in [("app/main.py", "print(1)\n"), ("app/cache/x.pyc", "junk"),
                         ("docs/readme.md", "doc"), ("secret.env", "K=V"), ("keep.txt", "k")]:
        with open(os.path.join(tmp, rel), "w") as f:
            f.write(content)
    with open(os.path.join(tmp, ".dockerignore"), "w") as f:
        f.write("# comment\n**/*.pyc\ndocs\n*.env\n!keep.txt\n")

    print("exclude_paths", sorted(build_utils.exclude_paths(tmp, ["**/*.pyc", "docs", "*.env"])))
    tag1 = repo + ":base"
    img, logs = client.images.build(path=tmp, tag=tag1, target="base", rm=True, forcerm=True,
                                    buildargs={"GREETING": "bonjour"},
                                    labels={"clibdocker-test": "1", "com.example.svc": "web"},
                                    pull=False, nocache=True)
    created.append(tag1)
    logs = list(logs)
    streams = "".join(x.get("stream", "") for x in logs)
    aux = [x["aux"] for x in logs if "aux" in x]
    print("build1", type(img).__name__, tag1 in img.tags, "Step" in streams or "---" in streams)
    print("aux ids", len(aux) >= 1, all(a.get("ID", "").startswith("sha256:") for a in aux if "ID" in a))
    m = re.search(r"Successfully built ([0-9a-f]+)", streams)
    print("successfully built", bool(m) and img.id.split(":")[1].startswith(m.group(1)))
    print("labels", sorted(img.labels.items()))
    print("greeting", client.containers.run(tag1, ["cat", "/greeting", "/listing"], remove=True).decode().split())
    # full build reuses cache for base stage
    tag2 = repo + ":final"
    img2, logs2 = client.images.build(path=tmp, tag=tag2, buildargs={"GREETING": "bonjour"},
                                      labels={"clibdocker-test": "1"}, rm=True)
    created.append(tag2)
    print("build2", img2.labels.get("stage"), any("Using cache" in x.get("stream", "") for x in logs2))
    print("stage", client.containers.run(img2.id, ["cat", "/stage"], remove=True))

    # -- quiet build: only the id on the stream
    img3, logs3 = client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1\nLABEL q=1\n".encode()),
                                      quiet=True, network_mode="none", tag=repo + ":quiet", rm=True)
    created.append(repo + ":quiet")
    logs3 = list(logs3)
    print("quiet", [sorted(x) for x in logs3], logs3[0]["stream"].strip() == img3.id)

    # -- custom tar context (Airflow / testcontainers style)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        df = f"FROM {IMAGE}\nCOPY payload.txt /payload.txt\nLABEL clibdocker-test=1\n".encode()
        for name, data in [("Dockerfile.custom", df), ("payload.txt", b"from-tar\n")]:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    buf.seek(0)
    img4, _ = client.images.build(fileobj=buf, custom_context=True, dockerfile="Dockerfile.custom",
                                  tag=[repo + ":tar"][0], rm=True)
    created.append(repo + ":tar")
    print("tar ctx", client.containers.run(img4.id, ["cat", "/payload.txt"], remove=True))

    # -- create_archive / tar helpers
    arch = build_utils.tar(tmp, exclude=["docs", "*.env", "**/*.pyc"])
    with tarfile.open(fileobj=arch) as tf:
        print("tar names", sorted(n for n in tf.getnames() if not n.startswith(".")))
    arch2 = build_utils.create_archive(root=tmp, files=["keep.txt", "app/main.py"])
    with tarfile.open(fileobj=arch2) as tf:
        print("create_archive", sorted(tf.getnames()))

    # -- low-level build with decode=True, parse like compose v1
    ctx = io.BytesIO(f"FROM {IMAGE}\nRUN echo low\nLABEL clibdocker-test=1\n".encode())
    image_id = None
    kinds = set()
    for chunk in api.build(fileobj=ctx, rm=True, decode=True, tag=repo + ":low"):
        kinds.update(k for k in chunk if k in ("stream", "aux", "error", "status"))
        if "aux" in chunk and "ID" in chunk["aux"]:
            image_id = chunk["aux"]["ID"]
        if "error" in chunk:
            raise RuntimeError(chunk["error"])
    created.append(repo + ":low")
    print("lowlevel", sorted(kinds), api.inspect_image(repo + ":low")["Id"] == image_id)
    # undecoded low-level build: raw bytes of JSON lines
    raw = list(api.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1\n".encode()), rm=True))
    print("raw types", {type(x).__name__ for x in raw},
          all("stream" in json.loads(line) or "aux" in json.loads(line)
              for x in raw for line in x.decode().splitlines() if line.strip()))

    # -- failing build
    try:
        client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN exit 3\n".encode()), rm=True, forcerm=True)
    except BuildError as e:
        print("BuildError", "returned a non-zero code: 3" in e.msg, hasattr(e.build_log, "__next__"),
              any("error" in x for x in e.build_log))
    try:
        client.images.build(fileobj=io.BytesIO(b"FROM clibdocker-test/nonexistent-pi01:v0\n"), rm=True, pull=False)
    except (BuildError, APIError) as e:
        print("missing base", type(e).__name__)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    for t in created:
        try:
            client.images.remove(t, force=True)
        except docker.errors.ImageNotFound:
            pass
    client.images.prune(filters={"dangling": True, "label": "clibdocker-test=1"})
print("done")
