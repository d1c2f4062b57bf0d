"""The C<->Python boundary: the only module that touches ``ffi`` and ``lib``.

It validates and converts arguments, calls the C function (cffi releases the
GIL around it), maps a negative return code to an exception from
``dk_error_last()``, copies results out as bytes and frees what C returned.
Everything above it is plain Python.
"""
from __future__ import annotations

import sys
from _thread import allocate_lock as _lock  # threading.Lock, without importing threading

from ._native import ffi, lib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

    from . import errors
    from .trace import TraceRecord
else:
    class _Errors:
        """Stands for :mod:`clibdocker.errors` until an error needs it: a
        call that succeeds never does (start-up time). The first attribute
        read imports the module and puts it in this one's ``errors``."""

        def __getattr__(self, name):
            global errors
            import clibdocker.errors as mod
            errors = mod
            return getattr(mod, name)

    errors = _Errors()

_NULL = ffi.NULL


class _Again:
    """What a non-blocking pull returns when nothing is ready yet."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "AGAIN"


AGAIN: Any = _Again()

_CODE_CLASS: Dict[int, type] = {}     # DK_E... -> exception class, made on first use
# libcurl's codes for a failed TLS handshake or certificate check (CURLE_SSL_*,
# CURLE_PEER_FAILED_VERIFICATION...): a TransportError with one is a TLSError
_CURL_TLS = frozenset((35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98))


def _tls_failure(curl_code: int, msg: str) -> bool:
    """A TLS-level failure: a CURLE_SSL_* code, or a send/receive error
    (CURLE_SEND_ERROR, CURLE_RECV_ERROR) that OpenSSL reported, such as the
    engine's alert refusing a missing client certificate (Python's ssl module
    raises these as SSLError, so docker-py does)."""
    if curl_code in _CURL_TLS:
        return True
    return curl_code in (55, 56) and ("OpenSSL SSL_" in msg or "SSL routines" in msg)
_STATUS_CLASS: Dict[int, type] = {}   # the codes of an engine's error status


def _error_classes() -> None:
    _CODE_CLASS.update({
        lib.DK_EINVAL: errors.InvalidArgument,
        lib.DK_ECONNECT: errors.TransportError,
        lib.DK_ETRANSPORT: errors.TransportError,
        lib.DK_ETIMEOUT: errors.DockerTimeout,
        lib.DK_EPROTO: errors.ProtocolError,
        lib.DK_EVERSION: errors.InvalidVersion,
        lib.DK_ECANCELED: errors.Canceled,
        lib.DK_EUNSUPPORTED: errors.UnsupportedError,
    })
    _STATUS_CLASS.update({
        lib.DK_ENOTFOUND: errors.NotFound,
        lib.DK_ECONFLICT: errors.Conflict,
        lib.DK_EAUTH: errors.Unauthorized,
        lib.DK_EAPI: errors.APIError,
        lib.DK_ESTREAM: errors.StreamError,
    })


class Deferred(BaseException):
    """Internal: a call run on an event loop (``Loop``) handed its transfer to
    the loop (``DK_ASYNC_PENDING``) or must run blocking
    (``DK_ASYNC_BLOCKING``). A BaseException, so that no ``except Exception``
    of the code above takes it for the call's outcome."""


_DEFERRED_CODES = (int(lib.DK_ASYNC_PENDING), int(lib.DK_ASYNC_BLOCKING))


def _request_url(e: Any) -> Optional[str]:
    """The URL of the request the engine refused (``dk_error.url``),
    as docker-py shows it (see :func:`clibdocker.errors._docker_py_url`)."""
    if e.url == _NULL or not e.url[0]:
        return None
    return errors._docker_py_url(ffi.string(e.url).decode("utf-8", "replace"))


def error_from_last(rc: int, not_found: Optional[type] = None) -> errors.DockerException:
    """Build the exception for return code ``rc`` from the thread's last error
    (raises ``Deferred`` for the event loop's codes)."""
    if rc in _DEFERRED_CODES:
        raise Deferred(rc)
    e = lib.dk_error_last()
    msg = ffi.string(e.message).decode("utf-8", "replace")
    status = int(e.http_status)
    if not _STATUS_CLASS:   # filled last: then both are
        _error_classes()
    cls = _STATUS_CLASS.get(rc)
    if cls is not None or status >= 400:
        if cls is None:
            cls = errors.APIError
        if cls is errors.NotFound:
            # docker-py: a 404 is ImageNotFound when its message names a
            # missing image, whatever the operation ("manifest ... not
            # found" on a pull stays NotFound); ``not_found`` only when the
            # engine said nothing
            cls = errors._api_error_class(404, msg) if msg else (not_found or errors.NotFound)
        method = ffi.string(e.method).decode("ascii", "replace") \
            if e.method != _NULL and e.method[0] else None
        return errors._twin(cls)(msg, errors._Response(status, _request_url(e),
                                                       errors._Response.engine_body(msg),
                                                       method), msg)
    cls2 = _CODE_CLASS.get(rc, errors.DockerException)
    if cls2 is errors.TransportError and _tls_failure(int(e.curl_code), msg):
        cls2 = errors.TLSError
    if issubclass(cls2, errors.TransportError):
        # a timeout with a status: the engine's headers had come
        in_body = cls2 is errors.DockerTimeout and status > 0
        cls2 = errors._twin(cls2, in_body)
        if in_body:
            msg = errors._docker_py_read_timeout(_request_url(e)) or msg
    return cls2(msg)


_json_std: Any = None
_json_scan: Any = None
_JSON_WS = " \t\n\r"


def _json_init() -> None:
    # json is imported on the first decode, not at start-up
    global _json_std, _json_scan
    import json
    _json_std = json.loads
    _json_scan = json.JSONDecoder().scan_once


def json_loads(data: bytes) -> Any:
    """json.loads of a response body: the same result and the same
    exceptions, without json.loads's per-call Python steps for what an
    engine answers (a UTF-8 object or array): the body is decoded once and
    handed to json's own C scanner. Anything else (leading whitespace,
    another encoding, bad JSON, data after the value) goes to json.loads
    itself."""
    scan = _json_scan
    if scan is None:
        _json_init()
        scan = _json_scan
    if data and data[:1] in b"{[":
        try:
            s = data.decode("utf-8")
            obj, end = scan(s, 0)
        except (ValueError, StopIteration):   # UnicodeDecodeError is a ValueError
            return _json_std(data)
        if end == len(s) or not s[end:].strip(_JSON_WS):
            return obj
    return _json_std(data)


_json_loads: Callable[[bytes], Any] = json_loads


def loads(data: bytes) -> Any:
    """json.loads for a response body; a body that is not JSON (or not
    UTF-8) raises :class:`~clibdocker.errors.ProtocolError`."""
    try:
        return _json_loads(data)
    except ValueError as e:
        head = data[:80].decode("utf-8", "replace")
        raise errors.ProtocolError(f"the engine's answer is not valid JSON ({e}): {head!r}") from None


def check(rc: int) -> int:
    """Raise the exception for a negative return code."""
    if rc < 0:
        raise error_from_last(rc)
    return rc


def _b(s: Optional[str]) -> Any:
    """str -> bytes for a ``const char *`` (None -> NULL); refuses NUL bytes."""
    if s.__class__ is str:   # the usual case first: it runs for every argument
        data = s.encode()    # type: ignore[union-attr]
    elif s is None:
        return _NULL
    elif isinstance(s, bytes):
        data = s
    else:
        data = str(s).encode("utf-8")
    if b"\0" in data:
        raise errors.InvalidArgument("argument contains a NUL byte")
    return data


def _cstr(s: Optional[str]) -> Any:
    """An owned ``char[]`` for a struct field (None -> NULL); keep a
    reference to it while C uses it."""
    b = _b(s)
    return _NULL if b is _NULL else ffi.new("char[]", b)


def _int_args(fn: Any, *args: Any) -> int:
    """fn(*args), with an integer too large for its C type refused as
    InvalidArgument (cffi raises OverflowError) before anything is sent."""
    try:
        return int(fn(*args))
    except OverflowError as e:
        raise errors.InvalidArgument(f"an integer argument is out of range: {e}") from None


