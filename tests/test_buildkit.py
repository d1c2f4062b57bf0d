"""BuildKit builds through the session, against the real engine (dockerd
20.10): the context and the Dockerfile served over FileSync, secrets, cache
mounts, multi-stage pruning, .dockerignore as the classic builder applies
it, errors with their log, incremental context transfer counted on the
session, and a session dropped in the middle of a build."""
from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import threading
import time

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.buildkit import IMAGE_ID, TRACE_ID, PlainProgress, decode_trace
from conftest import TEST_IMAGE, docker_cli, unique

LABEL = "LABEL clibdocker-test=1\n"


_BUILT: list = []  # image ids every build of a test made (see _forget_images)


def _remember(image):
    if image:
        _BUILT.append(image)


@pytest.fixture(autouse=True)
def _forget_images(client):
    """Remove every image the test built, also those a later build with the
    same tag left untagged, so no dangling image stays on the engine."""
    _BUILT.clear()
    yield
    for image in reversed(_BUILT):
        try:
            client.remove_image(image, force=True)
        except (errors.NotFound, errors.Conflict):
            pass
    _BUILT.clear()


@pytest.fixture
def tags(client):
    made = []
    yield made
    for t in reversed(made):
        try:
            client.remove_image(t, force=True)
        except errors.NotFound:
            pass


def _tag(tags):
    t = f"clibdocker-test/{unique('bk')}:1"
    tags.append(t)
    return t


def _ctx(tmp_path, files):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(tmp_path)


def _run(client, path, **kw):
    """Build; return (messages decoded, image id or None, stream stats)."""
    msgs = []
    image = None
    st = client.build(path=path, buildkit=True, decode=True, **kw)
    for m in st:
        msgs.append(m)
        if m.get("id") == IMAGE_ID:
            image = m["aux"]["ID"]
    _remember(image)
    return msgs, image


def _logs(msgs):
    out = []
    for m in msgs:
        if m.get("id") == TRACE_ID:
            for lg in m["aux"].get("logs", ()):
                out.append(lg.get("data", ""))
    return "".join(out)


def _vertex_names(msgs):
    return {v.get("name", "") for m in msgs if m.get("id") == TRACE_ID
            for v in m["aux"].get("vertexes", ())}


@pytest.mark.op("ImageBuild")
@pytest.mark.op("Session")
def test_buildkit_build_copies_context_and_runs(client, tags, tmp_path):
    tag = _tag(tags)
    path = _ctx(tmp_path, {
        "Dockerfile": f"FROM {TEST_IMAGE}\n{LABEL}ARG GREETING\nCOPY hello.txt /hello.txt\n"
                      "RUN echo \"$GREETING from $(cat /hello.txt)\"\n",
        "hello.txt": "the-context",
    })
    out = io.StringIO()
    pp = PlainProgress(out)
    st = client.build(path=path, tag=tag, buildkit=True, decode=True,
                      buildargs={"GREETING": "hi"}, nocache=True)
    msgs = []
    for m in st:
        pp.feed(m)
        msgs.append(m)
        if m.get("id") == IMAGE_ID:
            _remember(m["aux"]["ID"])
    assert any(m.get("id") == IMAGE_ID for m in msgs)
    assert "hi from the-context" in _logs(msgs)
    assert "RUN echo" in out.getvalue() and "hi from the-context" in out.getvalue()
    assert docker_cli("run", "--rm", tag, "cat", "/hello.txt") == "the-context"
    img = client.inspect_image(tag)
    assert img["Config"]["Labels"]["clibdocker-test"] == "1"
    # raw (not decoded) messages are the engine's JSON lines
    raw = list(client.build(path=path, buildkit=True, tag=tag))
    assert all(isinstance(r, bytes) and r.endswith(b"\r\n") for r in raw)
    assert any(json.loads(r).get("id") == TRACE_ID for r in raw)
    for r in raw:
        if json.loads(r).get("id") == IMAGE_ID:
            _remember(json.loads(r)["aux"]["ID"])


