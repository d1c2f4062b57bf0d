"""A container's streams against the real engines: logs, attach (read-only
and hijacked with stdin), export, stats, archives in and out."""
from __future__ import annotations

import datetime
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import textwrap
import threading
import time

import pytest

import clibdocker
from clibdocker import errors
from conftest import TEST_IMAGE, docker_cli, unique

LABEL = ["--label", "clibdocker-test=1"]


class Containers:
    """Containers made with the docker CLI for one test, removed after it."""

    def __init__(self, host: str = "") -> None:
        self.host = host
        self.ids: list[str] = []

    def run(self, *args: str) -> str:
        """docker run -d: the container's id."""
        cid = docker_cli("run", "-d", *LABEL, "--name", unique(), *args,
                         host=self.host).strip()
        self.ids.append(cid)
        return cid

    def create(self, *args: str) -> str:
        cid = docker_cli("create", *LABEL, "--name", unique(), *args, host=self.host).strip()
        self.ids.append(cid)
        return cid

    def wait(self, cid: str) -> int:
        return int(docker_cli("wait", cid, host=self.host).strip())

    def cleanup(self) -> None:
        for cid in self.ids:
            try:
                docker_cli("rm", "-f", "-v", cid, host=self.host)
            except subprocess.CalledProcessError:
                pass


@pytest.fixture
def ctr():
    c = Containers()
    try:
        yield c
    finally:
        c.cleanup()


@pytest.fixture
def ctr2():
    from conftest import ENGINE2
    c = Containers(ENGINE2)
    try:
        yield c
    finally:
        c.cleanup()


def wait_for_log(client, cid, needle: bytes, timeout: float = 20) -> bytes:
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = client.logs(cid)
        if needle in out:
            return out
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared in the logs of {cid}")


# --- logs ----------------------------------------------------------------------

