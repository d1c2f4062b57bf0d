"""Hostile arguments against the real engine: ids and names holding URL
syntax ('/', '..', '?', '#', '%'), spaces, NUL, newlines, 64 KB; CRLF where a
value could end up in a header; filters that are not strings or not a dict.

Each must be refused before sending (a DockerException subclass, mostly
InvalidArgument/NullResource) or escaped so that the request keeps its
route: the trace hook's URL is checked to be exactly the operation's route
with the argument percent-encoded, and a recording server (tests/
fault_server.py in its "ok" mode) shows the request line and headers that
actually went out on the wire. Nothing may crash, hang or reach another
route (e.g. ``inspect_network(".")`` used to list all networks)."""
from __future__ import annotations

import io
import json
import os
import re
import signal
import urllib.parse
from typing import Any, Callable, List, Optional

import pytest

import clibdocker
from clibdocker import errors
from conftest import unique
from fault_server import FaultServer

HOSTILE_IDS = [
    "../../info", "..", ".", "a/b", "../x", "a?b", "a#b", "a%2Fb", "%2e%2e", "a b",
    "a\x00b", "a\nb", "a\r\nX-Evil: 1", "/", "/../x", "x" * 65536, "\u00e9\u2603",
]


def _ids(v: str) -> str:
    return repr(v[:12]) + (f"+{len(v)}" if len(v) > 12 else "")


def _q(s: str) -> str:
    """What the C core puts in a path or query part: RFC 3986 unreserved
    bytes stay, everything else is %XX (upper case)."""
    return urllib.parse.quote(s.encode("utf-8"), safe="")


class Traced:
    """A client whose trace records are collected (the _ping of version
    negotiation left out)."""

    def __init__(self, client: clibdocker.APIClient) -> None:
        self.client = client
        self.records: List[Any] = []
        client.set_trace_hook(self.records.append, body_cap=256)

    def calls(self) -> List[Any]:
        return [r for r in self.records if not r.url.endswith("/_ping")]

    def run(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Optional[BaseException]:
        self.records.clear()
        old = signal.alarm(60)  # a hang fails the test instead of the suite
        try:
            fn(*args, **kw)
        except errors.DockerException as e:
            return e
        finally:
            signal.alarm(old)
        return None


@pytest.fixture
def traced(client):
    t = Traced(client)
    client.ping()  # negotiate the version once, outside the records
    yield t
    client.set_trace_hook(None)


def _path(url: str) -> str:
    return url[len("http://localhost"):]


def _version(client: clibdocker.APIClient) -> str:
    return client.api_version


# (method name, route template with {} for the argument, HTTP method)
PATH_OPS = [
    ("inspect_container", "/containers/{}/json", "GET"),
    ("remove_container", "/containers/{}", "DELETE"),
    ("stop", "/containers/{}/stop", "POST"),
    ("inspect_network", "/networks/{}", "GET"),
    ("remove_network", "/networks/{}", "DELETE"),
    ("inspect_volume", "/volumes/{}", "GET"),
    ("remove_volume", "/volumes/{}", "DELETE"),
    ("inspect_image", "/images/{}/json", "GET"),
    ("history", "/images/{}/history", "GET"),
]


@pytest.mark.parametrize("op, route, method", PATH_OPS, ids=[o[0] for o in PATH_OPS])
@pytest.mark.parametrize("bad", HOSTILE_IDS, ids=_ids)
def test_hostile_path_parameter_keeps_route(traced, op, route, method, bad):
    """Refused before sending, or sent to exactly this route with the
    argument as one escaped path segment; never a success (no such object
    can exist) and never a crash or hang."""
    err = traced.run(getattr(traced.client, op), bad)
    assert err is not None, f"{op}({bad[:20]!r}) succeeded"
    calls = traced.calls()
    if not calls:
        # refused before sending: a clear argument error
        assert isinstance(err, (errors.InvalidArgument, errors.NullResource,
                                errors.InvalidRepository)), repr(err)
        return
    assert len(calls) == 1, [r.url for r in calls]
    rec = calls[0]
    want = f"/v{_version(traced.client)}" + route.format(_q(bad.lstrip("/") if op in (
        "inspect_container", "remove_container", "stop") else bad))
    assert rec.method == method
    assert _path(rec.url) == want
    # the engine answered this route: an error status, not another route's 200
    assert rec.status >= 300, (rec.url, rec.status)
    assert isinstance(err, errors.APIError)


@pytest.mark.parametrize("bad", [".", "..", "../../info", "/", "a/b/../../../info"], ids=_ids)
def test_dot_segments_never_reach_another_route(tmp_path, bad):
    """On the wire (a recording server): "." and ".." are refused (libcurl
    and the engine's router would resolve them: GET /v1.41/networks/. was
    the network list), longer values go out with '/' escaped, so the request
    line keeps the route."""
    with FaultServer(tmp_path) as fs:
        c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=5)
        try:
            for fn, route in ((c.inspect_network, "/v1.41/networks/{}"),
                              (c.inspect_volume, "/v1.41/volumes/{}"),
                              (c.inspect_image, "/v1.41/images/{}/json")):
                fs.requests.clear()
                try:
                    fn(bad)
                    refused = False
                except (errors.InvalidArgument, errors.InvalidRepository):
                    refused = True
                if bad in (".", "..") or refused:
                    assert refused and not fs.requests
                    continue
                assert len(fs.requests) == 1
                line = fs.requests[0].split(b"\r\n", 1)[0].decode()
                assert line == f"GET {route.format(_q(bad))} HTTP/1.1", line
        finally:
            c.close()


