"""Streams returned by the API methods."""
from __future__ import annotations

from typing import Any, Generic, Iterator, TypeVar

from ._binding import Stream, loads

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
