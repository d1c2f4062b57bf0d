"""docker-py's ``docker.types.daemon``: :class:`CancellableStream`."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from .. import stream as _stream
from ..errors import DockerException


class _StreamType(type):
    """Lets ``isinstance(x, CancellableStream)`` hold for every stream the
    API methods return (logs, attach, events, stats, exec output,
    exports...), which all derive from :class:`clibdocker.stream.CancellableStream`."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, _stream.CancellableStream) or type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub: Any) -> bool:
        return (isinstance(sub, type) and issubclass(sub, _stream.CancellableStream)) \
            or type.__subclasscheck__(cls, sub)


class CancellableStream(metaclass=_StreamType):
    """An iterator over a response that :meth:`close` stops, as docker-py's
    ``CancellableStream(stream, response)``.

    clibdocker's own streams (:class:`clibdocker.stream.CancellableStream`
    and its ``FrameStream``/``RawStream``/...) count as instances of this
    class; constructing one yourself wraps any iterator ``stream`` and closes
    ``response`` (anything with ``close()``; else the iterator's own
    ``close()``) when :meth:`close` is called. Iteration ends after
    ``close()``.
    """

    def __init__(self, stream: Any, response: Any = None) -> None:
        self._stream: Iterator[Any] = iter(stream)
        self._source = stream
        self._response = response
        self._closed = False

    def __iter__(self) -> "CancellableStream":
        return self

    def __next__(self) -> Any:
        if self._closed:
            raise StopIteration
        return next(self._stream)

    next = __next__

    def close(self) -> None:
        """Stop the stream and release its connection."""
        if self._closed:
            return
        self._closed = True
        target: Optional[Any] = self._response if self._response is not None else self._source
        closer = getattr(target, "close", None)
        if callable(closer):
            closer()

    def __enter__(self) -> "CancellableStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


__all__ = ["CancellableStream", "DockerException"]
