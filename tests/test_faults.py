"""Fault injection: a FAULT SERVER (tests/fault_server.py, on a unix socket in
the test's temp dir) misbehaves in ways a real engine won't. Each fault must
give a clear clibdocker error (a DockerException subclass) within the
configured timeout, without crash or unbounded memory, and the same client
must work for the next call."""
from __future__ import annotations

import resource
import time

import pytest

import clibdocker
from clibdocker import errors
from fault_server import FaultServer


@pytest.fixture
def fs(tmp_path):
    with FaultServer(tmp_path) as s:
        yield s


def _client(fs, timeout=2):
    c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=timeout)
    c.set_timeouts(connect=2, total=timeout, stream_idle=1)
    return c


def _usable_after(fs, c):
    fs.mode = "ok"
    assert c.info()["ID"] == "fault"


@pytest.mark.parametrize("mode, exc", [
    ("truncated-chunk", errors.TransportError),
    ("bad-chunk-size", errors.DockerException),
    ("close-immediately", errors.TransportError),
    ("garbage-status", errors.DockerException),
    ("invalid-utf8", errors.ProtocolError),
    ("not-json", errors.ProtocolError),
    ("huge-header", errors.DockerException),
])
def test_plain_call_faults(fs, mode, exc):
    c = _client(fs)
    fs.mode = mode
    t0 = time.monotonic()
    with pytest.raises(exc) as ei:
        c.info()
    assert time.monotonic() - t0 < 5
    assert isinstance(ei.value, errors.DockerException)
    assert str(ei.value)
    _usable_after(fs, c)
    c.close()


def test_http10_without_length_reads_to_close(fs):
    c = _client(fs)
    fs.mode = "http10-no-length"
    assert c.info()["ID"] == "fault"
    _usable_after(fs, c)


def test_error_status_with_plain_text_body(fs):
    c = _client(fs)
    fs.mode = "error-not-json"
    with pytest.raises(errors.NotFound) as ei:
        c.info()
    assert ei.value.status_code == 404
    assert ei.value.explanation == "page not found"
    _usable_after(fs, c)


@pytest.mark.parametrize("mode", ["stall-headers", "stall-body"])
def test_stalled_call_times_out_and_client_survives(fs, mode):
    c = _client(fs, timeout=1)
    fs.mode = mode
    t0 = time.monotonic()
    with pytest.raises(errors.DockerTimeout) as ei:
        c.info()
    took = time.monotonic() - t0
    assert 0.9 < took < 4, took
    assert isinstance(ei.value, TimeoutError)
    _usable_after(fs, c)


def test_stream_stall_hits_idle_timeout(fs):
    c = _client(fs)
    fs.mode = "stall-stream"
    s = c.events(decode=True)
    first = next(s)
    assert first["Action"] == "start"
    t0 = time.monotonic()
    with pytest.raises(errors.DockerTimeout):
        next(s)
    assert time.monotonic() - t0 < 4
    _usable_after(fs, c)


def test_follow_stream_without_idle_timeout_keeps_waiting(fs):
    c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=1)
    fs.mode = "stall-stream"
    s = c.events(decode=True)
    assert next(s)["Action"] == "start"
    import threading
    threading.Timer(2.0, s.close).start()   # longer than the call timeout
    t0 = time.monotonic()
    assert list(s) == []                     # ended by close(), not a timeout
    assert time.monotonic() - t0 >= 1.5


@pytest.mark.parametrize("mode", ["truncated-events", "reset-stream"])
def test_cut_stream_is_an_error_not_a_clean_end(fs, mode):
    c = _client(fs)
    fs.mode = mode
    s = c.events(decode=True)
    assert next(s)["Action"] == "start"
    with pytest.raises(errors.TransportError):
        next(s)
    _usable_after(fs, c)


