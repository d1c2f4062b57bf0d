"""Streams returned by the API methods."""
from __future__ import annotations

from typing import Any, BinaryIO, Callable, Generic, Iterator, List, Optional, Tuple, TypeVar, Union

from ._binding import STDERR, Stream, loads

T = TypeVar("T")


class CancellableStream(Generic[T]):
    """An iterator over a response stream that can be stopped with
    :meth:`close` from any thread (docker-py's ``CancellableStream``).

    Iteration ends cleanly after ``close()`` or at the end of the stream; a
    connection cut mid-stream raises :class:`~clibdocker.errors.TransportError`
    instead of ending quietly. Also a context manager.
    """

    __slots__ = ("_stream", "_decode")

    def __init__(self, stream: Stream, decode: bool) -> None:
        self._stream = stream
        self._decode = decode

    def __iter__(self) -> "CancellableStream[T]":
        return self

    def __next__(self) -> T:
        msg = self._stream.next()
        if msg is None:
            raise StopIteration
        if self._decode:
            return loads(msg)  # type: ignore[no-any-return]
        return msg  # type: ignore[return-value]

    next = __next__

    def close(self) -> None:
        """Stop the stream; safe from another thread while one iterates."""
        self._stream.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def __enter__(self) -> "CancellableStream[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def iter_json(stream: Stream) -> Iterator[Any]:
    """Decoded messages of a JSON stream."""
    while True:
        msg = stream.next()
        if msg is None:
            return
        yield loads(msg)


class FrameStream(CancellableStream[Any]):
    """The output of a container or exec (logs, attach, exec start) as an
    iterator, stdout and stderr kept apart.

    Yields each frame's bytes (as docker-py does), or with ``demux=True``
    ``(stdout, None)`` / ``(None, stderr)`` tuples. Many frames cross the
    C boundary per call, so iteration stays cheap however small the frames.
    A TTY's output (which has no frames) comes as it arrives, as stdout.

    For an exec, :attr:`exit_code` holds the command's exit code once the
    stream is exhausted (None before, or for containers).
    """

    __slots__ = ("_demux", "_pending", "_pos", "_on_end", "exit_code")

    def __init__(self, stream: Stream, demux: bool = False,
                 on_end: Optional[Callable[[], Optional[int]]] = None) -> None:
        super().__init__(stream, False)
        self._demux = demux
        self._pending: List[Tuple[int, bytes]] = []
        self._pos = 0
        self._on_end = on_end
        self.exit_code: Optional[int] = None

    def _end(self) -> None:
        fn, self._on_end = self._on_end, None
        if fn is not None:
            self.exit_code = fn()

    def __next__(self) -> Any:
        while self._pos >= len(self._pending):
            batch = self._stream.next_batch(False)
            if batch is None:
                self._end()
                raise StopIteration
            self._pending = batch
            self._pos = 0
        sid, data = self._pending[self._pos]
        self._pos += 1
        if self._demux:
            return (None, data) if sid == STDERR else (data, None)
        return data

    next = __next__

    def chunks(self) -> Iterator[Tuple[int, bytes]]:
        """``(stream_id, bytes)`` runs, consecutive frames of one stream
        merged (1 = stdout, 2 = stderr): the fastest way through."""
        while True:
            if self._pos < len(self._pending):
                rest = self._pending[self._pos:]
                self._pending, self._pos = [], 0
                yield from rest
                continue
            batch = self._stream.next_batch(True)
            if batch is None:
                self._end()
                return
            yield from batch

    def read_all(self) -> Any:
        """Everything until the end: bytes, or ``(stdout, stderr)`` with
        demux (each None if that stream sent nothing), as docker-py's
        non-streaming calls answer."""
        out: List[bytes] = []
        err: List[bytes] = []
        try:
            for sid, data in self.chunks():
                (err if sid == STDERR and self._demux else out).append(data)
        finally:
            self.close()
        if self._demux:
            return (b"".join(out) if out else None, b"".join(err) if err else None)
        return b"".join(out)


class RawStream(CancellableStream[bytes]):
    """A raw byte stream (export, get_archive): iterate for chunks of
    ``chunk_size`` bytes (None: as they arrive), or send it all to a file
    with :meth:`write_to`, which keeps memory bounded whatever the size."""

    __slots__ = ("_chunk", "_buf")

    def __init__(self, stream: Stream, chunk_size: Optional[int]) -> None:
        super().__init__(stream, False)
        self._chunk = chunk_size if chunk_size and chunk_size > 0 else None
        self._buf = bytearray()

    def __next__(self) -> bytes:
        if self._chunk is None:
            if self._buf:
                data = bytes(self._buf)
                self._buf.clear()
                return data
            msg = self._stream.next()
            if msg is None:
                raise StopIteration
            return msg
        while len(self._buf) < self._chunk:
            msg = self._stream.next()
            if msg is None:
                break
            self._buf += msg
        if not self._buf:
            raise StopIteration
        data = bytes(self._buf[:self._chunk])
        del self._buf[:self._chunk]
        return data

    next = __next__

    def write_to(self, dest: Union[int, BinaryIO, Any]) -> int:
        """Write the rest of the stream to a file descriptor (int) or a
        binary file object; returns the number of bytes written. A file
        object with a real descriptor is written by C with the GIL released
        (it is flushed first); others get bounded chunks through ``write``."""
        total = 0
        if self._buf:
            data = bytes(self._buf)
            self._buf.clear()
            if isinstance(dest, int):
                _write_fd(dest, data)
            else:
                dest.write(data)
            total += len(data)
        fd: Optional[int] = None
        if isinstance(dest, int):
            fd = dest
        else:
            try:
                fd = dest.fileno()
                dest.flush()
            except (AttributeError, OSError, ValueError):
                fd = None
        if fd is not None:
            return total + self._stream.copy_to_fd(fd)
        while True:
            msg = self._stream.next()
            if msg is None:
                return total
            dest.write(msg)  # type: ignore[union-attr]  # not an int: fd would be set
            total += len(msg)


def _write_fd(fd: int, data: bytes) -> None:
    import os
    mv = memoryview(data)
    while mv:
        n = os.write(fd, mv)
        mv = mv[n:]
