"""Services and the swarm side by side with docker-py on a real single-node
swarm (run under ``flock /tmp/clibdocker-swarm.lock``): services made with
SecretReference/ConfigReference objects, create_service/update_service with
every docker-py argument, service_logs, and unlock-key rotation."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator, List, Tuple

import docker
import pytest

import clibdocker
from clibdocker import errors, types as ct
from conftest import LABELS, TEST_IMAGE, docker_cli, unique
from swarm_fixture import swarm, wait_for  # noqa: F401

BASE_URL = "unix:///var/run/docker.sock"


@pytest.fixture
def dp(swarm) -> Iterator[docker.APIClient]:
    c = docker.APIClient(base_url=BASE_URL)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def cd(swarm) -> Iterator[clibdocker.APIClient]:
    c = clibdocker.APIClient(base_url=BASE_URL)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def made(cd) -> Iterator[Callable[[str, str], str]]:
    """Register (kind, id) for removal at the end; services go first."""
    objs: List[Tuple[str, str]] = []

    def add(kind: str, oid: str) -> str:
        objs.append((kind, oid))
        return oid

    try:
        yield add
    finally:
        for kind, oid in sorted(objs, key=lambda x: x[0] != "service"):
            fn = {"service": cd.remove_service, "secret": cd.remove_secret,
                  "config": cd.remove_config, "network": cd.remove_network}[kind]
            for _ in range(60):   # a secret or network stays in use until its task is gone
                try:
                    fn(oid)
                    break
                except errors.NotFound:
                    break
                except errors.APIError:
                    time.sleep(0.5)


def task_container(c: clibdocker.APIClient, sid: str) -> str:
    def running() -> Any:
        ts = c.tasks(filters={"service": sid, "desired-state": "running"})
        ts = [t for t in ts if t["Status"]["State"] == "running"]
        return ts[0]["Status"]["ContainerStatus"]["ContainerID"] if ts else None
    return wait_for(running, 90, what="the service's task")  # type: ignore[no-any-return]


def test_service_with_reference_objects(dp, cd, made):
    """SecretReference/ConfigReference made from create_secret()/
    create_config()'s answers (docker-py's check_resource takes the dict)."""
    for lib, c, types in (("dp", dp, docker.types), ("cd", cd, ct)):
        secret = c.create_secret(unique("h6sec"), b"s3cret", labels=dict(LABELS))
        made("secret", secret["ID"])
        config = c.create_config(unique("h6cfg"), b"cfg", labels=dict(LABELS))
        made("config", config["ID"])
        sname = c.inspect_secret(secret)["Spec"]["Name"]
        cname = c.inspect_config(config)["Spec"]["Name"]
        spec = types.ContainerSpec(
            TEST_IMAGE, ["sleep", "300"], labels=dict(LABELS), stop_grace_period=10 ** 9,
            secrets=[types.SecretReference(secret, sname, filename="app")],
            configs=[types.ConfigReference(config, cname, filename="/cfg")])
        sid = made("service", c.create_service(types.TaskTemplate(spec),
                                               name=unique("h6svc-" + lib),
                                               labels=dict(LABELS))["ID"])
        spec_back = cd.inspect_service(sid)["Spec"]["TaskTemplate"]["ContainerSpec"]
        assert spec_back["Secrets"][0]["SecretID"] == secret["ID"]
        assert spec_back["Configs"][0]["ConfigID"] == config["ID"]
        cid = task_container(cd, sid)
        assert docker_cli("exec", cid, "cat", "/run/secrets/app", "/cfg") == "s3cretcfg"


def _shape(spec: Any) -> Any:
    """A service spec without the parts that differ by name. docker-py sends
    create_service's networks in the top-level ``Networks`` (deprecated since
    API 1.25), clibdocker in ``TaskTemplate.Networks``: the same attachment."""
    spec = dict(spec)
    spec.pop("Name", None)
    nets = spec.pop("Networks", None)
    if nets is not None:
        spec["TaskTemplate"] = dict(spec["TaskTemplate"], Networks=nets)
    return spec


def test_create_and_update_service_with_every_argument(dp, cd, made):
    net = made("network", cd.create_network(unique("h6net"), driver="overlay",
                                            labels=dict(LABELS))["Id"])
    specs = []
    for c, types in ((dp, docker.types), (cd, ct)):
        template = types.TaskTemplate(
            types.ContainerSpec(TEST_IMAGE, ["sleep", "300"], labels=dict(LABELS),
                                stop_grace_period=10 ** 9, env={"A": "1"}),
            restart_policy=types.RestartPolicy("none"),
            resources=types.Resources(mem_limit=64 * 1024 * 1024))
        kwargs = dict(
            name=unique("h6full"), labels={**LABELS, "x": "1"},
            mode=types.ServiceMode("replicated", replicas=1),
            update_config=types.UpdateConfig(parallelism=1, delay=10 ** 9, order="stop-first"),
            networks=[types.NetworkAttachmentConfig(net, aliases=["h6a"])],
            endpoint_config=None,
            endpoint_spec=types.EndpointSpec(ports={18086: 80}) if c is dp else
            types.EndpointSpec(ports={18087: 80}),
            rollback_config=types.RollbackConfig(parallelism=2, order="stop-first"))
        sid = made("service", c.create_service(template, **kwargs)["ID"])
        info = cd.inspect_service(sid)
        specs.append((sid, info))
        # update with every argument
        new_template = types.TaskTemplate(
            types.ContainerSpec(TEST_IMAGE, ["sleep", "301"], labels=dict(LABELS)),
            force_update=1)
        # the engine moves a new service's version on by itself (the port
        # allocation): retry an update that raced with it
        for attempt in range(10):
            info = cd.inspect_service(sid)
            try:
                r = c.update_service(sid, info["Version"]["Index"], task_template=new_template,
                                     name=info["Spec"]["Name"], labels={**LABELS, "x": "2"},
                                     mode="replicated",
                                     update_config=types.UpdateConfig(parallelism=3),
                                     networks=[net], endpoint_config=None,
                                     endpoint_spec=info["Spec"]["EndpointSpec"],
                                     fetch_current_spec=True,
                                     rollback_config=types.RollbackConfig(parallelism=4))
                break
            except Exception as e:  # noqa: BLE001
                if "out of sequence" not in str(e) or attempt == 9:
                    raise
                time.sleep(0.5)
        assert isinstance(r, dict)
        # a stale version is refused alike
        bad = None
        try:
            c.update_service(sid, info["Version"]["Index"], labels={"y": "1"})
        except Exception as e:  # noqa: BLE001
            bad = e
        assert type(bad).__name__ == "APIError", bad
    (s1, i1), (s2, i2) = specs
    a, b = _shape(i1["Spec"]), _shape(i2["Spec"])
    a["EndpointSpec"]["Ports"][0].pop("PublishedPort")
    b["EndpointSpec"]["Ports"][0].pop("PublishedPort")
    assert a == b
    u1, u2 = (_shape(cd.inspect_service(s)["Spec"]) for s in (s1, s2))
    assert u1["Labels"]["x"] == u2["Labels"]["x"] == "2"
    assert u1["TaskTemplate"]["ContainerSpec"]["Command"] == \
        u2["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "301"]
    for u in (u1, u2):
        u["EndpointSpec"]["Ports"][0].pop("PublishedPort")
    assert u1 == u2
    assert u2["UpdateConfig"]["Parallelism"] == 3 and u2["RollbackConfig"]["Parallelism"] == 4


def test_service_spec_version_gates_like_docker_py(swarm):
    old = [docker.APIClient(base_url=BASE_URL, version="1.24"),
           clibdocker.APIClient(base_url=BASE_URL, version="1.24")]
    try:
        for kw in (dict(rollback_config={"Parallelism": 1}),
                   dict(update_config={"Order": "start-first"})):
            outs = []
            for c, types in zip(old, (docker.types, ct)):
                t = types.TaskTemplate(types.ContainerSpec(TEST_IMAGE, ["true"]))
                try:
                    c.create_service(t, name=unique("h6gate"), **kw)
                    outs.append(None)
                except Exception as e:  # noqa: BLE001
                    outs.append(e)
            assert type(outs[0]).__name__ == type(outs[1]).__name__ == "InvalidVersion"
            assert str(outs[0]) == str(outs[1])
    finally:
        for c in old:
            c.close()


def test_service_logs_like_docker_py(dp, cd, made):
    spec = ct.ContainerSpec(TEST_IMAGE, ["sh", "-c", "echo out; echo err >&2; sleep 300"],
                            labels=dict(LABELS), stop_grace_period=10 ** 9)
    sid = made("service", cd.create_service(ct.TaskTemplate(spec), name=unique("h6logs"),
                                            labels=dict(LABELS))["ID"])
    task_container(cd, sid)

    def got(c: Any, **kw: Any) -> List[bytes]:
        return sorted(b"".join(c.service_logs(sid, **kw)).splitlines())
    wait_for(lambda: len(got(cd, stdout=True, stderr=True)) == 2, 30, what="the logs")
    for kw in (dict(stdout=True), dict(stderr=True), dict(stdout=True, stderr=True),
               dict(stdout=True, stderr=True, tail=1), dict(stdout=True, since=0),
               dict(stdout=True, since=int(time.time()) + 3600),
               dict(stdout=True, is_tty=False)):
        assert got(cd, **kw) == got(dp, **kw), kw
    assert got(cd, stdout=True) == [b"out"]
    detailed = got(cd, stdout=True, details=True)
    assert detailed == got(dp, stdout=True, details=True) and b"com.docker.swarm" in detailed[0]
    # follow streams until closed, as docker-py's generator
    s = cd.service_logs(sid, stdout=True, follow=True)
    assert next(iter(s)).endswith(b"out\n")
    s.close()
    assert isinstance(s, docker.types.CancellableStream) is False  # docker-py's own class
    assert isinstance(s, ct.CancellableStream)


def test_unlock_key_rotation(dp, cd):
    """autolock on, the key rotated, unlock refused on an unlocked swarm,
    autolock off again."""
    def set_autolock(on: bool, rotate: bool = False) -> None:
        info = cd.inspect_swarm()
        spec = info["Spec"]
        spec.setdefault("EncryptionConfig", {})["AutoLockManagers"] = on
        assert cd.update_swarm(info["Version"]["Index"], spec,
                               rotate_manager_unlock_key=rotate) is True

    assert dp.get_unlock_key() == cd.get_unlock_key()
    set_autolock(True)
    try:
        k1 = cd.get_unlock_key()
        assert k1 == dp.get_unlock_key() and k1["UnlockKey"].startswith("SWMKEY-1-")
        set_autolock(True, rotate=True)
        k2 = cd.get_unlock_key()
        assert k2["UnlockKey"].startswith("SWMKEY-1-") and k2 != k1
        assert dp.get_unlock_key() == k2
        # docker-py's rotation goes through the same endpoint
        info = dp.inspect_swarm()
        dp.update_swarm(info["Version"]["Index"], info["Spec"], rotate_manager_unlock_key=True)
        assert cd.get_unlock_key() != k2
        # the swarm is not locked: unlocking is refused alike
        outs = []
        for c, key in ((dp, k2["UnlockKey"]), (cd, k2["UnlockKey"]), (cd, k2), (dp, ""),
                       (cd, ""), (cd, {"UnlockKey": ""})):   # get_unlock_key() without autolock
            try:
                c.unlock_swarm(key)
                outs.append(None)
            except Exception as e:  # noqa: BLE001
                outs.append(e)
        theirs, ours = [outs[0], outs[3]], [outs[1], outs[2], outs[4], outs[5]]
        assert all(isinstance(e, docker.errors.APIError) for e in theirs), outs
        assert all(isinstance(e, errors.APIError) for e in ours), outs
        assert {e.status_code for e in outs} == {409}
        assert all("not locked" in e.explanation for e in ours)
        with pytest.raises(errors.InvalidArgument):
            cd.unlock_swarm({"Key": "x"})
    finally:
        set_autolock(False)
    assert not cd.get_unlock_key().get("UnlockKey")


def test_secret_and_config_calls_like_docker_py(dp, cd, made):
    for kind in ("secret", "config"):
        results = []
        for c in (dp, cd):
            create = getattr(c, f"create_{kind}")
            name = unique(f"h6{kind}")
            r = create(name, b"data", labels=dict(LABELS))
            made(kind, r["ID"])
            results.append((c, name, r))
        (_, n1, r1), (_, n2, r2) = results
        assert sorted(r1) == sorted(r2) == ["ID"]
        i1 = getattr(cd, f"inspect_{kind}")(r1)          # the create result as a reference
        i2 = getattr(dp, f"inspect_{kind}")(r2["ID"])
        assert sorted(i1) == sorted(i2) and sorted(i1["Spec"]) == sorted(i2["Spec"])
        f = {"name": [n1, n2]}
        ours = getattr(cd, f"{kind}s")(filters=f)
        theirs = getattr(dp, f"{kind}s")(filters=f)
        assert sorted(x["ID"] for x in ours) == sorted(x["ID"] for x in theirs) == \
            sorted([r1["ID"], r2["ID"]])
        for c in (dp, cd):
            nf = None
            try:
                getattr(c, f"inspect_{kind}")("h6-no-such-" + kind)
            except Exception as e:  # noqa: BLE001
                nf = e
            assert type(nf).__name__ == "NotFound"
        assert getattr(cd, f"remove_{kind}")(r1["ID"]) is True
        assert getattr(dp, f"remove_{kind}")(r2["ID"]) is True


def test_update_without_a_usable_version_like_docker_py(dp, cd, made):
    """update_service / update_node / update_swarm with version None (or not
    an unsigned integer): docker-py sends the request and the engine answers
    400; clibdocker refuses it before the request as that same APIError
    (status, explanation, class name) instead of a TypeError/ValueError."""
    sid = made("service", cd.create_service(
        ct.TaskTemplate(ct.ContainerSpec(TEST_IMAGE, ["sleep", "60"])),
        name=unique("clibdocker-test-ver"), labels=LABELS)["ID"])
    node = cd.nodes()[0]
    swarm_spec = cd.inspect_swarm()["Spec"]
    calls = [
        lambda c: c.update_service(sid, None, labels=LABELS),
        lambda c: c.update_service(sid, "abc", labels=LABELS),
        lambda c: c.update_service(sid, -1, labels=LABELS),
        lambda c: c.update_node(node["ID"], None, node["Spec"]),
        lambda c: c.update_swarm(None, swarm_spec=swarm_spec),
    ]
    for call in calls:
        with pytest.raises(docker.errors.APIError) as theirs:
            call(dp)
        sent: List[str] = []
        cd.set_trace_hook(lambda r: sent.append(r.url))
        try:
            with pytest.raises(errors.APIError) as ours:
                call(cd)
        finally:
            cd.set_trace_hook(None)
        assert sent == []
        assert ours.value.status_code == theirs.value.status_code == 400
        assert ours.value.explanation == theirs.value.explanation
        assert type(ours.value).__name__ == "InvalidArgument" and ours.value.is_client_error()


def test_swarm_leave_and_update_error_text_like_docker_py(dp, cd):
    """The URL in str(APIError) of leave_swarm / update_swarm reads as
    docker-py's (its parameters, order and Python bools)."""
    sw = cd.inspect_swarm()
    stale = sw["Version"]["Index"] - 1
    calls = [
        lambda c: c.leave_swarm(),     # a manager is refused without force: nothing changes
        lambda c: c.update_swarm(stale, swarm_spec=sw["Spec"]),
        lambda c: c.update_swarm(stale, swarm_spec=sw["Spec"], rotate_worker_token=True,
                                 rotate_manager_unlock_key=True),
    ]
    for call in calls:
        with pytest.raises(docker.errors.APIError) as theirs:
            call(dp)
        with pytest.raises(errors.APIError) as ours:
            call(cd)
        assert ours.value.status_code == theirs.value.status_code
        assert str(ours.value) == str(theirs.value)


