"""System API against the real engines: ping, version, info, df, events, auth,
negotiation, errors and the trace hook."""
from __future__ import annotations

import datetime
import json
import threading
import time

import pytest

import clibdocker
from clibdocker import errors
from conftest import (LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE,
                      docker_cli, unique)


@pytest.mark.op("SystemPing")
def test_ping(client):
    assert client.ping() is True


@pytest.mark.op("SystemPingHead")
def test_ping_head_reports_engine(client):
    h = client.ping_head()
    assert h["Api-Version"] == "1.41"
    assert h["OSType"] == "linux"
    assert h["Docker-Experimental"] in ("true", "false")


@pytest.mark.op("SystemVersion")
def test_version_matches_negotiation(client):
    v = client.version()
    assert client.api_version == "1.41"
    assert v["ApiVersion"] == client.api_version
    assert v["Version"].startswith("20.10")
    unversioned = client.version(api_version=False)
    assert unversioned["Version"] == v["Version"]


@pytest.mark.op("SystemInfo")
def test_info(client):
    import os
    i = client.info()
    assert i["NCPU"] == os.cpu_count()
    assert i["Driver"] == "overlay2"
    assert i["ID"]


@pytest.mark.op("SystemDataUsage")
def test_df_lists_the_test_image(client):
    df = client.df()
    assert any(TEST_IMAGE in (img.get("RepoTags") or []) for img in df["Images"])
    assert isinstance(df["Volumes"], list)


def test_df_gated_type_parameter(client, client2):
    # 1.41 lacks the `type` parameter: refused before any request
    with pytest.raises(errors.InvalidVersion) as ei:
        client.df(types=["volume"])
    assert "1.42" in str(ei.value)
    # the newer engine takes it and answers only what was asked
    df = client2.df(types=["volume", "container"])
    assert isinstance(df["Volumes"], list) and isinstance(df["Containers"], list)
    assert not df.get("Images")


def test_negotiation_second_engine(client2):
    assert client2.api_version == "1.45"
    v = client2.version()
    assert v["ApiVersion"] == "1.45"
    assert v["Version"].startswith("26.")


@pytest.mark.parametrize("engine", ["main", "engine2"])
def test_first_ping_negotiates_in_one_request(engine):
    from conftest import ENGINE2
    url = ENGINE2 if engine == "engine2" else "unix:///var/run/docker.sock"
    want = "1.45" if engine == "engine2" else "1.41"
    seen = []
    with clibdocker.APIClient(base_url=url) as c:
        c.set_trace_hook(seen.append)
        assert c.ping() is True
        # one unversioned /_ping both answered and negotiated
        assert [r.url for r in seen] == ["http://localhost/_ping"]
        assert c.api_version == want
        assert len(seen) == 1            # no second negotiation
        c.ping()
        assert seen[-1].url == f"http://localhost/v{want}/_ping"
    # an explicit version is never replaced by what a ping reports (on the
    # newer engine 1.41 differs from what it would negotiate)
    seen.clear()
    with clibdocker.APIClient(base_url=url, version="1.41") as c:
        c.set_trace_hook(seen.append)
        c.ping()
        assert c.api_version == "1.41"
        assert [r.url for r in seen] == ["http://localhost/v1.41/_ping"]


def test_explicit_version_is_honoured(client2):
    from conftest import ENGINE2
    seen = []
    with clibdocker.APIClient(base_url=ENGINE2, version="1.43") as c:
        c.set_trace_hook(seen.append)
        assert c.api_version == "1.43"
        c.info()
    assert seen and all("/v1.43/" in r.url for r in seen)


def test_docker_api_version_env(monkeypatch):
    monkeypatch.setenv("DOCKER_API_VERSION", "1.41")
    with clibdocker.from_env() as dc:
        assert dc.api.api_version == "1.41"
        assert dc.ping()


def test_version_out_of_range_refused():
    with pytest.raises(errors.InvalidVersion):
        clibdocker.APIClient(version="1.12")
    with pytest.raises(errors.InvalidArgument):
        clibdocker.APIClient(version="one.two")


def _create_volume(name):
    docker_cli("volume", "create", "--label", "clibdocker-test=1", name)


@pytest.mark.op("SystemEvents")
def test_events_bounded_window_sees_created_volume(client):
    name = unique()
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    _create_volume(name)
    docker_cli("volume", "rm", name)
    until = time.time() + 1
    evs = list(client.events(since=since, until=until, filters={"type": "volume"}, decode=True))
    mine = [e for e in evs if e["Actor"]["ID"] == name]
    assert [e["Action"] for e in mine] == ["create", "destroy"]
    assert all(e["Type"] == "volume" for e in evs)


def test_events_follow_container_event_arrives_and_close_from_other_thread(client):
    stream = client.events(filters={"type": ["container"], "label": ["clibdocker-test=1"]},
                           decode=True)
    name = unique()
    got = []

    def consume():
        for ev in stream:
            got.append(ev)

    t = threading.Thread(target=consume)
    t.start()
    cid = docker_cli("create", "--label", "clibdocker-test=1", "--name", name, TEST_IMAGE,
                     "true").strip()
    try:
        deadline = time.time() + 20
        while time.time() < deadline and not any(e.get("id") == cid for e in got):
            time.sleep(0.05)
    finally:
        docker_cli("rm", "-f", cid)
    stream.close()          # from this thread, while the other iterates
    t.join(10)
    assert not t.is_alive(), "close() from another thread did not stop the stream"
    ev = next(e for e in got if e.get("id") == cid)
    assert ev["Action"] == "create"
    assert ev["Actor"]["Attributes"]["name"] == name
    assert stream.closed


