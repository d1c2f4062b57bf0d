"""Swarm and Node API on a real single-node swarm (the main engine, made a
manager by the ``swarm`` fixture and left again at the end).

Joining a second node is not possible here (one engine may be a swarm
member; the second engine must stay out of swarm mode), so SwarmJoin is
tested on its error path, and NodeDelete on what a single manager allows."""
from __future__ import annotations

import json
from typing import Any, List

import pytest

from clibdocker import errors
from clibdocker.types import SwarmSpec
from conftest import docker_cli, unique
from swarm_fixture import ADVERTISE_ADDR, swarm, wait_for  # noqa: F401


def traced(client: Any) -> List[Any]:
    seen: List[Any] = []
    client.set_trace_hook(seen.append)
    return seen


@pytest.mark.op("SwarmInit")
def test_init_made_this_engine_a_manager(client, swarm):
    if not swarm.created:
        pytest.skip("the engine was already in a swarm")
    info = client.info()["Swarm"]
    assert info["LocalNodeState"] == "active" and info["ControlAvailable"] is True
    # init_swarm returned the node's ID (a JSON string decoded to str)
    assert isinstance(swarm.init_result, str) and info["NodeID"] == swarm.init_result
    assert info["NodeAddr"] == ADVERTISE_ADDR
    assert docker_cli("node", "inspect", "self", "--format", "{{.ID}}").strip() == swarm.node_id
    # a second init: the daemon's clear error, nothing changes
    with pytest.raises(errors.APIError) as ei:
        client.init_swarm(advertise_addr=ADVERTISE_ADDR, listen_addr="127.0.0.1:2377")
    assert ei.value.status_code == 503 and "already part of a swarm" in str(ei.value)
    assert client.info()["Swarm"]["NodeID"] == swarm.node_id
    # bad arguments are refused before sending
    with pytest.raises(TypeError):
        client.init_swarm(swarm_spec="not a dict")  # type: ignore[arg-type]


@pytest.mark.op("SwarmInspect")
def test_inspect_and_join_tokens_redacted(client, swarm):
    seen = traced(client)
    s = client.inspect_swarm()
    assert s["ID"] and s["Version"]["Index"] > 0 and s["Spec"]["Name"] == "default"
    worker = docker_cli("swarm", "join-token", "-q", "worker").strip()
    assert s["JoinTokens"]["Worker"] == worker
    assert s["JoinTokens"]["Manager"].startswith("SWMTKN-1-")
    # the trace shows the answer with the tokens redacted
    rec = seen[-1]
    assert rec.method == "GET" and rec.url.endswith("/swarm") and rec.status == 200
    body = json.loads(rec.response_body)
    assert body["JoinTokens"] == "<redacted>" and body["ID"] == s["ID"]
    assert worker.encode() not in rec.response_body
    assert rec.response_bytes == len(rec.response_body)


def test_create_swarm_spec(client):
    spec = client.create_swarm_spec(task_history_retention_limit=3, autolock_managers=True,
                                    snapshot_interval=5000, labels={"a": "b"},
                                    external_ca={"URL": "https://ca", "Protocol": "cfssl"})
    assert isinstance(spec, SwarmSpec)
    assert spec["Orchestration"] == {"TaskHistoryRetentionLimit": 3}
    assert spec["EncryptionConfig"] == {"AutoLockManagers": True}
    assert spec["Raft"]["SnapshotInterval"] == 5000
    assert spec["CAConfig"]["ExternalCAs"] == [{"URL": "https://ca", "Protocol": "cfssl"}]
    assert spec["Labels"] == {"a": "b"}


@pytest.mark.op("SwarmUpdate")
def test_update_spec_tokens_and_version_conflict(client, swarm):
    before = client.inspect_swarm()
    spec = before["Spec"]
    old_limit = spec["Orchestration"]["TaskHistoryRetentionLimit"]
    new_spec = dict(spec, Labels={"clibdocker-test": "1"},
                    Orchestration={"TaskHistoryRetentionLimit": old_limit + 2})
    try:
        assert client.update_swarm(before["Version"]["Index"], new_spec,
                                   rotate_worker_token=True) is True
        after = client.inspect_swarm()
        assert after["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"] == old_limit + 2
        assert after["Spec"]["Labels"] == {"clibdocker-test": "1"}
        assert after["Version"]["Index"] > before["Version"]["Index"]
        # the worker token rotated, the manager token did not
        assert after["JoinTokens"]["Worker"] != before["JoinTokens"]["Worker"]
        assert after["JoinTokens"]["Manager"] == before["JoinTokens"]["Manager"]
        assert docker_cli("swarm", "join-token", "-q", "worker").strip() == \
            after["JoinTokens"]["Worker"]
        # the stale version: the daemon refuses the write
        with pytest.raises(errors.APIError) as ei:
            client.update_swarm(before["Version"]["Index"], spec)
        assert "update out of sequence" in str(ei.value)
        assert client.inspect_swarm()["Spec"]["Labels"] == {"clibdocker-test": "1"}
        with pytest.raises(errors.InvalidArgument):
            client.update_swarm(-1, spec)
    finally:
        cur = client.inspect_swarm()
        client.update_swarm(cur["Version"]["Index"], spec)
    assert client.inspect_swarm()["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"] == old_limit