def test_bad_secret_data_and_join_addrs_fail_like_docker_py() -> None:
    """Content that is neither bytes nor str fails before any request with
    an AttributeError in both clients (clibdocker stored ``str(data)``: a
    secret reading "None"); ``join_swarm("host:port", ...)`` is the 400
    APIError docker-py gets from the engine (it was a bare TypeError). No
    swarm is needed: nothing reaches the engine but docker-py's join, which
    the engine refuses while decoding the body."""
    dp = docker.APIClient(base_url=BASE_URL)
    cd = clibdocker.APIClient(base_url=BASE_URL)
    try:
        for data in (None, 123, bytearray(b"x")):
            for dp_call, cd_call in ((dp.create_secret, cd.create_secret), (dp.create_config, cd.create_config)):
                with pytest.raises(AttributeError):
                    dp_call("clibdocker-never-made", data)
                with pytest.raises(errors.InvalidData) as ei:
                    cd_call("clibdocker-never-made", data)  # type: ignore[arg-type]
                assert isinstance(ei.value, AttributeError) and type(data).__name__ in str(ei.value)
        with pytest.raises(docker.errors.APIError) as d:
            dp.join_swarm("127.0.0.1:1", "SWMTKN-1-x")  # type: ignore[arg-type]
        with pytest.raises(errors.APIError) as c:
            cd.join_swarm("127.0.0.1:1", "SWMTKN-1-x")  # type: ignore[arg-type]
        assert c.value.status_code == d.value.status_code == 400
        assert isinstance(c.value, errors.InvalidArgument) and c.value.is_client_error()
    finally:
        dp.close()
        cd.close()


