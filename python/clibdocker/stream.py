"""Streams returned by the API methods."""
from __future__ import annotations

from typing import (Any, AsyncIterator, BinaryIO, Callable, Generic, Iterator, List, Optional, Tuple,
                    TypeVar, Union)

from ._binding import AGAIN, STDERR, Stream, loads

T = TypeVar("T")

_END: Any = object()   # what _step() returns at the end of the stream


async def wait_readable(stream: Stream) -> None:
    """Wait (in the running asyncio loop) until ``stream`` may have more:
    its socket readable, or the time libcurl or the idle timeout asks for
    (at most 1 s, so a close() from elsewhere is seen)."""
    import asyncio
    loop_ = stream.loop
    if loop_ is not None and loop_.owner is not None:
        await loop_.owner.wait_stream(stream)  # on an event loop's multi (aio)
        return
    fd, timeout = stream.wait_info()
    if timeout == 0:
        await asyncio.sleep(0)
        return
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def wake() -> None:
        if not fut.done():
            fut.set_result(None)

    limit = 1.0 if timeout is None else min(timeout, 1.0)
    timer = loop.call_later(limit, wake)
    watching = False
    if fd >= 0:
        try:
            loop.add_reader(fd, wake)
            watching = True
        except (NotImplementedError, ValueError, OSError):
            pass   # a loop without add_reader: the timer alone paces the pulls
    try:
        await fut
    finally:
        timer.cancel()
        if watching:
            loop.remove_reader(fd)


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

    def _step(self, nowait: bool) -> Any:
        """The next item, _END, or (with nowait) AGAIN."""
        msg = self._stream.next(nowait)
        if msg is None:
            return _END
        if msg is AGAIN:
            return AGAIN
        if self._decode:
            return loads(msg)
        # docker-py yields each HTTP chunk as the engine wrote it: one JSON
        # document and the newline its encoder puts after it
        return msg + b"\n"

    def __next__(self) -> T:
        item = self._step(False)
        if item is _END:
            raise StopIteration
        return item  # type: ignore[no-any-return]

    next = __next__

    def __aiter__(self) -> "CancellableStream[T]":
        return self

    async def __anext__(self) -> T:
        """``async for``: pulls never block the event loop; between messages
        the loop waits on the stream's socket (no thread per stream)."""
        while True:
            item = self._step(True)
            if item is AGAIN:
                await wait_readable(self._stream)
                continue
            if item is _END:
                await self._aend()
                raise StopAsyncIteration
            return item  # type: ignore[no-any-return]

    async def _aend(self) -> None:
        """Work at the end of an async iteration (FrameStream: exit code)."""

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

    async def __aenter__(self) -> "CancellableStream[T]":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


class _Refused:
    """Stands in for a native :class:`Stream` whose request the engine
    refused, for the calls docker-py answers with a generator that raises the
    refusal only when iterated (``export()``, ``stats(stream=True)``): a
    program that opens the stream outside its ``try`` and iterates inside it
    sees the error where docker-py raises it. ``close()`` before the first
    pull drops it, as closing an unstarted generator does."""

    __slots__ = ("_exc", "closed")
    loop = None

    def __init__(self, exc: BaseException) -> None:
        self._exc: Optional[BaseException] = exc
        self.closed = False

    def next(self, nowait: bool = False) -> Any:
        exc, self._exc = self._exc, None
        if exc is not None and not self.closed:
            raise exc
        return None

    def copy_to_fd(self, fd: int) -> int:
        self.next()
        return 0

    def close(self) -> None:
        self.closed = True

    def wait_info(self) -> Tuple[int, Optional[float]]:
        return -1, 0