def test_garbage_between_messages_is_a_protocol_error(fs):
    c = _client(fs)
    fs.mode = "garbage-between-events"
    s = c.events(decode=True)
    assert next(s) == {"Type": "container"}
    with pytest.raises(errors.ProtocolError):
        next(s)
    _usable_after(fs, c)


def test_huge_json_message_is_refused_with_bounded_memory(fs):
    c = _client(fs, timeout=30)
    c.set_timeouts(connect=2, total=30, stream_idle=5)
    fs.mode = "huge-json-message"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = c.events()
    with pytest.raises(errors.ProtocolError) as ei:
        next(s)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert "exceeds" in str(ei.value)
    assert grown_mb < 48, grown_mb
    _usable_after(fs, c)


def test_bad_frame_header_is_a_protocol_error(fs):
    c = _client(fs)
    fs.mode = "bad-frame-header"
    s = c.logs("abc", stream=True, tty=False)
    assert next(s) == b"ok\n"
    with pytest.raises(errors.ProtocolError):
        next(s)
    with pytest.raises(errors.ProtocolError):
        c.logs("abc", tty=False)
    _usable_after(fs, c)


def test_frame_length_2_32_minus_1_is_never_buffered_whole(fs):
    c = _client(fs, timeout=30)
    fs.mode = "huge-frame"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    got = 0
    with pytest.raises(errors.DockerException) as ei:
        for piece in c.logs("abc", stream=True, tty=False):
            got += len(piece)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert got == 8 << 20                      # delivered piecewise, as it came
    assert isinstance(ei.value, (errors.ProtocolError, errors.TransportError))
    assert grown_mb < 32, grown_mb
    _usable_after(fs, c)


def test_upgrade_that_never_sends_data_times_out(fs):
    c = _client(fs)
    fs.mode = "upgrade-silent"
    sock = c.attach_socket("abc", params={"stdin": 1, "stream": 1, "stdout": 1,
                                              "tty": False})
    t0 = time.monotonic()
    with pytest.raises(errors.DockerTimeout):
        sock.recv(10)
    assert time.monotonic() - t0 < 4
    sock.close()
    _usable_after(fs, c)


# --- WebSocket attach ----------------------------------------------------------------

@pytest.mark.parametrize("mode, exc, words", [
    ("ws-bad-accept", errors.ProtocolError, "Sec-WebSocket-Accept"),
    ("ws-no-upgrade", errors.ProtocolError, "instead of switching"),
])
def test_websocket_handshake_faults(fs, mode, exc, words):
    c = _client(fs)
    fs.mode = mode
    t0 = time.monotonic()
    with pytest.raises(exc) as ei:
        c.attach_websocket("abc", {"stdin": 1, "stdout": 1, "stream": 1})
    assert words in str(ei.value)
    assert time.monotonic() - t0 < 5
    _usable_after(fs, c)
    c.close()


@pytest.mark.parametrize("mode, exc, words", [
    ("ws-truncated-frame", errors.ProtocolError, "inside a WebSocket frame"),
    ("ws-oversized-frame", errors.ProtocolError, "more than"),
    ("ws-masked-frame", errors.ProtocolError, "masked"),
    ("ws-close-error", errors.StreamError, "1011: boom"),
])
def test_websocket_frame_faults(fs, mode, exc, words):
    c = _client(fs, timeout=10)
    fs.mode = mode
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    ws = c.attach_websocket("abc", {"stdout": 1, "stream": 1})
    got = b""
    with pytest.raises(exc) as ei:
        while True:
            chunk = ws.recv(4096)
            if not chunk:
                break
            got += chunk
    assert words in str(ei.value)
    assert got in (b"", b"ok\n") or mode == "ws-truncated-frame"
    assert time.monotonic() - t0 < 5
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 32
    ws.close()
    _usable_after(fs, c)
    c.close()