@pytest.mark.op("ContainerLogs")
def test_logs_keep_stdout_and_stderr_apart(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2")
    assert ctr.wait(cid) == 0
    out, err = client.logs(cid, demux=True)
    assert out == b"out1\nout2\n"
    assert err == b"err1\nerr2\n"
    assert client.logs(cid, stderr=False) == b"out1\nout2\n"
    assert client.logs(cid, stdout=False) == b"err1\nerr2\n"
    both = client.logs(cid)
    assert sorted(both.splitlines()) == [b"err1", b"err2", b"out1", b"out2"]
    # a dict with Id works as in docker-py
    assert client.logs({"Id": cid}, stderr=False) == b"out1\nout2\n"
    # streamed, frame by frame, tuples with demux
    frames = list(client.logs(cid, stream=True, demux=True))
    assert (b"out1\n", None) in frames and (None, b"err2\n") in frames
    assert all(isinstance(f, bytes) for f in client.logs(cid, stream=True))


@pytest.mark.op("ContainerLogs")
def test_logs_50mb_byte_exact(client, ctr):
    # 50,000 numbered 1001-byte lines on stdout, 5,000 on stderr
    script = ("awk 'BEGIN{s=\"\"; for(j=0;j<124;j++) s=s \"abcdefgh\"; "
              "for(i=0;i<50000;i++) printf \"%08d%s\\n\", i, s; "
              "for(i=0;i<5000;i++) printf \"E%07d%s\\n\", i, s > \"/dev/stderr\"}'")
    cid = ctr.run(TEST_IMAGE, "sh", "-c", script)
    assert ctr.wait(cid) == 0
    body = "abcdefgh" * 124
    want_out = "".join(f"{i:08d}{body}\n" for i in range(50000)).encode()
    want_err = "".join(f"E{i:07d}{body}\n" for i in range(5000)).encode()
    assert len(want_out) == 50_050_000
    out, err = client.logs(cid, demux=True)
    assert out == want_out
    assert err == want_err
    # the streamed path: per-frame iteration gives the same bytes
    s = client.logs(cid, stream=True, demux=True)
    got_out, got_err = [], []
    for o, e in s:
        (got_out if o is not None else got_err).append(o if o is not None else e)
    assert b"".join(got_out) == want_out
    assert b"".join(got_err) == want_err


@pytest.mark.op("ContainerLogs")
def test_logs_tail_timestamps_since_until(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sh", "-c", "echo first; sleep 2; echo second; sleep 300")
    wait_for_log(client, cid, b"second")
    assert client.logs(cid, tail=1) == b"second\n"
    assert client.logs(cid, tail=0) == b""
    assert client.logs(cid, tail="garbage") == b"first\nsecond\n"  # docker-py: -> all
    lines = client.logs(cid, timestamps=True).splitlines()
    assert len(lines) == 2 and lines[0].endswith(b" first")
    ts = lines[0].split(b" ")[0].decode()           # RFC 3339 with nanoseconds
    t1 = datetime.datetime.strptime(ts[:26], "%Y-%m-%dT%H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    assert client.logs(cid, since=t1 + 1.0) == b"second\n"
    assert client.logs(cid, until=t1 + 1.0) == b"first\n"
    assert client.logs(cid, since=datetime.datetime.fromtimestamp(
        t1 + 1.0, datetime.timezone.utc)) == b"second\n"
    with pytest.raises(errors.InvalidArgument):
        client.logs(cid, since=-5)


@pytest.mark.op("ContainerLogs")
def test_logs_follow_until_container_exits(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sh", "-c",
                  "for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done; echo bye >&2")
    got = []
    t0 = time.time()
    for out, err in client.logs(cid, stream=True, follow=True, demux=True):
        got.append(out if out is not None else b"E:" + err)
    # the stream ended by itself when the container stopped
    assert time.time() - t0 < 30
    assert got == [b"line1\n", b"line2\n", b"line3\n", b"line4\n", b"line5\n", b"E:bye\n"]


def test_logs_follow_close_from_other_thread(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sh", "-c", "echo started; sleep 300")
    wait_for_log(client, cid, b"started")
    s = client.logs(cid, stream=True)
    got = []
    t = threading.Thread(target=lambda: got.extend(s))
    t.start()
    time.sleep(0.5)
    s.close()
    t.join(10)
    assert not t.is_alive()
    assert got == [b"started\n"]


@pytest.mark.op("ContainerLogs")
def test_logs_tty_container_read_raw(client, ctr):
    cid = ctr.run("-t", TEST_IMAGE, "sh", "-c", "echo tty-out; echo tty-err >&2")
    ctr.wait(cid)
    raw = client.logs(cid)
    assert raw == b"tty-out\r\ntty-err\r\n"   # a TTY's bytes, no frame headers
    assert client.logs(cid, demux=True) == (raw, None)
    assert b"".join(client.logs(cid, stream=True)) == raw


def test_logs_second_engine_detects_from_content_type(client2, ctr2):
    plain = ctr2.run(TEST_IMAGE, "sh", "-c", "echo o; echo e >&2")
    tty = ctr2.run("-t", TEST_IMAGE, "sh", "-c", "echo t")
    ctr2.wait(plain)
    ctr2.wait(tty)
    seen = []
    client2.set_trace_hook(seen.append)
    assert client2.logs(plain, demux=True) == (b"o\n", b"e\n")
    assert client2.logs(tty) == b"t\r\n"
    # API 1.45 names the stream kind: no inspect call was needed
    assert [r.url.split("?")[0].rsplit("/", 1)[-1] for r in seen] == ["logs", "logs"]
    assert client2.attach(plain, logs=True, stream=False, demux=True) == (b"o\n", b"e\n")
    assert client2.attach(tty, logs=True, stream=False) == b"t\r\n"


def test_logs_missing_container_is_not_found(client):
    with pytest.raises(errors.NotFound) as ei:
        client.logs("clibdocker-test-no-such-container")
    assert ei.value.status_code == 404
    with pytest.raises(errors.NotFound):
        client.logs("clibdocker-test-no-such-container", tty=False)
    with pytest.raises(errors.NullResource):
        client.logs("")


# --- attach ---------------------------------------------------------------------

@pytest.mark.op("ContainerAttach")
def test_attach_stream_sees_output_from_start(client, ctr):
    cid = ctr.create(TEST_IMAGE, "sh", "-c",
                     "echo a1; echo b1 >&2; sleep 0.2; echo a2; echo b2 >&2")
    s = client.attach(cid, stream=True, demux=True)
    docker_cli("start", cid)
    got = list(s)
    assert [o for o, _ in got if o] == [b"a1\n", b"a2\n"]
    assert [e for _, e in got if e] == [b"b1\n", b"b2\n"]
    # attach to a stopped container's logs only
    assert client.attach(cid, logs=True, stream=False, demux=True) == (b"a1\na2\n", b"b1\nb2\n")


@pytest.mark.op("ContainerAttach")
def test_attach_socket_stdin_comes_back_on_stdout(client, ctr):
    client.set_timeouts(stream_idle=20)
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    with client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stderr": 1,
                                           "stream": 1}) as sock:
        assert not sock.tty
        sock.sendall(b"ping over stdin\n")
        sock.send(b"second line\n")
        got = b""
        frames = sock.frames(demux=True)
        while got.count(b"\n") < 2:
            out, err = next(frames)
            assert err is None
            got += out
        assert got == b"ping over stdin\nsecond line\n"
    import hijack_checks
    hijack_checks.stdin_once_close(client, ctr)


def test_attach_socket_raw_recv_has_frame_headers(client, ctr):
    client.set_timeouts(stream_idle=20)
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    sock = client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1})
    try:
        sock._sock.sendall(b"xyz\n")   # docker-py style, through the dup'd socket
        data = b""
        while len(data) < 12:
            chunk = sock.recv(4096)
            assert chunk
            data += chunk
        assert data == b"\x01\x00\x00\x00\x00\x00\x00\x04xyz\n"
    finally:
        sock.close()


