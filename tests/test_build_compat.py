"""APIClient.build() next to docker-py 7.2.0's: the same builds through both
clients give the same image content (what ``find /ctx`` lists in the built
image), the same stream item shapes (a failed build is a message, not an
exception), and bad arguments are refused at once, with exceptions of the
classes docker-py raises (also on a large directory, before it is walked).
"""
from __future__ import annotations

import io
import json
import os
import time

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.api import build as build_mod
from conftest import TEST_IMAGE, docker_cli, unique

LABEL = "LABEL clibdocker-test=1\n"


def _docker_py():
    """docker-py itself (never the clibdocker alias)."""
    docker = pytest.importorskip("docker")
    if docker is clibdocker or getattr(docker, "APIClient", None) is clibdocker.APIClient:
        pytest.skip("`docker` is aliased to clibdocker here")
    return docker


@pytest.fixture
def dp():
    docker = _docker_py()
    c = docker.APIClient(base_url="unix:///var/run/docker.sock")
    yield c
    c.close()


@pytest.fixture
def images(client):
    made = []
    yield made
    for t in reversed(made):
        try:
            client.remove_image(t, force=True)
        except errors.NotFound:
            pass


def _write(root, rel, text):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)


def _built(log, images):
    """The image id of a decoded build log (kept for removal)."""
    ids = [m["aux"]["ID"] for m in log if isinstance(m, dict) and "aux" in m]
    assert ids, log
    images.append(ids[-1])
    return ids[-1]


def _files(image):
    out = docker_cli("run", "--rm", "--network", "none", image, "find", "/ctx")
    return sorted(out.split())


def _shape(log):
    """The key sets of the messages, "Step" lines and progress kept apart
    from the ids that differ from run to run."""
    return [tuple(sorted(m)) for m in log]


def _both(dp, client, images, **kw):
    """The same build through docker-py and clibdocker: the two decoded logs."""
    logs = []
    for c in (dp, client):
        log = list(c.build(decode=True, rm=True, forcerm=True, nocache=True, **kw))
        logs.append(log)
        if not any("error" in m for m in log):
            _built(log, images)
    return logs


def _context(root):
    _write(root, "keep.txt", "keep")
    _write(root, "notes.md", "md")
    _write(root, "README.md", "readme")
    _write(root, "a/b/deep.md", "deep")
    _write(root, "a/b/keep.go", "go")
    _write(root, "secret/key", "k")
    _write(root, "secret/public.pem", "pem")
    _write(root, "logs/x.log", "log")
    _write(root, "logs/important.log", "important")


DOCKERFILE = f"FROM {TEST_IMAGE}\nCOPY . /ctx/\n{LABEL}"


@pytest.mark.op("ImageBuild")
def test_dockerignore_with_exceptions_same_content(dp, client, images, tmp_path):
    root = str(tmp_path / "ctx")
    _context(root)
    _write(root, "Dockerfile", DOCKERFILE)
    _write(root, ".dockerignore",
           "# comment\n**/*.md\n!README.md\nsecret\n!secret/public.pem\nlogs/*.log\n"
           "!logs/important.log\n")
    a, b = _both(dp, client, images, path=root)
    assert _shape(a) == _shape(b)
    fa, fb = _files(_built(a, [])), _files(_built(b, []))
    assert fa == fb
    assert "/ctx/README.md" in fb and "/ctx/secret/public.pem" in fb
    assert "/ctx/logs/important.log" in fb and "/ctx/notes.md" not in fb
    assert "/ctx/secret/key" not in fb and "/ctx/logs/x.log" not in fb


@pytest.mark.op("ImageBuild")
@pytest.mark.parametrize("ignore", [None, "*.md\n", "# only a comment\n"])
@pytest.mark.parametrize("how", ["absolute", "relative"])
def test_dockerfile_outside_context(dp, client, images, tmp_path, ignore, how):
    """docker-py and clibdocker put the Dockerfile into the context under a
    generated name; the engine drops it (and a .dockerignore without a
    pattern) again, so the image holds the same files."""
    root = str(tmp_path / "ctx")
    _context(root)
    if ignore is not None:
        _write(root, ".dockerignore", ignore)
    _write(str(tmp_path), "other/Dockerfile.build", DOCKERFILE + "RUN echo built-outside\n")
    df = (str(tmp_path / "other" / "Dockerfile.build") if how == "absolute"
          else "../other/Dockerfile.build")
    a, b = _both(dp, client, images, path=root, dockerfile=df)
    assert _shape(a) == _shape(b)
    assert any("built-outside" in (m.get("stream") or "") for m in b)
    fa, fb = _files(_built(a, [])), _files(_built(b, []))
    assert fa == fb
    assert not any(".dockerfile." in f for f in fb)
    assert ("/ctx/.dockerignore" in fb) == (ignore == "*.md\n")


