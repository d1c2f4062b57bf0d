"""Splitting a byte/text stream into JSON messages or lines (docker-py's
``docker.utils.json_stream``)."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable, Iterator, Optional, Tuple, Union

from ..errors import StreamParseError

__all__ = ["StreamParseError", "json_decoder", "json_splitter", "json_stream", "line_splitter",
           "split_buffer", "stream_as_text"]

json_decoder = json.JSONDecoder()
_WHITESPACE = json.decoder.WHITESPACE  # type: ignore[attr-defined]

Splitter = Callable[[str], Optional[Tuple[Any, str]]]


def stream_as_text(stream: Iterable[Union[str, bytes]]) -> Iterator[str]:
    """Each chunk as text (bytes decoded as UTF-8, bad bytes replaced)."""
    for chunk in stream:
        yield chunk if isinstance(chunk, str) else chunk.decode("utf-8", "replace")


def json_splitter(buffer: str) -> Optional[Tuple[Any, str]]:
    """``(first JSON value, the rest with leading whitespace removed)``, or
    None when ``buffer`` (surrounding whitespace ignored) does not start with
    a complete JSON value."""
    buffer = buffer.strip()
    try:
        obj, end = json_decoder.raw_decode(buffer)
    except ValueError:
        return None
    return obj, buffer[_WHITESPACE.match(buffer, end).end():]


def line_splitter(buffer: str, separator: str = "\n") -> Optional[Tuple[str, str]]:
    """``(first line with its separator, the rest)``, or None without a separator."""
    index = buffer.find(str(separator))
    if index < 0:
        return None
    return buffer[:index + 1], buffer[index + 1:]


def split_buffer(stream: Iterable[Union[str, bytes]], splitter: Optional[Splitter] = None,
                 decoder: Callable[[str], Any] = lambda a: a) -> Iterator[Any]:
    """Items that ``splitter`` (default: lines) cuts from the concatenated
    stream, however its chunks fall; what remains at the end goes through
    ``decoder`` (StreamParseError if that fails)."""
    split = splitter or line_splitter
    buffered = ""
    for text in stream_as_text(stream):
        buffered += text
        while True:
            got = split(buffered)
            if got is None:
                break
            item, buffered = got
            yield item
    if buffered:
        try:
            yield decoder(buffered)
        except Exception as e:
            raise StreamParseError(e) from e


def json_stream(stream: Iterable[Union[str, bytes]]) -> Iterator[Any]:
    """Decoded JSON values from a stream of concatenated JSON documents."""
    return split_buffer(stream, json_splitter, json_decoder.decode)