@pytest.mark.op("ContainerAttach")
def test_attach_socket_tty_and_detach_keys(client, ctr):
    client.set_timeouts(stream_idle=20)
    cid = ctr.run("-i", "-t", TEST_IMAGE, "cat")
    sock = client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1,
                                             "detachKeys": "ctrl-x"})
    try:
        assert sock.tty
        sock.sendall(b"hi\n")
        got = b""
        frames = sock.frames()
        while got.count(b"hi\r\n") < 2:    # the TTY's echo, then cat's output
            got += next(frames)
        sock.sendall(b"\x18")          # ctrl-x: detach
        rest = b"".join(frames)        # the engine ends the connection
        assert b"hi" not in rest
    finally:
        sock.close()
    state = json.loads(docker_cli("inspect", "-f", "{{json .State}}", cid))
    assert state["Running"] is True   # detached, not stopped


def test_attach_missing_container(client):
    with pytest.raises(errors.NotFound):
        client.attach_socket("clibdocker-test-no-such-container",
                             params={"stdin": 1, "stream": 1})
    with pytest.raises(errors.NotFound):
        client.attach("clibdocker-test-no-such-container")


@pytest.mark.op("ContainerAttachWebsocket")
def test_attach_websocket_round_trip(client, ctr):
    client.set_timeouts(stream_idle=20)
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    with client.attach_websocket(cid, {"stdin": 1, "stdout": 1, "stderr": 1,
                                       "stream": 1}) as ws:
        assert ws.tty                  # the engine never multiplexes here
        ws.send(b"over the websocket\n")
        got = b""
        while len(got) < 19:
            chunk = ws.recv(4096)
            assert chunk
            got += chunk
        assert got == b"over the websocket\n"   # payload only: no frame headers
        # 300 KiB (several 64 KiB client frames) back byte-exact; then a close
        # frame: without StdinOnce the engine ends the attach (its own close
        # frame, a clean end) and the container keeps running
        import hijack_checks
        hijack_checks.websocket_round_trip(ws, 300 << 10)
    state = json.loads(docker_cli("inspect", "-f", "{{json .State}}", cid))
    assert state["Running"] is True


@pytest.mark.op("ContainerAttachWebsocket")
def test_attach_websocket_output_and_closing_stdin(client, ctr):
    client.set_timeouts(stream_idle=20)
    cid = ctr.create(TEST_IMAGE, "sh", "-c", "sleep 0.5; echo out1; echo err1 >&2; echo out2")
    with client.attach_socket(cid, {"stdout": 1, "stderr": 1, "stream": 1}, ws=True) as ws:
        docker_cli("start", cid)
        out = ws.read_all()
    # stdout and stderr mixed, raw: no multiplexing headers without a TTY
    assert sorted(out.splitlines()) == [b"err1", b"out1", b"out2"]
    assert out.index(b"out1") < out.index(b"out2")
    assert ctr.wait(cid) == 0
    # logs replayed from a stopped container (before API 1.42 the engine
    # attaches stdout and stderr whatever is asked: ask for both)
    with client.attach_websocket(cid, {"stdout": 1, "stderr": 1, "logs": 1}) as ws:
        out = ws.read_all()
    assert sorted(out.splitlines()) == [b"err1", b"out1", b"out2"]
    assert out.index(b"out1") < out.index(b"out2")
    # StdinOnce: the close frame closes the container's stdin, cat ends and
    # its last output still arrives
    cid = ctr.create("-i", "-a", "stdin", "-a", "stdout", TEST_IMAGE, "cat")
    docker_cli("start", cid)
    with client.attach_websocket(cid, {"stdin": 1, "stdout": 1, "stream": 1}) as ws:
        ws.sendall(b"last\n")
        ws.shutdown(socket.SHUT_WR)
        assert ws.read_all() == b"last\n"
        with pytest.raises(errors.DockerException):
            ws.send(b"after the close")
    assert ctr.wait(cid) == 0
    with pytest.raises(errors.NotFound):
        client.attach_websocket("clibdocker-test-no-such-container")
    with pytest.raises(errors.NullResource):
        client.attach_websocket("")