def test_process_dockerfile_contract(tmp_path):
    docker = _docker_py()
    from docker.api.build import process_dockerfile as theirs
    root = str(tmp_path / "ctx")
    _write(root, "sub/Dockerfile", "FROM x\n")
    _write(str(tmp_path), "out/Dockerfile", "FROM outside\n")
    ours = build_mod.process_dockerfile
    for df in (None, "", "sub/Dockerfile", os.path.join(root, "sub/Dockerfile")):
        assert ours(df, root) == theirs(df, root)
    for df in (str(tmp_path / "out/Dockerfile"), "../out/Dockerfile"):
        (n1, t1), (n2, t2) = ours(df, root), theirs(df, root)
        assert t1 == t2 == "FROM outside\n"
        for n in (n1, n2):  # 160 random bits in hex
            assert n.startswith(".dockerfile.") and len(n) <= 52
            int(n[len(".dockerfile."):], 16)
    with pytest.raises(FileNotFoundError):
        ours("/nonexistent/Dockerfile", root)
    assert docker  # used


@pytest.mark.op("ImageBuild")
def test_failed_build_is_a_message_like_docker_py(dp, client):
    df = f"FROM {TEST_IMAGE}\nRUN echo before-failure && exit 3\n".encode()
    for decode in (True, False):
        a = list(dp.build(fileobj=io.BytesIO(df), rm=True, forcerm=True, decode=decode))
        b = list(client.build(fileobj=io.BytesIO(df), rm=True, forcerm=True, decode=decode))
        assert [type(x) for x in a] == [type(x) for x in b]
        if not decode:
            assert all(x.endswith(b"\r\n") for x in a + b)
            a = [json.loads(x) for x in a]
            b = [json.loads(x) for x in b]
        assert _shape(a) == _shape(b)
        assert b[-1]["error"] == a[-1]["error"]
        assert b[-1]["errorDetail"] == a[-1]["errorDetail"] == {
            "code": 3, "message": a[-1]["error"]}


@pytest.mark.op("ImageBuild")
def test_buildargs_labels_limits_isolation_same_result(dp, client, images):
    df = (f"FROM {TEST_IMAGE}\nARG GREETING=unset\n{LABEL}"
          "RUN echo \"$GREETING\" > /greeting && "
          "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares "
          "/sys/fs/cgroup/cpuset/cpuset.cpus > /limits 2>/dev/null; "
          "grep clibdocker-host /etc/hosts > /hosts; true\n").encode()
    kw = dict(buildargs={"GREETING": "hello"}, labels={"clibdocker-test": "1", "k": "v"},
              container_limits={"memory": 96 * 1024 * 1024, "memswap": -1,
                                "cpushares": 512, "cpusetcpus": "0"},
              extra_hosts={"clibdocker-host": "10.9.8.7"}, network_mode="none",
              isolation="default", shmsize=64 * 1024 * 1024, timeout=300,
              platform="linux/amd64")
    results = []
    for c in (dp, client):
        log = list(c.build(fileobj=io.BytesIO(df), decode=True, rm=True, nocache=True, **kw))
        iid = _built(log, images)
        info = client.inspect_image(iid)
        out = docker_cli("run", "--rm", iid, "cat", "/greeting", "/limits", "/hosts")
        results.append((info["Config"]["Labels"], out.split()))
    assert results[0] == results[1]
    labels, out = results[1]
    assert labels["k"] == "v"
    assert out[:4] == ["hello", str(96 * 1024 * 1024), "512", "0"]
    assert "10.9.8.7" in out


@pytest.mark.op("ImageBuild")
def test_use_config_proxy_adds_buildargs(dp, client, images):
    """The docker config's proxies become build args (predefined ARGs, so a
    RUN sees them), a buildarg of the same name wins; use_config_proxy=False
    leaves them out."""
    docker = _docker_py()
    from clibdocker.utils.proxy import ProxyConfig
    conf = {"httpProxy": "http://proxy.invalid:3128", "noProxy": "localhost"}
    dp._proxy_configs = docker.utils.proxy.ProxyConfig.from_dict(conf)
    client._proxy_configs = ProxyConfig.from_dict(conf)
    df = (f"FROM {TEST_IMAGE}\n{LABEL}"
          "RUN echo \"h=$HTTP_PROXY n=$NO_PROXY\" > /p\n").encode()
    outs = []
    for c in (dp, client):
        for kw in ({}, {"buildargs": {"HTTP_PROXY": "mine"}}, {"use_config_proxy": False}):
            log = list(c.build(fileobj=io.BytesIO(df), decode=True, rm=True, nocache=True,
                               **kw))
            outs.append(docker_cli("run", "--rm", _built(log, images), "cat", "/p").strip())
    assert outs[:3] == outs[3:]
    assert outs[3:] == ["h=http://proxy.invalid:3128 n=localhost", "h=mine n=localhost",
                        "h= n="]


