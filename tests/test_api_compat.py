"""The low-level container, exec and network calls side by side with
docker-py: the same call through docker-py's ``docker.APIClient`` and
through ``clibdocker.APIClient`` on the same engine gives the same answer
(shapes, bytes, exception classes)."""
from __future__ import annotations

import datetime
import os
import time
from typing import Any, Callable, Iterator, List

import docker
import pytest

import clibdocker
from clibdocker import errors
from conftest import LABELS, TEST_IMAGE, unique

BASE_URL = "unix:///var/run/docker.sock"


@pytest.fixture
def dp() -> Iterator[docker.APIClient]:
    c = docker.APIClient(base_url=BASE_URL)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def cd() -> Iterator[clibdocker.APIClient]:
    c = clibdocker.APIClient(base_url=BASE_URL)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def made(cd) -> Iterator[List[str]]:
    """Container ids to remove at the end."""
    ids: List[str] = []
    try:
        yield ids
    finally:
        for cid in ids:
            try:
                cd.remove_container(cid, force=True, v=True)
            except errors.NotFound:
                pass


def run(cd: clibdocker.APIClient, made: List[str], cmd: Any, **kw: Any) -> str:
    cid = cd.create_container(TEST_IMAGE, cmd, labels=dict(LABELS), **kw)["Id"]
    made.append(cid)
    cd.start(cid)
    return cid