def test_64kb_name_is_sent_whole_and_refused_by_engine(traced):
    name = "n" * 65536
    err = traced.run(traced.client.inspect_container, name)
    assert isinstance(err, errors.NotFound)
    [rec] = traced.calls()
    assert _path(rec.url) == f"/v{_version(traced.client)}/containers/{name}/json"


def test_create_with_hostile_names_is_refused_or_escaped(traced):
    """Names are refused by the engine's rule or by us; the create call
    always goes to /containers/create with the name as one query value."""
    img = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
    # a 4096-byte name of valid characters is the engine's to take or refuse;
    # if it takes it, it must be exactly that name (then it is removed)
    long_name = "x" * 4096
    err = traced.run(traced.client.create_container, img, "true", name=long_name,
                     labels={"clibdocker-test": "1"})
    if err is None:
        cid = json.loads(traced.calls()[-1].response_body)["Id"]
        try:
            assert traced.client.inspect_container(cid)["Name"] == "/" + long_name
        finally:
            traced.client.remove_container(cid, force=True)
    for bad in ["../../info", "a?b=c&d", "a#b", "a b", "a\nb", "/a/b"]:
        err = traced.run(traced.client.create_container, img, "true", name=bad,
                         labels={"clibdocker-test": "1"})
        assert err is not None, f"created a container named {bad[:20]!r}"
        for rec in traced.calls():
            path, _, query = _path(rec.url).partition("?")
            assert path == f"/v{_version(traced.client)}/containers/create"
            assert urllib.parse.parse_qs(query)["name"] == [bad]
    # network and volume names too
    for bad in ["../../info", "a?b", "a#b", "a\nb"]:
        err = traced.run(traced.client.create_volume, bad, labels={"clibdocker-test": "1"})
        assert err is not None, f"created a volume named {bad!r}"
        err = traced.run(traced.client.create_network, bad, labels={"clibdocker-test": "1"})
        if err is None:  # if the engine takes the name, it must be exactly that name
            nid = json.loads(traced.calls()[-1].response_body)["Id"]
            assert _path(traced.calls()[-1].url) == f"/v{_version(traced.client)}/networks/create"
            try:
                assert traced.client.inspect_network(nid)["Name"] == bad
            finally:
                traced.client.remove_network(nid)
        else:
            assert [_path(r.url) for r in traced.calls()] == [
                f"/v{_version(traced.client)}/networks/create"]


@pytest.mark.parametrize("value", [
    1, True, False, 0.5, None, {"nested": {"x": 1}}, ["a", 2, None],
    "a\r\nX-Evil: 1", "&filters=x#frag", "\u00e9",
], ids=repr)
@pytest.mark.parametrize("op, route", [
    ("containers", "/containers/json"), ("volumes", "/volumes"),
    ("networks", "/networks"), ("images", "/images/json"),
])
def test_filter_values_stay_one_query_value(traced, op, route, value):
    """Any filter value becomes strings in one JSON `filters` query value
    (docker-py's rule: bools "true"/"false", others str()); the path keeps
    the list route; the engine answers (an empty list for an unknown label,
    or a 400 for a value it can't take), never another route."""
    label = f"clibdocker-hostile-{unique()}"
    flt = {"label": [f"{label}=x", *value] if isinstance(value, list) else [f"{label}=x", value]}
    err = traced.run(getattr(traced.client, op), filters=flt)
    [rec] = traced.calls()
    path, _, query = _path(rec.url).partition("?")
    assert path == f"/v{_version(traced.client)}{route}"
    qs = urllib.parse.parse_qs(query)
    sent = json.loads(qs["filters"][0])
    assert list(sent) == ["label"] and all(isinstance(v, str) for v in sent["label"])
    want = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    assert sent["label"][1:] == want  # docker-py: only a bare bool value becomes "true"
    if err is None:
        assert rec.status == 200
    else:
        assert isinstance(err, errors.APIError) and rec.status == 400