def _take_value(v: Any) -> bytes:
    n = ffi.new("size_t *")
    p = lib.dk_value_body(v, n)
    try:
        return ffi.unpack(p, n[0])
    finally:
        lib.dk_value_free(v)


@ffi.def_extern()
def _dk_py_trace(t: Any, ud: Any) -> None:
    client = ffi.from_handle(ud)
    fn = client._trace_fn
    if fn is None:
        return
    from .trace import TraceRecord  # not at module level: start-up time
    try:
        r = TraceRecord()
        r.method = ffi.string(t.method).decode()
        r.url = ffi.string(t.url).decode("utf-8", "replace")
        r.status = int(t.status)
        r.error = ffi.string(lib.dk_error_name(t.code)).decode() if t.code else None
        r.start = t.start_us / 1e6
        r.end = t.end_us / 1e6
        r.request_headers = ffi.string(t.request_headers).decode("utf-8", "replace")
        r.request_body = (ffi.unpack(t.request_body, t.request_body_len)
                          if t.request_body != _NULL else None)
        r.request_body_truncated = bool(t.request_body_truncated)
        r.response_body = (ffi.unpack(t.response_body, t.response_body_len)
                           if t.response_body != _NULL else None)
        r.response_body_truncated = bool(t.response_body_truncated)
        r.response_bytes = int(t.response_bytes)
        r.streamed = bool(t.streamed)
        fn(r)
    except BaseException:  # a hook must never break the call
        import traceback  # only here: importing it costs ~2 ms of start-up
        sys.stderr.write("clibdocker: exception in trace hook (ignored):\n")
        traceback.print_exc()


class Reader:
    """A request-body source for ``dk_read_fn``: bytes, a binary file object,
    or an iterable of bytes chunks. Pass ``reader.fn, reader.handle`` to C.
    An exception raised while reading is kept and re-raised by ``check()``
    after the C call returns (the call itself fails with DK_EUSER)."""

    __slots__ = ("_src", "_iter", "_pending", "handle", "error", "sent", "__weakref__")

    def __init__(self, src: Any) -> None:
        self._src = src
        self._iter: Any = None
        self._pending: Any = b""
        if isinstance(src, str):
            src = src.encode("utf-8")  # a text body, at once (not char by char)
        if isinstance(src, (bytes, bytearray, memoryview)):
            self._pending = memoryview(src).cast("B")
            self._src = None
        elif not hasattr(src, "read"):
            self._iter = iter(src)
            self._src = None
        self.handle = ffi.new_handle(self)
        self.error: Optional[BaseException] = None
        self.sent = 0

    @property
    def fn(self) -> Any:
        return lib._dk_py_read

    def fill(self, buf: Any, n: int) -> int:
        if self._src is not None:
            if hasattr(self._src, "readinto"):
                mv = ffi.buffer(buf, n)
                got = self._src.readinto(mv)
                got = 0 if got is None else got
            else:
                data = self._src.read(n)
                if isinstance(data, str):
                    data = data.encode("utf-8")
                got = len(data)
                ffi.memmove(buf, data, got)
            self.sent += got
            return got
        while not self._pending and self._iter is not None:
            try:
                chunk = next(self._iter)
            except StopIteration:
                self._iter = None
                break
            if isinstance(chunk, str):
                chunk = chunk.encode("utf-8")
            self._pending = memoryview(chunk).cast("B")
        got = min(n, len(self._pending))
        if got:
            ffi.memmove(buf, self._pending[:got], got)
            self._pending = self._pending[got:]
        self.sent += got
        return got

    def check(self) -> None:
        if self.error is not None:
            err, self.error = self.error, None
            raise err


@ffi.def_extern()
def _dk_py_read(ud: Any, buf: Any, n: int) -> int:
    r = ffi.from_handle(ud)
    try:
        return r.fill(buf, n)
    except BaseException as e:  # kept and re-raised after the C call
        r.error = e
        return int(lib.DK_EUSER)


LOOP_IN = int(lib.DK_LOOP_IN)
LOOP_OUT = int(lib.DK_LOOP_OUT)
LOOP_WATCH = int(lib.DK_LOOP_WATCH)
LOOP_TIMER = int(lib.DK_LOOP_TIMER)
LOOP_DONE = int(lib.DK_LOOP_DONE)
ASYNC_PENDING = int(lib.DK_ASYNC_PENDING)
ASYNC_BLOCKING = int(lib.DK_ASYNC_BLOCKING)


# the live loops by their C address, for the streams opened on them (a
# WeakValueDictionary, made by the first loop: weakref is not a start-up import)
_LOOPS: Any = None


class Loop:
    """Owns one ``dk_loop`` (a libcurl multi handle) for one client: the call
    mechanism driven by an event loop (include/clibdocker/loop.h)."""

    __slots__ = ("_ptr", "_client", "_fds", "_evs", "_toks", "owner", "__weakref__")

    _BATCH = 256

    def __init__(self, client: "Client") -> None:
        out = ffi.new("dk_loop **")
        check(lib.dk_loop_new(out, client._p()))
        self._ptr: Any = ffi.gc(out[0], lib.dk_loop_free)
        global _LOOPS
        if _LOOPS is None:
            import weakref
            _LOOPS = weakref.WeakValueDictionary()
        _LOOPS[int(ffi.cast("uintptr_t", out[0]))] = self
        #: what drives it (clibdocker.aio), for the streams opened on it
        self.owner: Any = None
        self._client = client  # the client outlives the loop
        self._fds = ffi.new("int[]", self._BATCH)
        self._evs = ffi.new("int[]", self._BATCH)
        self._toks = ffi.new("uint64_t[]", self._BATCH)

    def close(self) -> None:
        """Cancel every transfer in flight and free the loop."""
        p = self._ptr
        if p is not None:
            self._ptr = None
            ffi.release(p)

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def step(self, fd: int, events: int) -> int:
        """Drive the transfers (fd -1: the timer expired); the LOOP_* bits."""
        p = self._ptr
        if p is None:
            return 0
        rc = lib.dk_loop_step(p, fd, events)
        if rc < 0:
            raise error_from_last(rc)
        return int(rc)

    def pending(self) -> int:
        p = self._ptr
        return 0 if p is None else int(lib.dk_loop_pending(p))

    def watches(self) -> List[Tuple[int, int]]:
        """Socket interest changes, oldest first: (fd, LOOP_IN|LOOP_OUT or 0)."""
        res: List[Tuple[int, int]] = []
        p = self._ptr
        while p is not None:
            n = lib.dk_loop_watches(p, self._fds, self._evs, self._BATCH)
            res.extend(zip(self._fds[0:n], self._evs[0:n]))
            if n < self._BATCH:
                break
        return res

    def timeout(self) -> int:
        """ms until step(-1, 0) is due (0: now), or -1 for no timer."""
        p = self._ptr
        return -1 if p is None else int(lib.dk_loop_timeout(p))

    def done(self) -> List[int]:
        """Tokens of the calls whose transfer is over."""
        res: List[int] = []
        p = self._ptr
        while p is not None:
            n = lib.dk_loop_done(p, self._toks, self._BATCH)
            res.extend(self._toks[0:n])
            if n < self._BATCH:
                break
        return res

    def running(self) -> int:
        p = self._ptr
        return 0 if p is None else int(lib.dk_loop_running(p))

    def call(self, token: int) -> "AsyncCall":
        p = self._ptr
        if p is None:
            raise errors.DockerException("the event loop's client is closed")
        out = ffi.new("dk_async **")
        check(lib.dk_async_new(out, p, token))
        return AsyncCall(out[0], self)


class AsyncCall:
    """Owns one ``dk_async``: runs of an operation, the first starting its
    transfer on the loop, the last taking its answer (see loop.h)."""

    __slots__ = ("_ptr", "_loop")

    def __init__(self, ptr: Any, loop: Loop) -> None:
        self._ptr: Any = ffi.gc(ptr, lib.dk_async_free)
        self._loop = loop  # keeps the loop alive while the call is

    def enter(self) -> None:
        lib.dk_async_enter(self._ptr)

    def enter_blocking(self) -> None:
        """A run on a worker thread after ASYNC_BLOCKING: what the loop's
        runs did is replayed, the rest runs blocking."""
        lib.dk_async_enter_blocking(self._ptr)

    def leave(self) -> int:
        """ASYNC_PENDING, ASYNC_BLOCKING, or 0 (the run's outcome stands)."""
        return int(lib.dk_async_leave(self._ptr, 0))

    def free(self) -> None:
        """Cancel a transfer in flight (its connection closed) and free."""
        p = self._ptr
        if p is not None:
            self._ptr = None
            ffi.release(p)