def _big_dir(tmp_path):
    root = tmp_path / "big"
    for i in range(200):
        d = root / f"d{i:03}"
        d.mkdir(parents=True)
        for j in range(100):
            (d / f"f{j:03}").write_bytes(b"")
    (root / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\n")
    return str(root)


BAD = [
    # (kwargs, the class docker-py raises)
    (dict(path=None), TypeError),
    (dict(path="{root}/missing"), TypeError),
    (dict(path="{root}", custom_context=True), TypeError),
    (dict(path="{root}", gzip=True, encoding="bz2"), "DockerException"),
    (dict(path="{root}", container_limits={"memroy": 1}), "DockerException"),
    (dict(path="{root}", tag="Bad Tag"), "DockerException"),
    (dict(path="{root}", dockerfile="/nonexistent/Dockerfile"), FileNotFoundError),
]


def test_bad_arguments_refused_at_once_like_docker_py(client, tmp_path):
    docker = _docker_py()
    root = _big_dir(tmp_path)
    dpc = docker.APIClient(base_url="unix:///var/run/docker.sock")
    for kw, cls in BAD:
        kw = {k: (v.format(root=root) if isinstance(v, str) else v) for k, v in kw.items()}
        theirs = getattr(docker.errors, cls) if isinstance(cls, str) else cls
        ours = errors.DockerException if isinstance(cls, str) else cls
        with pytest.raises(theirs):
            dpc.build(**kw)
        t0 = time.monotonic()
        with pytest.raises(ours) as ei:
            client.build(**kw)
        assert time.monotonic() - t0 < 1.0, kw
        assert isinstance(ei.value, errors.DockerException), kw
    dpc.close()
    # beyond docker-py: wrong types are refused too, before the walk
    for kw in (dict(path=123), dict(path=root, buildargs=["A=1"]), dict(path=root, tag=5),
               dict(path=root, shmsize="64m"), dict(path=root, cache_from=[1]),
               dict(path=root, encoding="br")):
        t0 = time.monotonic()
        with pytest.raises(errors.InvalidArgument):
            client.build(**kw)
        assert time.monotonic() - t0 < 1.0, kw


@pytest.mark.op("ImageBuild")
def test_big_directory_streams_and_gzip_encoding(client, images, tmp_path):
    """A valid call on a large directory returns at once (the context is
    walked while it is sent); gzip=True with encoding="gzip" is accepted."""
    root = _big_dir(tmp_path)
    with open(os.path.join(root, "Dockerfile"), "a") as f:
        f.write(LABEL + "COPY d199/f099 /last\n")
    log = list(client.build(path=root, gzip=True, encoding="gzip", decode=True, rm=True))
    _built(log, images)


def test_module_surface():
    from clibdocker.api import image as image_mod
    import logging
    assert isinstance(build_mod.log, logging.Logger)
    assert isinstance(image_mod.log, logging.Logger)
    assert image_mod.is_file(__file__) and not image_mod.is_file(b"x")
    assert not image_mod.is_file("FROM busybox\n") and not image_mod.is_file("a\0b")


def test_registry_config_carries_every_credential(client, tmp_path, monkeypatch):
    """X-Registry-Config (redacted in traces, so checked at its source): the
    credentials docker-py's would carry, plus a login's."""
    docker = _docker_py()
    import base64
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    enc = lambda u, p: base64.b64encode(f"{u}:{p}".encode()).decode()  # noqa: E731
    (cfg / "config.json").write_text(json.dumps({"auths": {
        "127.0.0.1:5000": {"auth": enc("clibdocker", "clibdocker-secret")},
        "registry.example:443": {"auth": enc("u", "p")},
        "docker.io": {"auth": enc("hub", "hubpw")}}}))
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    theirs = docker.auth.load_config().get_all_credentials()
    ours = json.loads(client._all_auth_json())
    hub = "https://index.docker.io/v1/"
    # docker-py keys Docker Hub as "docker.io" (and adds the index URL when
    # sending); the engine looks the index URL up
    assert set(ours) == (set(theirs) - {"docker.io"}) | {hub}
    for reg, conf in theirs.items():
        mine = ours[hub if reg == "docker.io" else reg]
        assert (mine["username"], mine["password"]) == (conf["username"], conf["password"])
    client._auth_configs["other.example:5000"] = {"username": "l", "password": "w"}
    try:
        assert json.loads(client._all_auth_json())["other.example:5000"]["username"] == "l"
    finally:
        del client._auth_configs["other.example:5000"]


@pytest.mark.op("ImageBuild")
def test_dockerfile_bytesio_sent_whole_like_docker_py(dp, client, images):
    """docker-py sends a BytesIO's whole value, wherever its position."""
    for c in (dp, client):
        f = io.BytesIO()
        f.write(f"FROM {TEST_IMAGE}\n{LABEL}LABEL whole=yes\n".encode())
        log = list(c.build(fileobj=f, decode=True, rm=True))
        assert client.inspect_image(_built(log, images))["Config"]["Labels"]["whole"] == "yes"
    with pytest.raises(TypeError):
        client.build(fileobj="not a tar", custom_context=True)


def test_bad_values_docker_py_sends_fail_as_the_engine_answers(dp, client, images):
    """Values docker-py sends and the engine refuses are refused before any
    request as that APIError (status 400 for buildargs/labels that are not
    dicts, 500 for a shmsize that is not an integer); a malformed tag reads
    as docker-py's own check; a container_limits value the engine ignores
    (``"1g"``: its Int64ValueOrZero) is left out with a warning, and the
    build succeeds as with docker-py (pk02 found these)."""
    df = f"FROM {TEST_IMAGE}\n{LABEL}".encode()
    for kw, status in ((dict(buildargs="A=1"), 400), (dict(labels="a=b"), 400),
                       (dict(shmsize="1m"), 500)):
        with pytest.raises(_docker_py().errors.APIError) as theirs:
            list(dp.build(fileobj=io.BytesIO(df), **kw))
        with pytest.raises(errors.APIError) as ours:
            list(client.build(fileobj=io.BytesIO(df), **kw))
        assert theirs.value.status_code == ours.value.status_code == status, kw
        assert isinstance(ours.value, errors.InvalidArgument), kw
    for kw in (dict(tag="Bad:Tag:x"), dict(container_limits={"nope": 1})):
        with pytest.raises(_docker_py().errors.DockerException) as theirs:
            list(dp.build(fileobj=io.BytesIO(df), **kw))
        with pytest.raises(errors.DockerException) as ours:
            list(client.build(fileobj=io.BytesIO(df), **kw))
        if "tag" in kw:
            assert str(ours.value) == str(theirs.value)
            assert isinstance(ours.value, errors.InvalidRepository)
    with pytest.warns(UserWarning, match="not an integer"):
        out = list(client.build(fileobj=io.BytesIO(df), decode=True, rm=True,
                                container_limits={"memory": "1g", "cpushares": "512"}))
    assert not any("error" in x for x in out)
    _built(out, images)
    theirs_out = [json.loads(x) for x in dp.build(fileobj=io.BytesIO(df), rm=True,
                                                  container_limits={"memory": "1g"})]
    _built(theirs_out, images)


def test_build_error_text_like_docker_py(dp, client):
    """str(APIError) of a build the engine refuses shows docker-py's query
    (its parameters, order and True/False spelling), as CI scripts print
    it (pk02 found clibdocker's own q=0&nocache=0...)."""
    df = f"FROM {TEST_IMAGE}\nFROBNICATE x\n".encode()
    for kw in (dict(), dict(tag="clibdocker-test/bq:x", nocache=True, rm=True, forcerm=True, quiet=True),
               dict(buildargs={"A": "1", "B": "2"}, labels={"l": "v"}, cache_from=["a", "b"],
                    target="t", network_mode="none", extra_hosts={"h": "1.2.3.4", "g": "5.6.7.8"},
                    shmsize=1024, container_limits={"memory": 10 ** 9, "cpusetcpus": "0"},
                    platform="linux/amd64", dockerfile="Dockerfile"),
               dict(squash=True), dict(isolation="default", tag="clibdocker-test/bq")):
        with pytest.raises(_docker_py().errors.APIError) as theirs:
            list(dp.build(fileobj=io.BytesIO(df), **kw))
        with pytest.raises(errors.APIError) as ours:
            list(client.build(fileobj=io.BytesIO(df), **kw))
        assert str(ours.value) == str(theirs.value), kw
        assert ours.value.response.url == theirs.value.response.url, kw
