"""Secret and Config API on a real single-node swarm: the content reaches
a service's container (read with ``docker exec``), a secret's data is never
traced nor returned, updates need the current version and may change only
labels, removal removes."""
from __future__ import annotations

import base64
import json
import time
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

from clibdocker import errors
from clibdocker.types import ConfigReference, ContainerSpec, SecretReference, TaskTemplate
from conftest import LABELS, TEST_IMAGE, docker_cli, unique
from swarm_fixture import swarm, wait_for  # noqa: F401


@pytest.fixture
def made(swarm) -> Iterator[Callable[[str, str], str]]:
    """Register ("secret"|"config"|"service", id) for removal at the end
    (services first)."""
    objs: List[Tuple[str, str]] = []
    c = swarm.client

    def add(kind: str, oid: str) -> str:
        objs.append((kind, oid))
        return oid

    try:
        yield add
    finally:
        for kind, oid in sorted(objs, key=lambda x: x[0] != "service"):
            fn = {"service": c.remove_service, "secret": c.remove_secret,
                  "config": c.remove_config}[kind]
            for _ in range(40):  # a secret stays in use until the task is gone
                try:
                    fn(oid)
                    break
                except errors.NotFound:
                    break
                except errors.APIError:
                    time.sleep(0.5)


def run_with(client: Any, made: Any, **kw: Any) -> str:
    """Start a 1-replica service with secrets/configs; its container's ID."""
    spec = ContainerSpec(TEST_IMAGE, ["sleep", "300"], labels=dict(LABELS),
                         stop_grace_period=1_000_000_000, **kw)
    sid = made("service", client.create_service(TaskTemplate(spec), name=unique("clibdocker-test-svc"),
                                                labels=dict(LABELS))["ID"])

    def running() -> Any:
        ts = client.tasks(filters={"service": sid, "desired-state": "running"})
        ts = [t for t in ts if t["Status"]["State"] == "running"]
        return ts[0]["Status"]["ContainerStatus"]["ContainerID"] if ts else None
    return wait_for(running, 90, what="the service's task")  # type: ignore[no-any-return]


@pytest.mark.op("SecretCreate")
def test_secret_reaches_the_container_and_is_never_traced(client, made):
    name = unique("clibdocker-test-secret")
    data = "s3cr3t-" + unique("v") + "\n\u00e9"
    seen: List[Any] = []
    client.set_trace_hook(seen.append)
    sid = made("secret", client.create_secret(name, data, labels=dict(LABELS))["ID"])
    rec = seen[-1]
    assert rec.url.endswith("/secrets/create") and rec.status == 201
    body = json.loads(rec.request_body)
    assert body["Data"] == "<redacted>" and body["Name"] == name
    b64 = base64.b64encode(data.encode()).decode()
    assert b64.encode() not in rec.request_body
    # the engine never returns a secret's data
    assert "Data" not in client.inspect_secret(sid)["Spec"]
    # mounted in a task's container with the right content and mode
    cid = run_with(client, made, secrets=[SecretReference(sid, name, filename="app-secret",
                                                          mode=0o400)])
    assert docker_cli("exec", cid, "cat", "/run/secrets/app-secret") == data
    assert docker_cli("exec", cid, "stat", "-c", "%a", "/run/secrets/app-secret").strip() == "400"
    # a second secret of that name: Conflict, and the data is in no message
    with pytest.raises(errors.Conflict) as ei:
        client.create_secret(name, data)
    assert data not in str(ei.value) and b64 not in str(ei.value)
    assert json.loads(seen[-1].request_body)["Data"] == "<redacted>"


