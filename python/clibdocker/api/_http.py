"""docker-py's semi-private HTTP helpers (``_url``, ``_get``, ``_post``,
``_post_json``, ``_put``, ``_delete``, ``_result``, ``_raise_for_status``,
``_stream_helper``, ``_get_raw_response_socket``, ...), the response object
they return, and the stand-ins for docker-py's ``requests`` transport
adapters (``get_adapter()``).

Programs written for docker-py call these helpers for endpoints its methods
lack. Here they run on clibdocker's own call mechanism (``dk_request``: the
pooled connection, the client's timeout and headers, the trace hook); there
is no ``requests`` session. This module loads with the API areas, on first
use of any of these names.
"""
from __future__ import annotations

import json as _json
import re
import time as _time
from datetime import timedelta as _timedelta
from typing import (TYPE_CHECKING, Any, Callable, Dict, Iterable, Iterator, List, Mapping,
                    Optional, Tuple)
from urllib.parse import quote, urlencode

from .. import errors
from .._binding import Reader, Stream
from ._headers import CaseInsensitiveDict

if TYPE_CHECKING:
    from .._binding import Client

__all__ = ["Response", "CaseInsensitiveDict", "RequestsCompatMixin", "UnixHTTPAdapter",
           "SSHHTTPAdapter", "HTTPAdapter"]

_REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    406: "Not Acceptable", 409: "Conflict", 500: "Internal Server Error",
    501: "Not Implemented", 503: "Service Unavailable",
}


class _StreamHeaders(Mapping):  # type: ignore[type-arg]
    """The headers of a streamed response, looked up by name."""

    def __init__(self, stream: Stream) -> None:
        self._stream = stream

    def __getitem__(self, key: str) -> str:
        v = self._stream.header(key)
        if v is None:
            raise KeyError(key)
        return v

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _parse_head(head: bytes) -> CaseInsensitiveDict:
    out = CaseInsensitiveDict()
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name:
            out[name.strip()] = value.strip()
    return out


class Response:
    """The parts of ``requests.Response`` docker-py programs read:
    ``status_code``, ``reason``, ``ok``, ``headers``, ``url``, ``content``,
    ``text``, ``json()``, ``raise_for_status()``; for ``stream=True``
    requests ``iter_content()``/``iter_lines()``/``raw.read()`` read the body
    as it arrives (bounded memory) and ``close()`` stops it."""

    encoding = "utf-8"

    def __init__(self, status_code: int, headers: Any, content: Optional[bytes],
                 url: str, stream: Optional[Stream] = None, sock: Any = None) -> None:
        self.status_code = status_code
        self.reason = "UPGRADED" if sock is not None else _REASONS.get(status_code, "")
        self.headers = headers
        self.url = url
        self._content = content
        self._stream = stream
        self._sock = sock      # an upgraded (hijacked) connection: the body
        self._pending = b""
        self._raw_started = False
        self.request: Any = None            # set by the request helpers
        self.elapsed = _timedelta(0)        # time to the answer's headers
        self.history: List[Any] = []        # the engine does not redirect
        self.is_redirect = False
        self.is_permanent_redirect = False

    # body
    @property
    def content(self) -> bytes:
        if self._content is None:
            self._content = b"".join(self._chunks())
        return self._content

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding or "utf-8", "replace")

    def json(self, **kwargs: Any) -> Any:
        return _json.loads(self.content, **kwargs)

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def __bool__(self) -> bool:
        return self.ok

    def raise_for_status(self) -> None:
        """Raise the :class:`~clibdocker.errors.APIError` (NotFound,
        ImageNotFound) for a 4xx/5xx status; also a
        ``requests.exceptions.HTTPError`` when ``requests`` is imported."""
        if self.status_code < 400:
            return
        try:
            explanation = self.json()["message"]
        except Exception:
            explanation = self.text.strip()
        cls = errors._api_error_class(self.status_code, explanation)
        kind = "Client" if self.status_code < 500 else "Server"
        raise errors._twin(cls)(f"{self.status_code} {kind} Error for {self.url}: {self.reason}",
                                response=self, explanation=explanation)

    # streaming
    def _chunks(self) -> Iterator[bytes]:
        if self._pending:
            data, self._pending = self._pending, b""
            yield data
        if self._sock is not None:
            while True:
                piece = self._sock.recv(65536)
                if not piece:
                    return
                yield piece
        st = self._stream
        if st is None:
            if self._content:
                yield self._content
            return
        while True:
            piece = st.next()
            if piece is None:
                return
            yield piece

    def iter_content(self, chunk_size: Optional[int] = 1,
                     decode_unicode: bool = False) -> Iterator[Any]:
        """The body in pieces of at most ``chunk_size`` bytes (None: as they
        arrive)."""
        source = self._chunks() if self._stream is not None or self._sock is not None \
            or self._content is None else iter([self._content])
        for piece in source:
            if chunk_size:
                for i in range(0, len(piece), chunk_size):
                    part = piece[i:i + chunk_size]
                    yield part.decode("utf-8", "replace") if decode_unicode else part
            elif piece:
                yield piece.decode("utf-8", "replace") if decode_unicode else piece

    def iter_lines(self, chunk_size: int = 512, decode_unicode: bool = False,
                   delimiter: Optional[bytes] = None) -> Iterator[Any]:
        buf = b""
        for piece in self.iter_content(None):
            buf += piece
            parts = buf.split(delimiter) if delimiter else buf.splitlines(keepends=True)
            if parts and not delimiter and not parts[-1].endswith((b"\n", b"\r")):
                buf = parts.pop()
            elif delimiter:
                buf = parts.pop()
            else:
                buf = b""
            for line in parts:
                line = line.rstrip(b"\r\n") if not delimiter else line
                yield line.decode("utf-8", "replace") if decode_unicode else line
        if buf:
            yield buf.decode("utf-8", "replace") if decode_unicode else buf

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_content(128)

    @property
    def raw(self) -> Any:
        """A file-like reader of the body (``read(n)``, ``close()``); for an
        upgraded connection (attach, exec start) the socket itself."""
        if self._sock is not None:
            return self._sock
        return _RawBody(self)

    def _read(self, n: int = -1) -> bytes:
        if self._stream is None and not self._raw_started:
            self._raw_started = True      # a whole body is read once
            self._pending = self._content or b""
        out = [self._pending]
        have = len(self._pending)
        self._pending = b""
        while self._stream is not None and (n < 0 or have < n):
            piece = self._stream.next()
            if piece is None:
                break
            out.append(piece)
            have += len(piece)
        data = b"".join(out)
        if n >= 0 and len(data) > n:
            data, self._pending = data[:n], data[n:]
        return data

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        if self._sock is not None:
            self._sock.close()

    def __enter__(self) -> "Response":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