def test_service_call_error_text_like_docker_py(dp, cd) -> None:
    """``str(APIError)`` / ``response.url`` of the service calls with query
    parameters read as docker-py's (``insertDefaults=True``, service_logs'
    seven parameters in its order with Python bools, ``status=True``): a
    program printing the refusal of ``services.get(x, insert_defaults=True)``
    saw ``insertDefaults=1`` (found by pn06's probes)."""
    missing = unique("clibdocker-test-nosvc")
    calls = [
        lambda c: c.inspect_service(missing, insert_defaults=True),
        lambda c: c.inspect_service(missing, insert_defaults=False),
        lambda c: list(c.service_logs(missing, stdout=True, is_tty=False)),
        lambda c: list(c.service_logs(missing, stdout=True, stderr=True, follow=True, details=True,
                                      timestamps=True, since=5, tail=3, is_tty=False)),
        lambda c: c.services(filters={"bogus": "x"}, status=True),
        lambda c: c.services(filters={"bogus": "x"}, status=False),
        lambda c: c.update_service(missing, 3, task_template={"ContainerSpec": {"Image": TEST_IMAGE}},
                                   name=missing),
    ]
    for call in calls:
        with pytest.raises(docker.errors.APIError) as want:
            call(dp)
        with pytest.raises(errors.APIError) as got:
            call(cd)
        assert str(got.value) == str(want.value)
        assert got.value.response.url == want.value.response.url