class Client:
    """Owns one ``dk_client``."""

    __slots__ = ("_ptr", "_trace_fn", "_handle", "__weakref__")

    def __init__(self, url: Optional[str], version: Optional[str],
                 timeout: Optional[float]) -> None:
        out = ffi.new("dk_client **")
        check(lib.dk_client_new(out, _b(url)))
        self._ptr = ffi.gc(out[0], lib.dk_client_free)
        self._trace_fn: Optional[Callable[[TraceRecord], None]] = None
        self._handle: Any = None
        if version is not None and version != "auto":
            check(lib.dk_client_set_api_version(self._ptr, _b(version)))
        connect_given: Any = None
        if isinstance(timeout, tuple) and len(timeout) == 2:   # requests' (connect, read)
            connect_given, timeout = timeout
        total = 0 if timeout is None else int(timeout * 1000)
        if total < 0:
            raise errors.InvalidArgument("timeout must be >= 0 seconds or None")
        connect = 30000 if total == 0 or total > 30000 else total
        if connect_given is not None:
            connect = int(connect_given * 1000)
            if connect < 0:
                raise errors.InvalidArgument("timeout must be >= 0 seconds or None")
        check(lib.dk_client_set_timeouts(self._ptr, connect, total, 0))

    def set_api_version(self, version: str) -> None:
        check(lib.dk_client_set_api_version(self._p(), _b(version)))

    def close(self) -> None:
        p = self._ptr
        if p is not None:
            self._ptr = None
            ffi.release(p)

    def close_idle(self) -> None:
        """Close the pooled idle connections; the client stays usable."""
        p = self._ptr
        if p is not None:
            lib.dk_client_close_idle(p)

    def _p(self) -> Any:
        p = self._ptr
        if p is None:
            raise errors.DockerException("the client is closed")
        return p

    @property
    def url(self) -> str:
        return ffi.string(lib.dk_client_url(self._p())).decode()

    def api_version(self) -> str:
        out = ffi.new("const char **")
        check(lib.dk_client_api_version(out, self._p()))
        return ffi.string(out[0]).decode()

    def set_tls(self, ca_cert: Optional[str], cert: Optional[str], key: Optional[str],
                verify: bool) -> None:
        o = ffi.new("dk_tls_options *")
        lib.dk_tls_options_init(o)
        keep = [_NULL if v is None else ffi.new("char[]", _b(v)) for v in (ca_cert, cert, key)]
        o.ca_cert, o.client_cert, o.client_key = keep
        o.verify = 1 if verify else 0
        check(lib.dk_client_set_tls(self._p(), o))

    def set_timeouts(self, connect: float, total: float, idle: float) -> None:
        check(lib.dk_client_set_timeouts(self._p(), int(connect * 1000), int(total * 1000),
                                         int(idle * 1000)))

    def set_trace(self, fn: Optional[Callable[[TraceRecord], None]], cap: int) -> None:
        if fn is None:
            check(lib.dk_client_set_trace(self._p(), _NULL, _NULL, 0))
            self._trace_fn = None
            self._handle = None
            return
        self._trace_fn = fn
        if self._handle is None:
            self._handle = ffi.new_handle(self)
        check(lib.dk_client_set_trace(self._p(), lib._dk_py_trace, self._handle, cap))

    # --- generic requests and client headers (request.h) ---------------------

    def set_headers(self, lines: List[str]) -> None:
        """The "Name: value" lines every request carries (replacing the
        previous ones; an empty list removes them)."""
        keep = [ffi.new("char[]", _b(line)) for line in lines]
        arr = ffi.new("char *[]", keep + [_NULL]) if keep else _NULL
        check(lib.dk_client_set_headers(self._p(), arr))

    def _request_options(self, method: str, path: str, body: Optional[bytes],
                         reader: Optional[Reader], content_type: Optional[str],
                         headers: Optional[List[str]], timeout_ms: int) -> Tuple[Any, List[Any]]:
        o = ffi.new("dk_request_options *")
        lib.dk_request_options_init(o)
        keep: List[Any] = [ffi.new("char[]", _b(method)), ffi.new("char[]", _b(path))]
        o.method, o.path = keep[0], keep[1]
        if body is not None:
            buf = ffi.from_buffer(body)
            keep.append(buf)
            o.body = buf
            o.body_len = len(body)
        if reader is not None:
            o.body_read = reader.fn
            o.body_read_ud = reader.handle
        if content_type is not None:
            keep.append(ffi.new("char[]", _b(content_type)))
            o.content_type = keep[-1]
        if headers:
            lines = [ffi.new("char[]", _b(h)) for h in headers]
            keep.extend(lines)
            keep.append(ffi.new("char *[]", lines + [_NULL]))
            o.headers = keep[-1]
        o.timeout_ms = timeout_ms
        return o, keep

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                reader: Optional[Reader] = None, content_type: Optional[str] = None,
                headers: Optional[List[str]] = None,
                timeout_ms: int = -1) -> Tuple[int, bytes, bytes]:
        """One request whatever its status: (status, head, body)."""
        o, _keep = self._request_options(method, path, body, reader, content_type, headers,
                                         timeout_ms)
        out = ffi.new("dk_response **")
        rc = _int_args(lib.dk_request, out, self._p(), o)
        if reader is not None:
            reader.check()
        if rc:
            raise error_from_last(rc)
        r = out[0]
        try:
            n = ffi.new("size_t *")
            head = lib.dk_response_headers(r, n)
            head_b = ffi.unpack(head, n[0])
            body_p = lib.dk_response_body(r, n)
            return int(lib.dk_response_status(r)), head_b, ffi.unpack(body_p, n[0])
        finally:
            lib.dk_response_free(r)

    def request_stream(self, method: str, path: str, body: Optional[bytes] = None,
                       reader: Optional[Reader] = None, content_type: Optional[str] = None,
                       headers: Optional[List[str]] = None) -> "Stream":
        """One request whose body is streamed raw as it arrives."""
        o, keep = self._request_options(method, path, body, reader, content_type, headers, -1)
        out = ffi.new("dk_stream **")
        rc = lib.dk_request_stream(out, self._p(), o)
        if reader is not None:
            reader.check()
        if rc:
            raise error_from_last(rc)
        st = Stream(out[0], self)
        st.keep((keep, reader))
        return st

    # --- System ------------------------------------------------------------

    def ping(self) -> None:
        rc = lib.dk_system_ping(self._p())
        if rc:
            raise error_from_last(rc)

    def ping_head(self) -> bytes:
        out = ffi.new("dk_value **")
        rc = lib.dk_system_ping_head(out, self._p())
        if rc:
            raise error_from_last(rc)
        return _take_value(out[0])

    def version(self, versioned: bool) -> bytes:
        out = ffi.new("dk_value **")
        rc = lib.dk_system_version(out, self._p(), 1 if versioned else 0)
        if rc:
            raise error_from_last(rc)
        return _take_value(out[0])

    def info(self) -> bytes:
        out = ffi.new("dk_value **")
        rc = lib.dk_system_info(out, self._p())
        if rc:
            raise error_from_last(rc)
        return _take_value(out[0])

    def df(self, types: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        rc = lib.dk_system_df(out, self._p(), _b(types))
        if rc:
            raise error_from_last(rc)
        return _take_value(out[0])

    def auth(self, auth_json: str) -> bytes:
        out = ffi.new("dk_value **")
        rc = lib.dk_system_auth(out, self._p(), _b(auth_json))
        if rc:
            raise error_from_last(rc)
        return _take_value(out[0])

    def events(self, since: Optional[str], until: Optional[str],
               filters: Optional[str]) -> "Stream":
        out = ffi.new("dk_stream **")
        rc = lib.dk_system_events(out, self._p(), _b(since), _b(until), _b(filters))
        if rc:
            raise error_from_last(rc)
        return Stream(out[0], self)

    # --- Networks ----------------------------------------------------------

    def network_list(self, filters: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_network_list(out, self._p(), _b(filters)))
        return _take_value(out[0])

    def network_inspect(self, net_id: str, verbose: Optional[bool],
                        scope: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        v = -1 if verbose is None else (1 if verbose else 0)
        check(lib.dk_network_inspect(out, self._p(), _b(net_id), v, _b(scope)))
        return _take_value(out[0])

    def network_delete(self, net_id: str) -> None:
        check(lib.dk_network_delete(self._p(), _b(net_id)))

    def network_create(self, config_json: str) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_network_create(out, self._p(), _b(config_json)))
        return _take_value(out[0])

    def network_connect(self, net_id: str, container: str,
                        endpoint_json: Optional[str]) -> None:
        check(lib.dk_network_connect(self._p(), _b(net_id), _b(container), _b(endpoint_json)))

    def network_disconnect(self, net_id: str, container: str, force: bool) -> None:
        check(lib.dk_network_disconnect(self._p(), _b(net_id), _b(container),
                                        1 if force else 0))

    def network_prune(self, filters: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_network_prune(out, self._p(), _b(filters)))
        return _take_value(out[0])

    # --- Volumes -----------------------------------------------------------

    def volume_list(self, filters: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_volume_list(out, self._p(), _b(filters)))
        return _take_value(out[0])

    def volume_create(self, config_json: str) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_volume_create(out, self._p(), _b(config_json)))
        return _take_value(out[0])

    def volume_inspect(self, name: str) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_volume_inspect(out, self._p(), _b(name)))
        return _take_value(out[0])

    def volume_update(self, name: str, spec_json: str, version: int) -> None:
        check(lib.dk_volume_update(self._p(), _b(name), _b(spec_json), int(version)))

    def volume_delete(self, name: str, force: bool) -> None:
        check(lib.dk_volume_delete(self._p(), _b(name), 1 if force else 0))

    def volume_prune(self, filters: Optional[str]) -> bytes:
        out = ffi.new("dk_value **")
        check(lib.dk_volume_prune(out, self._p(), _b(filters)))
        return _take_value(out[0])
    # --- Containers (non-streaming) ------------------------------------------

    def _value(self, fn: Any, *args: Any, not_found: Optional[type] = None) -> bytes:
        # _int_args and _p() written out: every value call of both clients
        # runs this (twice per call on an event loop)
        p = self._ptr
        if p is None:
            raise errors.DockerException("the client is closed")
        out = ffi.new("dk_value **")
        try:
            rc = fn(out, p, *args)
        except OverflowError as e:
            raise errors.InvalidArgument(f"an integer argument is out of range: {e}") from None
        if rc:
            if rc in _DEFERRED_CODES:   # an event loop's call: raised here, one frame less
                raise Deferred(rc)
            raise error_from_last(rc, not_found)
        return _take_value(out[0])

    def _void(self, fn: Any, *args: Any) -> None:
        p = self._ptr
        if p is None:
            raise errors.DockerException("the client is closed")
        try:
            rc = fn(p, *args)
        except OverflowError as e:
            raise errors.InvalidArgument(f"an integer argument is out of range: {e}") from None
        if rc:
            if rc in _DEFERRED_CODES:
                raise Deferred(rc)
            raise error_from_last(rc)

    def container_list(self, all: bool, limit: int, size: bool,
                       filters: Optional[str]) -> bytes:
        return self._value(lib.dk_container_list, 1 if all else 0, limit,
                           1 if size else 0, _b(filters))

    def container_create(self, name: Optional[str], platform: Optional[str],
                         config_json: str) -> bytes:
        # a 404 naming the image is ImageNotFound by its message (error_from_last)
        return self._value(lib.dk_container_create, _b(name), _b(platform), _b(config_json))

    def container_inspect(self, cid: str, size: bool) -> bytes:
        return self._value(lib.dk_container_inspect, _b(cid), 1 if size else 0)

    def container_top(self, cid: str, ps_args: Optional[str]) -> bytes:
        return self._value(lib.dk_container_top, _b(cid), _b(ps_args))

    def container_changes(self, cid: str) -> bytes:
        return self._value(lib.dk_container_changes, _b(cid))

    def container_resize(self, cid: str, height: int, width: int) -> None:
        self._void(lib.dk_container_resize, _b(cid), height, width)

    def container_start(self, cid: str, detach_keys: Optional[str]) -> None:
        self._void(lib.dk_container_start, _b(cid), _b(detach_keys))

    def container_stop(self, cid: str, timeout: int, signal: Optional[str]) -> None:
        self._void(lib.dk_container_stop, _b(cid), timeout, _b(signal))

    def container_restart(self, cid: str, timeout: int, signal: Optional[str]) -> None:
        self._void(lib.dk_container_restart, _b(cid), timeout, _b(signal))

    def container_kill(self, cid: str, signal: Optional[str]) -> None:
        self._void(lib.dk_container_kill, _b(cid), _b(signal))

    def container_update(self, cid: str, update_json: str) -> bytes:
        return self._value(lib.dk_container_update, _b(cid), _b(update_json))

    def container_rename(self, cid: str, name: str) -> None:
        self._void(lib.dk_container_rename, _b(cid), _b(name))

    def container_pause(self, cid: str) -> None:
        self._void(lib.dk_container_pause, _b(cid))

    def container_unpause(self, cid: str) -> None:
        self._void(lib.dk_container_unpause, _b(cid))

    def container_wait(self, cid: str, condition: Optional[str], timeout_ms: int) -> bytes:
        return self._value(lib.dk_container_wait, _b(cid), _b(condition), timeout_ms)

    def container_delete(self, cid: str, v: bool, force: bool, link: bool) -> None:
        self._void(lib.dk_container_delete, _b(cid), 1 if v else 0, 1 if force else 0,
                   1 if link else 0)

    def container_archive_info(self, cid: str, path: str) -> bytes:
        return self._value(lib.dk_container_archive_info, _b(cid), _b(path))

    def container_prune(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_container_prune, _b(filters))
    # --- Images ------------------------------------------------------------

    def _stream_op(self, fn: Any, *args: Any, not_found: Optional[type] = None,
                   reader: Optional[Reader] = None) -> "Stream":
        out = ffi.new("dk_stream **")
        rc = _int_args(fn, out, self._p(), *args)
        if reader is not None:
            reader.check()
        if rc:
            raise error_from_last(rc, not_found)
        return Stream(out[0], self)

    def image_list(self, all: int, filters: Optional[str], digests: int,
                   shared_size: int) -> bytes:
        return self._value(lib.dk_image_list, all, _b(filters), digests, shared_size)

    def image_inspect(self, name: str) -> bytes:
        return self._value(lib.dk_image_inspect, _b(name), not_found=errors.ImageNotFound)

    def image_history(self, name: str) -> bytes:
        return self._value(lib.dk_image_history, _b(name), not_found=errors.ImageNotFound)

    def image_attestations(self, name: str, platform: Optional[str], type_: Optional[str],
                           statement: Optional[str]) -> bytes:
        return self._value(lib.dk_image_attestations, _b(name), _b(platform), _b(type_),
                              _b(statement), not_found=errors.ImageNotFound)

    def image_tag(self, name: str, repo: str, tag: Optional[str]) -> None:
        rc = lib.dk_image_tag(self._p(), _b(name), _b(repo), _b(tag))
        if rc:
            raise error_from_last(rc, errors.ImageNotFound)

    def image_delete(self, name: str, force: int, noprune: int) -> bytes:
        return self._value(lib.dk_image_delete, _b(name), force, noprune,
                              not_found=errors.ImageNotFound)

    def image_search(self, term: str, limit: int, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_image_search, _b(term), limit, _b(filters))

    def image_prune(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_image_prune, _b(filters))

    def image_commit(self, container: str, repo: Optional[str], tag: Optional[str],
                     comment: Optional[str], author: Optional[str], pause: int,
                     changes: Optional[str], config: Optional[str]) -> bytes:
        return self._value(lib.dk_image_commit, _b(container), _b(repo), _b(tag),
                              _b(comment), _b(author), pause, _b(changes), _b(config))

    def image_pull(self, image: str, tag: Optional[str], platform: Optional[str],
                   auth: Optional[str]) -> "Stream":
        return self._stream_op(lib.dk_image_pull, _b(image), _b(tag), _b(platform), _b(auth),
                               not_found=errors.ImageNotFound)

    def image_import(self, src: str, repo: Optional[str], tag: Optional[str],
                     message: Optional[str], changes: Optional[str],
                     platform: Optional[str], body: Any) -> "Stream":
        reader = Reader(body) if body is not None else None
        fn = reader.fn if reader is not None else _NULL
        ud = reader.handle if reader is not None else _NULL
        st = self._stream_op(lib.dk_image_import, _b(src), _b(repo), _b(tag), _b(message),
                             _b(changes), _b(platform), fn, ud, reader=reader)
        st.keep(reader)
        return st

    def image_push(self, name: str, tag: Optional[str], auth: Optional[str]) -> "Stream":
        return self._stream_op(lib.dk_image_push, _b(name), _b(tag), _b(auth),
                               not_found=errors.ImageNotFound)

    def image_get(self, name: str) -> "Stream":
        return self._stream_op(lib.dk_image_get, _b(name), not_found=errors.ImageNotFound)

    def image_get_all(self, names: "list[str]") -> "Stream":
        bufs = [ffi.new("char[]", _b(n)) for n in names]
        arr = ffi.new("const char *[]", bufs)
        return self._stream_op(lib.dk_image_get_all, arr, len(bufs),
                               not_found=errors.ImageNotFound)

    def image_load(self, body: Any, quiet: int) -> "Stream":
        reader = Reader(body)
        st = self._stream_op(lib.dk_image_load, reader.fn, reader.handle, quiet, reader=reader)
        st.keep(reader)
        return st

    def image_build(self, opts: "dict[str, Any]", context_dir: Optional[str],
                    body: Any) -> "Stream":
        keep: "list[Any]" = []
        o = _build_options(opts, keep)
        if context_dir is not None:
            return self._stream_op(lib.dk_image_build_dir, o, _b(context_dir))
        reader = Reader(body) if body is not None else None
        st = self._stream_op(lib.dk_image_build, o,
                             reader.fn if reader is not None else _NULL,
                             reader.handle if reader is not None else _NULL, reader=reader)
        st.keep(reader)
        return st

    def image_build_session(self, opts: "dict[str, Any]", session: "Session",
                            buildid: str) -> "Stream":
        """A BuildKit build whose context comes through ``session`` (open)."""
        keep: "list[Any]" = []
        o = _build_options(opts, keep)
        return self._stream_op(lib.dk_image_build_session, o, session._p(), _b(buildid))

    def build_cancel(self, buildid: str) -> None:
        check(lib.dk_build_cancel(self._p(), _b(buildid)))

    def build_prune(self, all: int, filters: Optional[str], keep_storage: int) -> bytes:
        return self._value(lib.dk_build_prune, all, _b(filters), keep_storage)

    def distribution_inspect(self, name: str, auth: Optional[str]) -> bytes:
        return self._value(lib.dk_distribution_inspect, _b(name), _b(auth))

    # --- Plugins -------------------------------------------------------------

    def plugin_list(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_plugin_list, _b(filters))

    def plugin_privileges(self, remote: str, auth: Optional[str]) -> bytes:
        return self._value(lib.dk_plugin_privileges, _b(remote), _b(auth))

    def plugin_pull(self, remote: str, name: Optional[str], privileges: Optional[str],
                    auth: Optional[str]) -> "Stream":
        return self._stream_op(lib.dk_plugin_pull, _b(remote), _b(name), _b(privileges),
                               _b(auth))

    def plugin_inspect(self, name: str) -> bytes:
        return self._value(lib.dk_plugin_inspect, _b(name))

    def plugin_delete(self, name: str, force: int) -> None:
        self._void(lib.dk_plugin_delete, _b(name), force)

    def plugin_enable(self, name: str, timeout: int) -> None:
        self._void(lib.dk_plugin_enable, _b(name), timeout)

    def plugin_disable(self, name: str, force: int) -> None:
        self._void(lib.dk_plugin_disable, _b(name), force)

    def plugin_upgrade(self, name: str, remote: str, privileges: Optional[str],
                       auth: Optional[str]) -> "Stream":
        return self._stream_op(lib.dk_plugin_upgrade, _b(name), _b(remote), _b(privileges),
                               _b(auth))

    def plugin_create(self, name: str, body: Any) -> None:
        reader = Reader(body)
        rc = lib.dk_plugin_create(self._p(), _b(name), reader.fn, reader.handle)
        reader.check()
        if rc:
            raise error_from_last(rc)

    def plugin_create_dir(self, name: str, directory: str) -> None:
        self._void(lib.dk_plugin_create_dir, _b(name), _b(directory))

    def plugin_push(self, name: str, auth: Optional[str]) -> "Stream":
        return self._stream_op(lib.dk_plugin_push, _b(name), _b(auth))

    def plugin_set(self, name: str, settings: str) -> None:
        self._void(lib.dk_plugin_set, _b(name), _b(settings))


    # --- Swarm and nodes -----------------------------------------------------

    def swarm_init(self, request_json: str) -> bytes:
        return self._value(lib.dk_swarm_init, _b(request_json))

    def swarm_join(self, request_json: str) -> None:
        self._void(lib.dk_swarm_join, _b(request_json))

    def swarm_leave(self, force: bool) -> None:
        self._void(lib.dk_swarm_leave, 1 if force else 0)

    def swarm_update(self, spec_json: str, version: int, rotate_worker_token: bool,
                     rotate_manager_token: bool, rotate_manager_unlock_key: bool) -> None:
        self._void(lib.dk_swarm_update, _b(spec_json), int(version),
                   1 if rotate_worker_token else 0, 1 if rotate_manager_token else 0,
                   1 if rotate_manager_unlock_key else 0)

    def swarm_inspect(self) -> bytes:
        return self._value(lib.dk_swarm_inspect)

    def swarm_unlockkey(self) -> bytes:
        return self._value(lib.dk_swarm_unlockkey)

    def swarm_unlock(self, key: str) -> None:
        self._void(lib.dk_swarm_unlock, _b(key))

    def node_list(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_node_list, _b(filters))

    def node_inspect(self, node_id: str) -> bytes:
        return self._value(lib.dk_node_inspect, _b(node_id))

    def node_delete(self, node_id: str, force: bool) -> None:
        self._void(lib.dk_node_delete, _b(node_id), 1 if force else 0)

    def node_update(self, node_id: str, version: int, spec_json: str) -> None:
        self._void(lib.dk_node_update, _b(node_id), int(version), _b(spec_json))

    # --- Services and tasks ----------------------------------------------------

    def service_list(self, filters: Optional[str], status: int) -> bytes:
        return self._value(lib.dk_service_list, _b(filters), status)

    def service_create(self, spec_json: str, auth: Optional[str]) -> bytes:
        return self._value(lib.dk_service_create, _b(spec_json), _b(auth))

    def service_inspect(self, service: str, insert_defaults: int) -> bytes:
        return self._value(lib.dk_service_inspect, _b(service), insert_defaults)

    def service_delete(self, service: str) -> None:
        self._void(lib.dk_service_delete, _b(service))

    def service_update(self, service: str, version: int, spec_json: str,
                       registry_auth_from: Optional[str], rollback: Optional[str],
                       auth: Optional[str]) -> bytes:
        return self._value(lib.dk_service_update, _b(service), int(version), _b(spec_json),
                           _b(registry_auth_from), _b(rollback), _b(auth))

    def task_list(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_task_list, _b(filters))

    def task_inspect(self, task: str) -> bytes:
        return self._value(lib.dk_task_inspect, _b(task))

    # --- Secrets and configs ---------------------------------------------------

    def secret_list(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_secret_list, _b(filters))

    def secret_create(self, spec_json: str) -> bytes:
        return self._value(lib.dk_secret_create, _b(spec_json))

    def secret_inspect(self, secret_id: str) -> bytes:
        return self._value(lib.dk_secret_inspect, _b(secret_id))

    def secret_delete(self, secret_id: str) -> None:
        self._void(lib.dk_secret_delete, _b(secret_id))

    def secret_update(self, secret_id: str, version: int, spec_json: str) -> None:
        self._void(lib.dk_secret_update, _b(secret_id), int(version), _b(spec_json))

    def config_list(self, filters: Optional[str]) -> bytes:
        return self._value(lib.dk_config_list, _b(filters))

    def config_create(self, spec_json: str) -> bytes:
        return self._value(lib.dk_config_create, _b(spec_json))

    def config_inspect(self, config_id: str) -> bytes:
        return self._value(lib.dk_config_inspect, _b(config_id))

    def config_delete(self, config_id: str) -> None:
        self._void(lib.dk_config_delete, _b(config_id))

    def config_update(self, config_id: str, version: int, spec_json: str) -> None:
        self._void(lib.dk_config_update, _b(config_id), int(version), _b(spec_json))

    # --- Container streams (container_io.h) -------------------------------------

    def _hijack_call(self, fn: Any, *args: Any) -> "Hijack":
        out = ffi.new("dk_hijack **")
        rc = fn(out, self._p(), *args)
        if rc:
            raise error_from_last(rc)
        return Hijack(out[0], self)

    def container_logs(self, cid: str, stdout: bool, stderr: bool, follow: bool,
                       timestamps: bool, since: Optional[str], until: Optional[str],
                       tail: Optional[str], tty: int, details: bool = False,
                       which: str = "container") -> "Stream":
        """Logs of a container, or with ``which`` "service"/"task" a swarm
        service's or task's."""
        o = ffi.new("dk_logs_options *")
        lib.dk_logs_options_init(o)
        keep = [_cstr(since), _cstr(until), _cstr(tail)]
        o.show_stdout = 1 if stdout else 0
        o.show_stderr = 1 if stderr else 0
        o.follow = 1 if follow else 0
        o.timestamps = 1 if timestamps else 0
        o.since, o.until, o.tail = keep
        o.tty = tty
        o.details = 1 if details else 0
        fn = {"container": lib.dk_container_logs, "service": lib.dk_service_logs,
              "task": lib.dk_task_logs}[which]
        return self._stream_op(fn, _b(cid), o)

    @staticmethod
    def _attach_opts(stdin: bool, stdout: bool, stderr: bool, logs: bool, stream: bool,
                     detach_keys: Any, tty: int) -> Any:
        o = ffi.new("dk_attach_options *")
        lib.dk_attach_options_init(o)
        o.show_stdin = 1 if stdin else 0
        o.show_stdout = 1 if stdout else 0
        o.show_stderr = 1 if stderr else 0
        o.logs = 1 if logs else 0
        o.stream = 1 if stream else 0
        o.detach_keys = detach_keys
        o.tty = tty
        return o

    def container_attach(self, cid: str, stdout: bool, stderr: bool, logs: bool,
                         stream: bool, detach_keys: Optional[str], tty: int) -> "Stream":
        dk = _cstr(detach_keys)
        o = self._attach_opts(False, stdout, stderr, logs, stream, dk, tty)
        return self._stream_op(lib.dk_container_attach, _b(cid), o)

    def container_attach_hijack(self, cid: str, stdin: bool, stdout: bool, stderr: bool,
                                logs: bool, stream: bool, detach_keys: Optional[str],
                                tty: int, websocket: bool = False) -> "Hijack":
        dk = _cstr(detach_keys)
        o = self._attach_opts(stdin, stdout, stderr, logs, stream, dk, tty)
        fn = lib.dk_container_attach_websocket if websocket else lib.dk_container_attach_hijack
        return self._hijack_call(fn, _b(cid), o)

    def container_export(self, cid: str) -> "Stream":
        return self._stream_op(lib.dk_container_export, _b(cid))

    def container_stats(self, cid: str) -> "Stream":
        return self._stream_op(lib.dk_container_stats, _b(cid))

    def container_stats_once(self, cid: str, one_shot: int) -> bytes:  # one_shot: -1/0/1
        return self._value(lib.dk_container_stats_once, _b(cid), one_shot)

    def container_archive_get(self, cid: str, path: str, compressed: bool) -> "Stream":
        return self._stream_op(lib.dk_container_archive_get, _b(cid), _b(path),
                                 int(compressed))

    def container_archive_put(self, cid: str, path: str, no_overwrite: int, copy_uid_gid: int,
                              reader: Reader) -> None:
        rc = lib.dk_container_archive_put(self._p(), _b(cid), _b(path), no_overwrite,
                                          copy_uid_gid, reader.fn, reader.handle)
        reader.check()
        if rc:
            raise error_from_last(rc)

    # --- Exec (exec.h) ---------------------------------------------------------------

    def exec_create(self, cid: str, config_json: str) -> bytes:
        return self._value(lib.dk_exec_create, _b(cid), _b(config_json))

    def exec_inspect(self, exec_id: str) -> bytes:
        return self._value(lib.dk_exec_inspect, _b(exec_id))

    def exec_resize(self, exec_id: str, height: int, width: int) -> None:
        check(_int_args(lib.dk_exec_resize, self._p(), _b(exec_id), height, width))

    def exec_start(self, exec_id: str, tty: int) -> "Stream":
        return self._stream_op(lib.dk_exec_start, _b(exec_id), tty)

    def exec_start_detached(self, exec_id: str, tty: int) -> None:
        check(lib.dk_exec_start_detached(self._p(), _b(exec_id), tty))

    def exec_start_hijack(self, exec_id: str, tty: int) -> "Hijack":
        return self._hijack_call(lib.dk_exec_start_hijack, _b(exec_id), tty)



