"""A hijacked attach/exec connection as a socket-like object."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator, Optional

if TYPE_CHECKING:
    import socket as _socket

from ._binding import KIND_MUX, STDERR, Hijack


_SOCK_WAIT = 365 * 86400.0   # seconds: "blocking" for the non-blocking descriptor


class HijackedSocket:
    """What ``attach_socket()`` and ``exec_start(socket=True)`` return: the
    connection after the HTTP upgrade, a plain pipe to the container's or
    exec's stdio (docker-py returns the raw socket). Works over every
    transport: unix, tcp, TLS and ssh. From ``attach_socket(..., ws=True)``
    it is a WebSocket connection instead (docker-py returns a
    websocket-client object): ``send`` writes binary frames, ``recv``
    returns payload bytes, ``shutdown(SHUT_WR)`` sends a close frame.

    ``send``/``sendall`` write stdin, ``shutdown(socket.SHUT_WR)`` ends it
    (the process sees end-of-file), ``recv`` reads raw bytes (with frame
    headers when the output is multiplexed, as docker-py's socket does).
    Beyond docker-py: :meth:`frames` yields demultiplexed output and
    :meth:`read_all` collects it. ``close()`` may be called from another
    thread to stop a blocked ``recv``. Also a context manager.
    """

    def __init__(self, hijack: Hijack) -> None:
        self._h = hijack
        self._sock_obj: Optional[_socket.socket] = None

    # --- socket-like ----------------------------------------------------------

    def send(self, data: Any) -> int:
        """Write all of ``data`` to stdin; returns its length."""
        n = len(memoryview(data).cast("B"))
        self._h.write(data)
        return n

    def sendall(self, data: Any) -> None:
        """Write all of ``data`` to stdin."""
        self._h.write(data)

    def recv(self, bufsize: int = 4096) -> bytes:
        """Up to ``bufsize`` raw bytes; b"" at the end of the connection."""
        if bufsize <= 0:
            return b""
        return self._h.read(bufsize)

    def read(self, size: Optional[int] = -1) -> bytes:
        """As docker-py's socket object (a ``socket.SocketIO``): up to
        ``size`` bytes; -1 or None reads until the end."""
        if size is None or size < 0:
            out: "list[bytes]" = []
            while True:
                chunk = self._h.read(65536)
                if not chunk:
                    return b"".join(out)
                out.append(chunk)
        return self.recv(size)

    def readinto(self, buffer: Any) -> int:
        """Read into a writable buffer; the number of bytes (0 at the end)."""
        view = memoryview(buffer).cast("B")
        data = self.recv(len(view))
        view[:len(data)] = data
        return len(data)

    def readline(self, size: Optional[int] = -1) -> bytes:
        """Bytes up to and including the next ``b"\\n"`` (or ``size`` bytes, or
        the end), read a byte at a time as ``SocketIO.readline`` does."""
        line = bytearray()
        while size is None or size < 0 or len(line) < size:
            b = self._h.read(1)
            if not b:
                break
            line += b
            if b == b"\n":
                break
        return bytes(line)

    def write(self, data: Any) -> int:
        """Write all of ``data`` to stdin (``SocketIO.write``); its length."""
        return self.send(data)

    def flush(self) -> None:
        """Nothing is buffered: writes go out at once."""

    def readable(self) -> bool:
        return not self.closed

    def writable(self) -> bool:
        return not self.closed

    def shutdown(self, how: int) -> None:
        """``socket.SHUT_WR`` closes stdin; ``SHUT_RD``/``SHUT_RDWR`` close
        the connection."""
        import socket as _socket  # lazily: start-up
        if how == _socket.SHUT_WR:
            self._h.close_write()
        else:
            self.close()

    def close(self) -> None:
        """Close the connection (safe from another thread)."""
        if self._sock_obj is not None:
            self._sock_obj.close()
            self._sock_obj = None
        self._h.close()

    def fileno(self) -> int:
        """The socket's descriptor (for select/poll)."""
        return self._h.fileno()

    @property
    def _sock(self) -> _socket.socket:
        """A ``socket.socket`` on a duplicate of the descriptor, for code
        written against docker-py's ``sock._sock``. Over TLS the descriptor
        carries TLS records, on a WebSocket it carries frames: use
        :meth:`send`/:meth:`recv` there."""
        if self._sock_obj is None:
            import socket as _socket  # lazily: start-up
            sock = _socket.socket(fileno=os.dup(self.fileno()))
            # the descriptor is non-blocking (libcurl's; the flag is shared
            # with the duplicate): a timeout makes Python wait in poll()
            # instead, so recv() blocks as on docker-py's socket
            sock.settimeout(_SOCK_WAIT)
            self._sock_obj = sock
        return self._sock_obj

    @property
    def closed(self) -> bool:
        return self._h.closed

    @property
    def tty(self) -> bool:
        """True if the output is raw bytes, not stdout/stderr frames: a TTY's,
        or any WebSocket attach's (the engine never multiplexes those)."""
        return self._h.kind != KIND_MUX

    def __enter__(self) -> "HijackedSocket":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- beyond docker-py -------------------------------------------------------

    def frames(self, demux: bool = False) -> Iterator[Any]:
        """The output until the end: bytes per frame, or with ``demux``
        ``(stdout, None)`` / ``(None, stderr)`` tuples. Do not mix with
        ``recv``."""
        while True:
            f = self._h.next_frame()
            if f is None:
                return
            sid, data = f
            if demux:
                yield (None, data) if sid == STDERR else (data, None)
            else:
                yield data

    def read_all(self, demux: bool = False) -> Any:
        """All output until the end: bytes, or ``(stdout, stderr)``."""
        out: "list[bytes]" = []
        err: "list[bytes]" = []
        while True:
            f = self._h.next_frame()
            if f is None:
                break
            (err if demux and f[0] == STDERR else out).append(f[1])
        if demux:
            return (b"".join(out) if out else None, b"".join(err) if err else None)
        return b"".join(out)