class _RawBody:
    """``response.raw``: read(n) from the body; the socket-like object
    :meth:`RequestsCompatMixin._get_raw_response_socket` returns."""

    def __init__(self, response: Response) -> None:
        self._response = response

    def read(self, n: int = -1) -> bytes:
        return self._response._read(n)

    recv = read

    @property
    def closed(self) -> bool:
        st = self._response._stream
        return st is None or st.closed

    def close(self) -> None:
        self._response.close()

    def settimeout(self, timeout: Optional[float]) -> None:
        """Accepted (docker-py disables the socket timeout of streams;
        clibdocker's streams have none)."""

    def gettimeout(self) -> None:
        return None


# --- stand-ins for docker.transport ------------------------------------------

class HTTPAdapter:
    """What :meth:`APIClient.get_adapter` returns: a stand-in for docker-py's
    ``requests`` transport adapters (``docker.transport`` is not
    reproduced: clibdocker's transport is libcurl). It describes the
    connection: ``base_url``, ``timeout``, ``max_pool_size``; ``close()``
    releases the client's connections."""

    def __init__(self, base_url: str, timeout: Optional[float] = 60,
                 pool_connections: Optional[int] = None, max_pool_size: int = 10,
                 client: Any = None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.pool_connections = pool_connections
        self.max_pool_size = max_pool_size
        self._client = client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def get_connection(self, url: str, proxies: Any = None) -> Any:
        """Unsupported: there is no urllib3 connection pool (libcurl's)."""
        raise errors.UnsupportedError(
            "clibdocker's transport is libcurl: there is no urllib3 connection to get")

    def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None,
                                        cert: Any = None) -> Any:
        """Unsupported (see :meth:`get_connection`)."""
        return self.get_connection(getattr(request, "url", ""), proxies)

    def request_url(self, request: Any, proxies: Any) -> str:
        """The path and query of ``request`` (what the adapter would send)."""
        url = getattr(request, "path_url", None)
        return url if isinstance(url, str) else str(getattr(request, "url", request))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class UnixHTTPAdapter(HTTPAdapter):
    """Stand-in for docker-py's ``UnixHTTPAdapter``: ``socket_path`` is the
    engine's unix socket (testcontainers reads it)."""

    def __init__(self, socket_url: str, timeout: Optional[float] = 60,
                 pool_connections: Optional[int] = None, max_pool_size: int = 10,
                 client: Any = None) -> None:
        super().__init__(socket_url, timeout, pool_connections, max_pool_size, client)
        path = socket_url
        for prefix in ("http+unix://", "unix://"):
            if path.startswith(prefix):
                path = path[len(prefix):]
        self.socket_path = path if path.startswith("/") else "/" + path