def test_swarm_calls_without_their_resource_are_null_resource_like_docker_py() -> None:
    """docker-py's ``check_resource`` makes the resource argument optional
    and raises NullResource when it is missing, before any request: the swarm
    calls that take one object (service, task, node, secret, config) do the
    same without it (they raised Python's TypeError for a missing argument).
    No engine is reached."""
    dp = docker.APIClient(base_url=BASE_URL)
    cd = clibdocker.APIClient(base_url=BASE_URL)
    try:
        for name in ("inspect_service", "remove_service", "inspect_task", "service_logs", "inspect_node",
                     "remove_node", "inspect_secret", "remove_secret", "inspect_config", "remove_config"):
            with pytest.raises(docker.errors.NullResource) as want:
                getattr(dp, name)()
            with pytest.raises(errors.NullResource) as got:
                getattr(cd, name)()
            assert str(got.value) == str(want.value), name
        for args in ((), (None,), ({"ID": ""},)):
            with pytest.raises(docker.errors.NullResource):
                dp.update_service(*args)
            with pytest.raises(errors.NullResource):
                cd.update_service(*args)
        # a service without a version: the TypeError of the missing argument
        with pytest.raises(TypeError) as want_t:
            dp.update_service("clibdocker-no-such-service")
        with pytest.raises(TypeError) as got_t:
            cd.update_service("clibdocker-no-such-service")
        assert str(got_t.value) == str(want_t.value)
    finally:
        dp.close()
        cd.close()