@pytest.mark.op("ContainerAttachWebsocket")
def test_attach_websocket_on_api_1_45_text_frames_and_stream_choice(client2, ctr2):
    # Docker 26.1 sends text frames and honours stdout/stderr (API >= 1.42)
    from conftest import ENGINE2
    client2.set_timeouts(stream_idle=20)
    cid = ctr2.create(TEST_IMAGE, "sh", "-c", "sleep 0.5; echo out1; echo err1 >&2; echo out2")
    with client2.attach_websocket(cid, {"stdout": 1, "stream": 1}) as ws:
        docker_cli("start", cid, host=ENGINE2)
        assert ws.read_all() == b"out1\nout2\n"       # no stderr: it was not asked for
    cid = ctr2.run("-i", TEST_IMAGE, "cat")
    with client2.attach_websocket(cid, {"stdin": 1, "stdout": 1, "stream": 1}) as ws:
        ws.sendall(b"\x00\xffbinary in, text frames out\n")
        got = b""
        while not got.endswith(b"\n"):
            chunk = ws.recv(4096)
            assert chunk
            got += chunk
        assert got == b"\x00\xffbinary in, text frames out\n"


# --- export ----------------------------------------------------------------------

EXPORT_MB = 500

_EXPORT_CHILD = textwrap.dedent("""
    import sys
    import clibdocker

    def hwm_kib():  # peak RSS of this process image (ru_maxrss survives exec)
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))

    c = clibdocker.APIClient()
    c.ping()
    base = hwm_kib()
    with open(sys.argv[2], "wb") as f:
        n = c.export(sys.argv[1]).write_to(f)
    print(n, base, hwm_kib())
""")