def _build_options(opts: "dict[str, Any]", keep: "list[Any]") -> Any:
    """A ``dk_build_options`` from ``opts`` (field name -> value; None
    unset); the C strings are appended to ``keep``."""
    o = ffi.new("dk_build_options *")
    lib.dk_build_options_init(o)
    keep.append(o)

    def cstr(v: Any) -> Any:
        b = ffi.new("char[]", _b(v))
        keep.append(b)
        return b

    for key, value in opts.items():
        if value is None:
            continue
        if key in ("tags", "extra_hosts"):
            bufs = [cstr(v) for v in value]
            arr = ffi.new("const char *[]", bufs)
            keep.append(arr)
            setattr(o, key, arr)
            setattr(o, "n" + key, len(bufs))
        elif isinstance(value, bool):
            setattr(o, key, 1 if value else 0)
        elif isinstance(value, int):
            setattr(o, key, value)
        else:
            setattr(o, key, cstr(value))
    return o


def buildkit_status_decode(aux: Union[str, bytes]) -> bytes:
    """The JSON text of one ``moby.buildkit.trace`` aux (base64 of a
    StatusResponse), decoded in C."""
    data = aux.encode("ascii", "replace") if isinstance(aux, str) else aux
    out = ffi.new("dk_value **")
    rc = lib.dk_buildkit_status_decode(out, data, len(data))
    if rc:
        raise error_from_last(rc)
    return _take_value(out[0])