def test_websocket_ping_is_answered_with_a_pong(fs):
    c = _client(fs)
    fs.mode = "ws-ping"
    with c.attach_websocket("abc", {"stdin": 1, "stdout": 1, "stream": 1}) as ws:
        assert ws.read_all() == b"pong ok"     # then a normal close: the clean end
    _usable_after(fs, c)
    c.close()


@pytest.mark.parametrize("url,exc,text", [
    ("http://[::1", ValueError, "Invalid IPv6 URL"),
    ("tcp://[::1:2375", ValueError, "Invalid IPv6 URL"),
    ("https://[fe80::1/x", ValueError, "Invalid IPv6 URL"),
    ("foo://bar", errors.DockerException, "Invalid bind address protocol"),
    ("tcp://", errors.DockerException, "Invalid bind address format")])
def test_bad_base_url_refused_at_construction_like_docker_py(url, exc, text):
    # docker-py's constructor parses base_url: the same exception classes
    with pytest.raises(exc) as ei:
        clibdocker.APIClient(base_url=url, version="1.41")
    assert text in str(ei.value)
    assert isinstance(ei.value, errors.DockerException)


@pytest.mark.parametrize("url", ["unix:///nonexistent.sock", "unix://", "tcp://127.0.0.1:1",
                                 "http://localhost:2375", "https://h:2376", "ssh://u@h",
                                 "127.0.0.1:2375", "http+unix:///var/run/docker.sock"])
def test_good_base_urls_construct(url):
    clibdocker.APIClient(base_url=url, version="1.41").close()


@pytest.mark.parametrize("mode", ["invalid-utf8", "not-json"])
def test_value_call_with_bad_json_raises_as_json_loads(fs, mode):
    # the API methods decode answers with _binding.json_loads (json's own C
    # scanner, json.loads for anything unusual): a bad answer raises what
    # json.loads raises for it, as docker-py's response.json() does
    import json
    c = _client(fs)
    fs.mode = mode
    with pytest.raises(ValueError) as ei:
        c.inspect_image("x")
    body = b'{"ID":"\xff\xfe\xfd"}' if mode == "invalid-utf8" else b"<html>proxy error</html>"
    with pytest.raises(ValueError) as want:
        json.loads(body)
    assert type(ei.value) is type(want.value) and str(ei.value) == str(want.value)
    _usable_after(fs, c)
    c.close()


JSON_BODIES = [
    b'{"a":1}', b'[1,2]', b'{"a":1}  \n', b' {"a":1}', b'\n[1]', b'{"a":1} x', b'{"a":', b'',
    b'null', b'"s"', b'12', '{"é":"ü"}'.encode(), '{"a":"x"}'.encode("utf-16"),
    '{"a":"x"}'.encode("utf-16-le"), '{"a":"x"}'.encode("utf-32"), b'\xef\xbb\xbf{"a":1}',
    b'{"a":"\xff"}', b'{"a":NaN}', b'{"a":Infinity}', b'{"a":"\xed\xa0\x80"}', b'[1]\x00',
    b'{}\n\n', b'{"a":1}{"b":2}', b'[', b'{"a":1}\t\r\n ', b'{"a":1}\x0b', b'{"a":1}\xc2\xa0',
    b'{"a":1.5e3,"b":[true,false,null],"c":{"d":"\\u00e9\\n"}}', b'{"a":"\x01"}', b'{"a":1,}',
]


@pytest.mark.parametrize("body", JSON_BODIES, ids=range(len(JSON_BODIES)))
def test_json_loads_is_json_loads(body):
    """_binding.json_loads gives json.loads's result or its exception (type
    and words) for every body: objects, arrays, other values, BOMs and other
    encodings, whitespace json allows and whitespace it does not, trailing
    data, bad UTF-8, lone surrogates, control characters."""
    import json

    from clibdocker._binding import json_loads

    def outcome(fn):
        try:
            return ("ok", fn(body))
        except Exception as e:  # noqa: BLE001
            return (type(e), str(e))
    assert outcome(json_loads) == outcome(json.loads)