@pytest.mark.op("Session")
def test_session_answers_health_checks_while_python_is_busy(client, tmp_path):
    with client.open_session(context=str(tmp_path), name="ctx") as s:
        assert len(s.id) == 32
        t0 = time.monotonic()
        x = 0
        while time.monotonic() - t0 < 3.2:  # busy in Python
            x += 1
        st = s.stats()
        assert st["health_checks"] >= 2, st
        assert st["closed"] == 0 and s.error() is None
    assert s.stats() == {}


def test_multistage_unused_stage_does_not_run(client, tags, tmp_path):
    tag = _tag(tags)
    token = unique("unused")
    path = _ctx(tmp_path, {"Dockerfile": (
        f"FROM {TEST_IMAGE} AS unused\nRUN echo UNUSEDSTAGE-{token}\n"
        f"FROM {TEST_IMAGE} AS base\nRUN echo base > /base\n"
        f"FROM base AS final\n{LABEL}RUN echo FINALSTAGE && cat /base\n")})
    msgs, image = _run(client, path, tag=tag, nocache=True, target="final")
    assert image
    names = " ".join(_vertex_names(msgs))
    assert "FINALSTAGE\nbase\n" in _logs(msgs)
    assert "RUN echo base" in names  # a stage the target needs runs
    assert "UNUSEDSTAGE" not in names and "UNUSEDSTAGE" not in _logs(msgs)
    # the classic builder runs every stage: the difference is real
    classic_tag = _tag(tags)
    classic = b"".join(client.build(path=path, nocache=True, rm=True, forcerm=True,
                                    target="final", tag=classic_tag))
    assert f"UNUSEDSTAGE-{token}".encode() in classic
    # the classic builder keeps each stage's image: remove the unused one
    for img in client.images(filters={"dangling": True}, quiet=True):
        try:
            hist = json.dumps(client.history(img))
        except errors.NotFound:
            continue
        if f"UNUSEDSTAGE-{token}" in hist:
            _remember(img)


def test_cache_mount_is_reused_across_builds(client, tags, tmp_path):
    cid = unique("cache")
    token = unique("tok")
    path = _ctx(tmp_path, {"Dockerfile": (
        f"FROM {TEST_IMAGE}\n{LABEL}ARG RUNID\n"
        f"RUN --mount=type=cache,id={cid},target=/cache "
        f"sh -c 'echo seen:$(cat /cache/x 2>/dev/null || echo none); echo {token} > /cache/x'\n"),
    })
    tag = _tag(tags)
    # a new RUNID makes the RUN run again (nocache would also drop cache
    # mounts, as with the Docker CLI's --no-cache)
    msgs, _ = _run(client, path, tag=tag, buildargs={"RUNID": unique()})
    assert "seen:none" in _logs(msgs)
    msgs, _ = _run(client, path, tag=tag, buildargs={"RUNID": unique()})
    assert f"seen:{token}" in _logs(msgs)
    # nothing of the cache is in the image
    assert docker_cli("run", "--rm", tag, "sh", "-c", "ls /cache 2>/dev/null | wc -l").strip() == "0"


def test_secret_is_visible_to_run_and_absent_from_image_and_trace(client, tags, tmp_path):
    secret = ("s3cr3t-" + unique("val")).encode()
    other = b"second-secret-" + os.urandom(8).hex().encode()
    sfile = tmp_path / "secret.txt"
    sfile.write_bytes(secret)
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    tag = _tag(tags)
    path = _ctx(ctx, {"Dockerfile": (
        f"FROM {TEST_IMAGE}\n{LABEL}"
        "RUN --mount=type=secret,id=s1 --mount=type=secret,id=s2 "
        "sh -c 'sha256sum /run/secrets/s1 | cut -c1-64 > /h1; "
        "sha256sum /run/secrets/s2 | cut -c1-64 > /h2; ls /run/secrets > /listing'\n")})
    raw = list(client.build(path=path, tag=tag, buildkit=True, nocache=True,
                            secrets={"s1": str(sfile), "s2": other}))
    assert b"".join(raw).find(secret) < 0 and b"".join(raw).find(other) < 0
    decoded = [json.loads(r) for r in raw]
    for m in decoded:
        if m.get("id") == TRACE_ID:
            text = json.dumps(decode_trace(m["aux"]))
            assert secret.decode() not in text and other.decode() not in text
    assert any(m.get("id") == IMAGE_ID for m in decoded), decoded[-3:]
    for m in decoded:
        if m.get("id") == IMAGE_ID:
            _remember(m["aux"]["ID"])
    out = docker_cli("run", "--rm", tag, "sh", "-c", "cat /h1 /h2; ls /run/secrets 2>&1 || true")
    lines = out.split("\n")
    assert lines[0] == hashlib.sha256(secret).hexdigest()
    assert lines[1] == hashlib.sha256(other).hexdigest()
    # not in any layer of the image
    saved = subprocess.run(["docker", "save", tag], check=True, capture_output=True).stdout
    assert saved.find(secret) < 0 and saved.find(other) < 0