def test_events_raw_bytes_and_close_from_consumer(client):
    stream = client.events(since=0, until=int(time.time()) + 1)
    first = next(iter(stream), None)
    stream.close()
    if first is not None:
        assert isinstance(first, bytes)
        json.loads(first)
    assert list(stream) == []


def test_events_bad_argument_is_api_error(client):
    with pytest.raises(errors.APIError) as ei:
        client.events(since="not-a-time")
    assert ei.value.status_code >= 400
    assert "not-a-time" in ei.value.explanation


def test_events_memory_bounded_long_stream(client):
    # a few thousand events through one stream; RSS must not grow with them
    import resource
    name = unique()
    since = time.time()
    for i in range(40):
        docker_cli("volume", "create", "--label", "clibdocker-test=1", f"{name}-{i}")
    docker_cli("volume", "rm", *[f"{name}-{i}" for i in range(40)])
    until = time.time() + 1
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = 0
    for _ in range(25):
        for _ev in client.events(since=since, until=until, filters={"type": "volume"}):
            n += 1
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert n >= 25 * 80
    assert after - before < 20 * 1024  # KiB


@pytest.mark.op("SystemAuth")
def test_login_good_and_bad_credentials(client):
    seen = []
    client.set_trace_hook(seen.append)
    res = client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    assert res["Status"] == "Login Succeeded"
    # a repeated login for the same user answers from the kept credentials
    again = client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    assert again["username"] == REGISTRY_USER
    with pytest.raises(errors.APIError) as ei:
        client.login(REGISTRY_USER, "wrong-" + REGISTRY_PASSWORD, registry=REGISTRY, reauth=True)
    assert ei.value.status_code in (401, 500)
    assert "401" in ei.value.explanation or "unauthorized" in ei.value.explanation.lower()
    # the password never shows: not in the error, not in the trace
    assert REGISTRY_PASSWORD not in str(ei.value)
    assert REGISTRY_PASSWORD not in repr(ei.value)
    auth = [r for r in seen if r.url.endswith("/auth")]
    assert len(auth) == 2
    for r in auth:
        assert b"<redacted>" in r.request_body
        assert REGISTRY_PASSWORD.encode() not in r.request_body
        assert REGISTRY_PASSWORD not in repr(r)
    assert auth[0].status == 200 and auth[1].error == "DK_EAPI"


def test_trace_hook_records_calls(client):
    seen = []
    client.set_trace_hook(seen.append)
    assert client.api_version == "1.41"   # negotiation is a traced call too
    assert len(seen) == 1 and seen[0].url == "http://localhost/_ping"
    seen.clear()
    client.ping()
    client.info()
    s = client.events(since=0, until=1)
    list(s)
    client.set_trace_hook(None)
    client.version()
    assert [r.method for r in seen] == ["GET", "GET", "GET"]
    ping, info, ev = seen
    assert ping.url.endswith("/v1.41/_ping") and ping.status == 200
    assert ping.response_body == b"OK" and ping.error is None
    assert info.response_bytes > len(info.response_body or b"") or not info.response_body_truncated
    assert len(info.response_body) <= 4096
    assert ev.streamed and "since=0" in ev.url
    for r in seen:
        assert 0 < r.start <= r.end and r.duration < 30


def test_trace_hook_exception_does_not_break_call(client, capsys):
    def bad(_r):
        raise RuntimeError("boom")
    client.set_trace_hook(bad)
    assert client.ping() is True
    assert "boom" in capsys.readouterr().err


def test_connection_refused_is_transport_error(tmp_path):
    c = clibdocker.APIClient(base_url=f"unix://{tmp_path}/nothing.sock")
    with pytest.raises(errors.TransportError) as ei:
        c.ping()
    assert isinstance(ei.value, ConnectionError)
    assert isinstance(ei.value, errors.DockerException)
    # the socket and the system's reason, not libcurl's "localhost port 80"
    msg = str(ei.value)
    assert f"unix://{tmp_path}/nothing.sock" in msg and "No such file or directory" in msg
    assert "port 80" not in msg
    # a socket file nobody listens on: refused
    import socket
    path = str(tmp_path / "dead.sock")
    s = socket.socket(socket.AF_UNIX)
    s.bind(path)
    s.close()
    with pytest.raises(errors.TransportError) as ei:
        clibdocker.APIClient(base_url=f"unix://{path}").ping()
    assert "Connection refused" in str(ei.value) and path in str(ei.value)
    # tcp: the URL is named too
    with pytest.raises(errors.TransportError) as ei:
        clibdocker.APIClient(base_url="tcp://127.0.0.1:1").ping()
    assert "tcp://127.0.0.1:1" in str(ei.value)


def test_closed_client_stays_usable(client):
    # as docker-py's (a requests Session): close() drops the idle
    # connections, and a later call opens a new one
    client.close()
    assert client.ping() is True
    client.close()  # twice is fine
    assert client.version()["ApiVersion"]


def test_threads_share_one_client(client):
    results = []

    def work():
        for _ in range(50):
            results.append(client.version()["ApiVersion"])

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == ["1.41"] * 200


def test_cli_status_and_events():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "clibdocker"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert "API 1.41" in out and "overlay2" in out
    out = subprocess.run([sys.executable, "-m", "clibdocker", "events", "--since", "0",
                          "--until", str(int(time.time()) + 1), "--json"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    for line in out.splitlines():
        json.loads(line)
