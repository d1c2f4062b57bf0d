"""The Exec API against the real engines: create, start (detached,
buffered, streamed, demuxed, TTY, stdin through the socket), resize,
inspect."""
from __future__ import annotations

import time

import pytest

from clibdocker import errors
from conftest import TEST_IMAGE, docker_cli
from test_container_io import Containers


@pytest.fixture
def running():
    c = Containers()
    try:
        yield c.run(TEST_IMAGE, "sleep", "600")
    finally:
        c.cleanup()


@pytest.fixture
def running2():
    from conftest import ENGINE2
    c = Containers(ENGINE2)
    try:
        yield c.run(TEST_IMAGE, "sleep", "600")
    finally:
        c.cleanup()


@pytest.mark.op("ContainerExec")
@pytest.mark.op("ExecInspect")
def test_exec_create_and_inspect(client, running):
    ex = client.exec_create(running, ["sh", "-c", "echo $GREETING from $(pwd) as $(id -u)"],
                            environment={"GREETING": "hello"}, workdir="/tmp", user="1234")
    assert set(ex) == {"Id"}
    info = client.exec_inspect(ex)
    assert info["ID"] == ex["Id"] and info["ContainerID"] == running
    assert info["Running"] is False and info["ExitCode"] is None
    assert info["ProcessConfig"]["entrypoint"] == "sh"
    assert info["ProcessConfig"]["user"] == "1234"
    assert client.exec_start(ex) == b"hello from /tmp as 1234\n"
    info = client.exec_inspect(ex["Id"])
    assert info["Running"] is False and info["ExitCode"] == 0
    # a string command is split like a shell would
    ex = client.exec_create(running, "echo 'two words'", environment=["A=1"])
    assert client.exec_start(ex["Id"]) == b"two words\n"


def test_exec_errors(client, running):
    with pytest.raises(errors.NotFound):
        client.exec_create("clibdocker-test-no-such-container", ["true"])
    with pytest.raises(errors.NotFound):
        client.exec_inspect("0123456789abcdef-no-such-exec")
    with pytest.raises(errors.NotFound):
        client.exec_start("0123456789abcdef-no-such-exec")
    with pytest.raises(errors.NullResource):
        client.exec_inspect({"Id": None})
    # no command: sent as null like docker-py, the engine's 400 (not a TypeError)
    with pytest.raises(errors.APIError) as ei:
        client.exec_create(running, None)
    assert ei.value.status_code == 400


@pytest.mark.op("ExecStart")
def test_exec_start_demux_and_exit_code_of_stream(client, running):
    cmd = ["sh", "-c", "echo out1; echo err1 >&2; sleep 0.1; echo out2; echo err2 >&2; exit 3"]
    ex = client.exec_create(running, cmd)
    assert client.exec_start(ex, demux=True) == (b"out1\nout2\n", b"err1\nerr2\n")
    assert client.exec_inspect(ex)["ExitCode"] == 3
    ex = client.exec_create(running, cmd, stderr=False)
    assert client.exec_start(ex, demux=True) == (b"out1\nout2\n", None)
    # streamed: frames arrive as the command writes them; the exit code at the end
    ex = client.exec_create(running, cmd)
    s = client.exec_start(ex, stream=True, demux=True)
    assert s.exit_code is None
    frames = list(s)
    assert [f for f in frames if f[0]] == [(b"out1\n", None), (b"out2\n", None)]
    assert [f for f in frames if f[1]] == [(None, b"err1\n"), (None, b"err2\n")]
    assert s.exit_code == 3
    ex = client.exec_create(running, ["sh", "-c", "echo a; echo b"])
    s = client.exec_start(ex, stream=True)
    assert b"".join(s) == b"a\nb\n" and s.exit_code == 0


@pytest.mark.op("ExecStart")
def test_exec_start_tty_detected(client, running):
    ex = client.exec_create(running, ["sh", "-c", "echo tty-out; echo tty-err >&2; [ -t 1 ]"],
                            tty=True)
    # tty=None (the default) detects the TTY: raw output, no frame parsing
    assert client.exec_start(ex) == b"tty-out\r\ntty-err\r\n"
    assert client.exec_inspect(ex)["ExitCode"] == 0
    ex = client.exec_create(running, ["sh", "-c", "echo x; [ -t 1 ]"], tty=True)
    s = client.exec_start(ex, stream=True, demux=True)
    assert list(s) == [(b"x\r\n", None)] and s.exit_code == 0


def test_exec_second_engine(client2, running2):
    ex = client2.exec_create(running2, ["sh", "-c", "echo o; echo e >&2; exit 4"])
    assert client2.exec_start(ex, demux=True) == (b"o\n", b"e\n")
    assert client2.exec_inspect(ex)["ExitCode"] == 4
    ex = client2.exec_create(running2, ["echo", "t"], tty=True)
    assert client2.exec_start(ex) == b"t\r\n"


@pytest.mark.op("ExecStart")
def test_exec_start_detached(client, running):
    ex = client.exec_create(running, ["sh", "-c", "sleep 0.3; touch /tmp/detached-marker"])
    assert client.exec_start(ex, detach=True) == ""
    deadline = time.time() + 20
    while client.exec_inspect(ex)["Running"] and time.time() < deadline:
        time.sleep(0.1)
    assert client.exec_inspect(ex)["ExitCode"] == 0
    docker_cli("exec", running, "test", "-f", "/tmp/detached-marker")


@pytest.mark.op("ExecStart")
def test_exec_stdin_through_the_socket(client, running):
    import hijack_checks
    client.set_timeouts(stream_idle=30)
    hijack_checks.exec_stdin_round_trip(client, running, 3 << 20)   # more than socket buffers hold


def test_exec_stdin_with_tty(client, running):
    client.set_timeouts(stream_idle=30)
    ex = client.exec_create(running, ["sh", "-c", "read line; echo got:$line"], stdin=True,
                            tty=True)
    # as docker-py, the start request's tty (not the exec's) decides the framing
    with client.exec_start(ex, socket=True, tty=True) as sock:
        assert sock.tty
        sock.sendall(b"typed\n")
        out = sock.read_all()
    assert b"got:typed\r\n" in out
    ex = client.exec_create(running, ["sh", "-c", "read line; echo got:$line"], stdin=True,
                            tty=True)
    with client.exec_start(ex, socket=True) as sock:    # tty None: False, frames
        assert not sock.tty
        sock.sendall(b"again\n")
        out = sock.read_all()
    assert b"got:again\r\n" in out


@pytest.mark.op("ExecResize")
def test_exec_resize_changes_tty_size(client, running):
    ex = client.exec_create(running, ["sh", "-c", "sleep 1; stty size"], tty=True)
    s = client.exec_start(ex, stream=True)
    client.exec_resize(ex, height=33, width=101)
    assert b"".join(s).strip() == b"33 101"
    with pytest.raises(errors.InvalidArgument):
        client.exec_resize(ex, height=None, width=10)
    with pytest.raises(errors.NotFound):
        client.exec_resize("0123456789abcdef-no-such-exec", height=10, width=10)