@pytest.mark.op("SwarmUnlockkey")
def test_autolock_gives_an_unlock_key(client, swarm):
    s = client.inspect_swarm()
    assert client.get_unlock_key()["UnlockKey"] == ""  # autolock off
    spec = dict(s["Spec"], EncryptionConfig={"AutoLockManagers": True})
    client.update_swarm(s["Version"]["Index"], spec)
    try:
        seen = traced(client)
        key = client.get_unlock_key()["UnlockKey"]
        assert key.startswith("SWMKEY-1-")
        assert docker_cli("swarm", "unlock-key", "-q").strip() == key
        # the trace never shows the key
        assert seen[-1].url.endswith("/swarm/unlockkey")
        assert json.loads(seen[-1].response_body) == {"UnlockKey": "<redacted>"}
        # rotating it gives a new one
        s2 = client.inspect_swarm()
        client.update_swarm(s2["Version"]["Index"], s2["Spec"], rotate_manager_unlock_key=True)
        assert wait_for(lambda: client.get_unlock_key()["UnlockKey"] != key, 10,
                        what="a rotated unlock key")
    finally:
        s3 = client.inspect_swarm()
        client.update_swarm(s3["Version"]["Index"],
                            dict(s3["Spec"], EncryptionConfig={"AutoLockManagers": False}))
    assert client.get_unlock_key()["UnlockKey"] == ""


@pytest.mark.op("SwarmUnlock")
def test_unlock_not_locked_and_key_redacted(client, swarm):
    # Locking needs a daemon restart (the key is asked for at start-up),
    # which the shared engine cannot have: the unlocked manager's answer.
    key = "SWMKEY-1-" + "A" * 43
    seen = traced(client)
    with pytest.raises(errors.APIError) as ei:
        client.unlock_swarm(key)
    assert "not locked" in str(ei.value)
    assert key not in str(ei.value)
    rec = seen[-1]
    assert rec.method == "POST" and rec.url.endswith("/swarm/unlock")
    assert json.loads(rec.request_body) == {"UnlockKey": "<redacted>"}
    # docker-py's dict form; a dict without the key is refused before sending
    with pytest.raises(errors.APIError):
        client.unlock_swarm({"UnlockKey": key})
    n = len(seen)
    with pytest.raises(errors.InvalidArgument):
        client.unlock_swarm({"Key": key})
    with pytest.raises(errors.InvalidArgument):
        client.unlock_swarm(5)  # type: ignore[arg-type]
    assert len(seen) == n
    # the empty key (get_unlock_key() without autolock) is sent, as docker-py
    # sends it, and the engine answers it
    with pytest.raises(errors.APIError) as ei:
        client.unlock_swarm("")
    assert ei.value.status_code == 409 and len(seen) == n + 1


@pytest.mark.op("SwarmJoin")
def test_join_while_in_a_swarm(client, swarm):
    token = client.inspect_swarm()["JoinTokens"]["Worker"]
    seen = traced(client)
    with pytest.raises(errors.APIError) as ei:
        client.join_swarm(["127.0.0.1:2377"], token, listen_addr="127.0.0.1:2377")
    assert ei.value.status_code == 503 and "already part of a swarm" in str(ei.value)
    assert token not in str(ei.value)
    body = json.loads(seen[-1].request_body)
    assert body["JoinToken"] == "<redacted>" and body["RemoteAddrs"] == ["127.0.0.1:2377"]
    assert token.encode() not in seen[-1].request_body
    # a str for the address list: the engine's 400 docker-py gets, refused
    # before any request
    n = len(seen)
    with pytest.raises(errors.APIError) as ei:
        client.join_swarm("127.0.0.1:2377", token)  # type: ignore[arg-type]
    assert ei.value.status_code == 400 and len(seen) == n


