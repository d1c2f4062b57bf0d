"""A CI image builder (the kind of script a pipeline runs to build, check and
tag service images): builds from a directory whose .dockerignore has the
rules real repositories use (globs, **, negations, leading slashes, trailing
slashes, comments), checks what reached the image (files, modes, symlinks,
empty dirs, odd names), builds from gzip'd and plain tar contexts with
encoding=, from a Dockerfile outside the context and from a Dockerfile given
as fileobj, with buildargs/labels/target/network_mode/extra_hosts/
container_limits/shmsize/platform/nocache, and reports failures the way such
scripts do (BuildError.msg, the build_log, the last error line)."""
import gzip
import io
import os
import shutil
import tarfile
import tempfile
import uuid

import docker
from docker.errors import APIError, BuildError, DockerException
from docker.utils import build as build_utils

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env(timeout=120)
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pk02-" + sfx
LABELS = {"clibdocker-test": "1", "org.opencontainers.image.revision": "abc123"}
made = []
tmp = tempfile.mkdtemp()


def write(rel, data="x\n", mode=None):
    p = os.path.join(tmp, "repo", rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(data)
    if mode is not None:
        os.chmod(p, mode)


def run(image, *cmd):
    return client.containers.run(image, list(cmd), remove=True).decode()


def summarize(logs):
    kinds = {}
    for item in logs:
        for k in item:
            kinds[k] = kinds.get(k, 0) + 1
    return sorted(k for k in kinds)


try:
    ctx = os.path.join(tmp, "repo")
    # the repository a CI job checks out
    write("Dockerfile", f"FROM {IMAGE} AS build\nARG VERSION=dev\nARG EXTRA\n"
          "COPY . /src\nRUN cd /src && find . | sort > /manifest && echo $VERSION > /version\n"
          "RUN echo \"extra=$EXTRA\" > /extra\n"
          "FROM build AS test\nRUN echo tested > /tested\nLABEL clibdocker-test=1\n"
          "FROM build AS release\nLABEL stage=release\n")
    write("src/app.py", "print('app')\n")
    write("src/app.pyc", "junk")
    write("src/pkg/__pycache__/mod.cpython-311.pyc", "junk")
    write("src/pkg/mod.py", "x = 1\n")
    write("scripts/entry.sh", "#!/bin/sh\necho entry\n", mode=0o755)
    write("scripts/private.sh", "secret\n", mode=0o700)
    write("node_modules/dep/index.js", "js")
    write("build/out.bin", "bin")
    write("docs/build/keep.md", "doc build")
    write(".git/HEAD", "ref: refs/heads/main\n")
    write(".env", "TOKEN=1\n")
    write("config/.env.example", "TOKEN=\n")
    write("logs/a.log", "log")
    write("logs/important.log", "keep")
    write("space name.txt", "spaces")
    write("unicodé.txt", "u")
    write("data/#notacomment", "hash")
    os.makedirs(os.path.join(ctx, "empty", "dir"))
    os.symlink("src/app.py", os.path.join(ctx, "link-to-app"))
    os.symlink("/etc/hostname", os.path.join(ctx, "abs-link"))
    with open(os.path.join(ctx, ".dockerignore"), "w") as f:
        f.write("# build outputs\n"
                "**/*.pyc\n"
                "**/__pycache__\n"
                "node_modules/\n"
                "/build\n"
                ".git\n"
                ".env\n"
                "logs/*.log\n"
                "!logs/important.log\n"
                "  scripts/private.sh  \n"
                "\n"
                "./unused-rule\n")
    print("exclude_paths", sorted(build_utils.exclude_paths(ctx, ["**/*.pyc", "**/__pycache__", "node_modules/",
                                                                  "/build", ".git", ".env", "logs/*.log",
                                                                  "!logs/important.log"])))

    tag = REPO + ":1.0"
    img, logs = client.images.build(path=ctx, tag=tag, target="build", buildargs={"VERSION": "1.0", "EXTRA": "x y"},
                                    labels=LABELS, rm=True, forcerm=True, network_mode="none",
                                    extra_hosts={"artifacts.internal": "10.1.2.3"}, shmsize=32 * 1024 * 1024,
                                    container_limits={"memory": 128 * 1024 * 1024, "memswap": -1,
                                                      "cpushares": 256, "cpusetcpus": "0"},
                                    nocache=True, pull=False)
    made.append(tag)
    logs = list(logs)
    print("build", [t.replace(sfx, "S") for t in img.tags], summarize(logs))
    print("manifest", run(tag, "cat", "/manifest").split())
    print("version", run(tag, "cat", "/version", "/extra").split())
    print("modes", run(tag, "sh", "-c", "stat -c '%a %n' /src/scripts/entry.sh; ls -l /src/link-to-app | cut -c1; "
                                        "readlink /src/link-to-app /src/abs-link; ls -d /src/empty/dir").split())
    print("labels", sorted(img.labels.items()))

    # the release stage, reusing the cache; tags several names afterwards
    rel, logs = client.images.build(path=ctx, tag=REPO + ":release", target="release",
                                    buildargs={"VERSION": "1.0", "EXTRA": "x y"}, labels=LABELS, rm=True)
    made.append(REPO + ":release")
    cached = sum(1 for x in logs if "Using cache" in x.get("stream", ""))
    print("release", rel.labels.get("stage"), cached >= 1)
    for t in ("latest", "sha-abc123"):
        print("tag", t, rel.tag(REPO, t))
        made.append(f"{REPO}:{t}")
    rel.reload()
    print("tags", sorted(t.replace(sfx, "S") for t in rel.tags))

    # Dockerfile outside the context, given by absolute path
    outside = os.path.join(tmp, "ci.Dockerfile")
    with open(outside, "w") as f:
        f.write(f"FROM {IMAGE}\nCOPY src/app.py /app.py\nLABEL clibdocker-test=1\n")
    out_img, _ = client.images.build(path=ctx, dockerfile=outside, tag=REPO + ":outside", rm=True)
    made.append(REPO + ":outside")
    print("outside", run(REPO + ":outside", "cat", "/app.py").strip())
    # the Dockerfile is itself ignored by .dockerignore: still used
    with open(os.path.join(ctx, ".dockerignore"), "a") as f:
        f.write("Dockerfile\n.dockerignore\n")
    ign, _ = client.images.build(path=ctx, tag=REPO + ":ignored-df", target="build", rm=True, labels=LABELS)
    made.append(REPO + ":ignored-df")
    print("ignored dockerfile", [x for x in run(REPO + ":ignored-df", "cat", "/manifest").split()
                                 if "ocker" in x])

    # contexts as tar archives: plain, gzip with encoding=, and a file object Dockerfile
    def tar_ctx(files, compress=False):
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w") as tf:
            for name, data in files.items():
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                ti.mode = 0o755 if name.endswith(".sh") else 0o644
                tf.addfile(ti, io.BytesIO(data))
        data = raw.getvalue()
        return io.BytesIO(gzip.compress(data) if compress else data)

    files = {"Dockerfile": f"FROM {IMAGE}\nCOPY run.sh /run.sh\nLABEL clibdocker-test=1\n".encode(),
             "run.sh": b"#!/bin/sh\necho from-tar\n"}
    for enc in (None, "gzip"):
        kw = {"encoding": enc} if enc else {}
        im, lg = client.images.build(fileobj=tar_ctx(files, compress=bool(enc)), custom_context=True,
                                     tag=f"{REPO}:tar-{enc or 'plain'}", rm=True, **kw)
        made.append(f"{REPO}:tar-{enc or 'plain'}")
        print("tar", enc, run(im.id, "/run.sh").strip(), summarize(lg))
    # a Dockerfile fileobj (str content wrapped by the program)
    im, lg = client.images.build(fileobj=io.BytesIO(b"FROM " + IMAGE.encode() + b"\nENV A=1 B=2\nLABEL clibdocker-test=1\n"),
                                 tag=REPO + ":fileobj", rm=True, platform="linux/amd64")
    made.append(REPO + ":fileobj")
    print("fileobj", sorted(e for e in im.attrs["Config"]["Env"] if e[:2] in ("A=", "B=")), im.attrs["Architecture"])

    # failures, reported as the CI script does
    def report(label, text=True, **kw):
        try:
            client.images.build(rm=True, forcerm=True, **kw)
            print(label, "built?!")
        except BuildError as e:
            log = list(e.build_log)
            errs = [x for x in log if "error" in x]
            print(label, "BuildError", repr(e.msg)[:70], iter(e.build_log) is e.build_log, summarize(log),
                  errs[-1]["errorDetail"].get("code") if errs else None, str(e) == e.msg)
        except APIError as e:
            print(label, "APIError", e.status_code, e.explanation[:60] if e.explanation and text else None)
            if text:   # what the CI log shows
                print("  ", str(e).replace(sfx, "S")[:300])
        except (DockerException, TypeError) as e:
            print(label, type(e).__name__, str(e)[:60] if text else None)

    report("failing RUN", fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo out; echo err >&2; exit 7\n".encode()))
    report("unknown instruction", fileobj=io.BytesIO(f"FROM {IMAGE}\nFROBNICATE x\n".encode()))
    report("COPY missing", fileobj=tar_ctx({"Dockerfile": f"FROM {IMAGE}\nCOPY nothere /x\n".encode()}),
           custom_context=True)
    report("unknown target", path=ctx, target="nope-stage")
    report("bad tag", fileobj=io.BytesIO(f"FROM {IMAGE}\n".encode()), tag="Bad:Tag:x")
    report("missing base", fileobj=io.BytesIO(b"FROM clibdocker-test/pk02-nothing:none\n"))
    report("empty dockerfile", fileobj=io.BytesIO(b""))
    report("only comments", fileobj=io.BytesIO(b"# nothing\n"))
    report("bad buildargs", text=False, fileobj=io.BytesIO(f"FROM {IMAGE}\n".encode()), buildargs="A=1")
    report("bad container_limits", text=False, fileobj=io.BytesIO(f"FROM {IMAGE}\n".encode()), container_limits={"nope": 1})
    report("bad labels", text=False, fileobj=io.BytesIO(f"FROM {IMAGE}\n".encode()), labels="a=b")
    report("bad shmsize", text=False, fileobj=io.BytesIO(f"FROM {IMAGE}\n".encode()), shmsize="1m")
    im, _ = client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1\n".encode()), rm=True,
                                container_limits={"memory": "1g", "cpushares": 512})
    print("string limits", im.labels)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    for t in made:
        try:
            client.images.remove(t, force=True)
        except docker.errors.ImageNotFound:
            pass
    client.images.prune(filters={"dangling": True, "label": "clibdocker-test=1"})
    client.close()
print("done")
