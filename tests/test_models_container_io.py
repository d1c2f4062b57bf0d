"""High-level container streams against the real engine: ``containers.run``
(output, ContainerError, remove, stream), ``Container.logs``, ``attach``,
``attach_socket``, ``exec_run`` (demux, stream, socket), ``export``,
``get_archive``/``put_archive`` and ``stats``."""
from __future__ import annotations

import io
import tarfile
import time
from typing import Any, Iterator, List

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.containers import Container, ExecResult
from conftest import LABELS, TEST_IMAGE, docker_cli, unique

SLEEP = ["sleep", "300"]


@pytest.fixture
def cleanup() -> Iterator[List[str]]:
    made: List[str] = []
    yield made
    for cid in made:
        try:
            docker_cli("rm", "-f", "-v", cid)
        except Exception:
            pass


@pytest.fixture
def running(dclient: clibdocker.DockerClient, cleanup: List[str]) -> Container:
    name = unique()
    cleanup.append(name)
    return dclient.containers.run(TEST_IMAGE, SLEEP, detach=True, name=name,  # type: ignore[no-any-return]
                                  labels=LABELS)


def _exists(name: str) -> bool:
    return bool(docker_cli("ps", "-aq", "-f", f"name=^{name}$").strip())


def test_run_returns_output(dclient: clibdocker.DockerClient, cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    assert dclient.containers.run(TEST_IMAGE, "echo hi", name=name, labels=LABELS) == b"hi\n"
    assert dclient.api.inspect_container(name)["State"]["ExitCode"] == 0
    both = dclient.containers.run(TEST_IMAGE, ["sh", "-c", "echo out; sleep 0.1; echo err >&2"],
                                  stderr=True, labels=LABELS, remove=True)
    assert both == b"out\nerr\n"
    only_err = dclient.containers.run(TEST_IMAGE, ["sh", "-c", "echo out; echo err >&2"],
                                      stdout=False, stderr=True, labels=LABELS, remove=True)
    assert only_err == b"err\n"


def test_run_remove_and_environment(dclient: clibdocker.DockerClient) -> None:
    name = unique()
    out = dclient.containers.run(TEST_IMAGE, ["sh", "-c", "echo $GREETING from $(pwd)"],
                                 environment={"GREETING": "hello"}, working_dir="/tmp",
                                 name=name, labels=LABELS, remove=True)
    assert out == b"hello from /tmp\n"
    assert not _exists(name)


def test_run_nonzero_exit_raises_container_error(dclient: clibdocker.DockerClient,
                                                 cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    cmd = ["sh", "-c", "echo out; echo boom >&2; exit 3"]
    with pytest.raises(errors.ContainerError) as ei:
        dclient.containers.run(TEST_IMAGE, cmd, name=name, labels=LABELS)
    e = ei.value
    assert e.exit_status == 3 and e.stderr == b"boom\n"
    assert e.command == cmd and e.image == TEST_IMAGE
    assert isinstance(e.container, Container) and e.container.name == name
    # docker-py's message shows the stderr bytes as they are
    assert str(e).endswith("returned non-zero exit status 3: b'boom\\n'")
    assert str(errors.ContainerError(None, 1, "c", "i", b"")).endswith("status 1: b''")
    assert str(errors.ContainerError(None, 1, "c", "i", None)).endswith("status 1")
    name2 = unique()
    with pytest.raises(errors.ContainerError):
        dclient.containers.run(TEST_IMAGE, ["false"], name=name2, labels=LABELS, remove=True)
    assert not _exists(name2)


def test_run_stream(dclient: clibdocker.DockerClient, cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    it = dclient.containers.run(TEST_IMAGE, ["sh", "-c", "for i in 1 2 3; do echo $i; done"],
                                stream=True, name=name, labels=LABELS)
    assert not isinstance(it, bytes)
    assert b"".join(it) == b"1\n2\n3\n"


def test_build_then_run(dclient: clibdocker.DockerClient, tmp_path: Any) -> None:
    tag = f"{unique('clibdocker-test/models-build')}:run"
    (tmp_path / "Dockerfile").write_text(f"FROM {TEST_IMAGE}\nRUN echo built > /built\n"
                                         "CMD [\"cat\", \"/built\"]\n")
    img, _ = dclient.images.build(path=str(tmp_path), tag=tag, labels=LABELS, rm=True)
    try:
        assert dclient.containers.run(img, labels=LABELS, remove=True) == b"built\n"
    finally:
        docker_cli("rmi", "-f", tag)


def test_logs(dclient: clibdocker.DockerClient, cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    c = dclient.containers.run(TEST_IMAGE,
                               ["sh", "-c", "echo a; sleep 0.1; echo b >&2; sleep 0.1; echo c"],
                               detach=True, name=name, labels=LABELS)
    c.wait()
    assert c.logs(stderr=False) == b"a\nc\n"
    assert c.logs(stdout=False) == b"b\n"
    assert c.logs(tail=1, stderr=False) == b"c\n"
    assert b"".join(c.logs(stream=True, stderr=False)) == b"a\nc\n"


def test_exec_run(running: Container) -> None:
    r = running.exec_run("echo hi")
    assert isinstance(r, ExecResult) and r == (0, b"hi\n")
    assert r.exit_code == 0 and r.output == b"hi\n"
    assert running.exec_run(["sh", "-c", "exit 5"]).exit_code == 5
    out, err = running.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True).output
    assert out == b"o\n" and err == b"e\n"
    assert running.exec_run("sh -c 'echo $X in $(pwd) as $(id -u)'", environment={"X": "y"},
                            workdir="/tmp", user="1234").output == b"y in /tmp as 1234\n"
    s = running.exec_run(["sh", "-c", "echo 1; echo 2; exit 4"], stream=True)
    assert s.exit_code is None
    assert b"".join(s.output) == b"1\n2\n"
    assert s.output.exit_code == 4  # beyond docker-py: the code once exhausted
    assert running.exec_run(["sh", "-c", "echo x > /detached"], detach=True).output == ""
    deadline = time.monotonic() + 10
    while running.exec_run(["test", "-f", "/detached"]).exit_code != 0:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_exec_run_socket_stdin(running: Container) -> None:
    r = running.exec_run(["sh", "-c", "read line; echo got $line"], stdin=True, socket=True)
    assert r.exit_code is None
    sock = r.output
    try:
        sock.sendall(b"ping\n")
        data = b""
        deadline = time.monotonic() + 10
        while b"got ping" not in data and time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        assert b"got ping" in data
    finally:
        sock.close()


def test_archives_and_export(running: Container) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("hello.txt")
        payload = b"from the model\n"
        info.size = len(payload)
        t.addfile(info, io.BytesIO(payload))
    assert running.put_archive("/tmp", buf.getvalue()) is True
    assert running.exec_run("cat /tmp/hello.txt").output == payload
    stream, stat = running.get_archive("/tmp/hello.txt")
    assert stat["name"] == "hello.txt" and stat["size"] == len(payload)
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as t:
        f = t.extractfile("hello.txt")
        assert f is not None and f.read() == payload
    names = set()
    with tarfile.open(fileobj=io.BytesIO(b"".join(running.export())), mode="r|") as t:
        for m in t:
            names.add(m.name)
    assert "tmp/hello.txt" in names and "bin/sh" in names


def test_stats_and_attach(running: Container, dclient: clibdocker.DockerClient,
                          cleanup: List[str]) -> None:
    s = running.stats(stream=False)
    assert s["id"] == running.id and "memory_stats" in s
    name = unique()
    cleanup.append(name)
    c = dclient.containers.run(TEST_IMAGE, ["sh", "-c", "sleep 1; echo attached; sleep 0.2"],
                               detach=True, name=name, labels=LABELS)
    out = b"".join(c.attach(stream=True, logs=True))
    assert out == b"attached\n"
