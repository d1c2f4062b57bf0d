"""Checks of hijacked connections (attach / exec with stdin, WebSocket
attach) shared by the tests of each transport: unix (test_container_io,
test_exec), TLS (test_tls) and ssh (test_ssh)."""
from __future__ import annotations

import os
import socket
import threading
from typing import Any, Iterator

import pytest

from conftest import TEST_IMAGE, docker_cli


@pytest.fixture
def ctr() -> Iterator[Any]:
    """Containers made with the docker CLI, removed afterwards."""
    from test_container_io import Containers
    c = Containers()
    try:
        yield c
    finally:
        c.cleanup()


def feed_in_thread(sock: Any, payload: bytes, piece: int, close: bool = False) -> threading.Thread:
    """Send ``payload`` in ``piece``-byte writes from a thread (then end our
    side with ``close``), so the test can read meanwhile."""
    def feed() -> None:
        for i in range(0, len(payload), piece):
            sock.sendall(payload[i:i + piece])
        if close:
            sock.shutdown(socket.SHUT_WR)
    t = threading.Thread(target=feed)
    t.start()
    return t


def attach_round_trip(client: Any, ctr: Any, size: int = 256 << 10) -> None:
    """Random bytes through a `cat` container's attached stdin come back
    byte-exact on stdout; with StdinOnce, closing our side closes its stdin
    and its last output still arrives."""
    payload = os.urandom(size)
    cid = ctr.run("-i", TEST_IMAGE, "cat")
    with client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stderr": 1,
                                           "stream": 1}) as sock:
        assert not sock.tty
        t = feed_in_thread(sock, payload, 32768)
        got = b""
        frames = sock.frames(demux=True)
        while len(got) < len(payload):
            out, err = next(frames)
            assert err is None
            got += out
        t.join(30)
        assert got == payload
    stdin_once_close(client, ctr)


def stdin_once_close(client: Any, ctr: Any) -> None:
    """With StdinOnce, closing our side of the attach closes the container's
    stdin: `cat` ends, its last output still arrives, the container stops."""
    cid = ctr.create("-i", "-a", "stdin", "-a", "stdout", TEST_IMAGE, "cat")
    docker_cli("start", cid)
    with client.attach_socket(cid, params={"stdin": 1, "stdout": 1, "stream": 1}) as sock:
        sock.sendall(b"last line\n")
        sock.shutdown(socket.SHUT_WR)
        assert sock.read_all() == b"last line\n"
    assert ctr.wait(cid) == 0


def exec_stdin_round_trip(client: Any, cid: str, size: int = 1 << 20) -> None:
    """An exec's stdin through the socket: `cat` echoes it all, sees the end
    of its input when we close our side, and exits 0."""
    ex = client.exec_create(cid, ["sh", "-c", "cat; echo done >&2"], stdin=True)
    payload = os.urandom(size)
    with client.exec_start(ex, socket=True) as sock:
        assert not sock.tty
        t = feed_in_thread(sock, payload, 65536, close=True)
        out, err = sock.read_all(demux=True)
        t.join(30)
    assert out == payload
    assert err == b"done\n"
    assert client.exec_inspect(ex)["ExitCode"] == 0


def websocket_round_trip(ws: Any, size: int = 200 << 10) -> None:
    """Bytes sent over an attach WebSocket come back (payload only, no frame
    headers); our close frame ends the attach cleanly."""
    payload = os.urandom(size)
    t = threading.Thread(target=ws.sendall, args=(payload,))
    t.start()
    got = b""
    while len(got) < len(payload):
        chunk = ws.recv(65536)
        assert chunk
        got += chunk
    t.join(30)
    assert got == payload
    ws.shutdown(socket.SHUT_WR)
    assert ws.recv(10) == b""
