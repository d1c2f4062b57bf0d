"""Builds against the real engine: directory contexts with .dockerignore,
Dockerfile objects, prebuilt (gzipped) tars, options, multi-stage targets,
build errors; the built images are run and print what the Dockerfile put in
them."""
from __future__ import annotations

import gzip
import io
import json
import os
import tarfile

import pytest

from clibdocker import errors
from conftest import TEST_IMAGE, docker_cli, unique

LABEL = "LABEL clibdocker-test=1\n"


def _image_id(log):
    ids = [m["aux"]["ID"] for m in log if isinstance(m, dict) and "aux" in m]
    assert ids, log
    return ids[-1]


@pytest.fixture
def tags(client):
    """Collects image names/ids to remove after the test."""
    made = []
    yield made
    for t in reversed(made):
        try:
            client.remove_image(t, force=True)
        except errors.NotFound:
            pass


def _tag(tags):
    t = f"clibdocker-test/{unique('build')}:1"
    tags.append(t)
    return t


def _run(image, *cmd):
    return docker_cli("run", "--rm", "--network", "none", image, *cmd)


def _write(root, rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


@pytest.mark.op("ImageBuild")
def test_build_directory_with_dockerignore(client, tags, tmp_path):
    root = str(tmp_path / "ctx")
    _write(root, "Dockerfile", f"FROM {TEST_IMAGE}\nCOPY . /ctx/\n{LABEL}"
                               "CMD find /ctx -type f\n")
    _write(root, "keep.txt", "keep")
    _write(root, "notes.md", "md")
    _write(root, "README.md", "readme")
    _write(root, "a/b/deep.md", "deep md")
    _write(root, "a/b/keep.go", "go")
    _write(root, "secret/key", "secret")
    _write(root, "secret/public.pem", "pem")
    _write(root, "sub/secret/key2", "nested, not anchored")
    _write(root, "tmp/x.tmp", "tmp")
    _write(root, ".dockerignore",
           "# rules like the docker CLI's\n**/*.md\n!README.md\n/secret\n!secret/public.pem\n"
           "tmp\nDockerfile\n.dockerignore\n")
    tag = _tag(tags)
    log = list(client.build(path=root, tag=tag, decode=True, rm=True))
    assert any("Successfully tagged " + tag in (m.get("stream") or "") for m in log)
    files = set(_run(tag).split())
    assert files == {"/ctx/keep.txt", "/ctx/README.md", "/ctx/a/b/keep.go",
                     "/ctx/secret/public.pem", "/ctx/sub/secret/key2"}
    # the daemon drops Dockerfile and .dockerignore when .dockerignore lists
    # them, but they were sent: the build worked


@pytest.mark.op("ImageBuild")
def test_build_directory_gzip(client, tags, tmp_path):
    """gzip=True: the directory context is compressed while it is sent (the
    engine must inflate it to build), with .dockerignore still applied."""
    root = str(tmp_path / "gz")
    _write(root, "Dockerfile", f"FROM {TEST_IMAGE}\nCOPY . /ctx/\n{LABEL}"
                               "CMD md5sum /ctx/big.txt /ctx/keep.txt\n")
    big = "".join(f"line {i} of a compressible build context\n" for i in range(60000))
    _write(root, "big.txt", big)
    _write(root, "keep.txt", "keep")
    _write(root, "skip.log", "ignored")
    _write(root, ".dockerignore", "*.log\n")
    seen = []
    client.set_trace_hook(seen.append)
    tag = _tag(tags)
    log = list(client.build(path=root, tag=tag, gzip=True, decode=True, rm=True))
    client.set_trace_hook(None)
    assert any("Successfully tagged " + tag in (m.get("stream") or "") for m in log)
    import hashlib
    sums = dict(reversed(line.split()) for line in _run(tag).splitlines())
    assert sums["/ctx/big.txt"] == hashlib.md5(big.encode()).hexdigest()
    assert sums["/ctx/keep.txt"] == hashlib.md5(b"keep").hexdigest()
    assert "No such file" in _run(tag, "sh", "-c", "cat /ctx/skip.log 2>&1 || true")
    builds = [r for r in seen if "/build" in r.url]
    assert builds and "Content-Encoding: gzip" in builds[-1].request_headers
    # gzip with a Dockerfile object (not a directory) is sent plain, as docker-py does
    df = f"FROM {TEST_IMAGE}\n{LABEL}"
    out = list(client.build(fileobj=io.BytesIO(df.encode()), gzip=True, decode=True, rm=True))
    tags.append(_image_id(out))


@pytest.mark.op("ImageBuild")
def test_build_dockerfile_path_tags_args_labels(client, tags, tmp_path):
    root = str(tmp_path / "ctx")
    _write(root, "docker/Dockerfile.custom",
           f"FROM {TEST_IMAGE}\nARG GREETING=unset\nCOPY data.txt /data.txt\n"
           "RUN echo \"$GREETING\" > /greeting\n"
           "CMD cat /greeting /data.txt\n")
    _write(root, "data.txt", "from-data-file\n")
    t1, t2 = _tag(tags), _tag(tags)
    log = list(client.build(path=root, dockerfile="docker/Dockerfile.custom", tag=[t1, t2],
                            buildargs={"GREETING": "hello-arg"},
                            labels={"clibdocker-test": "1", "purpose": "build-test"},
                            nocache=True, pull=False, forcerm=True, decode=True,
                            shmsize=128 * 1024 * 1024,
                            extra_hosts={"clibdocker-host": "10.1.2.3"},
                            network_mode="none", platform="linux/amd64"))
    iid = _image_id(log)
    assert _run(t1).split() == ["hello-arg", "from-data-file"]
    info = client.inspect_image(t2)
    assert info["Id"] == iid
    assert info["Config"]["Labels"]["purpose"] == "build-test"
    # the absolute path of a Dockerfile inside the context works too
    log = list(client.build(path=root, dockerfile=os.path.join(root, "docker/Dockerfile.custom"),
                            labels={"clibdocker-test": "1"}, decode=True, rm=True))
    tags.append(_image_id(log))


@pytest.mark.op("ImageBuild")
def test_build_options_reach_the_build(client, tags):
    df = (f"FROM {TEST_IMAGE}\n"
          "RUN grep clibdocker-host /etc/hosts > /hosts.txt\n"
          "RUN df -k /dev/shm | tail -n 1 > /shm.txt\n" + LABEL)
    tag = _tag(tags)
    list(client.build(fileobj=io.BytesIO(df.encode()), tag=tag, rm=True,
                      extra_hosts={"clibdocker-host": "10.1.2.3"},
                      shmsize=96 * 1024 * 1024, network_mode="none"))
    hosts = _run(tag, "cat", "/hosts.txt")
    assert "10.1.2.3" in hosts
    assert _run(tag, "cat", "/shm.txt").split()[1] == str(96 * 1024)


@pytest.mark.op("ImageBuild")
def test_build_multistage_target_and_cache_from(client, tags):
    df = (f"FROM {TEST_IMAGE} AS first\nRUN echo stage-one > /one\n{LABEL}"
          f"FROM {TEST_IMAGE} AS second\nCOPY --from=first /one /one\n"
          f"RUN echo stage-two > /two\n{LABEL}CMD cat /one /two\n")
    t_first, t_all = _tag(tags), _tag(tags)
    list(client.build(fileobj=io.BytesIO(df.encode()), tag=t_first, target="first", rm=True))
    assert _run(t_first, "cat", "/one").strip() == "stage-one"
    assert "No such file" in docker_cli("run", "--rm", t_first, "sh", "-c",
                                        "cat /two 2>&1 || true")
    log = list(client.build(fileobj=io.BytesIO(df.encode()), tag=t_all, rm=True, decode=True,
                            cache_from=[t_first]))
    assert _run(t_all).split() == ["stage-one", "stage-two"]
    assert any("Using cache" in (m.get("stream") or "") for m in log)


@pytest.mark.op("ImageBuild")
def test_build_custom_context_tar_and_gzip(client, tags):
    def ctx(gz):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as t:
            for name, data in (("Dockerfile", f"FROM {TEST_IMAGE}\nCOPY msg /msg\n{LABEL}"
                                              "CMD cat /msg\n"),
                               ("msg", "from-a-tar\n")):
                b = data.encode()
                info = tarfile.TarInfo(name)
                info.size = len(b)
                t.addfile(info, io.BytesIO(b))
        raw = buf.getvalue()
        return gzip.compress(raw) if gz else raw

    t1, t2 = _tag(tags), _tag(tags)
    list(client.build(fileobj=io.BytesIO(ctx(False)), custom_context=True, tag=t1, rm=True))
    assert _run(t1).strip() == "from-a-tar"
    list(client.build(fileobj=io.BytesIO(ctx(True)), custom_context=True, encoding="gzip",
                      tag=t2, rm=True))
    assert _run(t2).strip() == "from-a-tar"
    # an iterable of chunks works as a context too
    data = ctx(False)
    chunks = (data[i:i + 1000] for i in range(0, len(data), 1000))
    log = list(client.build(fileobj=chunks, custom_context=True, rm=True, decode=True))
    tags.append(_image_id(log))


@pytest.mark.op("ImageBuild")
def test_build_raw_messages_and_quiet(client, tags):
    df = f"FROM {TEST_IMAGE}\n{LABEL}"
    raw = list(client.build(fileobj=io.BytesIO(df.encode()), rm=True))
    assert raw and all(isinstance(m, bytes) for m in raw)
    iid = _image_id([json.loads(m) for m in raw])
    tags.append(iid)
    quiet = list(client.build(fileobj=io.BytesIO(df.encode()), quiet=True, rm=True, decode=True))
    # quiet: only the image id
    assert [m.get("stream", "").strip() for m in quiet] == [iid]


@pytest.mark.op("ImageBuild")
def test_build_error_is_a_message(client):
    """As with docker-py, the low-level build does not raise for a failed
    build: the error is the stream's last message."""
    df = f"FROM {TEST_IMAGE}\nRUN echo before-failure && exit 3\n"
    log = list(client.build(fileobj=io.BytesIO(df.encode()), rm=True, forcerm=True,
                            decode=True))
    assert any("before-failure" in (m.get("stream") or "") for m in log)
    last = log[-1]
    assert set(last) == {"error", "errorDetail"}
    assert "returned a non-zero code: 3" in last["error"]
    assert last["errorDetail"] == {"code": 3, "message": last["error"]}
    log = list(client.build(fileobj=io.BytesIO(b"FROM clibdocker-test/does-not-exist:nope\n"),
                            rm=True))
    assert b'"errorDetail"' in log[-1] and log[-1].endswith(b"\r\n")


def test_build_bad_input_before_request(client, tmp_path):
    root = str(tmp_path / "ctx")
    _write(root, "Dockerfile", f"FROM {TEST_IMAGE}\n")
    _write(root, ".dockerignore", "[unclosed\n")
    with pytest.raises(errors.InvalidArgument) as ei:
        client.build(path=root)
    assert "bad pattern" in str(ei.value)
    with pytest.raises(errors.InvalidArgument):
        client.build(path=str(tmp_path / "missing"))
    with pytest.raises(errors.InvalidRepository):
        client.build(path=root, tag="Bad Tag")
    with pytest.raises(errors.InvalidArgument):
        client.build(path=root, encoding="br")
    with pytest.raises(TypeError):
        client.build()


@pytest.mark.op("BuildPrune")
def test_prune_builds(client, client2):
    res = client.prune_builds(filters={"until": "87600h"}, keep_storage=10 ** 12)
    assert set(res) >= {"CachesDeleted", "SpaceReclaimed"}
    assert isinstance(res["SpaceReclaimed"], int)
    res2 = client2.prune_builds(all=False, filters={"until": "87600h"})
    assert isinstance(res2["SpaceReclaimed"], int)


def test_build_sends_registry_config_redacted(client, tmp_path, monkeypatch, tags):
    from conftest import REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER
    import base64
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    enc = base64.b64encode(f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()).decode()
    (cfg / "config.json").write_text(json.dumps({"auths": {REGISTRY: {"auth": enc}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    seen = []
    client.set_trace_hook(seen.append)
    log = list(client.build(fileobj=io.BytesIO(f"FROM {TEST_IMAGE}\n{LABEL}".encode()),
                            rm=True, decode=True))
    tags.append(_image_id(log))
    client.set_trace_hook(None)
    rec = [r for r in seen if "/build" in r.url][-1]
    assert "X-Registry-Config: <redacted>" in rec.request_headers
    assert REGISTRY_PASSWORD not in rec.request_headers
    assert enc not in rec.request_headers