@pytest.mark.op("SecretInspect")
def test_inspect_secret(client, made):
    name = unique("clibdocker-test-secret")
    sid = made("secret", client.create_secret(name, b"\x00\x01bin", labels=dict(LABELS))["ID"])
    s = client.inspect_secret(sid)
    assert s["ID"] == sid and s["Spec"]["Name"] == name and s["Spec"]["Labels"] == LABELS
    assert s["Version"]["Index"] > 0
    assert client.inspect_secret(name)["ID"] == sid
    assert docker_cli("secret", "inspect", "--format", "{{.ID}}", name).strip() == sid
    with pytest.raises(errors.NotFound):
        client.inspect_secret(unique("nosuchsecret"))
    with pytest.raises(errors.NullResource):
        client.inspect_secret("")


@pytest.mark.op("SecretList")
def test_list_secrets_with_filters(client, made):
    token = unique("t")
    a = made("secret", client.create_secret(unique("clibdocker-test-secret"), "a",
                                            labels=dict(LABELS, tok=token))["ID"])
    bname = unique("clibdocker-test-secret")
    b = made("secret", client.create_secret(bname, "b", labels=dict(LABELS, tok=token))["ID"])
    assert {s["ID"] for s in client.secrets(filters={"label": f"tok={token}"})} == {a, b}
    assert [s["ID"] for s in client.secrets(filters={"name": bname})] == [b]
    assert [s["ID"] for s in client.secrets(filters={"id": a})] == [a]
    assert all("Data" not in s["Spec"] for s in client.secrets(filters={"label": f"tok={token}"}))


@pytest.mark.op("SecretUpdate")
def test_update_secret_labels_only(client, made):
    name = unique("clibdocker-test-secret")
    sid = made("secret", client.create_secret(name, "v1", labels=dict(LABELS))["ID"])
    s = client.inspect_secret(sid)
    spec = dict(s["Spec"], Labels=dict(LABELS, extra="yes"))
    seen: List[Any] = []
    client.set_trace_hook(seen.append)
    assert client.update_secret(sid, s["Version"]["Index"], spec) is True
    assert seen[-1].url.endswith(f"/secrets/{sid}/update?version={s['Version']['Index']}")
    s2 = client.inspect_secret(sid)
    assert s2["Spec"]["Labels"] == dict(LABELS, extra="yes")
    assert s2["Version"]["Index"] > s["Version"]["Index"]
    # the stale version
    with pytest.raises(errors.APIError) as ei:
        client.update_secret(sid, s["Version"]["Index"], s["Spec"])
    assert "update out of sequence" in str(ei.value)
    # the data cannot change (and is not traced when one tries)
    new = base64.b64encode(b"v2").decode()
    with pytest.raises(errors.APIError) as ei:
        client.update_secret(sid, s2["Version"]["Index"], dict(s2["Spec"], Data=new))
    assert "only updates to Labels are allowed" in str(ei.value)
    assert json.loads(seen[-1].request_body)["Data"] == "<redacted>"
    with pytest.raises(errors.InvalidArgument):
        client.update_secret(sid, -1, spec)


@pytest.mark.op("SecretDelete")
def test_remove_secret_in_use_then_free(client, made):
    name = unique("clibdocker-test-secret")
    sid = made("secret", client.create_secret(name, "x", labels=dict(LABELS))["ID"])
    run_with(client, made, secrets=[SecretReference(sid, name)])
    with pytest.raises(errors.APIError) as ei:
        client.remove_secret(sid)
    assert "in use" in str(ei.value)
    svc = client.services(filters={"label": "clibdocker-test"})
    for s in svc:
        if any(r.get("SecretID") == sid for r in
               s["Spec"]["TaskTemplate"]["ContainerSpec"].get("Secrets") or []):
            client.remove_service(s["ID"])
    wait_for(lambda: _removed(client.remove_secret, sid), 60, what="the secret to be free")
    with pytest.raises(errors.NotFound):
        client.inspect_secret(sid)
    assert name not in docker_cli("secret", "ls", "--format", "{{.Name}}").split()
    with pytest.raises(errors.NotFound):
        client.remove_secret(sid)