def test_secret_errors_before_anything_is_sent(client, tmp_path):
    (tmp_path / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\n")
    with pytest.raises(errors.InvalidArgument, match="cannot read"):
        client.build(path=str(tmp_path), buildkit=True, secrets={"x": str(tmp_path / "nope")})
    with pytest.raises(errors.InvalidArgument, match="buildkit"):
        client.build(path=str(tmp_path), buildkit=False, secrets={"x": b"1"})
    with pytest.raises(errors.InvalidArgument, match="path or bytes"):
        client.build(path=str(tmp_path), buildkit=True, secrets={"x": 3})
    with pytest.raises(errors.InvalidArgument, match="directory path"):
        client.build(fileobj=io.BytesIO(b"tar"), custom_context=True, buildkit=True)
    with pytest.raises(errors.InvalidArgument, match="directory path"):
        client.build(path="https://example.invalid/repo.git", buildkit=True)


def test_missing_secret_fails_the_build(client, tmp_path):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nRUN --mount=type=secret,id=nothere,required cat /run/secrets/nothere\n")
    msgs, image = _run(client, str(tmp_path), nocache=True)
    assert image is None
    err = [m for m in msgs if "errorDetail" in m]
    assert err and "nothere" in err[-1]["errorDetail"]["message"]


def _listing(tag):
    return sorted(docker_cli("run", "--rm", tag, "find", "/ctx").split())


def test_dockerignore_as_the_classic_builder(client, tags, tmp_path):
    path = _ctx(tmp_path, {
        "Dockerfile": f"FROM {TEST_IMAGE}\n{LABEL}COPY . /ctx\n",
        ".dockerignore": "# comment\n*.log\nbuild/\n!build/keep.txt\n**/*.tmp\n/secret*\n",
        "a.txt": "a", "b.log": "b", "build/out.bin": "o", "build/keep.txt": "k",
        "src/x.tmp": "t", "src/deep/y.tmp": "t", "src/main.c": "m", "secret.key": "s",
        "sub/secret.key": "kept",
    })
    t1, t2 = _tag(tags), _tag(tags)
    for m in client.build(path=path, tag=t1, decode=True, rm=True, forcerm=True):
        if isinstance(m.get("aux"), dict):
            _remember(m["aux"].get("ID"))
    _, image = _run(client, path, tag=t2)
    assert image
    classic, bk = _listing(t1), _listing(t2)
    assert bk == classic
    assert "/ctx/build/keep.txt" in bk and "/ctx/sub/secret.key" in bk
    assert "/ctx/b.log" not in bk and "/ctx/build/out.bin" not in bk
    assert "/ctx/src/deep/y.tmp" not in bk and "/ctx/secret.key" not in bk


def test_dockerfile_elsewhere_and_target_platform_network(client, tags, tmp_path):
    ctx = tmp_path / "ctx"
    other = tmp_path / "other"
    _ctx(ctx, {"f.txt": "F"})
    _ctx(other, {"My.Dockerfile": (
        f"FROM {TEST_IMAGE} AS one\n{LABEL}COPY f.txt /f\n"
        f"FROM one AS two\nRUN echo two > /two\n")})
    tag = _tag(tags)
    msgs, image = _run(client, str(ctx), tag=tag, dockerfile=str(other / "My.Dockerfile"),
                       target="one", platform="linux/amd64", network_mode="none",
                       cache_from=[TEST_IMAGE])
    assert image, msgs[-3:]
    assert docker_cli("run", "--rm", tag, "sh", "-c", "cat /f; ls /two 2>/dev/null || echo no") \
        == "Fno\n"


def test_build_error_is_raised_with_its_log(dclient, tmp_path):
    (tmp_path / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nRUN echo BOOM-LOG-LINE && exit 3\n")
    with pytest.raises(errors.BuildError) as ei:
        dclient.images.build(path=str(tmp_path), buildkit=True, nocache=True)
    assert "exit code: 3" in str(ei.value)
    log = list(ei.value.build_log)
    assert "BOOM-LOG-LINE" in _logs([m for m in log if isinstance(m, dict)])


def test_high_level_build_and_env_default(dclient, client, tags, tmp_path, monkeypatch):
    path = _ctx(tmp_path, {"Dockerfile": f"FROM {TEST_IMAGE}\n{LABEL}RUN echo hl > /hl\n"})
    tag = _tag(tags)
    image, logs = dclient.images.build(path=path, tag=tag, buildkit=True)
    _remember(image.id)
    assert tag in image.tags
    assert any(isinstance(m, dict) and m.get("id") == TRACE_ID for m in logs)
    monkeypatch.setenv("DOCKER_BUILDKIT", "1")
    msgs = list(client.build(path=path, tag=tag, decode=True))
    assert any(m.get("id") == TRACE_ID for m in msgs)
    _remember(next(m["aux"]["ID"] for m in msgs if m.get("id") == IMAGE_ID))
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    msgs = list(client.build(path=path, tag=tag, decode=True, rm=True))
    assert not any(m.get("id") == TRACE_ID for m in msgs)
    for m in msgs:
        if isinstance(m.get("aux"), dict):
            _remember(m["aux"].get("ID"))


def _big_context(root, mb):
    """`mb` MB in 1 MB files under data/, one 1 KB file, a Dockerfile
    copying both (the engine asks only for what the Dockerfile copies)."""
    os.makedirs(root / "data", exist_ok=True)
    for i in range(mb):
        (root / "data" / f"blob{i:04d}.bin").write_bytes(os.urandom(1 << 20))
    (root / "small.txt").write_bytes(b"a" * 1024)
    (root / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\n{LABEL}COPY data /data\nCOPY small.txt /small.txt\n")


def test_incremental_context_sends_only_the_changed_file(client, tags, tmp_path):
    ctx = tmp_path / "ctx"
    _big_context(ctx, 200)
    tag = _tag(tags)
    st = client.build(path=str(ctx), tag=tag, buildkit=True, decode=True)
    for m in st:
        if m.get("id") == IMAGE_ID:
            _remember(m["aux"]["ID"])
    first = st.session_stats
    assert first["file_bytes"] >= 200 << 20, first
    (ctx / "small.txt").write_bytes(b"b" * 1024)
    st = client.build(path=str(ctx), tag=tag, buildkit=True, decode=True)
    for m in st:
        if m.get("id") == IMAGE_ID:
            _remember(m["aux"]["ID"])
    second = st.session_stats
    # the changed file, and the Dockerfile's directory transfer at most
    assert second["file_bytes"] <= 1024 + 200, second
    assert second["bytes_sent"] < (200 << 20) // 100, second
    assert docker_cli("run", "--rm", tag, "head", "-c", "3", "/small.txt") == "bbb"


def test_dropped_session_ends_the_build_with_an_error(client, tmp_path):
    ctx = tmp_path / "ctx"
    _big_context(ctx, 120)
    task = "/proc/self/task"
    client.close()  # idle pooled connections are not leaks: count without them
    threads0 = len(os.listdir(task))
    fds0 = len(os.listdir("/proc/self/fd"))
    st = client.build(path=str(ctx), buildkit=True, decode=True, nocache=True)
    msgs = []
    err = None
    dropped = False
    t0 = time.monotonic()
    try:
        for m in st:
            msgs.append(m)
            s = st.session_stats
            if not dropped and s and s["file_bytes"] > (8 << 20):
                # fault injection: cut the session's connection mid-transfer
                st._session._p()  # still open
                st._session.close()
                dropped = True
    except errors.DockerException as e:
        err = e
    assert dropped
    assert time.monotonic() - t0 < 60
    text = str(err) if err else json.dumps([m for m in msgs if "errorDetail" in m])
    assert err is not None or any("errorDetail" in m for m in msgs), msgs[-3:]
    assert text and ("session" in text.lower() or "cancel" in text.lower()
                     or "closed" in text.lower()), text
    st.close()
    client.close()
    time.sleep(0.2)
    assert len(os.listdir(task)) <= threads0
    fds = sorted(os.readlink(f"/proc/self/fd/{f}") for f in os.listdir("/proc/self/fd")
                 if os.path.exists(f"/proc/self/fd/{f}"))
    assert len(fds) <= fds0, fds


def test_base_image_from_a_private_registry_through_session_auth(client, tags, tmp_path):
    """FROM an image on the local registry that needs a login: the engine
    asks the session's Auth/Credentials; anonymous fails, the login works."""
    from conftest import REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER
    repo = f"{REGISTRY}/clibdocker-test/{unique('bkauth')}"
    good = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}
    assert client.tag(TEST_IMAGE, repo, "1") is True
    tags.append(f"{repo}:1")
    for m in client.push(repo, "1", stream=True, decode=True, auth_config=good):
        assert "errorDetail" not in m, m
    client.remove_image(f"{repo}:1")
    path = _ctx(tmp_path, {"Dockerfile": f"FROM {repo}:1\n{LABEL}RUN echo pulled-ok\n"})
    anon = clibdocker.APIClient()
    tags.append(tag := _tag(tags))
    msgs, image = _run(anon, path, tag=tag, nocache=True, pull=True)
    assert image is None
    err = [m for m in msgs if "errorDetail" in m][-1]["errorDetail"]["message"]
    assert "401" in err or "unauthorized" in err.lower() or "authorization" in err.lower(), err
    anon.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    msgs, image = _run(anon, path, tag=tag, nocache=True, pull=True)
    assert image, [m for m in msgs if "errorDetail" in m]
    assert "pulled-ok" in _logs(msgs)


def test_output_local_and_tar(client, tmp_path):
    import tarfile
    ctx = tmp_path / "ctx"
    path = _ctx(ctx, {
        "Dockerfile": f"FROM {TEST_IMAGE} AS b\nCOPY . /src\nRUN mkdir -p /out/sub && "
                      "cp /src/a.txt /out/a.txt && echo made > /out/sub/made.txt && "
                      "ln -s a.txt /out/link && chmod 755 /out/a.txt\n"
                      "FROM scratch\nCOPY --from=b /out/ /\n",
        "a.txt": "payload-" + unique(),
    })
    dest = tmp_path / "out"
    msgs, image = _run(client, path, output=f"type=local,dest={dest}")
    assert image is None and not any("errorDetail" in m for m in msgs), msgs[-3:]
    assert (dest / "a.txt").read_text() == (ctx / "a.txt").read_text()
    assert (dest / "sub" / "made.txt").read_text() == "made\n"
    assert os.readlink(dest / "link") == "a.txt"
    assert os.stat(dest / "a.txt").st_mode & 0o777 == 0o755
    tar_path = tmp_path / "out.tar"
    st = client.build(path=path, buildkit=True, decode=True,
                      output={"type": "tar", "dest": str(tar_path)})
    for _ in st:
        pass
    assert st.session_stats["output_bytes"] == os.path.getsize(tar_path) > 0
    with tarfile.open(tar_path) as t:
        names = set(t.getnames())
        assert {"a.txt", "sub/made.txt", "link"} <= {n.rstrip("/") for n in names}, names
        assert t.extractfile("a.txt").read().decode() == (ctx / "a.txt").read_text()
    with pytest.raises(errors.InvalidArgument, match="buildkit"):
        client.build(path=path, buildkit=False, output=f"type=local,dest={dest}")
    with pytest.raises(errors.InvalidArgument, match="not supported"):
        client.build(path=path, buildkit=True, output="type=registry,dest=x")


AGENT_CLIENT = r"""
/* Asks the ssh agent at $SSH_AUTH_SOCK for its identities, prints their comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
static unsigned be32(const unsigned char *p) { return (unsigned)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
int main(void)
{
	const char *path = getenv("SSH_AUTH_SOCK");
	struct sockaddr_un sa;
	unsigned char req[5] = {0, 0, 0, 1, 11}, buf[65536];
	size_t got = 0, need = 4, off = 9;
	unsigned nk, i;
	int fd;
	if (!path) { puts("no SSH_AUTH_SOCK"); return 2; }
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strncpy(sa.sun_path, path, sizeof sa.sun_path - 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (void *)&sa, sizeof sa) < 0) { perror("connect"); return 3; }
	if (write(fd, req, 5) != 5) return 4;
	while (got < need) {
		ssize_t n = read(fd, buf + got, sizeof buf - got);
		if (n <= 0) return 5;
		got += n;
		if (got >= 4) need = 4 + be32(buf);
	}
	if (buf[4] != 12) { printf("answer %d\n", buf[4]); return 6; }
	nk = be32(buf + 5);
	printf("keys %u\n", nk);
	for (i = 0; i < nk; i++) {
		unsigned bl = be32(buf + off), cl;
		off += 4 + bl;
		cl = be32(buf + off);
		printf("comment %.*s\n", (int)cl, buf + off + 4);
		off += 4 + cl;
	}
	return 0;
}
"""


@pytest.fixture
def ssh_agent(tmp_path):
    """A real ssh-agent holding one key with a unique comment."""
    comment = unique("agent-key")
    sock = str(tmp_path / "agent.sock")
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.05)
        key = str(tmp_path / "id_ed25519")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key],
                       check=True)
        subprocess.run(["ssh-add", key], check=True, capture_output=True,
                       env=dict(os.environ, SSH_AUTH_SOCK=sock))
        yield sock, comment
    finally:
        proc.terminate()
        proc.wait(10)