@pytest.mark.op("ContainerExport")
def test_export_500mb_to_file_with_bounded_memory(client, ctr, tmp_path):
    cid = ctr.run(TEST_IMAGE, "dd", "if=/dev/zero", "of=/big.bin", "bs=1M",
                  f"count={EXPORT_MB}")
    assert ctr.wait(cid) == 0
    out = tmp_path / "export.tar"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(os.path.dirname(__file__), "..", "python"),
                                         env.get("PYTHONPATH", "")])
    res = subprocess.run([sys.executable, "-c", _EXPORT_CHILD, cid, str(out)], env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    n, base, peak = (int(x) for x in res.stdout.split())
    assert n == out.stat().st_size and n > EXPORT_MB << 20
    assert peak - base < 32 * 1024, f"RSS grew by {peak - base} KiB while exporting"
    with tarfile.open(out, "r|") as tf:
        sizes = {m.name: m.size for m in tf}
    assert sizes["big.bin"] == EXPORT_MB << 20
    assert "bin/busybox" in sizes or "bin/sh" in sizes
    out.unlink()


def test_export_iterates_in_chunks_and_to_fd(client, ctr, tmp_path):
    cid = ctr.create(TEST_IMAGE, "true")
    chunks = list(client.export(cid, chunk_size=65536))
    assert all(len(c) == 65536 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 65536
    data = b"".join(chunks)
    names = tarfile.open(fileobj=io.BytesIO(data)).getnames()
    assert "etc/hostname" in names or "etc" in names
    fd = os.open(tmp_path / "e.tar", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        n = client.export(cid).write_to(fd)
    finally:
        os.close(fd)
    assert n == len(data) == (tmp_path / "e.tar").stat().st_size
    buf = io.BytesIO()                 # a file object without a descriptor
    assert client.export(cid, chunk_size=None).write_to(buf) == len(data)
    missing = client.export("clibdocker-test-no-such-container")   # docker-py: raises when read
    with pytest.raises(errors.NotFound):
        list(missing)


# --- stats -------------------------------------------------------------------------

@pytest.mark.op("ContainerStats")
def test_stats_one_sample_and_stream(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sleep", "300")
    one = client.stats(cid, stream=False)
    assert one["id"] == cid
    assert one["memory_stats"]["usage"] > 0
    assert one["precpu_stats"]["cpu_usage"]["total_usage"] > 0   # two samples
    quick = client.stats(cid, stream=False, one_shot=True)
    assert quick["id"] == cid and quick["memory_stats"]["usage"] > 0
    s = client.stats(cid, decode=True)
    samples = [next(s), next(s)]
    s.close()
    assert [x["id"] for x in samples] == [cid, cid]
    assert samples[0]["read"] < samples[1]["read"]
    raw = client.stats(cid)          # bytes of JSON without decode
    first = next(raw)
    raw.close()
    assert json.loads(first)["name"].lstrip("/")
    with pytest.raises(errors.InvalidArgument):
        client.stats(cid, stream=True, one_shot=True)
    with pytest.raises(errors.InvalidArgument):
        client.stats(cid, stream=False, decode=True)
    with pytest.raises(errors.NotFound):
        client.stats("clibdocker-test-no-such-container", stream=False)


# --- archives ---------------------------------------------------------------------

def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o640
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.op("PutContainerArchive")
def test_put_archive_file_arrives(client, ctr, tmp_path):
    cid = ctr.run(TEST_IMAGE, "sleep", "300")
    assert client.put_archive(cid, "/tmp", _tar({"hello.txt": b"hello from the tar\n"})) is True
    assert docker_cli("exec", cid, "cat", "/tmp/hello.txt") == "hello from the tar\n"
    assert docker_cli("exec", cid, "stat", "-c", "%a", "/tmp/hello.txt").strip() == "640"
    # from a file object
    p = tmp_path / "in.tar"
    p.write_bytes(_tar({"sub/a.txt": b"A" * 100000}))
    with open(p, "rb") as f:
        assert client.put_archive({"Id": cid}, "/", f)
    assert docker_cli("exec", cid, "wc", "-c", "/sub/a.txt").split()[0] == "100000"
    # from a generator of chunks: 20 MB, checked by checksum inside
    import hashlib
    big = os.urandom(1 << 20) * 20
    data = _tar({"big.bin": big})
    chunks = (data[i:i + 100003] for i in range(0, len(data), 100003))
    assert client.put_archive(cid, "/tmp", chunks)
    out = docker_cli("exec", cid, "md5sum", "/tmp/big.bin").split()[0]
    assert out == hashlib.md5(big).hexdigest()


def test_put_archive_errors(client, ctr):
    cid = ctr.run(TEST_IMAGE, "sleep", "300")
    with pytest.raises(errors.NotFound):
        client.put_archive(cid, "/no/such/dir", _tar({"x": b"x"}))
    with pytest.raises(errors.NotFound):
        client.put_archive("clibdocker-test-no-such-container", "/tmp", _tar({"x": b"x"}))

    def failing():
        yield _tar({"x": b"x"})[:512]
        raise RuntimeError("source broke")
    with pytest.raises(RuntimeError, match="source broke"):
        client.put_archive(cid, "/tmp", failing())
    # no overwrite of a directory by a file when asked
    with pytest.raises(errors.APIError):
        client.put_archive(cid, "/", _tar({"tmp": b"not a dir"}), no_overwrite_dir_non_dir=True)


@pytest.mark.op("ContainerArchive")
def test_get_archive_stream_and_stat(client, ctr, tmp_path):
    cid = ctr.run(TEST_IMAGE, "sh", "-c",
                  "mkdir /data && head -c 3000000 /dev/urandom > /data/r.bin && "
                  "echo hi > /data/h.txt && sleep 300")
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            docker_cli("exec", cid, "test", "-f", "/data/h.txt")
            break
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    want = docker_cli("exec", cid, "md5sum", "/data/r.bin").split()[0]
    strm, stat = client.get_archive(cid, "/data/r.bin")
    assert stat["name"] == "r.bin" and stat["size"] == 3000000
    assert stat["mode"] & 0o777 == 0o644
    data = b"".join(strm)
    import hashlib
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        assert hashlib.md5(tf.extractfile("r.bin").read()).hexdigest() == want
    # a directory, written to a file with bounded memory
    strm, stat = client.get_archive(cid, "/data", chunk_size=None)
    assert stat["name"] == "data" and stat["mode"] & 0o20000000000  # a directory
    with open(tmp_path / "d.tar", "wb") as f:
        n = strm.write_to(f)
    with tarfile.open(tmp_path / "d.tar") as tf:
        assert sorted(tf.getnames()) == ["data", "data/h.txt", "data/r.bin"]
        assert tf.extractfile("data/h.txt").read() == b"hi\n"
    assert n == (tmp_path / "d.tar").stat().st_size
    with pytest.raises(errors.NotFound):
        client.get_archive(cid, "/no/such/file")