def _removed(fn: Callable[[str], Any], oid: str) -> bool:
    try:
        fn(oid)
        return True
    except errors.NotFound:
        return True
    except errors.APIError:
        return False


@pytest.mark.op("ConfigCreate")
def test_config_reaches_the_container(client, made):
    name = unique("clibdocker-test-config")
    data = "key = " + unique("v") + "\n"
    seen: List[Any] = []
    client.set_trace_hook(seen.append)
    cfg = made("config", client.create_config(name, data.encode(), labels=dict(LABELS))["ID"])
    assert json.loads(seen[-1].request_body)["Data"] == "<redacted>"
    cid = run_with(client, made, configs=[ConfigReference(cfg, name, filename="/etc/app.conf",
                                                          mode=0o440)])
    assert docker_cli("exec", cid, "cat", "/etc/app.conf") == data
    assert docker_cli("exec", cid, "stat", "-c", "%a", "/etc/app.conf").strip() == "440"
    with pytest.raises(errors.Conflict):
        client.create_config(name, data)


@pytest.mark.op("ConfigInspect")
def test_inspect_config_has_its_data(client, made):
    name = unique("clibdocker-test-config")
    raw = b"\x00binary\xffdata"
    cfg = made("config", client.create_config(name, raw, labels=dict(LABELS))["ID"])
    c = client.inspect_config(cfg)
    assert c["ID"] == cfg and c["Spec"]["Name"] == name
    assert base64.b64decode(c["Spec"]["Data"]) == raw
    assert client.inspect_config(name)["ID"] == cfg
    with pytest.raises(errors.NotFound):
        client.inspect_config(unique("nosuchconfig"))


@pytest.mark.op("ConfigList")
def test_list_configs_with_filters(client, made):
    token = unique("t")
    aname = unique("clibdocker-test-config")
    a = made("config", client.create_config(aname, "a", labels=dict(LABELS, tok=token))["ID"])
    b = made("config", client.create_config(unique("clibdocker-test-config"), "b",
                                            labels=dict(LABELS, tok=token))["ID"])
    assert {c["ID"] for c in client.configs(filters={"label": f"tok={token}"})} == {a, b}
    assert [c["ID"] for c in client.configs(filters={"name": aname})] == [a]
    assert client.configs(filters={"label": f"tok={token}-none"}) == []


@pytest.mark.op("ConfigUpdate")
def test_update_config_labels_only(client, made):
    cfg = made("config", client.create_config(unique("clibdocker-test-config"), "v1",
                                              labels=dict(LABELS))["ID"])
    c = client.inspect_config(cfg)
    assert client.update_config(cfg, c["Version"]["Index"],
                                dict(c["Spec"], Labels=dict(LABELS, extra="1"))) is True
    c2 = client.inspect_config(cfg)
    assert c2["Spec"]["Labels"] == dict(LABELS, extra="1")
    with pytest.raises(errors.APIError) as ei:
        client.update_config(cfg, c["Version"]["Index"], c["Spec"])
    assert "update out of sequence" in str(ei.value)
    with pytest.raises(errors.APIError):
        client.update_config(cfg, c2["Version"]["Index"],
                             dict(c2["Spec"], Data=base64.b64encode(b"v2").decode()))
    assert base64.b64decode(client.inspect_config(cfg)["Spec"]["Data"]) == b"v1"
    with pytest.raises(errors.NotFound):
        client.update_config(unique("nosuchconfig"), 1, c["Spec"])


@pytest.mark.op("ConfigDelete")
def test_remove_config(client, made):
    name = unique("clibdocker-test-config")
    cfg = made("config", client.create_config(name, "x", labels=dict(LABELS))["ID"])
    assert client.remove_config(cfg) is True
    with pytest.raises(errors.NotFound):
        client.inspect_config(cfg)
    assert name not in docker_cli("config", "ls", "--format", "{{.Name}}").split()
    with pytest.raises(errors.NotFound):
        client.remove_config(cfg)