def outcome(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared below
        return e


def same_error(a: Any, b: Any) -> None:
    assert isinstance(a, BaseException) and isinstance(b, BaseException), (a, b)
    assert type(a).__name__ == type(b).__name__, (a, b)


def wait_output(cd: clibdocker.APIClient, cid: str, text: bytes, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text not in cd.logs(cid):
        assert time.monotonic() < deadline, f"no {text!r} in the logs"
        time.sleep(0.1)


# --- logs ---------------------------------------------------------------------

def test_logs_since_until_like_docker_py(dp, cd, made):
    cid = run(cd, made, ["sh", "-c", "echo first; sleep 3; echo second; sleep 60"])
    wait_output(cd, cid, b"second")
    # the moment between the two lines, from the engine's own timestamps
    stamped = cd.logs(cid, timestamps=True).decode().splitlines()
    t1 = datetime.datetime.fromisoformat(stamped[0].split()[0][:26])
    t2 = datetime.datetime.fromisoformat(stamped[1].split()[0][:26])
    mid = (t1.replace(tzinfo=datetime.timezone.utc).timestamp()
           + t2.replace(tzinfo=datetime.timezone.utc).timestamp()) / 2
    aware = datetime.datetime.fromtimestamp(mid, datetime.timezone.utc)
    cases = [dict(since=int(mid)), dict(since=mid), dict(since=aware),
             dict(until=int(mid)), dict(until=mid), dict(until=aware),
             dict(since=int(mid) - 3600, until=int(mid) + 3600),
             dict(tail=1), dict(tail=0), dict(tail=-1), dict(tail="x"),
             dict(stdout=False), dict(timestamps=True, tail=1)]
    for kw in cases:
        ours, theirs = cd.logs(cid, **kw), dp.logs(cid, **kw)
        if kw.get("timestamps"):
            assert ours.split(b" ", 1)[1] == theirs.split(b" ", 1)[1], kw
        else:
            assert ours == theirs, kw
    assert cd.logs(cid, since=int(mid)) == b"second\n"
    assert cd.logs(cid, until=int(mid)) == b"first\n"
    # a naive datetime is local time, as in docker-py: try another zone
    old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    try:
        naive = datetime.datetime.fromtimestamp(mid)   # local (Tokyo) wall time
        for key in ("since", "until"):
            assert cd.logs(cid, **{key: naive}) == dp.logs(cid, **{key: naive}), key
        assert cd.logs(cid, since=naive) == b"second\n"
    finally:
        if old_tz is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old_tz
        time.tzset()
    # refusals: the same exception class, before any request
    for kw in (dict(since=-1), dict(since="yesterday"), dict(until=0), dict(since=False)):
        same_error(outcome(lambda: cd.logs(cid, **kw)), outcome(lambda: dp.logs(cid, **kw)))
    # since=True passes docker-py's int check: sent, and the engine's 500 answers it
    ours, theirs = outcome(lambda: cd.logs(cid, since=True)), outcome(lambda: dp.logs(cid, since=True))
    same_error(ours, theirs)
    assert isinstance(ours, errors.APIError) and ours.status_code == 500


def test_logs_flags_are_read_for_truth_like_docker_py(dp, cd, made):
    """docker-py reads stdout/stderr/stream/timestamps/follow for their truth
    (``x and 1 or 0``): a datetime passed positionally as ``stdout`` (its
    own integration test does ``logs(container, datetime.now())``) or a
    string is taken as true, not refused (docker-py's suite found it)."""
    cid = run(cd, made, ["sh", "-c", "echo out; echo err >&2"])
    cd.wait(cid)
    def lines(b: bytes) -> List[bytes]:   # the engine's order of the two streams varies
        return sorted(b.splitlines())
    for args, kw in (((datetime.datetime.now(),), {}), (("yes", ""), {}),
                     ((), dict(stdout=[1], stderr=None, timestamps=0))):
        assert lines(cd.logs(cid, *args, **kw)) == lines(dp.logs(cid, *args, **kw)), (args, kw)
    assert lines(cd.logs(cid, datetime.datetime.now())) == [b"err", b"out"]
    assert cd.logs(cid, "yes", "") == b"out\n"
    # stdout, stderr, stream, logs (a stream on an exited container waits for its start)
    # (docker-py's own answer here may lose the bytes that come with the
    # upgrade answer: docs/migrating-from-docker-py.md)
    assert cd.attach(cid, "1", None, "", [1]) == b"out\n"


def test_logs_until_needs_api_1_35(made, cd):
    cid = run(cd, made, ["true"])
    old_cd = clibdocker.APIClient(base_url=BASE_URL, version="1.30")
    old_dp = docker.APIClient(base_url=BASE_URL, version="1.30")
    try:
        ours = outcome(lambda: old_cd.logs(cid, until=1))
        same_error(ours, outcome(lambda: old_dp.logs(cid, until=1)))
        assert isinstance(ours, errors.InvalidVersion)
    finally:
        old_cd.close()
        old_dp.close()


def test_logs_framing_follows_the_containers_tty(dp, cd, made):
    plain = run(cd, made, ["sh", "-c", "echo out; echo err >&2; sleep 60"])
    tty = run(cd, made, ["sh", "-c", "echo out; echo err >&2; sleep 60"], tty=True)
    wait_output(cd, plain, b"err")
    wait_output(cd, tty, b"err")
    for cid in (plain, tty):
        assert sorted(cd.logs(cid).splitlines()) == sorted(dp.logs(cid).splitlines())
        assert cd.logs(cid, stderr=False) == dp.logs(cid, stderr=False)
    assert b"\r\n" in cd.logs(tty)          # raw TTY bytes, no frame headers
    assert cd.logs(plain, stdout=False) == b"err\n"


def test_logs_stream_follows_by_default(dp, cd, made):
    cid = run(cd, made, ["sh", "-c", "echo one; sleep 2; echo two; sleep 60"])
    wait_output(cd, cid, b"one")
    s = cd.logs(cid, stream=True)
    assert isinstance(s, clibdocker.types.CancellableStream)
    assert isinstance(dp.logs(cid, stream=True, follow=False), docker.types.CancellableStream)
    start = time.monotonic()
    got = b""
    for chunk in s:
        got += chunk
        if b"two" in got:
            break
    s.close()
    assert got == b"one\ntwo\n" and time.monotonic() - start > 0.5   # it followed
    # follow=False with stream=True ends at once, as docker-py's
    assert b"".join(cd.logs(cid, stream=True, follow=False)) == \
        b"".join(dp.logs(cid, stream=True, follow=False))


# --- exec -------------------------------------------------------------------------

def _read_sock(sock: Any) -> bytes:
    data = b""
    while True:
        d = sock.recv(4096)
        if not d:
            return data
        data += d


@pytest.mark.parametrize("create_tty,start_tty", [(True, False), (True, True),
                                                  (False, False), (False, True)])
def test_exec_socket_frames_follow_the_start_tty(dp, cd, made, create_tty, start_tty):
    """exec_start(socket=True): the engine frames the output unless the
    start request's Tty (the ``tty`` argument) is True, whatever the exec
    was created with."""
    cid = run(cd, made, ["sleep", "60"])
    cmd = ["sh", "-c", "echo out; sleep 0.3; echo err >&2"]
    got = []
    for c in (dp, cd):
        e = c.exec_create(cid, cmd, tty=create_tty)
        s = c.exec_start(e, socket=True, tty=start_tty)
        try:
            got.append(_read_sock(s._sock))
        finally:
            s.close()
    assert got[0] == got[1]
    if not start_tty:
        assert got[1][:1] == b"\x01"         # a stdout frame header


def test_exec_socket_default_tty_is_false(dp, cd, made):
    cid = run(cd, made, ["sleep", "60"])
    got = []
    for c in (dp, cd):
        e = c.exec_create(cid, ["echo", "hi"], tty=True)
        s = c.exec_start(e, socket=True)
        try:
            got.append(_read_sock(s._sock))
        finally:
            s.close()
    assert got[0] == got[1] == b"\x01\x00\x00\x00\x00\x00\x00\x04hi\r\n"


def test_exec_environment_forms_like_docker_py(dp, cd, made):
    """exec_create's ``environment``: a dict formatted as docker-py does
    (None: the bare name; bytes decoded), a list or tuple as it is, and a
    string sent unchanged, so the engine refuses it (400) as with docker-py,
    where it was split into one variable per character."""
    cid = run(cd, made, ["sleep", "30"])
    cmd = ["sh", "-c", "echo $A:$B:$C; env | grep -c '^D$' || true"]
    for env in ({"A": "1", "B": b"bytes", "D": None}, ["A=x", "B=y"], ("C=t",)):
        r = [c.exec_start(c.exec_create(cid, cmd, environment=env)) for c in (dp, cd)]
        assert r[0] == r[1], env
    got = [outcome(lambda: c.exec_create(cid, "true", environment="A=1")) for c in (dp, cd)]
    same_error(*got)
    assert got[1].status_code == got[0].status_code == 400


def test_exec_demux_and_streams_like_docker_py(dp, cd, made):
    cid = run(cd, made, ["sleep", "60"])
    cmd = ["sh", "-c", "echo out; sleep 0.3; echo err >&2; exit 3"]
    for kw in (dict(), dict(demux=True)):
        r = [c.exec_start(c.exec_create(cid, cmd), **kw) for c in (dp, cd)]
        assert r[0] == r[1], kw
    r = [list(c.exec_start(c.exec_create(cid, cmd), stream=True, demux=True))
         for c in (dp, cd)]
    assert r[0] == r[1] == [(b"out\n", None), (None, b"err\n")]
    e = cd.exec_create(cid, ["echo", "t"], tty=True)
    assert cd.exec_start(e) == dp.exec_start(dp.exec_create(cid, ["echo", "t"], tty=True))
    assert cd.exec_start(cd.exec_create(cid, ["true"]), detach=True) == \
        dp.exec_start(dp.exec_create(cid, ["true"]), detach=True)


def _traced(cd: clibdocker.APIClient) -> List[Any]:
    records: List[Any] = []
    cd.set_trace_hook(records.append)
    return records


def test_detach_keys_from_the_cli_config(cd, made):
    cid = run(cd, made, ["sleep", "60"], stdin_open=True)
    cd._general_configs = {"detachKeys": "ctrl-x,x"}
    records = _traced(cd)
    e = cd.exec_create(cid, ["true"])
    e2 = cd.exec_create(cid, ["true"], detach_keys="ctrl-y")
    s = cd.attach_socket(cid, params={"stdin": 1, "stream": 1})
    s.close()
    s = cd.attach_socket(cid, params={"stdin": 1, "stream": 1, "detachKeys": "ctrl-z"})
    s.close()
    cd.set_trace_hook(None)
    assert e["Id"] and e2["Id"]
    bodies = [r.request_body for r in records if r.url.endswith("/exec")]
    assert b'"detachKeys": "ctrl-x,x"' in bodies[0]
    assert b'"detachKeys": "ctrl-y"' in bodies[1]
    attaches = [r.url for r in records if "/attach" in r.url]
    assert "detachKeys=ctrl-x%2Cx" in attaches[0] or "detachKeys=ctrl-x,x" in attaches[0]
    assert "detachKeys=ctrl-z" in attaches[1]


# --- create, wait, stop -----------------------------------------------------------

def test_create_container_injects_config_proxies(dp, cd, made):
    from clibdocker.utils.proxy import ProxyConfig
    import docker.utils.proxy as dproxy
    proxies = dict(http="http://proxy:3128", https="https://proxy:3129", no_proxy="localhost")
    cd._proxy_configs = ProxyConfig.from_dict(
        {"httpProxy": proxies["http"], "httpsProxy": proxies["https"],
         "noProxy": proxies["no_proxy"]})
    dp._proxy_configs = dproxy.ProxyConfig.from_dict(
        {"httpProxy": proxies["http"], "httpsProxy": proxies["https"],
         "noProxy": proxies["no_proxy"]})
    envs = []
    for c in (dp, cd):
        for kw in (dict(environment={"HTTP_PROXY": "mine", "A": "1"}), dict(),
                   dict(environment=["B=2"], use_config_proxy=False)):
            cid = c.create_container(TEST_IMAGE, ["true"], labels=dict(LABELS), **kw)["Id"]
            made.append(cid)
            envs.append(cd.inspect_container(cid)["Config"]["Env"])
    assert envs[:3] == envs[3:]
    ours = envs[3]
    # the user's own value wins: it comes after the injected one
    assert ours.index("HTTP_PROXY=mine") > ours.index("HTTP_PROXY=http://proxy:3128")
    assert "no_proxy=localhost" in envs[4] and "B=2" in envs[5]
    assert not any("proxy" in v.lower() for v in envs[5])


def test_create_container_environment_not_a_list_or_dict(dp, cd, made):
    """``environment="A=1"`` (or a tuple): docker-py prepends its proxy
    variables with ``+`` even when there are none, so the create fails with
    its TypeError before any request; with ``use_config_proxy=False`` the
    value goes to the engine as it is."""
    for env in ("A=1", ("A=1",)):
        got = [outcome(lambda: c.create_container(TEST_IMAGE, "true", labels=dict(LABELS), environment=env))
               for c in (dp, cd)]
        same_error(*got)
        assert isinstance(got[1], TypeError) and str(got[0]) == str(got[1])
    # empty values are not concatenated: they create as None does
    for env in ("", ()):
        cid = cd.create_container(TEST_IMAGE, "true", labels=dict(LABELS), environment=env)["Id"]
        made.append(cid)
    got = [outcome(lambda: c.create_container(TEST_IMAGE, "true", labels=dict(LABELS), environment="A=1",
                                              use_config_proxy=False)) for c in (dp, cd)]
    for g in got:
        if isinstance(g, dict):
            made.append(g["Id"])
    assert type(got[0]).__name__ == type(got[1]).__name__


def test_wait_answers_like_docker_py(dp, cd, made):
    cid = run(cd, made, ["sh", "-c", "exit 7"])
    r = [c.wait(cid) for c in (dp, cd)]
    assert r[0] == r[1] == {"Error": None, "StatusCode": 7}
    r = [c.wait(cid, condition="not-running") for c in (dp, cd)]
    assert r[0] == r[1]
    long = run(cd, made, ["sleep", "60"])
    ours = outcome(lambda: cd.wait(long, timeout=0.5))
    theirs = outcome(lambda: dp.wait(long, timeout=0.5))
    import requests
    assert isinstance(theirs, requests.exceptions.ConnectionError)
    assert isinstance(ours, requests.exceptions.ConnectionError)


def test_wait_unknown_condition_is_the_newer_engines_api_error(cd, made, client2):
    """``wait(condition="bogus")``: docker-py sends it and an engine >= 25
    answers 400 ``invalid condition: "bogus"`` (20.10 waits as for
    not-running); clibdocker refuses it before the request as that
    APIError, on every engine, so ``except APIError`` catches it."""
    from conftest import ENGINE2
    dp2 = docker.APIClient(base_url=ENGINE2, version="1.41")
    cid2 = client2.create_container(TEST_IMAGE, "true", labels=dict(LABELS))["Id"]
    try:
        with pytest.raises(docker.errors.APIError) as want:
            dp2.wait(cid2, condition="bogus")
        for c, ref in ((client2, cid2), (cd, run(cd, made, ["sleep", "30"]))):
            with pytest.raises(errors.APIError) as got:
                c.wait(ref, condition="bogus", timeout=5)
            assert isinstance(got.value, errors.InvalidArgument)
            assert got.value.status_code == want.value.status_code == 400
            assert got.value.explanation == want.value.explanation
            assert got.value.is_client_error()
        # the running container was not waited for
        assert cd.inspect_container(made[-1])["State"]["Running"]
    finally:
        client2.remove_container(cid2, force=True)
        dp2.close()


def test_stop_waits_longer_than_the_client_timeout(made):
    """stop/restart(t): the call may take the client timeout plus t."""
    for cls in (docker.APIClient, clibdocker.APIClient):
        c = cls(base_url=BASE_URL, timeout=2)
        try:
            cid = c.create_container(TEST_IMAGE, ["sleep", "60"], labels=dict(LABELS))["Id"]
            made.append(cid)
            c.start(cid)
            start = time.monotonic()
            c.stop(cid, timeout=3)        # PID 1 ignores SIGTERM: about 3 s
            assert time.monotonic() - start >= 2.5
            assert c.inspect_container(cid)["State"]["Running"] is False
            c.start(cid)
            start = time.monotonic()
            c.restart(cid, timeout=3)
            assert time.monotonic() - start >= 2.5
            assert c.inspect_container(cid)["State"]["Running"] is True
            c.kill(cid)
        finally:
            c.close()


# --- errors, resources, lists --------------------------------------------------------

def test_not_found_classes_like_docker_py(dp, cd):
    calls = [
        lambda c: c.inspect_container("h6-no-such-container"),
        lambda c: c.create_container("h6-no-such-image:latest", ["true"]),
        lambda c: c.logs("h6-no-such-container"),
        lambda c: c.exec_create("h6-no-such-container", ["true"]),
        lambda c: c.inspect_network("h6-no-such-network"),
        lambda c: c.inspect_volume("h6-no-such-volume"),
        lambda c: c.inspect_container(""),
        lambda c: c.inspect_container({"Name": "x"}),
    ]
    for call in calls:
        ours, theirs = outcome(lambda: call(cd)), outcome(lambda: call(dp))
        same_error(ours, theirs)
    assert isinstance(outcome(lambda: cd.create_container("h6-no-such-image:latest")),
                      errors.ImageNotFound)


def test_resources_as_dicts_with_id_or_ID(cd, made):
    cid = run(cd, made, ["sleep", "60"])
    for ref in ({"Id": cid}, {"ID": cid}):
        assert cd.inspect_container(ref)["Id"] == cid
        assert cd.logs(ref) == b""
        e = cd.exec_create(ref, ["echo", "x"])
        assert cd.exec_start({"ID": e["Id"]}) == b"x\n"
        assert cd.top(ref)["Processes"]


def test_containers_list_like_docker_py(dp, cd, made):
    label = unique("h6list")
    ids = []
    for i in range(3):
        cid = cd.create_container(TEST_IMAGE, ["sleep", "60"],
                                  labels={**LABELS, label: str(i)})["Id"]
        made.append(cid)
        ids.append(cid)
    cd.start(ids[0])
    f = {"label": label}
    cases = [dict(), dict(all=True), dict(quiet=True, all=True), dict(trunc=True, all=True),
             dict(all=True, limit=2), dict(all=True, latest=True), dict(all=True, size=True),
             dict(all=True, since=ids[0]), dict(all=True, before=ids[2]),
             dict(all=True, quiet=True, trunc=True)]
    for kw in cases:
        ours, theirs = cd.containers(filters=f, **kw), dp.containers(filters=f, **kw)
        assert [x["Id"] for x in ours] == [x["Id"] for x in theirs], kw
        assert [sorted(x) for x in ours] == [sorted(x) for x in theirs], kw
    assert cd.containers(filters=f, quiet=True, all=True) == \
        [{"Id": i} for i in reversed(ids)]


# --- attach, archives, stats, networks ---------------------------------------------

def test_attach_archives_and_stats_like_docker_py(dp, cd, made):
    import io
    import tarfile
    cid = run(cd, made, ["sh", "-c", "echo hello; echo oops >&2; sleep 60"])
    wait_output(cd, cid, b"oops")
    for kw in (dict(logs=True, stream=False, stdout=True, stderr=False),
               dict(logs=True, stream=False, demux=True)):
        ours = outcome(lambda: cd.attach(cid, **kw))
        theirs = outcome(lambda: dp.attach(cid, **kw))
        if isinstance(theirs, BaseException):
            same_error(ours, theirs)
        else:
            assert type(ours) is type(theirs), kw
    # put_archive -> True; get_archive -> (chunks, stat)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("h6.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"12345"))
    assert cd.put_archive(cid, "/tmp", buf.getvalue()) is dp.put_archive(
        cid, "/tmp", buf.getvalue()) is True
    (s1, st1), (s2, st2) = cd.get_archive(cid, "/tmp/h6.txt"), dp.get_archive(cid, "/tmp/h6.txt")
    assert st1 == st2 and st1["size"] == 5
    assert b"".join(s1) == b"".join(s2)
    same_error(outcome(lambda: cd.get_archive(cid, "/no/such")),
               outcome(lambda: dp.get_archive(cid, "/no/such")))
    one = [c.stats(cid, stream=False) for c in (dp, cd)]
    assert sorted(one[0]) == sorted(one[1])
    s = cd.stats(cid, decode=True)
    first = next(iter(s))
    s.close()
    assert isinstance(first, dict) and "cpu_stats" in first
    exported = cd.export(cid)
    assert isinstance(exported, clibdocker.types.CancellableStream)
    assert next(iter(exported))[:100] == next(iter(dp.export(cid)))[:100]
    exported.close()


def test_network_calls_like_docker_py(dp, cd, made):
    name = unique("h6net")
    net = cd.create_network(name, labels=dict(LABELS))
    try:
        cid = run(cd, made, ["sleep", "60"])
        for c in (dp, cd):
            c.connect_container_to_network({"Id": cid}, net["Id"], aliases=["h6"])
            assert name in cd.inspect_container(cid)["NetworkSettings"]["Networks"]
            c.disconnect_container_from_network({"Id": cid}, net["Id"])
        assert sorted(cd.inspect_network(net)) == sorted(dp.inspect_network(net))
        same_error(outcome(lambda: cd.inspect_network({"Name": "x"})),
                   outcome(lambda: dp.inspect_network({"Name": "x"})))
    finally:
        cd.remove_network(net["Id"])


def test_volume_calls_like_docker_py(dp, cd):
    names = [unique("h6vol"), unique("h6vol")]
    try:
        made = [dp.create_volume(names[0], labels=dict(LABELS), driver_opts={"type": "tmpfs",
                                                                             "device": "tmpfs"}),
                cd.create_volume(names[1], labels=dict(LABELS), driver_opts={"type": "tmpfs",
                                                                             "device": "tmpfs"})]
        assert sorted(made[0]) == sorted(made[1])
        assert sorted(cd.inspect_volume(names[0])) == sorted(dp.inspect_volume(names[1]))
        f = {"label": "clibdocker-test=1", "name": "h6vol"}
        ours, theirs = cd.volumes(filters=f), dp.volumes(filters=f)
        assert sorted(ours) == sorted(theirs)
        assert {v["Name"] for v in ours["Volumes"]} >= set(names)
        same_error(outcome(lambda: cd.inspect_volume("h6-no-such-vol")),
                   outcome(lambda: dp.inspect_volume("h6-no-such-vol")))
        assert cd.remove_volume(names[0]) == dp.remove_volume(names[1])
        same_error(outcome(lambda: cd.remove_volume(names[0])),
                   outcome(lambda: dp.remove_volume(names[0])))
    finally:
        for n in names:
            try:
                cd.remove_volume(n, force=True)
            except errors.NotFound:
                pass


def test_volume_name_empty_or_not_a_string_like_docker_py(dp, cd):
    """docker-py's volume calls have no ``check_resource``: an empty name is
    sent (``/volumes/``) and the engine's 404 is NotFound; None or an int is
    the ValueError of building the URL. clibdocker refuses the empty name
    before any request, as NullResource that is also that NotFound (found by
    tests/programs/pu01)."""
    import pickle
    for call in (lambda c, n: c.inspect_volume(n), lambda c, n: c.remove_volume(n),
                 lambda c, n: c.remove_volume(n, force=True)):
        for name in ("", None, 5):
            want, got = outcome(lambda: call(dp, name)), outcome(lambda: call(cd, name))
            assert isinstance(want, (docker.errors.NotFound, ValueError)), want
            if isinstance(want, docker.errors.NotFound):
                assert isinstance(got, errors.NotFound) and isinstance(got, errors.NullResource), got
                assert (got.status_code, got.is_client_error(), got.response.status_code) == \
                    (want.status_code, want.is_client_error(), want.response.status_code) == (404, True, 404)
                back = pickle.loads(pickle.dumps(got))
                assert isinstance(back, errors.NotFound) and isinstance(back, errors.NullResource)
            else:
                assert type(got) is ValueError and str(got) == str(want)
    # through the models too
    cl = clibdocker.DockerClient(base_url=BASE_URL)
    try:
        with pytest.raises(errors.NotFound):
            cl.volumes.get("")
        with pytest.raises(ValueError, match="Expected a string but found None"):
            cl.volumes.get(None)
    finally:
        cl.close()


def test_connect_disconnect_net_id_checked_like_docker_py(dp, cd):
    """docker-py puts connect/disconnect's ``net_id`` straight into the URL:
    a dict or None is its ValueError, an empty one the engine's 404
    (NotFound); the container is checked first. clibdocker took a dict's Id
    and refused "" as a bare NullResource (found by a pu02 probe)."""
    for nid in ("", None, {"Id": "x"}, 5):
        for call in (lambda c: c.connect_container_to_network("clibdocker-test-nope", nid),
                     lambda c: c.disconnect_container_from_network("clibdocker-test-nope", nid, force=True),
                     lambda c: c.connect_container_to_network(None, nid),
                     lambda c: c.connect_container_to_network("clibdocker-test-nope", nid, links="ab")):
            want, got = outcome(lambda: call(dp)), outcome(lambda: call(cd))
            if isinstance(want, docker.errors.NotFound):
                # (named NullResource outside the docker alias, NotFound under it)
                assert isinstance(got, errors.NotFound) and isinstance(got, errors.NullResource), got
                assert got.status_code == want.status_code == 404
            else:
                same_error(got, want)
                if type(want) is ValueError:
                    assert type(got) is ValueError
                    if str(want).startswith("Expected a string"):
                        assert str(got) == str(want)


def test_socket_object_reads_and_writes_like_socketio(dp, cd, made):
    """docker-py returns a read-only ``socket.SocketIO`` (programs write
    through ``sock._sock``): read(-1), readline, readinto work the same on
    ours, which can also ``write``."""
    cid = run(cd, made, ["sleep", "60"])
    got = []
    for c in (dp, cd):
        e = c.exec_create(cid, ["sh", "-c", "read a; echo got:$a; echo tail"], stdin=True,
                          tty=True)
        s = c.exec_start(e, socket=True, tty=True)
        try:
            if c is cd:
                assert s.write(b"ab") == 2
                s.flush()
                s._sock.sendall(b"c\n")
            else:
                s._sock.sendall(b"abc\n")
            first = s.readline()
            buf = bytearray(3)
            n = s.readinto(buf)
            rest = s.read(-1)
            got.append((first, bytes(buf[:n]) + rest))
        finally:
            s.close()
    assert got[0][0] + got[0][1] == got[1][0] + got[1][1]
    assert got[1][0].endswith(b"\n") and b"got:abc" in got[1][0] + got[1][1]


def _api_status(fn: Callable[[], Any], api_error: type) -> Any:
    try:
        fn()
    except api_error as e:
        return (e.status_code, e.is_client_error(), e.is_server_error())
    return "no error"


def test_bad_arguments_refused_early_are_the_engines_api_error(dp, cd, made) -> None:
    """Malformed names, references and restart policies: docker-py sends
    them and the engine answers 400/500 (an APIError); clibdocker refuses
    them before any request, with an exception that is its own class and
    also that APIError (same status), so ``except APIError`` catches both."""
    cid = run(cd, made, ["sleep", "30"])
    img = TEST_IMAGE
    cases = [
        ("create name", lambda c: c.create_container(img, "true", name="bad name!", labels=dict(LABELS))),
        ("create 1-char name", lambda c: c.create_container(img, "true", name="q", labels=dict(LABELS))),
        ("rename", lambda c: c.rename(cid, "y")),
        ("restart policy", lambda c: c.create_container(
            img, "true", labels=dict(LABELS),
            host_config=c.create_host_config(restart_policy={"Name": "sometimes"}))),
        ("tag repo", lambda c: c.tag(img, "Bad Repo")),
        ("tag tag", lambda c: c.tag(img, "clibdocker-test/x", "bad tag!")),
        ("commit repo", lambda c: c.commit(cid, repository="Bad Repo")),
        ("pull tag", lambda c: c.pull("busybox", tag="bad tag!")),
        ("pull repo", lambda c: c.pull("Bad Repo")),
        ("push repo", lambda c: c.push("Bad Repo")),
        ("import repo", lambda c: c.import_image_from_data(b"", repository="Bad Repo")),
        ("distribution", lambda c: c.inspect_distribution("Bad Repo")),
    ]
    try:
        for what, call in cases:
            want = _api_status(lambda: call(dp), docker.errors.APIError)
            got = _api_status(lambda: call(cd), errors.APIError)
            assert got == want, what
    finally:
        # a 20.10 engine commits docker-py's "Bad Repo" before refusing the
        # name and keeps the image, untagged (clibdocker sends no request)
        for im in cd.images(all=True, filters={"dangling": True, "label": "clibdocker-test=1"}):
            try:
                if cd.inspect_image(im["Id"]).get("Container") == cid:
                    cd.remove_image(im["Id"], force=True)
            except errors.NotFound:
                pass
    # still clibdocker's own classes, and refused before any request
    with pytest.raises(errors.InvalidRepository):
        cd.tag(img, "Bad Repo")
    with pytest.raises(errors.InvalidArgument):
        cd.rename(cid, "y")
    assert cd.inspect_container(cid)["Name"] != "/y"


def test_api_error_text_and_url_like_docker_py(dp, cd):
    """str(APIError) and response.url as docker-py shows them: the request's
    URL in requests' spelling (unix socket: http+docker://localhost, ':' of an
    image reference unescaped), for errors from calls and from streams."""
    missing = unique("clibdocker-test-missing")
    calls = [
        lambda c: c.inspect_container(missing),
        lambda c: c.inspect_image(f"{missing}:tag"),
        lambda c: c.logs(missing),
        lambda c: c.remove_volume(missing),
    ]
    for call in calls:
        got = []
        for client, mod in ((dp, docker.errors), (cd, errors)):
            with pytest.raises(mod.APIError) as ei:
                call(client)
            e = ei.value
            got.append((type(e).__name__, str(e), e.response.url, e.response.status_code,
                        e.response.reason, e.explanation))
        assert got[0] == got[1]
    # a failure before any answer has no URL
    with pytest.raises(errors.NullResource):
        cd.inspect_container("")


def test_api_error_text_names_the_request_url_as_docker_py(dp, cd) -> None:
    """``str(APIError)`` and ``response.url``: docker-py's
    ``404 Client Error for http+docker://localhost/v1.41/...: Not Found
    ("...")``, with the query docker-py sends for the calls whose refusals
    programs print most (remove, pull, tag, stats, commit, list filters)."""
    missing = unique()
    calls = [
        lambda c: c.inspect_container(missing),
        lambda c: c.inspect_image(f"clibdocker-test/{missing}:v1"),
        lambda c: c.inspect_volume(missing),
        lambda c: c.inspect_network(missing),
        lambda c: c.kill(missing),
        lambda c: c.history(f"clibdocker-test/{missing}"),
        lambda c: c.create_container(f"clibdocker-test/{missing}", "true"),
        # with query parameters: shown as docker-py sends them
        lambda c: c.remove_container(missing),
        lambda c: c.remove_container(missing, v=True, force=True),
        lambda c: c.remove_image(f"clibdocker-test/{missing}:v1"),
        lambda c: c.remove_image(missing, force=True),
        lambda c: c.pull(f"127.0.0.1:5000/clibdocker-test/{missing}", tag="v1"),
        lambda c: c.tag(missing, "clibdocker-test/x", "t"),
        lambda c: c.stats(missing, stream=False),
        lambda c: c.commit(missing, repository="clibdocker-test/x", message="a b"),
        lambda c: c.volumes(filters={"bogus": "x y"}),
        lambda c: c.images(name="x", quiet=True, filters={"bogus": "1"}),
        lambda c: c.images(all=True, filters={"bogus": "1"}),
        lambda c: c.containers(all=True, filters={"bogus": "x"}),
        # imports: docker-py's repo, tag, fromSrc order (found by pk programs' probes)
        lambda c: c.import_image_from_data(b"garbage", repository=f"clibdocker-test/{missing}", tag="x"),
        lambda c: c.import_image_from_url("http://127.0.0.1:1/x.tar",
                                          repository=f"clibdocker-test/{missing}"),
    ]
    for call in calls:
        with pytest.raises(docker.errors.APIError) as want:
            call(dp)
        with pytest.raises(errors.APIError) as got:
            call(cd)
        assert str(got.value) == str(want.value)
        assert got.value.response.url == want.value.response.url
        # the engine's body, as docker-py's response holds it
        assert got.value.response.content == want.value.response.content
        assert got.value.response.json() == want.value.response.json()
        assert got.value.response.reason == want.value.response.reason
    with pytest.raises(errors.NullResource, match="Resource ID was not provided"):
        cd.inspect_image("")
    # a missing file to import: docker-py sends its name as a URL and gets the
    # engine's 500; clibdocker refuses it at once, as that APIError
    with pytest.raises(docker.errors.APIError) as want:
        dp.import_image_from_file("/nonexistent-clibdocker.tar", repository="clibdocker-test/x")
    with pytest.raises(errors.APIError) as got:
        cd.import_image_from_file("/nonexistent-clibdocker.tar", repository="clibdocker-test/x")
    assert got.value.status_code == want.value.status_code == 500
    assert isinstance(got.value, errors.InvalidArgument)
    with pytest.raises(errors.APIError) as got:
        cd.import_image(src="not/a/file/nor/url", repository="clibdocker-test/x")
    assert got.value.status_code == 500
    # nothing to import: docker-py's DockerException and words
    with pytest.raises(docker.errors.DockerException) as want:
        dp.import_image(repository="clibdocker-test/x")
    with pytest.raises(errors.DockerException) as got:
        cd.import_image(repository="clibdocker-test/x")
    assert str(got.value) == str(want.value)


def test_import_image_from_data_sends_its_data_never_a_path(dp, cd, tmp_path) -> None:
    """``import_image_from_data``'s argument is the tarball itself in
    docker-py (``fromSrc=-``, the value as the body) even when it is a str
    naming a file or a URL; None is an empty body (an empty image). Found by
    program pr01's probes: clibdocker read a str as a path or URL."""
    import io as _io
    import json as _json
    import tarfile as _tarfile
    buf = _io.BytesIO()
    with _tarfile.open(fileobj=buf, mode="w") as tf:
        ti = _tarfile.TarInfo("f")
        ti.size = 2
        tf.addfile(ti, _io.BytesIO(b"x\n"))
    path = tmp_path / "rootfs.tar"
    path.write_bytes(buf.getvalue())
    repo = f"clibdocker-test/{unique('imp')}"
    made_images: List[str] = []
    try:
        for what in (str(path), "http://127.0.0.1:1/x.tar", "garbage"):
            with pytest.raises(docker.errors.APIError) as want:
                dp.import_image_from_data(what, repository=repo, tag="dp")
            with pytest.raises(errors.APIError) as got:
                cd.import_image_from_data(what, repository=repo, tag="cd")
            assert got.value.status_code == want.value.status_code == 500
            assert got.value.explanation == want.value.explanation
            assert str(got.value) == str(want.value).replace("tag=dp", "tag=cd")
        for who, c in (("dp", dp), ("cd", cd)):
            out = c.import_image_from_data(None, repository=repo, tag=who,
                                           changes=["LABEL clibdocker-test=1"])
            made_images.append(_json.loads(out.strip().splitlines()[-1])["status"])
        ins = [cd.inspect_image(f"{repo}:{who}") for who in ("dp", "cd")]
        assert ins[0]["RootFS"] == ins[1]["RootFS"]
        assert ins[1]["Config"]["Labels"] == {"clibdocker-test": "1"}
    finally:
        for ref in (f"{repo}:dp", f"{repo}:cd", *made_images):
            try:
                cd.remove_image(ref, force=True)
            except errors.APIError:
                pass


def test_load_image_of_none_or_text_is_the_engines_error_as_in_docker_py(dp, cd) -> None:
    """``load_image(None)`` sends no body and ``load_image("<text>")`` the
    text, as docker-py (requests) does: the engine's error comes as a
    message, and ``images.load`` raises it as ``ImageLoadError``. Found by
    program pr01's probes: clibdocker raised ``TypeError`` for None."""
    for data in (None, "/some/file.tar", "not a tar"):
        want = list(dp.load_image(data))
        got = list(cd.load_image(data))
        assert [sorted(x) for x in got] == [sorted(x) for x in want] == [["error", "errorDetail"]]
        if data is not None:  # (None: the engine names a temporary directory)
            assert got == want
    dcl = docker.DockerClient(base_url=BASE_URL)
    ccl = clibdocker.DockerClient(base_url=BASE_URL)
    try:
        for data in (None, "not a tar"):
            with pytest.raises(docker.errors.ImageLoadError):
                dcl.images.load(data)
            with pytest.raises(errors.ImageLoadError):
                ccl.images.load(data)
    finally:
        dcl.close()
        ccl.close()


def test_api_error_text_of_logs_and_exec_start_as_docker_py(dp, cd, made) -> None:
    """A refused ``logs()`` (no stream chosen) shows docker-py's query
    (``stderr, stdout, timestamps, follow, tail``, then since/until), and
    ``exec_start`` of an unknown exec names ``POST /exec/<id>/start`` (the
    engine refuses the start, not a look-up clibdocker made first)."""
    cid = run(cd, made, ["sleep", "30"])
    calls = [
        lambda c: c.logs(cid, stdout=False, stderr=False),
        lambda c: c.logs(cid, stdout=False, stderr=False, timestamps=True, tail=3, since=100, until=200),
        lambda c: c.logs(cid, stdout=False, stderr=False, stream=True, follow=False,
                         since=datetime.datetime(2020, 1, 2, 3, 4, 5)),
        lambda c: c.exec_start("0" * 64),
        lambda c: c.exec_start("0" * 64, stream=True),
        lambda c: c.exec_start("0" * 64, socket=True),
    ]
    for call in calls:
        with pytest.raises(docker.errors.APIError) as want:
            call(dp)
        with pytest.raises(errors.APIError) as got:
            call(cd)
        assert type(got.value).__name__ == type(want.value).__name__
        assert str(got.value) == str(want.value)
        assert got.value.response.url == want.value.response.url


def test_export_and_stats_streams_raise_the_refusal_when_iterated(dp, cd, tmp_path) -> None:
    """docker-py's ``export()`` and ``stats(stream=True)`` are generators:
    a refused request (an unknown container) raises at the first pull, not
    at the call, so a program that opens the stream outside its ``try`` and
    iterates inside catches it. A stream closed before its first pull never
    raises. ``write_to`` raises the same refusal."""
    missing = unique()
    opens = [lambda c: c.export(missing), lambda c: c.stats(missing),
             lambda c: c.stats(missing, decode=True)]
    for open_stream in opens:
        got = []
        for c in (dp, cd):
            s = open_stream(c)                      # no exception here
            with pytest.raises(docker.errors.NotFound if c is dp else errors.NotFound) as ei:
                next(iter(s))
            got.append(str(ei.value))
            assert list(s) == []                    # raised once, then ended
            quiet = open_stream(c)
            quiet.close()
            assert list(quiet) == []
        assert got[0] == got[1]
    with pytest.raises(errors.NotFound):
        cd.export(missing).write_to(str(tmp_path / "x.tar"))
    # an empty id is still refused at once
    with pytest.raises(errors.NullResource):
        cd.export("")


def test_bad_rename_resize_update_id_arguments_like_docker_py(dp, cd, made) -> None:
    """Arguments docker-py sends and the engine refuses: clibdocker refuses
    them first, as that APIError (same status), so ``except APIError``
    written for docker-py catches them: ``rename(None)``/``rename("")``
    (400), ``resize(height="x")`` (400), ``update_container(restart_policy=
    "always")`` (500). A container reference that is not a string is
    docker-py's ValueError with its words."""
    cid = run(cd, made, ["sleep", "30"])
    cases = [
        ("rename None", lambda c: c.rename(cid, None)),
        ("rename empty", lambda c: c.rename(cid, "")),
        ("resize", lambda c: c.resize(cid, "x", 1)),
        ("update restart", lambda c: c.update_container(cid, restart_policy="always")),
    ]
    for what, call in cases:
        want = _api_status(lambda: call(dp), docker.errors.APIError)
        got = _api_status(lambda: call(cd), errors.APIError)
        assert got == want, what
    with pytest.raises(errors.APIError) as ei:
        cd.rename(cid, None)
    with pytest.raises(docker.errors.APIError) as ew:
        dp.rename(cid, None)
    assert ei.value.explanation == ew.value.explanation
    for ref in (5, 1.5):
        got = [outcome(lambda: c.inspect_container(ref)) for c in (dp, cd)]
        assert type(got[1]) is type(got[0]) is ValueError and str(got[1]) == str(got[0])
    assert cd.inspect_container(cid)["State"]["Running"]


def test_kill_signal_forms_and_resize_digit_strings_like_docker_py(dp, cd, made) -> None:
    """kill()'s signal as docker-py sends it: an enum member or a float goes
    through int() (12.0 is SIGUSR2), an empty string is no signal at all (the
    engine's SIGKILL); something int() refuses is int()'s error before any
    request. resize() with digit strings works as docker-py's (the engine
    reads them as numbers)."""
    import signal as _sig
    trap = "trap 'echo USR2 >> /sig' USR2; trap 'echo HUP >> /sig' HUP; while true; do sleep 0.1; done"
    for c in (dp, cd):
        cid = run(cd, made, ["sh", "-c", trap])
        time.sleep(0.3)
        c.kill(cid, signal=12.0)
        c.kill(cid, signal=_sig.SIGHUP)
        deadline = time.monotonic() + 10
        while True:
            ex = cd.exec_create(cid, ["sh", "-c", "cat /sig 2>/dev/null"])
            out = cd.exec_start(ex["Id"])
            if len(out.split()) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert sorted(out.split()) == [b"HUP", b"USR2"], (type(c).__module__, out)
        with pytest.raises(ValueError):
            c.kill(cid, signal=_NotANumber())
        assert cd.inspect_container(cid)["State"]["Running"]
        c.kill(cid, signal="")
        assert cd.wait(cid, timeout=10)["StatusCode"] == 137
    tty = run(cd, made, ["sh", "-c", "while true; do stty size; sleep 0.1; done"], tty=True)
    for c, (h, w) in ((dp, ("31", "97")), (cd, ("32", "98"))):
        c.resize(tty, h, w)
        wait_output(cd, tty, f"{h} {w}".encode())


def test_get_archive_encode_stream_is_the_plain_tar_like_docker_py(dp, cd, made, tmp_path) -> None:
    """get_archive(encode_stream=True): the engine gzips the transfer and
    docker-py (requests) hands out the decoded tar; so does clibdocker, in
    chunks of chunk_size, and through write_to()."""
    cid = run(cd, made, ["sh", "-c", "seq 1 3000 > /g.txt; sleep 30"])
    wait_for = time.monotonic() + 10
    while cd.exec_start(cd.exec_create(cid, ["sh", "-c", "test -s /g.txt && echo ok"])["Id"]) != b"ok\n":
        assert time.monotonic() < wait_for
        time.sleep(0.1)
    got = []
    for c in (dp, cd):
        bits, st = c.get_archive(cid, "/g.txt", chunk_size=100, encode_stream=True)
        chunks = list(bits)
        got.append((b"".join(chunks), max(map(len, chunks)), st["size"]))
    assert got[1] == got[0]
    assert got[1][0][:5] == b"g.txt" and len(got[1][0]) % 512 == 0 and got[1][1] == 100
    bits, _ = cd.get_archive(cid, "/g.txt", encode_stream=True)
    dest = tmp_path / "g.tar"
    with open(dest, "wb") as f:
        assert bits.write_to(f) == len(got[0][0])
    assert dest.read_bytes() == got[0][0]


def test_wait_answer_as_the_engine_gives_it_like_docker_py() -> None:
    """wait() returns the engine's JSON as docker-py does: the 26.1 engine
    leaves "Error" out when there is none, and so does the result (no key
    added)."""
    from conftest import ENGINE2
    dp2 = docker.APIClient(base_url=ENGINE2)
    cd2 = clibdocker.APIClient(base_url=ENGINE2)
    ids = []
    try:
        got = []
        for c in (dp2, cd2):
            cid = cd2.create_container(TEST_IMAGE, ["sh", "-c", "exit 4"], labels=dict(LABELS))["Id"]
            ids.append(cid)
            cd2.start(cid)
            got.append(c.wait(cid, timeout=30))
        assert got[1] == got[0] == {"StatusCode": 4}
    finally:
        for cid in ids:
            cd2.remove_container(cid, force=True)
        dp2.close()
        cd2.close()


@pytest.mark.parametrize("engine", ["main", "engine2"])
def test_logs_of_a_missing_container_name_the_inspect_like_docker_py(engine) -> None:
    """docker-py inspects the container for its TTY before it reads the logs
    answer, so a missing container's NotFound names GET .../json; on the 26.1
    engine too, where clibdocker needs no inspect to tell the framing."""
    from conftest import ENGINE2
    url = BASE_URL if engine == "main" else ENGINE2
    dp2, cd2 = docker.APIClient(base_url=url), clibdocker.APIClient(base_url=url)
    missing = "clibdocker-test-no-such-container-logs"
    try:
        with pytest.raises(docker.errors.NotFound) as theirs:
            dp2.logs(missing)
        with pytest.raises(errors.NotFound) as ours:
            cd2.logs(missing)
        assert str(ours.value) == str(theirs.value) and "/json" in str(ours.value)
        with pytest.raises(errors.NotFound):   # told the framing: no inspect
            cd2.logs(missing, tty=False)
    finally:
        dp2.close()
        cd2.close()


def test_containers_limit_as_a_digit_string_like_docker_py(dp, cd, made) -> None:
    """containers(limit="1"): docker-py sends the string and the engine reads
    a number; clibdocker takes it too (a non-number is still refused)."""
    mark = unique("limit")
    for _ in range(2):
        made.append(cd.create_container(TEST_IMAGE, ["true"], labels={**LABELS, "limit-test": mark})["Id"])
    f = {"label": "limit-test=" + mark}
    got = [[x["Id"] for x in c.containers(all=True, limit="1", filters=f)] for c in (dp, cd)]
    assert got[0] == got[1] and len(got[1]) == 1
    assert len(cd.containers(all=True, limit="-1", filters=f)) == 2
    with pytest.raises(errors.InvalidArgument):
        cd.containers(limit="one")


class _NotANumber:
    def __int__(self) -> int:
        raise ValueError("not a number")


def test_raw_events_and_stats_items_like_docker_py(dp, cd, made):
    """events()/stats() without decode yield each document as docker-py does:
    the bytes of one JSON document with the newline the engine wrote after it
    (a program splitting or concatenating them sees the same bytes)."""
    since = int(time.time()) - 1
    name = unique("clibdocker-test-rawev")
    vol = cd.create_volume(name, labels=LABELS)["Name"]
    cd.remove_volume(vol)
    until = int(time.time()) + 1
    got = []
    for c in (dp, cd):
        items = list(c.events(since=since, until=until, filters={"type": "volume", "volume": name}))
        got.append([(type(x).__name__, x.endswith(b"\n"), x.count(b"\n")) for x in items])
    assert got[0] == got[1] and got[1] and got[1][0] == ("bytes", True, 1)
    cid = run(cd, made, ["sleep", "30"])
    shapes = []
    for c in (dp, cd):
        s = c.stats(cid, decode=False, stream=True)
        first = next(iter(s))
        s.close()
        shapes.append((type(first).__name__, first.endswith(b"\n"), first.count(b"\n")))
    assert shapes[0] == shapes[1] == ("bytes", True, 1)


def test_null_resource_message_like_docker_py(dp, cd):
    """An empty id for a network / swarm object call: docker-py's
    check_resource message, word for word (no argument name added)."""
    calls = [
        lambda c: c.inspect_network(None), lambda c: c.remove_network(""),
        lambda c: c.connect_container_to_network(None, "bridge"),
        lambda c: c.disconnect_container_from_network(None, "bridge"),
        lambda c: c.inspect_service(None), lambda c: c.remove_service(""),
        lambda c: c.inspect_secret(""), lambda c: c.inspect_config(None),
        lambda c: c.inspect_node(""), lambda c: c.inspect_task(None),
    ]
    for call in calls:
        with pytest.raises(docker.errors.NullResource) as theirs:
            call(dp)
        with pytest.raises(errors.NullResource) as ours:
            call(cd)
        assert str(ours.value) == str(theirs.value) == "Resource ID was not provided"


def test_get_image_of_a_missing_image_raises_at_the_first_chunk(dp, cd) -> None:
    """docker-py's ``get_image`` is a generator: an unknown image raises the
    engine's 404 when the first chunk is asked for, so a program that calls it
    outside its ``try`` and iterates inside catches it; a stream closed
    unread raises nothing."""
    missing = f"clibdocker-test/{unique('nosuch')}:1"
    texts = []
    for c, cls in ((dp, docker.errors.NotFound), (cd, errors.NotFound)):
        chunks = c.get_image(missing)               # nothing raised yet
        with pytest.raises(cls) as ei:
            next(iter(chunks))
        texts.append((type(ei.value).__name__, ei.value.status_code, str(ei.value)))
    assert texts[0] == texts[1]
    quiet = cd.get_image(missing)
    quiet.close()
    assert list(quiet) == []
    # an image that exists still streams its tar
    assert b"manifest.json" in b"".join(cd.get_image(TEST_IMAGE))