def test_ssh_agent_forwarding(client, tmp_path, ssh_agent):
    sock, comment = ssh_agent
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (tmp_path / "agentq.c").write_text(AGENT_CLIENT)
    subprocess.run(["gcc", "-static", "-O1", "-o", str(ctx / "agentq"), str(tmp_path / "agentq.c")],
                   check=True)
    (ctx / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nCOPY agentq /agentq\n"
        "RUN --mount=type=ssh /agentq && /agentq\n"
        "RUN --mount=type=ssh,id=other /agentq\n")
    msgs, image = _run(client, str(ctx), nocache=True, ssh={"default": sock, "other": sock})
    assert image, [m for m in msgs if "errorDetail" in m]
    logs = _logs(msgs)
    assert logs.count(f"comment {comment}") == 3, logs
    # an id the session does not serve: the engine 20.10 still mounts a
    # socket, whose connections the session refuses (NotFound), so the
    # client in the step cannot connect (its exit code 3)
    (ctx / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\nCOPY agentq /agentq\nRUN --mount=type=ssh,id=nope /agentq\n")
    msgs, image = _run(client, str(ctx), nocache=True, ssh={"default": sock})
    assert image is None
    err = [m for m in msgs if "errorDetail" in m][-1]["errorDetail"]["message"]
    assert "exit code: 3" in err, err
    assert f"comment {comment}" not in _logs(msgs)
    with pytest.raises(errors.InvalidArgument, match="no agent socket"):
        client.build(path=str(ctx), buildkit=True, ssh={"x": str(tmp_path / "missing.sock")})
    with pytest.raises(errors.InvalidArgument, match="buildkit"):
        client.build(path=str(ctx), buildkit=False, ssh="default")


@pytest.mark.parametrize("engine", ["main", "engine2"])
def test_non_ascii_names_and_patterns(client, client2, engine, tmp_path):
    """Non-ASCII file names and .dockerignore patterns: dockerd 25+ sends
    such patterns URL-escaped (``exclude-patterns-encoded: 1``), 20.10 as
    they are; both exclude the same files."""
    api = client if engine == "main" else client2
    tag = f"clibdocker-test/{unique('bkna')}:1"
    path = _ctx(tmp_path, {
        "Dockerfile": f"FROM {TEST_IMAGE}\n{LABEL}COPY . /ctx\n",
        ".dockerignore": "été*\ndir,with,commas/x.txt\n",
        "été.txt": "no", "ét.txt": "yes", "naïve/ü.txt": "yes", "dir,with,commas/x.txt": "no",
        "dir,with,commas/y.txt": "yes",
    })
    try:
        msgs, image = _run(api, path, tag=tag)
        assert image, [m for m in msgs if "errorDetail" in m]
        from conftest import ENGINE2
        host = "" if engine == "main" else ENGINE2
        listing = sorted(docker_cli("run", "--rm", tag, "find", "/ctx", "-type", "f",
                                    host=host).split("\n"))
        assert listing == ["", "/ctx/.dockerignore", "/ctx/Dockerfile",
                           "/ctx/dir,with,commas/y.txt", "/ctx/naïve/ü.txt", "/ctx/ét.txt"], listing
    finally:
        try:
            api.remove_image(tag, force=True)
        except errors.NotFound:
            pass


def test_copy_through_symlinks_in_the_context(client, tags, tmp_path):
    """COPY of a symlink and through a symlinked directory: the engine asks
    for the COPY sources as follow paths; the session follows the links as
    fsutil does, so the targets arrive too (as with the Docker CLI)."""
    ctx = tmp_path / "ctx"
    _ctx(ctx, {"sub/real.txt": "real-content", "data/deep/f.txt": "deep",
               "unused/big.bin": b"x" * 100000})
    os.symlink("sub/real.txt", ctx / "link.txt")
    os.symlink("data", ctx / "dl")
    (ctx / "Dockerfile").write_text(
        f"FROM {TEST_IMAGE}\n{LABEL}COPY link.txt /x.txt\nCOPY dl/deep/f.txt /y.txt\n")
    tag = _tag(tags)
    st = client.build(path=str(ctx), tag=tag, buildkit=True, decode=True, nocache=True)
    msgs = list(st)
    for m in msgs:
        if m.get("id") == IMAGE_ID:
            _remember(m["aux"]["ID"])
    assert any(m.get("id") == IMAGE_ID for m in msgs), [m for m in msgs if "errorDetail" in m]
    assert docker_cli("run", "--rm", tag, "cat", "/x.txt", "/y.txt") == "real-contentdeep"
    assert st.session_stats["file_bytes"] < 1000  # unused/ was not sent


def test_close_cancels_the_running_build(client, tmp_path):
    """close() on a BuildKit build stream cancels the build on the engine
    (POST /build/cancel?id=<buildid>): its RUN step stops."""
    secs = 37 + int.from_bytes(os.urandom(1), "big") % 50  # a sleep nobody else runs
    (tmp_path / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\nRUN echo started && sleep {secs}\n")
    st = client.build(path=str(tmp_path), buildkit=True, decode=True, nocache=True)
    t0 = time.monotonic()

    def sleeping():
        return subprocess.run(["pgrep", "-f", f"sleep {secs}$"], capture_output=True).returncode == 0

    for m in st:
        if "started" in _logs([m]):
            break
        assert time.monotonic() - t0 < 60
    deadline = time.monotonic() + 10
    while not sleeping() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sleeping()
    st.close()
    deadline = time.monotonic() + 15
    while sleeping() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sleeping(), "the RUN step still runs after close()"
    assert time.monotonic() - t0 < secs


def test_async_for_over_a_buildkit_build(client, tmp_path):
    """``async for`` over a BuildKit build: pulls never block the loop; the
    session thread serves the engine meanwhile."""
    import asyncio
    (tmp_path / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\n{LABEL}RUN echo async-ok\n")

    async def main():
        ticks = 0
        stop = False

        async def ticker():
            nonlocal ticks
            while not stop:
                ticks += 1
                await asyncio.sleep(0.005)

        t = asyncio.ensure_future(ticker())
        msgs = []
        async for m in client.build(path=str(tmp_path), buildkit=True, decode=True, nocache=True):
            msgs.append(m)
        stop = True
        await t
        return msgs, ticks

    msgs, ticks = asyncio.run(main())
    image = next((m["aux"]["ID"] for m in msgs if m.get("id") == IMAGE_ID), None)
    _remember(image)
    assert image and "async-ok" in _logs(msgs)
    assert ticks > 3  # the loop kept running during the build


def test_plain_progress_format_and_option_parsing(tmp_path, monkeypatch):
    """PlainProgress prints like --progress=plain; ssh/output specs parse as
    the CLI's flags (no engine needed)."""
    from clibdocker.buildkit import parse_output, parse_ssh
    out = io.StringIO()
    pp = PlainProgress(out)
    d = "sha256:" + "a" * 64
    t0, t1 = "2026-01-01T00:00:00.000000000Z", "2026-01-01T00:00:01.500000000Z"
    for m in [
        {"id": TRACE_ID, "aux": {"vertexes": [{"digest": d, "name": "[1/2] RUN x", "started": t0}]}},
        {"id": TRACE_ID, "aux": {"logs": [{"vertex": d, "timestamp": t1, "data": "l1\nl2\n"}]}},
        {"id": TRACE_ID, "aux": {"vertexes": [{"digest": d, "name": "[1/2] RUN x", "started": t0,
                                                "completed": t1}]}},
        {"id": TRACE_ID, "aux": {"vertexes": [{"digest": "sha256:b", "name": "c", "cached": True,
                                                "started": t0, "completed": t0}]}},
        {"id": IMAGE_ID, "aux": {"ID": "sha256:cafe"}},
        {"stream": "ignored"},
    ]:
        pp.feed(m)
    assert out.getvalue().splitlines() == [
        "#1 [1/2] RUN x", "#1 1.5 l1", "#1 1.5 l2", "#1 DONE 1.5s", "#2 c", "#2 CACHED",
        "writing image sha256:cafe"]
    sock = tmp_path / "a.sock"
    sock.write_text("")
    monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
    assert parse_ssh("default") == {"default": str(sock)}
    assert parse_ssh(["x=" + str(sock), "default"]) == {"x": str(sock), "default": str(sock)}
    assert parse_ssh({"y": str(sock)}) == {"y": str(sock)}
    monkeypatch.delenv("SSH_AUTH_SOCK")
    with pytest.raises(errors.InvalidArgument, match="SSH_AUTH_SOCK"):
        parse_ssh("default")
    assert parse_output("type=local,dest=/x") == {"type": "local", "dest": "/x"}
    assert parse_output({"Type": "tar", "Dest": "o.tar"}) == {"type": "tar", "dest": "o.tar"}
    for bad in ("type=local", "local", "type=image,dest=x", 3):
        with pytest.raises(errors.InvalidArgument):
            parse_output(bad)


def test_session_ignores_the_stream_idle_timeout(tmp_path):
    """The engine may leave a session silent between health checks (1 s on
    20.10, 5 s on 25+): the client's stream idle timeout does not end it."""
    api = clibdocker.APIClient()
    api.set_timeouts(stream_idle=0.3)
    try:
        with api.open_session(context=str(tmp_path)) as s:
            time.sleep(2.5)
            st = s.stats()
            assert st["closed"] == 0 and s.error() is None, (st, s.error())
            assert st["health_checks"] >= 1
    finally:
        api.close()


def test_dockerfile_fileobj_with_buildkit(client, tmp_path):
    """A Dockerfile alone (fileobj): an empty context, the Dockerfile served
    from a temporary directory removed with the stream."""
    import glob
    import tempfile
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "clibdocker-bk-*")))
    st = client.build(fileobj=io.BytesIO(f"FROM {TEST_IMAGE}\n{LABEL}RUN echo from-fileobj && "
                                         "ls -A / | wc -l\n".encode()),
                      buildkit=True, decode=True, nocache=True)
    msgs = list(st)
    image = next((m["aux"]["ID"] for m in msgs if m.get("id") == IMAGE_ID), None)
    _remember(image)
    assert image and "from-fileobj" in _logs(msgs)
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "clibdocker-bk-*"))) == before
    # a text Dockerfile, through the high-level client's path too
    st = client.build(fileobj=io.StringIO(f"FROM {TEST_IMAGE}\n{LABEL}"), buildkit=True,
                      decode=True)
    msgs = list(st)
    _remember(next((m["aux"]["ID"] for m in msgs if m.get("id") == IMAGE_ID), None))
    assert any(m.get("id") == IMAGE_ID for m in msgs)