class SSHHTTPAdapter(HTTPAdapter):
    """Stand-in for docker-py's ``SSHHTTPAdapter``: ``ssh_host`` is the
    ``ssh://`` URL without its scheme (``user@host:port``), as docker-py's;
    ``shell_out`` is docker-py's ``use_ssh_client`` (clibdocker always runs
    the ssh client)."""

    def __init__(self, base_url: str, timeout: Optional[float] = 60,
                 pool_connections: Optional[int] = None, max_pool_size: int = 10,
                 shell_out: bool = False, client: Any = None) -> None:
        super().__init__(base_url, timeout, pool_connections, max_pool_size, client)
        self.ssh_host = base_url[len("ssh://"):] if base_url.startswith("ssh://") else base_url
        self.shell_out = shell_out


# --- the helpers -----------------------------------------------------------------

# the requests whose connection the engine upgrades (hijacks)
_UPGRADABLE = re.compile(r"^(?:/v[0-9.]+)?/(?:(containers)/([^/]+)/attach|(exec)/([^/]+)/start)$")


def _query(params: Any) -> str:
    """requests' encoding of ``params``: a mapping or pairs; None values
    dropped; a list value repeats the name."""
    if not params:
        return ""
    if isinstance(params, (str, bytes)):
        return params.decode() if isinstance(params, bytes) else params
    items = params.items() if isinstance(params, Mapping) else params
    pairs = [(k, v) for k, v in items if v is not None]
    return urlencode(pairs, doseq=True)


def _timeout_ms(timeout: Any) -> int:
    """A request's total timeout in ms (0: none). Seconds > 0, None or
    requests' (connect, read) pair; 0 is refused as requests refuses it."""
    parts = timeout if isinstance(timeout, tuple) and len(timeout) == 2 else (timeout,)
    for t in parts:
        if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or t <= 0):
            raise errors.InvalidArgument(f"timeout must be seconds > 0, None or a (connect, read) pair, "
                                         f"not {timeout!r}")
    total = parts[-1]
    return 0 if total is None else max(1, int(total * 1000))


