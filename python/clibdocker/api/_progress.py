"""Progress streams of pull, push, load, import and build: decoded message
by message, with a daemon error inside the stream (``errorDetail``) turned
into an exception where clibdocker's own API asks for one (the low-level
pull, push, load and import hand such errors over as messages, as docker-py
does)."""
from __future__ import annotations

import json
from typing import Any, Callable, List, Optional

from .. import errors
from .._binding import AGAIN, Stream
from ..stream import _END, CancellableStream

_AUTH_WORDS = ("unauthorized", "authentication required", "no basic auth credentials",
               "denied", "incorrect username or password")


def is_auth_message(text: Optional[str]) -> bool:
    t = (text or "").lower()
    return any(w in t for w in _AUTH_WORDS)


def error_text(msg: Any) -> Optional[str]:
    """The error of one decoded message, or None."""
    if not isinstance(msg, dict):
        return None
    detail = msg.get("errorDetail")
    if isinstance(detail, dict) and detail.get("message"):
        return str(detail["message"])
    if msg.get("error"):
        return str(msg["error"])
    return None


def stream_error(op: str, text: str) -> errors.APIError:
    """The exception for an error reported inside a stream."""
    cls = errors.Unauthorized if is_auth_message(text) else errors.StreamError
    return errors._twin(cls)(f"{op} failed", None, text)  # type: ignore[no-any-return]


def as_auth_error(e: errors.APIError) -> errors.APIError:
    """A registry auth failure the engine answered with 500 becomes
    :class:`~clibdocker.errors.Unauthorized` (same status and message)."""
    if not isinstance(e, errors.Unauthorized) and is_auth_message(e.explanation):
        return errors._twin(errors.Unauthorized)(  # type: ignore[no-any-return]
            str(e.args[0]) if e.args else "", e.response, e.explanation)
    return e


class ProgressStream(CancellableStream[Any]):
    """The messages of a progress stream (bytes ending with ``\\r\\n`` as the
    engine's chunks do, or dicts with ``decode``),
    for ``for`` and ``async for``. After the end of a stream that carried an
    error message, the iteration raises ``on_error(text, log)``; ``log``
    holds the decoded messages when ``keep_log``. With ``on_error`` None an
    error message is handed over like any other (docker-py's behaviour)."""

    __slots__ = ("_on_error", "_keep_log", "_log", "_error", "_finished")

    def __init__(self, stream: Stream, decode: bool,
                 on_error: Optional[Callable[[str, List[Any]], Exception]],
                 keep_log: bool = False) -> None:
        super().__init__(stream, decode)
        self._on_error = on_error
        self._keep_log = keep_log
        self._log: List[Any] = []
        self._error: Optional[str] = None
        self._finished = False

    def _step(self, nowait: bool) -> Any:
        if self._finished:
            return _END
        try:
            raw = self._stream.next(nowait)
        except errors.DockerException:
            self._finished = True
            self._stream.close()
            # a request-body source (file object, iterable) that raised
            # while the request ran: its own exception is the cause
            reader = getattr(self._stream, "_keep", None)
            if reader is not None and getattr(reader, "error", None) is not None:
                reader.check()
            raise
        if raw is AGAIN:
            return AGAIN
        if raw is None:
            self._finished = True
            self._stream.close()
            if self._error is not None and self._on_error is not None:
                raise self._on_error(self._error, self._log)
            return _END
        try:
            msg = json.loads(raw)
        except ValueError:
            msg = None
        if self._keep_log:
            self._log.append(msg if msg is not None else raw)
        text = error_text(msg)
        if text is not None and self._error is None:
            self._error = text
        if self._decode and msg is not None:
            return msg
        # as docker-py yields the engine's chunks: each message ends with \r\n
        return raw + b"\r\n"


def iterate(stream: Stream, decode: bool,
            on_error: Optional[Callable[[str, List[Any]], Exception]],
            keep_log: bool = False) -> ProgressStream:
    """The progress messages of ``stream`` (see :class:`ProgressStream`)."""
    return ProgressStream(stream, decode, on_error, keep_log)


def collect(stream: Stream,
            on_error: Optional[Callable[[str, List[Any]], Exception]]) -> str:
    """Read the whole stream; return its text (one JSON message per line, as
    docker-py returns it), or raise ``on_error(...)`` for an error message
    when it is given."""
    parts: List[str] = []
    for raw in iterate(stream, False, on_error):
        parts.append(raw.decode("utf-8", "replace"))
    return "".join(parts)