@pytest.mark.op("NodeList")
def test_list_nodes_with_filters(client, swarm):
    nodes = client.nodes()
    assert [n["ID"] for n in nodes] == [swarm.node_id]
    assert [n["ID"] for n in client.nodes(filters={"role": "manager"})] == [swarm.node_id]
    assert client.nodes(filters={"role": "worker"}) == []
    assert [n["ID"] for n in client.nodes(filters={"id": swarm.node_id[:8]})] == [swarm.node_id]
    with pytest.raises(errors.APIError):
        client.nodes(filters={"nonsense": "x"})


@pytest.mark.op("NodeInspect")
def test_inspect_node(client, swarm):
    n = client.inspect_node(swarm.node_id)
    assert n["ID"] == swarm.node_id
    assert n["Spec"]["Role"] == "manager" and n["Status"]["State"] == "ready"
    assert n["ManagerStatus"]["Leader"] is True
    assert n["Description"]["Hostname"] == \
        docker_cli("node", "inspect", "self", "--format", "{{.Description.Hostname}}").strip()
    assert client.inspect_node({"ID": swarm.node_id})["ID"] == swarm.node_id
    with pytest.raises(errors.NotFound):
        client.inspect_node("nosuchnode" + unique("x"))
    with pytest.raises(errors.NullResource):
        client.inspect_node("")


@pytest.mark.op("NodeUpdate")
def test_update_node_labels_availability_and_conflict(client, swarm):
    n = client.inspect_node(swarm.node_id)
    spec = n["Spec"]
    label = unique("lbl")
    try:
        client.update_node(swarm.node_id, n["Version"]["Index"],
                           dict(spec, Labels={"clibdocker-test": label}, Availability="pause"))
        n2 = client.inspect_node(swarm.node_id)
        assert n2["Spec"]["Labels"] == {"clibdocker-test": label}
        assert n2["Spec"]["Availability"] == "pause"
        assert docker_cli("node", "inspect", "self", "--format",
                          "{{.Spec.Availability}}").strip() == "pause"
        # a node label filter now finds it
        assert [x["ID"] for x in client.nodes(filters={"node.label": f"clibdocker-test={label}"})] \
            == [swarm.node_id]
        # the stale version
        with pytest.raises(errors.APIError) as ei:
            client.update_node(swarm.node_id, n["Version"]["Index"], spec)
        assert "update out of sequence" in str(ei.value)
        # an invalid availability: the daemon's error
        with pytest.raises(errors.APIError):
            client.update_node(swarm.node_id, n2["Version"]["Index"],
                               dict(spec, Availability="sideways"))
        with pytest.raises(errors.NotFound):
            client.update_node("nosuchnode" + label, 1, spec)
    finally:
        cur = client.inspect_node(swarm.node_id)
        client.update_node(swarm.node_id, cur["Version"]["Index"], spec)
    back = client.inspect_node(swarm.node_id)["Spec"]
    assert back["Availability"] == spec["Availability"] and back.get("Labels") == spec.get("Labels")


@pytest.mark.op("NodeDelete")
def test_remove_node_refused_for_the_only_manager(client, swarm):
    # The only node is the leader: the daemon refuses to remove it (with
    # force too); a node that does not exist is NotFound.
    with pytest.raises(errors.APIError) as ei:
        client.remove_node(swarm.node_id)
    assert ei.value.status_code != 404
    with pytest.raises(errors.APIError):
        client.remove_node(swarm.node_id, force=True)
    assert [n["ID"] for n in client.nodes()] == [swarm.node_id]
    with pytest.raises(errors.NotFound):
        client.remove_node("nosuchnode" + unique("x"), force=True)


@pytest.mark.op("SwarmLeave")
def test_leave_last(client, swarm):
    """Runs last in this module: leaving ends the module's swarm."""
    if not swarm.created:
        pytest.skip("the engine was already in a swarm: not leaving it")
    # a manager does not leave without force
    with pytest.raises(errors.APIError) as ei:
        client.leave_swarm()
    assert ei.value.status_code == 503 and "force" in str(ei.value)
    assert client.info()["Swarm"]["LocalNodeState"] == "active"
    assert client.leave_swarm(force=True) is True
    wait_for(lambda: client.info()["Swarm"]["LocalNodeState"] == "inactive", 30,
             what="leaving")
    with pytest.raises(errors.APIError) as ei:
        client.inspect_swarm()
    assert ei.value.status_code == 503
    # not in a swarm: an error without force, True with force (docker-py)
    with pytest.raises(errors.APIError) as ei:
        client.leave_swarm()
    assert "not part of a swarm" in str(ei.value)
    assert client.leave_swarm(force=True) is True
