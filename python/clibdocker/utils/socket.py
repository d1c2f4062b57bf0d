"""Reading attach/exec output from a socket (docker-py's ``docker.utils.socket``).

Works on what clibdocker's ``APIClient.attach_socket()`` and
``exec_start(..., socket=True)`` return (:class:`clibdocker.hijack.HijackedSocket`,
whose ``recv`` gives the raw bytes, frame headers included), on plain
``socket.socket`` objects, ``socket.SocketIO`` and anything with ``recv``,
``read`` or ``fileno``.

Without a TTY the engine multiplexes the output: each frame is an 8-byte
header (stream id, three zero bytes, big-endian payload length) and the
payload; with a TTY the output is raw bytes.
"""
from __future__ import annotations

import errno
import os
import select
import socket as pysocket
import struct
from typing import Any, Iterable, Iterator, List, Optional, Tuple

__all__ = ["NPIPE_ENDED", "NpipeSocket", "STDERR", "STDOUT", "SocketError", "consume_socket_output",
           "demux_adaptor", "frames_iter", "frames_iter_no_tty", "frames_iter_tty",
           "next_frame_header", "read", "read_exactly"]

STDOUT = 1
STDERR = 2
# Windows' ERROR_BROKEN_PIPE, which a named pipe reports at its end
NPIPE_ENDED = 109
# docker-py's named-pipe socket class; there are no named pipes here, so
# (as docker-py off Windows) it is a class nothing is an instance of
NpipeSocket = type(None)

_RETRY = (errno.EINTR, errno.EDEADLK, errno.EWOULDBLOCK)
_HEADER = struct.Struct(">BxxxL")


class SocketError(Exception):
    """The connection ended in the middle of a frame."""


def _wait_readable(sock: Any) -> None:
    # Only a non-blocking socket needs the wait (recv would fail with
    # EWOULDBLOCK). Other objects block in recv by themselves: a
    # HijackedSocket may hold bytes read past the HTTP upgrade, or TLS data
    # the descriptor no longer shows, so select() on it could wait forever.
    raw = getattr(sock, "_sock", None) if isinstance(sock, pysocket.SocketIO) else sock
    if isinstance(raw, pysocket.socket):
        try:
            if raw.gettimeout() == 0.0:
                select.select([raw], [], [])
        except (OSError, ValueError):
            pass      # closed: the read says so


def read(socket: Any, n: int = 4096) -> bytes:
    """Up to ``n`` bytes from ``socket``; ``b""`` at its end. Interrupted
    reads are retried."""
    while True:
        try:
            _wait_readable(socket)
            if hasattr(socket, "recv"):
                data = socket.recv(n)
            elif hasattr(socket, "read"):
                data = socket.read(n)
            else:
                data = os.read(socket.fileno(), n)
        except OSError as e:
            if e.errno in _RETRY:
                continue
            if getattr(e, "winerror", None) == NPIPE_ENDED:
                return b""
            raise
        return b"" if data is None else bytes(data)


def read_exactly(socket: Any, n: int) -> bytes:
    """Exactly ``n`` bytes; SocketError if the connection ends first."""
    parts = []
    left = n
    while left > 0:
        data = read(socket, left)
        if not data:
            raise SocketError("Unexpected EOF")
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def next_frame_header(socket: Any) -> Tuple[int, int]:
    """``(stream id, payload length)`` of the next frame; ``(-1, -1)`` at the end."""
    try:
        header = read_exactly(socket, _HEADER.size)
    except SocketError:
        return (-1, -1)
    stream, length = _HEADER.unpack(header)
    return (stream, length)


def frames_iter(socket: Any, tty: bool) -> Iterator[Tuple[int, bytes]]:
    """``(stream id, bytes)`` pairs until the end of the output: demultiplexed
    frames without a TTY (a large frame may come in several pieces), raw
    chunks as stdout (:data:`STDOUT`) with one."""
    if tty:
        return ((STDOUT, chunk) for chunk in frames_iter_tty(socket))
    return frames_iter_no_tty(socket)


def frames_iter_no_tty(socket: Any) -> Iterator[Tuple[int, bytes]]:
    """The multiplexed output as ``(stream id, bytes)``."""
    while True:
        stream, left = next_frame_header(socket)
        if left < 0:
            return
        while left > 0:
            data = read(socket, left)
            if not data:
                return
            left -= len(data)
            yield (stream, data)


def frames_iter_tty(socket: Any) -> Iterator[bytes]:
    """The raw output in chunks, until the end."""
    while True:
        data = read(socket)
        if not data:
            return
        yield data


def demux_adaptor(stream_id: int, data: bytes) -> Tuple[Optional[bytes], Optional[bytes]]:
    """``(data, None)`` for stdout, ``(None, data)`` for stderr; ValueError otherwise."""
    if stream_id == STDOUT:
        return (data, None)
    if stream_id == STDERR:
        return (None, data)
    raise ValueError(f"{stream_id} is not a valid stream")


def _is_frame(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], int)


def consume_socket_output(frames: Iterable[Any], demux: bool = False) -> Any:
    """All output joined: bytes, or with ``demux`` a ``(stdout, stderr)``
    tuple (None for a stream that wrote nothing). ``frames`` are bytes, or
    ``(stdout, stderr)`` pairs from :func:`demux_adaptor` when demuxing; the
    ``(stream id, bytes)`` pairs of :func:`frames_iter` are accepted as well."""
    if not demux:
        return b"".join(f[1] if _is_frame(f) else f for f in frames)
    out: List[Optional[bytes]] = [None, None]
    for frame in frames:
        if _is_frame(frame):
            frame = demux_adaptor(*frame)
        if frame == (None, None):
            raise ValueError("a demuxed frame has neither stdout nor stderr")
        i = 0 if frame[0] is not None else 1
        out[i] = frame[i] if out[i] is None else out[i] + frame[i]
    return (out[0], out[1])
