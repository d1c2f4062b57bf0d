"""Progress streams of pull, push, load, import and build: decoded message
by message, with a daemon error inside the stream (``errorDetail``) turned
into an exception."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterator, List, Optional

from .. import errors
from .._binding import Stream

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
    return cls(f"{op} failed", None, text)


def as_auth_error(e: errors.APIError) -> errors.APIError:
    """A registry auth failure the engine answered with 500 becomes
    :class:`~clibdocker.errors.Unauthorized` (same status and message)."""
    if not isinstance(e, errors.Unauthorized) and is_auth_message(e.explanation):
        return errors.Unauthorized(str(e.args[0]) if e.args else "", e.response, e.explanation)
    return e


def iterate(stream: Stream, decode: bool, on_error: Callable[[str, List[Any]], Exception],
            keep_log: bool = False) -> Iterator[Any]:
    """Yield each message (bytes, or a dict with ``decode``); after the end of
    a stream that carried an error message, raise ``on_error(text, log)``.
    ``log`` holds the decoded messages when ``keep_log``."""
    error: Optional[str] = None
    log: List[Any] = []
    try:
        while True:
            try:
                raw = stream.next()
            except errors.DockerException:
                # a request-body source (file object, iterable) that raised
                # while the request ran: its own exception is the cause
                reader = getattr(stream, "_keep", None)
                if reader is not None and getattr(reader, "error", None) is not None:
                    reader.check()
                raise
            if raw is None:
                break
            try:
                msg = json.loads(raw)
            except ValueError:
                msg = None
            if keep_log:
                log.append(msg if msg is not None else raw)
            text = error_text(msg)
            if text is not None and error is None:
                error = text
            yield msg if decode and msg is not None else raw
    finally:
        stream.close()
    if error is not None:
        raise on_error(error, log)


def collect(stream: Stream, on_error: Callable[[str, List[Any]], Exception]) -> str:
    """Read the whole stream; return its text (one JSON message per line, as
    docker-py returns it) or raise for an error message."""
    parts: List[str] = []
    for raw in iterate(stream, False, on_error):
        parts.append(raw.decode("utf-8", "replace"))
    return "".join(p + "\r\n" for p in parts)