def refused_later(open_stream: Callable[[], Stream]) -> Stream:
    """``open_stream()``; when the engine refuses the request (an
    :class:`~clibdocker.errors.APIError`), a stream that raises that error at
    its first pull instead (see :class:`_Refused`). Other failures (no
    connection, bad arguments) raise at once, as in docker-py."""
    from .errors import APIError
    try:
        return open_stream()
    except APIError as e:
        if getattr(e, "response", None) is None or e.status_code is None:
            raise                        # refused before any request
        return _Refused(e)  # type: ignore[return-value]


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

    def _step(self, nowait: bool) -> Any:
        while self._pos >= len(self._pending):
            batch = self._stream.next_batch(False, nowait)
            if batch is None:
                return _END
            if batch is AGAIN:
                return AGAIN
            self._pending = batch
            self._pos = 0
        sid, data = self._pending[self._pos]
        self._pos += 1
        if self._demux:
            return (None, data) if sid == STDERR else (data, None)
        return data

    def __next__(self) -> Any:
        item = self._step(False)
        if item is _END:
            self._end()
            raise StopIteration
        return item

    next = __next__

    async def _aend(self) -> None:
        if self._on_end is not None:
            import asyncio
            # the exit code is one more request: not on the event loop's thread
            await asyncio.get_running_loop().run_in_executor(None, self._end)

    async def achunks(self) -> "AsyncIterator[Tuple[int, bytes]]":
        """:meth:`chunks` for ``async for``."""
        while True:
            if self._pos < len(self._pending):
                rest = self._pending[self._pos:]
                self._pending, self._pos = [], 0
                for run in rest:
                    yield run
                continue
            batch = self._stream.next_batch(True, True)
            if batch is AGAIN:
                await wait_readable(self._stream)
                continue
            if batch is None:
                await self._aend()
                return
            for run in batch:
                yield run

    async def aread_all(self) -> Any:
        """:meth:`read_all` for ``await``."""
        runs: List[Tuple[int, bytes]] = []
        try:
            async for run in self.achunks():
                runs.append(run)
        finally:
            self.close()
        return self._joined(runs)

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
        try:
            runs = list(self.chunks())
        finally:
            self.close()
        return self._joined(runs)

    def _joined(self, runs: List[Tuple[int, bytes]]) -> Any:
        """bytes, or with demux ``(stdout, stderr)`` (None for a silent one)."""
        if not self._demux:
            return b"".join(data for _, data in runs)
        out = [data for sid, data in runs if sid != STDERR]
        err = [data for sid, data in runs if sid == STDERR]
        return (b"".join(out) if out else None, b"".join(err) if err else None)


class RawStream(CancellableStream[bytes]):
    """A raw byte stream (export, get_archive): iterate for chunks of
    ``chunk_size`` bytes (None: as they arrive), or send it all to a file
    with :meth:`write_to`, which keeps memory bounded whatever the size."""

    __slots__ = ("_chunk", "_buf")

    def __init__(self, stream: Stream, chunk_size: Optional[int]) -> None:
        super().__init__(stream, False)
        self._chunk = chunk_size if chunk_size and chunk_size > 0 else None
        self._buf = bytearray()

    def _step(self, nowait: bool) -> Any:
        if self._chunk is None:
            if self._buf:
                data = bytes(self._buf)
                self._buf.clear()
                return data
            msg = self._stream.next(nowait)
            return _END if msg is None else msg
        while len(self._buf) < self._chunk:
            msg = self._stream.next(nowait)
            if msg is AGAIN:
                return AGAIN          # what came so far stays in _buf
            if msg is None:
                break
            self._buf += msg
        if not self._buf:
            return _END
        data = bytes(self._buf[:self._chunk])
        del self._buf[:self._chunk]
        return data

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
            dest.write(msg)  # type: ignore[union-attr]  # an int took the fd path
            total += len(msg)


class ChunkStream(CancellableStream[bytes]):
    """A raw byte stream as pieces of at most ``chunk_size`` bytes, handed
    on as they arrive (larger pieces are cut, smaller ones are not merged):
    what docker-py's ``get_image`` yields. For ``for`` and ``async for``."""

    __slots__ = ("_chunk", "_rest", "_at")

    def __init__(self, stream: Stream, chunk_size: Optional[int]) -> None:
        super().__init__(stream, False)
        self._chunk = chunk_size if chunk_size and chunk_size > 0 else None
        self._rest = b""
        self._at = 0

    def _step(self, nowait: bool) -> Any:
        if self._at >= len(self._rest):
            msg = self._stream.next(nowait)
            if msg is None:
                return _END
            if msg is AGAIN:
                return AGAIN
            if self._chunk is None or len(msg) <= self._chunk:
                return msg
            self._rest, self._at = msg, 0
        assert self._chunk is not None   # only cut pieces are kept in _rest
        piece = self._rest[self._at:self._at + self._chunk]
        self._at += len(piece)
        if self._at >= len(self._rest):
            self._rest, self._at = b"", 0
        return piece


def _write_fd(fd: int, data: bytes) -> None:
    import os
    mv = memoryview(data)
    while mv:
        n = os.write(fd, mv)
        mv = mv[n:]