@pytest.mark.parametrize("filters", ["label=x", ["label"], 5, b"x", ("a", "b")], ids=repr)
def test_non_mapping_filters_refused_before_sending(traced, filters):
    for op in ("containers", "volumes", "networks", "images", "prune_containers",
               "prune_volumes", "prune_networks", "prune_images"):
        err = traced.run(getattr(traced.client, op), filters=filters)
        assert isinstance(err, errors.InvalidArgument), (op, err)
        assert traced.calls() == [], op


def test_out_of_range_integers_refused(traced):
    for kw in ({"limit": 2 ** 70}, {"limit": 2 ** 31}):
        err = traced.run(traced.client.containers, **kw)
        assert isinstance(err, errors.InvalidArgument), err
        assert traced.calls() == []


def test_hostile_query_values_are_escaped(traced):
    """A path inside a container with '?', '#', '&' and '..' is one query
    value; the route is HEAD /containers/{id}/archive."""
    bad = "/etc/../../x?y=1&path=/etc/shadow#z"
    err = traced.run(traced.client.stat_archive, "clibdocker-no-such-" + unique(), bad)
    assert isinstance(err, errors.NotFound)
    [rec] = traced.calls()
    path, _, query = _path(rec.url).partition("?")
    assert rec.method == "HEAD" and path.endswith("/archive")
    assert urllib.parse.parse_qs(query) == {"path": [bad]}
    # search term with query syntax
    err = traced.run(traced.client.images, name="x&all=1#y")
    [rec] = traced.calls()
    q = urllib.parse.parse_qs(_path(rec.url).partition("?")[2])
    assert json.loads(q["filters"][0]) == {"reference": ["x&all=1#y"]}


def test_crlf_in_auth_values_never_makes_a_header(tmp_path):
    """Registry credentials with CR/LF are JSON-encoded and base64url'd into
    X-Registry-Auth, so on the wire there is exactly one such header and no
    injected one; a header value that would carry a line break as is
    (build's Content-Encoding) is refused before sending."""
    with FaultServer(tmp_path) as fs:
        c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=5)
        try:
            auth = {"username": "u\r\nX-Evil: 1", "password": "p\r\n\r\nGET /info HTTP/1.1",
                    "serveraddress": "reg\r\nX-Evil2: 2"}
            try:
                for _ in c.pull("127.0.0.1:5000/x", tag="latest", auth_config=auth, stream=True,
                                decode=True):
                    pass
            except errors.DockerException:
                pass
            assert len(fs.requests) == 1
            head = fs.requests[0]
            lines = head.split(b"\r\n")
            assert not any(ln.lower().startswith(b"x-evil") for ln in lines)
            assert b"GET /info" not in head
            auth_lines = [ln for ln in lines if ln.lower().startswith(b"x-registry-auth:")]
            assert len(auth_lines) == 1
            assert re.fullmatch(rb"X-Registry-Auth: [A-Za-z0-9_=-]+", auth_lines[0])

            fs.requests.clear()
            with pytest.raises(errors.InvalidArgument):
                for _ in c.build(fileobj=io.BytesIO(b"\0" * 1024), custom_context=True,
                                 encoding="gzip\r\nX-Evil: 1"):
                    pass
            assert fs.requests == []
        finally:
            c.close()


def test_login_with_crlf_credentials_is_a_clean_error(traced):
    """The engine gets them inside the JSON body; it answers an error."""
    err = traced.run(traced.client.login, "u\r\nX-Evil: 1", password="p\r\nq",
                     registry=os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000"))
    assert isinstance(err, errors.APIError)
    [rec] = traced.calls()
    assert _path(rec.url) == f"/v{_version(traced.client)}/auth"
    assert "X-Evil" not in rec.request_headers


def test_client_still_works_after_hostile_calls(traced):
    for bad in HOSTILE_IDS:
        traced.run(traced.client.inspect_container, bad)
    assert traced.client.ping() is True
    assert isinstance(traced.client.version(), dict)