class Session:
    """Owns one ``dk_session`` (a BuildKit session served by a C thread of
    its own). Set it up, ``open()``, use ``id`` for a build, ``close()``."""

    __slots__ = ("_ptr", "_client", "_lock")

    def __init__(self, client: Client, name: Optional[str], shared_key: Optional[str]) -> None:
        out = ffi.new("dk_session **")
        check(lib.dk_session_new(out, client._p(), _b(name), _b(shared_key)))
        self._ptr = ffi.gc(out[0], lib.dk_session_close)
        self._client = client
        self._lock = _lock()

    def _p(self) -> Any:
        p = self._ptr
        if p is None:
            raise errors.InvalidArgument("the BuildKit session is closed")
        return p

    def add_dir(self, name: str, path: str, excludes: Optional[List[str]] = None) -> None:
        keep = [ffi.new("char[]", _b(e)) for e in (excludes or [])]
        arr = ffi.new("const char *[]", keep + [_NULL]) if keep else _NULL
        check(lib.dk_session_add_dir(self._p(), _b(name), _b(path), arr))

    def add_secret(self, sid: str, data: bytes) -> None:
        check(lib.dk_session_add_secret(self._p(), _b(sid), data, len(data)))

    def use_credentials(self, config_dir: Optional[str]) -> None:
        check(lib.dk_session_use_credentials(self._p(), _b(config_dir)))

    def add_ssh(self, sid: Optional[str], agent_socket: str) -> None:
        check(lib.dk_session_add_ssh(self._p(), _b(sid), _b(agent_socket)))

    def set_output(self, directory: Optional[str], fd: int) -> None:
        check(lib.dk_session_set_output(self._p(), _b(directory), fd))

    def set_auth(self, registry_config_json: str) -> None:
        check(lib.dk_session_set_auth(self._p(), _b(registry_config_json)))

    def open(self) -> None:
        check(lib.dk_session_open(self._p()))

    @property
    def id(self) -> str:
        return ffi.string(lib.dk_session_id(self._p())).decode()

    def stats(self) -> "dict[str, int]":
        st = ffi.new("dk_session_stats *")
        with self._lock:
            if self._ptr is None:
                return {}
            lib.dk_session_get_stats(self._ptr, st)
        return {k: int(getattr(st, k)) for k in (
            "bytes_sent", "bytes_received", "file_bytes", "stat_packets",
            "files_requested", "health_checks", "calls", "output_bytes", "closed")}

    def error(self) -> Optional[str]:
        """The error that ended the serving thread, or None."""
        msg = ffi.new("const char **")
        with self._lock:
            if self._ptr is None:
                return None
            rc = lib.dk_session_error(self._ptr, msg)
            return ffi.string(msg[0]).decode("utf-8", "replace") if rc else None

    def close(self) -> None:
        with self._lock:
            p = self._ptr
            self._ptr = None
        if p is not None:
            ffi.release(p)

