"""High-level swarm objects (``client.swarm``, ``nodes``, ``services``,
``secrets``, ``configs``) on a real single-node swarm (``swarm_fixture``)."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.configs import Config
from clibdocker.models.nodes import Node
from clibdocker.models.secrets import Secret
from clibdocker.models.services import Service, _get_create_service_kwargs
from clibdocker.models.swarm import Swarm
from conftest import LABELS, TEST_IMAGE, unique
from swarm_fixture import swarm, wait_for  # noqa: F401


@pytest.fixture
def dc(swarm: Any) -> Iterator[clibdocker.DockerClient]:  # noqa: F811
    c = clibdocker.from_env()
    try:
        yield c
    finally:
        c.close()


def test_swarm_model(dc: clibdocker.DockerClient, swarm: Any) -> None:  # noqa: F811
    s = dc.swarm
    assert isinstance(s, Swarm)
    raw = dc.api.inspect_swarm()
    assert s.id == raw["ID"] and s.version == raw["Version"]["Index"]
    assert s.attrs["JoinTokens"]["Worker"].startswith("SWMTKN-")
    if not swarm.created:
        return  # a swarm this test did not make is not changed
    old_worker = raw["JoinTokens"]["Worker"]
    assert s.update(rotate_worker_token=True, labels={"clibdocker-test": "1"}) is True
    s.reload()
    assert s.attrs["Spec"]["Labels"] == {"clibdocker-test": "1"}
    assert s.attrs["JoinTokens"]["Worker"] != old_worker
    assert "UnlockKey" in s.get_unlock_key()


def test_nodes(dc: clibdocker.DockerClient, swarm: Any) -> None:  # noqa: F811
    nodes = dc.nodes.list()
    assert swarm.node_id in [n.id for n in nodes]
    node = dc.nodes.get(swarm.node_id)
    assert isinstance(node, Node) and node in nodes
    spec = dict(node.attrs["Spec"])
    new = dict(spec, Labels=dict(spec.get("Labels") or {}, **{"clibdocker-test-models": "1"}))
    try:
        assert node.update(new) is True
        assert dc.api.inspect_node(swarm.node_id)["Spec"]["Labels"]["clibdocker-test-models"] == "1"
        with pytest.raises(errors.APIError):
            node.update(new)  # its version is stale now
    finally:
        node.reload()
        node.update(spec)
    assert "clibdocker-test-models" not in (dc.api.inspect_node(swarm.node_id)["Spec"]
                                             .get("Labels") or {})
    assert dc.nodes.list(filters={"role": "manager"}) == [node]


def test_service_logs(dc: clibdocker.DockerClient, swarm: Any) -> None:  # noqa: F811
    svc = dc.services.create(TEST_IMAGE, ["sh", "-c", "echo hello-from-task; sleep 300"],
                             name=unique("clibdocker-test-svc"), labels=LABELS,
                             stop_grace_period=1_000_000_000)
    try:
        def logged() -> bytes:
            s = svc.logs(stdout=True)
            try:
                return b"".join(s)
            finally:
                s.close()
        assert b"hello-from-task" in wait_for(
            lambda: (lambda out: out if b"hello-from-task" in out else b"")(logged()),
            60, what="the task's output")
    finally:
        svc.remove()


def _running(svc: Service) -> int:
    return sum(1 for t in svc.tasks() if t["Status"]["State"] == "running")


def test_service_create_scale_update_remove(dc: clibdocker.DockerClient,
                                            swarm: Any) -> None:  # noqa: F811
    name = unique("clibdocker-test-svc")
    svc = dc.services.create(TEST_IMAGE, ["sleep", "300"], name=name, labels=LABELS,
                             env=["MODEL=1"], container_labels={"clibdocker-test": "1"},
                             constraints=[f"node.id=={swarm.node_id}"],
                             stop_grace_period=1_000_000_000)
    try:
        assert isinstance(svc, Service) and svc.name == name
        spec = dc.api.inspect_service(name)["Spec"]
        cs = spec["TaskTemplate"]["ContainerSpec"]
        assert cs["Image"] == TEST_IMAGE and cs["Command"] == ["sleep", "300"]
        assert cs["Env"] == ["MODEL=1"] and cs["Labels"] == {"clibdocker-test": "1"}
        assert spec["TaskTemplate"]["Placement"]["Constraints"] == [f"node.id=={swarm.node_id}"]
        assert dc.services.get(svc.id) == svc  # type: ignore[arg-type]
        assert dc.services.list(filters={"name": name}) == [svc]
        wait_for(lambda: _running(svc) == 1, 60, what="1 running task")
        svc.scale(2)
        wait_for(lambda: _running(svc) == 2, 60, what="2 running tasks")
        f = {"desired-state": "running"}
        assert svc.tasks(filters=f)
        assert f == {"desired-state": "running", "service": svc.id}  # as docker-py writes it
        assert dc.api.inspect_service(name)["Spec"]["Mode"]["Replicated"]["Replicas"] == 2
        svc.reload()
        svc.update(env=["MODEL=2"])
        cs = dc.api.inspect_service(name)["Spec"]["TaskTemplate"]["ContainerSpec"]
        assert cs["Env"] == ["MODEL=2"] and cs["Image"] == TEST_IMAGE
        svc.reload()
        before = svc.attrs["Spec"]["TaskTemplate"].get("ForceUpdate", 0)
        svc.force_update()
        after = dc.api.inspect_service(name)["Spec"]["TaskTemplate"]["ForceUpdate"]
        assert after == before + 1
    finally:
        svc.remove()
    with pytest.raises(errors.NotFound):
        dc.services.get(name)


def test_stale_service_model_update_is_retried(dc: clibdocker.DockerClient,
                                               swarm: Any) -> None:  # noqa: F811
    """A model read before someone else updated the service: docker-py's
    update fails "update out of sequence"; ours reads it again and applies
    the change to the current spec."""
    name = unique("clibdocker-test-svc")
    svc = dc.services.create(TEST_IMAGE, ["sleep", "300"], name=name, labels=LABELS,
                             env=["A=1"], constraints=[f"node.id=={swarm.node_id}"])
    try:
        stale = dc.services.get(svc.id)           # version V
        other = dc.services.get(svc.id)
        other.update(labels={**LABELS, "by": "other"})   # the service moves to V+1
        with pytest.raises(errors.APIError, match="out of sequence"):   # what docker-py gets
            dc.api.update_service(svc.id, stale.attrs["Version"]["Index"], labels=LABELS,
                                  fetch_current_spec=True)
        stale.update(env=["A=2"])                 # built from V: retried from V+1
        spec = dc.api.inspect_service(name)["Spec"]
        assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=2"]
        stale2 = dc.services.get(svc.id)
        dc.services.get(svc.id).update(env=["A=3"])
        stale2.scale(2)                           # scale from a stale model too
        spec = dc.api.inspect_service(name)["Spec"]
        assert spec["Mode"]["Replicated"]["Replicas"] == 2
        assert spec["TaskTemplate"]["ContainerSpec"]["Env"] == ["A=3"]
    finally:
        svc.remove()


def test_service_kwargs_split_and_global_scale(dc: clibdocker.DockerClient,
                                               swarm: Any) -> None:  # noqa: F811
    with pytest.raises(TypeError, match="bogus"):
        _get_create_service_kwargs("create", {"image": TEST_IMAGE, "bogus": 1})
    kw = _get_create_service_kwargs("create", {
        "image": TEST_IMAGE, "name": "n", "log_driver": "json-file",
        "log_driver_options": {"max-size": "1m"}, "maxreplicas": 3})
    tt = kw["task_template"]
    assert tt["LogDriver"] == {"Name": "json-file", "Options": {"max-size": "1m"}}
    assert tt["Placement"]["MaxReplicas"] == 3 and kw["name"] == "n"
    svc = dc.services.create(TEST_IMAGE, ["sleep", "300"], name=unique("clibdocker-test-svc"),
                             labels=LABELS, mode="global")
    try:
        with pytest.raises(errors.InvalidArgument):
            svc.scale(3)
    finally:
        svc.remove()


def test_secrets_and_configs(dc: clibdocker.DockerClient, swarm: Any) -> None:  # noqa: F811
    mark = unique("m")
    sname, cname = unique(), unique()
    sec = dc.secrets.create(name=sname, data=b"s3cret", labels=dict(LABELS, models=mark))
    cfg = dc.configs.create(name=cname, data="cfg-data", labels=dict(LABELS, models=mark))
    try:
        assert isinstance(sec, Secret) and sec.name == sname and repr(sec) == f"<Secret: '{sname}'>"
        assert isinstance(cfg, Config) and cfg.name == cname
        assert dc.secrets.get(sname) == sec and dc.configs.get(cname) == cfg
        assert dc.secrets.list(filters={"label": f"models={mark}"}) == [sec]
        assert dc.configs.list(filters={"label": f"models={mark}"}) == [cfg]
        cfg.reload()
        import base64
        assert base64.b64decode(cfg.attrs["Spec"]["Data"]) == b"cfg-data"
        sec.reload()
        assert "Data" not in sec.attrs["Spec"]
        assert sec.attrs["Spec"]["Labels"]["models"] == mark
    finally:
        sec.remove()
        cfg.remove()
    with pytest.raises(errors.NotFound):
        dc.secrets.get(sname)
    with pytest.raises(errors.NotFound):
        dc.configs.get(cname)