class RequestsCompatMixin:
    """docker-py's semi-private request helpers on clibdocker's call
    mechanism."""

    _native: "Client"
    if TYPE_CHECKING:  # APIClient's
        @property
        def base_url(self) -> str: ...

        @property
        def timeout(self) -> Optional[float]: ...

        @property
        def _version(self) -> str: ...

    def _url(self, pathfmt: str, *args: Any, **kwargs: Any) -> str:
        """The URL docker-py builds: ``base_url`` + ``/v<version>`` (unless
        ``versioned_api=False``) + ``pathfmt.format(*args)`` with each
        argument percent-quoted (``/`` and ``:`` kept, as docker-py does).
        Arguments must be str (ValueError otherwise)."""
        for arg in args:
            if not isinstance(arg, str):
                raise ValueError(f"Expected a string but found {arg} ({type(arg)}) instead")
        path = pathfmt.format(*(quote(a, safe="/:") for a in args))
        if kwargs.get("versioned_api", True):
            return f"{self.base_url}/v{self._version}{path}"
        return f"{self.base_url}{path}"

    def _path_of(self, url: str) -> str:
        base = self.base_url
        if url.startswith(base) and url[len(base):len(base) + 1] in ("/", "?", ""):
            path = url[len(base):]
        elif url.startswith("/"):
            path = url
        else:
            raise errors.InvalidArgument(
                f"{url!r} is not a URL of this client's engine ({base})")
        return path or "/"

    def _set_request_timeout(self, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        """docker-py: the client's timeout unless the call gives one."""
        kwargs.setdefault("timeout", self.timeout)
        return kwargs

    def _request(self, method: str, url: str, params: Any = None, data: Any = None,
                 headers: Optional[Mapping[str, Any]] = None, stream: bool = False,
                 timeout: Any = None, json: Any = None, **kwargs: Any) -> Response:
        t0 = _time.monotonic()
        r = self._send(method, url, params, data, headers, stream, timeout, json)
        r.elapsed = _timedelta(seconds=_time.monotonic() - t0)
        r.request = errors._Request(method, r.url)
        return r

    def _send(self, method: str, url: str, params: Any, data: Any,
              headers: Optional[Mapping[str, Any]], stream: bool, timeout: Any,
              json: Any) -> Response:
        path = self._path_of(url)
        q = _query(params)
        if q:
            path += ("&" if "?" in path else "?") + q
            url += ("&" if "?" in url else "?") + q   # the response's url, as requests'

        content_type: Optional[str] = None
        lines: List[str] = []
        for k, v in (headers or {}).items():
            if v is None:
                continue
            if str(k).lower() == "content-type":
                content_type = str(v)
            else:
                lines.append(f"{k}: {v}")
        if json is not None and data is None:
            data = _json.dumps(json)
            content_type = content_type or "application/json"
        body: Optional[bytes] = None
        reader: Optional[Reader] = None
        if data is None:
            pass
        elif isinstance(data, str):
            body = data.encode("utf-8")
        elif isinstance(data, (bytes, bytearray, memoryview)):
            body = bytes(data)
        elif isinstance(data, Mapping):
            body = urlencode(list(data.items()), doseq=True).encode()
            content_type = content_type or "application/x-www-form-urlencoded"
        elif hasattr(data, "read") or isinstance(data, Iterable):
            reader = Reader(data)
            content_type = content_type or "application/octet-stream"
        else:
            raise errors.InvalidArgument(f"cannot send {type(data).__name__} as a body")
        if body is not None and content_type is None:
            content_type = "application/json" if body[:1] in (b"{", b"[") else \
                "text/plain"
        if any(str(k).lower() == "upgrade" for k, v in (headers or {}).items() if v):
            return self._upgraded(method, path, body, url)
        if stream:
            try:
                st = self._native.request_stream(method, path, body, reader, content_type,
                                                 lines)
            except errors.APIError as e:  # the answer is an error status: a response
                status = e.status_code or 500
                content = _json.dumps({"message": e.explanation or str(e)}).encode()
                return Response(status, CaseInsensitiveDict(
                    {"Content-Type": "application/json"}), content, url)
            return Response(200, _StreamHeaders(st), None, url, st)
        status, head, content = self._native.request(method, path, body, reader, content_type,
                                                     lines, _timeout_ms(timeout))
        return Response(status, _parse_head(head), content, url)

    def _upgraded(self, method: str, path: str, body: Optional[bytes], url: str) -> Response:
        """A request asking the engine to upgrade the connection (docker-py's
        ``Connection: Upgrade`` / ``Upgrade: tcp`` POST to attach or exec
        start, read with ``_get_raw_response_socket`` / ``_read_from_socket``):
        made on clibdocker's hijack (:meth:`attach_socket`,
        ``exec_start(socket=True)``); the response's ``raw`` is the socket. An
        error status is a response whose status raises, as docker-py's."""
        bare, _, query = path.partition("?")
        m = _UPGRADABLE.match(bare)
        if method != "POST" or m is None:
            raise errors.InvalidArgument(
                f"{method} {bare}: clibdocker upgrades only POST /containers/{{id}}/attach "
                "and POST /exec/{id}/start connections")
        from urllib.parse import parse_qsl, unquote
        target = unquote(m.group(2) or m.group(4))
        try:
            if m.group(1) == "containers":
                params: Dict[str, Any] = {}
                for k, v in parse_qsl(query, keep_blank_values=True):
                    # the engine's reading of a boolean query parameter
                    params[k] = v if k == "detachKeys" else \
                        v.lower() not in ("", "0", "no", "false", "none")
                sock = self.attach_socket(target, params)  # type: ignore[attr-defined]
            else:
                try:
                    spec = _json.loads(body or b"{}")
                except ValueError:
                    spec = {}
                if not isinstance(spec, dict):
                    spec = {}
                sock = self.exec_start(target, tty=bool(spec.get("Tty")),  # type: ignore[attr-defined]
                                       socket=True)
        except errors.APIError as e:
            status = e.status_code or 500
            content = _json.dumps({"message": e.explanation or str(e)}).encode()
            return Response(status, CaseInsensitiveDict({"Content-Type": "application/json"}),
                            content, url)
        headers = CaseInsensitiveDict({"Content-Type": "application/vnd.docker.raw-stream",
                                       "Connection": "Upgrade", "Upgrade": "tcp"})
        return Response(101, headers, None, url, sock=sock)

    def _read_from_socket(self, response: Any, stream: bool, tty: bool = True,
                          demux: bool = False) -> Any:
        """docker-py's reader of an attach/exec response: the frames of its
        socket (raw when ``tty``), ``(stdout, stderr)`` with ``demux``; a
        generator with ``stream``, else everything until the end (the
        response closed)."""
        from ..utils.socket import consume_socket_output, demux_adaptor, frames_iter
        sock = self._get_raw_response_socket(response)
        gen: Iterator[Any] = frames_iter(sock, tty)
        if demux:
            gen = (demux_adaptor(*frame) for frame in gen)
        else:
            gen = (data for (_, data) in gen)
        if stream:
            return gen
        try:
            return consume_socket_output(gen, demux=demux)
        finally:
            response.close()

    # requests.Session's own methods (docker-py's APIClient is a Session):
    # no default timeout (the Session has none), the client's headers

    def request(self, method: str, url: str, params: Any = None, data: Any = None,
                headers: Optional[Mapping[str, Any]] = None, cookies: Any = None,
                files: Any = None, auth: Any = None, timeout: Any = None,
                allow_redirects: bool = True, proxies: Any = None, hooks: Any = None,
                stream: Any = None, verify: Any = None, cert: Any = None,
                json: Any = None) -> Response:
        """``requests.Session.request``: ``method`` on ``url`` (from
        :meth:`_url`) with requests' arguments, on clibdocker's call
        mechanism; no timeout unless given (as a Session). ``files``,
        ``auth`` and ``cookies`` are refused (InvalidArgument);
        ``allow_redirects``, ``proxies``, ``hooks``, ``verify`` and ``cert``
        are accepted and have no effect (the engine does not redirect; TLS is
        the client's)."""
        for name, value in (("files", files), ("auth", auth), ("cookies", cookies)):
            if value:
                raise errors.InvalidArgument(f"request({name}=...) is not supported by clibdocker")
        if not isinstance(method, (str, bytes)) or not method:
            raise errors.InvalidArgument(f"method must be a non-empty str, not {method!r}")
        m = (method.decode() if isinstance(method, bytes) else method).upper()
        return self._request(m, url, params=params, data=data, headers=headers,
                             stream=bool(stream), timeout=timeout, json=json)

    def get(self, url: str, **kwargs: Any) -> Response:
        """``requests.Session.get`` (see :meth:`request`)."""
        return self.request("GET", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> Response:
        """``requests.Session.options`` (see :meth:`request`)."""
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> Response:
        """``requests.Session.head`` (see :meth:`request`)."""
        return self.request("HEAD", url, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> Response:
        """``requests.Session.post`` (see :meth:`request`)."""
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url: str, data: Any = None, **kwargs: Any) -> Response:
        """``requests.Session.put`` (see :meth:`request`)."""
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url: str, data: Any = None, **kwargs: Any) -> Response:
        """``requests.Session.patch`` (see :meth:`request`)."""
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Response:
        """``requests.Session.delete`` (see :meth:`request`)."""
        return self.request("DELETE", url, **kwargs)

    def _get(self, url: str, **kwargs: Any) -> Response:
        """GET ``url`` (from :meth:`_url`); requests-style keyword arguments:
        ``params``, ``headers``, ``stream``, ``timeout`` (default: the
        client's). Returns a :class:`Response` whatever the status."""
        return self._request("GET", url, **self._set_request_timeout(kwargs))

    def _post(self, url: str, **kwargs: Any) -> Response:
        """POST ``url``; ``data`` (str, bytes, a file or an iterable of bytes,
        streamed), ``params``, ``headers``, ``stream``, ``timeout``."""
        return self._request("POST", url, **self._set_request_timeout(kwargs))

    def _put(self, url: str, **kwargs: Any) -> Response:
        """PUT ``url`` (see :meth:`_post`)."""
        return self._request("PUT", url, **self._set_request_timeout(kwargs))

    def _delete(self, url: str, **kwargs: Any) -> Response:
        """DELETE ``url`` (see :meth:`_get`)."""
        return self._request("DELETE", url, **self._set_request_timeout(kwargs))

    def _post_json(self, url: str, data: Any, **kwargs: Any) -> Response:
        """POST ``data`` as JSON (a dict's None values left out, as docker-py
        does)."""
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if v is not None}
        elif data is None:
            data = {}
        headers = dict(kwargs.pop("headers", None) or {})
        headers["Content-Type"] = "application/json"
        return self._post(url, data=_json.dumps(data), headers=headers, **kwargs)

    def _raise_for_status(self, response: Any) -> None:
        """Raise the :class:`~clibdocker.errors.APIError` (NotFound,
        ImageNotFound by the message) for an error status."""
        if isinstance(response, Response):
            response.raise_for_status()
            return
        try:
            response.raise_for_status()
        except errors.DockerException:
            raise
        except Exception as e:  # a requests.Response of the program's own
            errors.create_api_error_from_http_exception(e)

    def _result(self, response: Any, json: bool = False, binary: bool = False) -> Any:
        """The body of ``response`` after :meth:`_raise_for_status`: parsed
        JSON, bytes, or text."""
        assert not (json and binary)
        self._raise_for_status(response)
        if json:
            return response.json()
        if binary:
            return response.content
        return response.text

    def _stream_helper(self, response: Any, decode: bool = False) -> Iterator[Any]:
        """The pieces of a streamed response as they arrive (with
        ``decode``, the JSON objects in them); a response that is not a
        stream gives its whole result."""
        if isinstance(response, Response) and response._stream is not None:
            if decode:
                from ..utils.json_stream import json_stream
                yield from json_stream(self._stream_helper(response, False))
            else:
                yield from response.iter_content(None)
        else:
            yield self._result(response, json=decode)

    def _get_raw_response_socket(self, response: Any) -> Any:
        """A read-only socket-like object over a streamed response's body
        (``read(n)``/``recv(n)``, ``close()``). Bidirectional use (writing
        to an attach socket) is :meth:`attach_socket`'s."""
        self._raise_for_status(response)
        return response.raw

    def _disable_socket_timeout(self, socket: Any) -> None:
        """Accepted: clibdocker's streams have no read timeout."""

    def _multiplexed_buffer_helper(self, response: Any) -> Iterator[bytes]:
        """The payloads of the multiplexed frames in a whole response."""
        buf = self._result(response, binary=True)
        pos = 0
        while len(buf) - pos >= 8:
            length = int.from_bytes(buf[pos + 4:pos + 8], "big")
            yield buf[pos + 8:pos + 8 + length]
            pos += 8 + length

    def _multiplexed_response_stream_helper(self, response: Any) -> Iterator[bytes]:
        """The payloads of the multiplexed frames of a streamed response, as
        they arrive."""
        raw = self._get_raw_response_socket(response)
        while True:
            header = raw.read(8)
            if len(header) < 8:
                return
            length = int.from_bytes(header[4:8], "big")
            if not length:
                continue
            data = raw.read(length)
            if not data:
                return
            yield data

    def _stream_raw_result(self, response: Any, chunk_size: int = 1,
                           decode: bool = True) -> Iterator[Any]:
        """A raw streamed body (TTY output) in pieces of ``chunk_size``."""
        self._raise_for_status(response)
        yield from response.iter_content(chunk_size, decode)

    def _get_result_tty(self, stream: bool, res: Any, is_tty: bool) -> Any:
        if is_tty:
            return self._stream_raw_result(res) if stream else self._result(res, binary=True)
        self._raise_for_status(res)
        if stream:
            return self._multiplexed_response_stream_helper(res)
        return b"".join(self._multiplexed_buffer_helper(res))

    def _check_is_tty(self, container: Any) -> bool:
        cid = container.get("Id") or container.get("ID") if isinstance(container, dict) \
            else container
        return bool(self.inspect_container(cid)["Config"]["Tty"])  # type: ignore[attr-defined]

    def _get_result(self, container: Any, stream: bool, res: Any) -> Any:
        return self._get_result_tty(stream, res, self._check_is_tty(container))

    def _attach_params(self, override: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        return override or {"stdout": 1, "stderr": 1, "stream": 1}

    def _retrieve_server_version(self) -> str:
        """docker-py: the engine's API version from an unversioned
        ``GET /version``; any failure is a DockerException "Error while
        fetching server API version"."""
        try:
            return str(self.version(api_version=False)["ApiVersion"])  # type: ignore[attr-defined]
        except KeyError as ke:
            raise errors.DockerException(
                'Invalid response from docker daemon: key "ApiVersion" is missing.') from ke
        except Exception as e:
            raise errors.DockerException(
                f"Error while fetching server API version: {e}") from e