class Stream:
    """Owns one ``dk_stream``. ``next()`` may run in one thread while
    ``close()`` is called from another: close cancels, and the stream is freed
    by whichever of the two finishes last."""

    __slots__ = ("_ptr", "_lock", "_busy", "_closed", "_client", "_data", "_len", "_keep",
                 "_runs", "_nruns", "_nb", "loop", "loop_token", "on_close")

    def __init__(self, ptr: Any, client: Client) -> None:
        self._ptr = ffi.gc(ptr, lib.dk_stream_free)
        lp = lib.dk_stream_loop(ptr)
        #: the event loop (Loop) whose multi handle moves this stream's
        #: bytes, or None (its own)
        self.loop: Optional[Loop] = None if lp == _NULL or _LOOPS is None else _LOOPS.get(
            int(ffi.cast("uintptr_t", lp)))
        self.loop_token = 0
        #: on a loop: called by close() (may ask to free later, on the
        #: loop's thread, by returning False)
        self.on_close: Optional[Callable[["Stream"], bool]] = None
        self._lock = _lock()
        self._busy = False
        self._closed = False
        self._client = client  # keep the client alive while the stream is
        self._data = ffi.new("const char **")
        self._len = ffi.new("size_t *")
        self._runs = ffi.new("const dk_stream_run **")
        self._nruns = ffi.new("size_t *")
        self._keep: Any = None
        self._nb = False

    def keep(self, obj: Any) -> None:
        """Keep ``obj`` (a request-body Reader) alive as long as the stream."""
        self._keep = obj

    def next(self, nowait: bool = False) -> Optional[bytes]:
        """The next message, or None at the end (or after close()). With
        ``nowait``, :data:`AGAIN` when nothing is ready yet (never waits)."""
        with self._lock:
            p = self._ptr
            if p is None or self._closed:
                return None
            self._busy = True
        try:
            self._set_mode(p, nowait)
            rc = lib.dk_stream_next(p, self._data, self._len)
            if rc == 1:
                return ffi.unpack(self._data[0], self._len[0])
            if rc == lib.DK_STREAM_AGAIN:
                return AGAIN  # type: ignore[no-any-return]
            if rc == 0 or rc == lib.DK_ECANCELED:
                self._free_after_next()
                return None
            exc = error_from_last(rc)
        finally:
            with self._lock:
                self._busy = False
                if self._closed:
                    self._free_locked()
        self.close()
        raise exc

    def _set_mode(self, p: Any, nowait: bool) -> None:
        """Blocking or non-blocking pulls (one FFI call, only on a change)."""
        if nowait is not self._nb:
            lib.dk_stream_set_nonblocking(p, 1 if nowait else 0)
            self._nb = nowait

    def _free_after_next(self) -> None:
        with self._lock:
            self._closed = True

    def _free_locked(self) -> None:
        p = self._ptr
        if p is not None and not self._busy:
            self._ptr = None
            ffi.release(p)

    def next_batch(self, merge: bool,
                   nowait: bool = False) -> Optional[List[Tuple[int, bytes]]]:
        """Every piece ready now (at least one, waiting for it) as
        ``(stream_id, bytes)``: one FFI call for many frames. None at the end
        (or after close()). With ``nowait``, :data:`AGAIN` when nothing is
        ready yet."""
        with self._lock:
            p = self._ptr
            if p is None or self._closed:
                return None
            self._busy = True
        runs = self._runs
        nruns = self._nruns
        try:
            self._set_mode(p, nowait)
            rc = lib.dk_stream_next_batch(p, 1 if merge else 0, self._data, self._len,
                                          runs, nruns)
            if rc == lib.DK_STREAM_AGAIN:
                return AGAIN  # type: ignore[no-any-return]
            if rc == 1:
                buf = ffi.unpack(self._data[0], self._len[0])
                n = nruns[0]
                r = runs[0]
                if n == 1:
                    return [(r[0].stream_id, buf)]
                out = []
                off = 0
                for i in range(n):
                    ri = r[i]
                    end = off + ri.len
                    out.append((ri.stream_id, buf[off:end]))
                    off = end
                return out
            if rc == 0 or rc == lib.DK_ECANCELED:
                self._free_after_next()
                return None
            exc = error_from_last(rc)
        finally:
            with self._lock:
                self._busy = False
                if self._closed:
                    self._free_locked()
        self.close()
        raise exc

    def wait_info(self) -> Tuple[int, Optional[float]]:
        """After :data:`AGAIN`: the socket to wait on for reading (-1: none)
        and the longest wait in seconds before pulling again (None: no
        limit; 0: pull again now)."""
        with self._lock:
            p = self._ptr
            if p is None or self._closed:
                return -1, 0.0
            fd = ffi.new("int *")
            t = ffi.new("long *")
            lib.dk_stream_wait_info(p, fd, t)
            return int(fd[0]), (None if t[0] < 0 else t[0] / 1000.0)

    def header(self, name: str) -> Optional[str]:
        """A response header of the stream, or None."""
        with self._lock:
            p = self._ptr
            if p is None:
                return None
            n = ffi.new("size_t *")
            v = lib.dk_stream_header(p, _b(name), n)
            if v == _NULL:
                return None
            return ffi.unpack(v, n[0]).decode("latin-1")

    def archive_stat(self) -> Optional[bytes]:
        """The decoded X-Docker-Container-Path-Stat header (JSON), or None."""
        with self._lock:
            p = self._ptr
            if p is None:
                return None
            out = ffi.new("dk_value **")
            if lib.dk_container_archive_stat(out, p):
                return None
            return _take_value(out[0])

    @property
    def kind(self) -> int:
        """lib.DK_STREAM_JSON / _RAW / _MUX."""
        with self._lock:
            p = self._ptr
            return int(lib.dk_stream_get_kind(p)) if p is not None else 0

    def copy_to_fd(self, fd: int) -> int:
        """Write the rest of a raw stream to ``fd`` (GIL released, bounded
        memory). Returns the number of bytes copied."""
        with self._lock:
            p = self._ptr
            if p is None or self._closed:
                return 0
            self._busy = True
        n = ffi.new("uint64_t *")
        try:
            rc = lib.dk_stream_copy_fd(p, fd, n)
            exc = error_from_last(rc) if rc < 0 and rc != lib.DK_ECANCELED else None
            self._closed = True
        finally:
            with self._lock:
                self._busy = False
                if self._closed:
                    self._free_locked()
        if exc is not None:
            raise exc
        return int(n[0])

    def set_loop_token(self, token: int) -> None:
        """On a loop: the token dk_loop_done() names when there is news."""
        with self._lock:
            p = self._ptr
            if p is not None:
                check(lib.dk_stream_set_loop_token(p, token))
                self.loop_token = token

    def close(self) -> None:
        """Stop the stream (from any thread) and free it."""
        hook = self.on_close
        now = hook(self) if hook is not None else True
        with self._lock:
            p = self._ptr
            if p is None:
                return
            self._closed = True
            if self._busy or not now:
                lib.dk_stream_cancel(p)  # freed by the pull, or on the loop's thread
            else:
                self._free_locked()

    @property
    def closed(self) -> bool:
        return self._ptr is None or self._closed


STDOUT = 1
STDERR = 2
KIND_RAW = int(lib.DK_STREAM_RAW)
KIND_MUX = int(lib.DK_STREAM_MUX)


class Hijack:
    """Owns one ``dk_hijack`` (a hijacked attach/exec connection). One thread
    may read while another writes; ``close()`` from any thread stops both and
    the handle is freed when the last of them returns."""

    __slots__ = ("_ptr", "_lock", "_busy", "_closed", "_client", "_buf", "_id", "_data",
                 "_len", "_got")

    _BUFSIZE = 65536

    def __init__(self, ptr: Any, client: Client) -> None:
        self._ptr = ffi.gc(ptr, lib.dk_hijack_free)
        self._lock = _lock()
        self._busy = 0
        self._closed = False
        self._client = client
        self._buf = ffi.new("char[]", self._BUFSIZE)
        self._id = ffi.new("int *")
        self._data = ffi.new("const char **")
        self._len = ffi.new("size_t *")
        self._got = ffi.new("size_t *")

    def _enter(self) -> Any:
        with self._lock:
            p = self._ptr
            if p is None or self._closed:
                return None
            self._busy += 1
            return p

    def _leave(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._closed and not self._busy and self._ptr is not None:
                p, self._ptr = self._ptr, None
                ffi.release(p)

    def write(self, data: Any) -> None:
        p = self._enter()
        if p is None:
            raise errors.DockerException("the connection is closed")
        try:
            mv = memoryview(data).cast("B")
            rc = lib.dk_hijack_write(p, ffi.from_buffer(mv), len(mv))
            if rc:
                raise error_from_last(rc)
        finally:
            self._leave()

    def close_write(self) -> None:
        p = self._enter()
        if p is None:
            return
        try:
            check(lib.dk_hijack_close_write(p))
        finally:
            self._leave()

    def read_nowait(self, n: int) -> Any:
        """Up to n raw bytes without waiting: :data:`AGAIN` when nothing is
        there yet (wait for fileno() to be readable), b"" at the end."""
        p = self._enter()
        if p is None:
            return b""
        try:
            buf = self._buf if n <= self._BUFSIZE else ffi.new("char[]", n)
            rc = lib.dk_hijack_read_nowait(p, buf, n, self._got)
            if rc == lib.DK_STREAM_AGAIN:
                return AGAIN
            if rc == lib.DK_ECANCELED:
                return b""
            if rc:
                raise error_from_last(rc)
            return ffi.unpack(buf, self._got[0])
        finally:
            self._leave()

    def read(self, n: int) -> bytes:
        """Up to n raw bytes, b"" at the end (or after close())."""
        p = self._enter()
        if p is None:
            return b""
        try:
            if n <= self._BUFSIZE:
                buf = self._buf
            else:
                buf = ffi.new("char[]", n)
            rc = lib.dk_hijack_read(p, buf, n, self._got)
            if rc == lib.DK_ECANCELED:
                return b""
            if rc:
                raise error_from_last(rc)
            return ffi.unpack(buf, self._got[0])
        finally:
            self._leave()

    def next_frame(self) -> Optional[Tuple[int, bytes]]:
        """The next ``(stream_id, bytes)`` piece, None at the end."""
        p = self._enter()
        if p is None:
            return None
        try:
            rc = lib.dk_hijack_next_frame(p, self._id, self._data, self._len)
            if rc == 1:
                return (int(self._id[0]), ffi.unpack(self._data[0], self._len[0]))
            if rc == 0 or rc == lib.DK_ECANCELED:
                return None
            raise error_from_last(rc)
        finally:
            self._leave()

    @property
    def kind(self) -> int:
        with self._lock:
            return int(lib.dk_hijack_get_kind(self._ptr)) if self._ptr is not None else 0

    def fileno(self) -> int:
        with self._lock:
            return int(lib.dk_hijack_fd(self._ptr)) if self._ptr is not None else -1

    def close(self) -> None:
        with self._lock:
            p = self._ptr
            if p is None:
                return
            self._closed = True
            if self._busy:
                lib.dk_hijack_cancel(p)
                return
            self._ptr = None
        ffi.release(p)

    @property
    def closed(self) -> bool:
        return self._ptr is None or self._closed


def context_resolve(name: Optional[str], config_dir: Optional[str]) -> bytes:
    """The docker CLI context ``name`` ("" = config.json's currentContext)."""
    out = ffi.new("dk_value **")
    check(lib.dk_context_resolve(out, _b(config_dir), _b(name)))
    return _take_value(out[0])


def context_resolve_fields(name: Optional[str], config_dir: Optional[str]) -> Dict[str, Any]:
    """:func:`context_resolve`'s object as a dict, read through dk_value's
    accessors: the C library parses it, so ``DockerClient.from_env()``
    needs no ``json`` module (start-up time)."""
    out = ffi.new("dk_value **")
    check(lib.dk_context_resolve(out, _b(config_dir), _b(name)))
    v = out[0]

    def string(pointer: bytes) -> Optional[str]:
        p = lib.dk_value_get_string(v, pointer)
        return None if p == _NULL else ffi.string(p).decode("utf-8", "surrogateescape")

    try:
        flag = ffi.new("int *")
        res: Dict[str, Any] = {"Name": string(b"/Name"), "Host": string(b"/Host"),
                               "SkipTLSVerify": (lib.dk_value_get_bool(v, b"/SkipTLSVerify",
                                                                       flag) == 0
                                                 and bool(flag[0])),
                               "TLS": None}
        if lib.dk_value_type(v, b"/TLS") == lib.DK_JSON_OBJECT:
            tls: Dict[str, Any] = {}
            for i in range(max(0, lib.dk_value_count(v, b"/TLS"))):
                k = lib.dk_value_key_at(v, b"/TLS", i)
                if k == _NULL:
                    continue
                key = ffi.string(k).decode("utf-8", "surrogateescape")
                ptr = "/TLS/" + key.replace("~", "~0").replace("/", "~1")
                tls[key] = string(ptr.encode("utf-8", "surrogateescape"))
            res["TLS"] = tls
        return res
    finally:
        lib.dk_value_free(v)


def library_version() -> str:
    return ffi.string(lib.dk_version()).decode()


# --- registry credentials (auth.h) -------------------------------------------

def _auth_value(fn: Any, *args: Any) -> Optional[bytes]:
    out = ffi.new("dk_value **")
    rc = fn(out, *args)
    if rc:
        raise error_from_last(rc)
    if out[0] == _NULL:
        return None
    return _take_value(out[0])


def auth_registry_of(reference: str) -> str:
    v = _auth_value(lib.dk_auth_registry_of, _b(reference))
    return (v or b"").decode()


def _helper_env(env: Optional[Mapping[str, str]]) -> Tuple[Any, List[Any]]:
    """A NULL-terminated char*[] of "NAME=value" for the credential helpers
    (and the buffers it points into, to keep alive), or NULL."""
    if not env:
        return _NULL, []
    keep = []
    for k, v in env.items():
        if not isinstance(k, str) or not k or "=" in k or "\0" in k or not isinstance(v, str) \
                or "\0" in v:
            raise errors.InvalidArgument(f"credstore_env: bad entry {k!r}")
        keep.append(ffi.new("char[]", f"{k}={v}".encode()))
    return ffi.new("char *[]", keep + [_NULL]), keep


def auth_lookup(config_dir: Optional[str], reference: str,
                env: Optional[Mapping[str, str]] = None) -> Optional[bytes]:
    arr, _keep = _helper_env(env)
    return _auth_value(lib.dk_auth_lookup_env, _b(config_dir), _b(reference), arr)


def auth_lookup_all(config_dir: Optional[str], env: Optional[Mapping[str, str]] = None) -> bytes:
    arr, _keep = _helper_env(env)
    return _auth_value(lib.dk_auth_lookup_all_env, _b(config_dir), arr) or b"{}"


def auth_encode(auth_json: str) -> str:
    return (_auth_value(lib.dk_auth_encode, _b(auth_json)) or b"").decode()
