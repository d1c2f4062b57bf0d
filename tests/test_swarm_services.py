"""Service and Task API on a real single-node swarm: the tasks really run
(containers seen by ``docker ps``), scaling changes the running tasks,
updates need the current version, removal removes."""
from __future__ import annotations

import json
import subprocess
from typing import Any, Callable, Dict, Iterator, List

import pytest

from clibdocker import errors
from clibdocker.types import (ContainerSpec, EndpointSpec, Placement, Resources, RestartPolicy,
                              RollbackConfig, ServiceMode, TaskTemplate, UpdateConfig)
from conftest import LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE, docker_cli, unique
from swarm_fixture import swarm, wait_for  # noqa: F401


@pytest.fixture
def make_service(swarm) -> Iterator[Callable[..., Dict[str, Any]]]:
    """Create a labelled ``sleep 300`` service (1 replica by default);
    removed at the end. Returns ``{"ID", "Name", "token"}``."""
    made: List[str] = []
    c = swarm.client

    def make(name: str = "", command: Any = None, env: Any = None, mode: Any = None,
             labels: Any = None, **ckw: Any) -> Dict[str, Any]:
        name = name or unique("clibdocker-test-svc")
        token = unique("t")
        spec = ContainerSpec(TEST_IMAGE, command or ["sleep", "300"], env=env,
                             labels=dict(LABELS), stop_grace_period=1_000_000_000, **ckw)
        lab = dict(LABELS, **{"clibdocker-test-svc": token})
        lab.update(labels or {})
        res = c.create_service(TaskTemplate(spec, restart_policy=RestartPolicy("none")),
                               name=name, labels=lab, mode=mode)
        made.append(res["ID"])
        return {"ID": res["ID"], "Name": name, "token": token, "Warnings": res.get("Warnings")}

    try:
        yield make
    finally:
        for sid in made:
            try:
                c.remove_service(sid)
            except errors.NotFound:
                pass
        for sid in made:
            wait_for(lambda: not service_containers(sid, all_=True), 60,
                     what="the service's containers to go")


def service_containers(sid: str, all_: bool = False) -> List[str]:
    args = ["ps", "-q", "--no-trunc", "--filter", f"label=com.docker.swarm.service.id={sid}"]
    if all_:
        args.insert(1, "-a")
    return docker_cli(*args).split()


def running_tasks(client: Any, sid: str) -> List[Dict[str, Any]]:
    tasks = client.tasks(filters={"service": sid, "desired-state": "running"})
    return [t for t in tasks if t["Status"]["State"] == "running"]


def wait_running(client: Any, sid: str, n: int) -> List[Dict[str, Any]]:
    return wait_for(lambda: (lambda ts: ts if len(ts) == n and
                             len(service_containers(sid)) == n else None)(
        running_tasks(client, sid)), 90, what=f"{n} running task(s)")


@pytest.mark.op("ServiceCreate")
def test_create_runs_a_task_from_the_local_image(client, make_service):
    svc = make_service(env={"CLIBDOCKER_SVC": "hello"})
    tasks = wait_running(client, svc["ID"], 1)
    cid = tasks[0]["Status"]["ContainerStatus"]["ContainerID"]
    # the container really runs, with the spec's command (its entrypoint) and env
    assert service_containers(svc["ID"]) == [cid]
    assert docker_cli("inspect", "--format", "{{.State.Running}} {{json .Config.Entrypoint}}",
                      cid).strip() == 'true ["sleep","300"]'
    assert docker_cli("exec", cid, "sh", "-c", "echo $CLIBDOCKER_SVC").strip() == "hello"
    # a second service with the same name: Conflict
    with pytest.raises(errors.APIError) as ei:
        make_service(name=svc["Name"])
    assert ei.value.status_code == 409
    # no image: refused before sending
    with pytest.raises(errors.DockerException, match="Image"):
        client.create_service({"ContainerSpec": {}})


@pytest.mark.op("ServiceCreate")
def test_create_with_full_spec_types(client, make_service, swarm):
    name = unique("clibdocker-test-svc")
    tt = TaskTemplate(
        ContainerSpec(TEST_IMAGE, "sleep 300", workdir="/tmp", hosts={"db.test": "10.9.8.7"},
                      labels=dict(LABELS), stop_grace_period=1_000_000_000),
        resources=Resources(mem_limit="64m", cpu_reservation=10_000_000),
        restart_policy=RestartPolicy("on-failure", max_attempts=2),
        placement=Placement(constraints=["node.role==manager"], maxreplicas=3),
        force_update=1)
    res = client.create_service(tt, name=name, labels=dict(LABELS),
                                mode=ServiceMode("replicated", replicas=1),
                                update_config=UpdateConfig(parallelism=2, order="start-first"),
                                rollback_config=RollbackConfig(parallelism=1),
                                endpoint_spec=EndpointSpec(mode="dnsrr"))
    try:
        s = client.inspect_service(res["ID"])["Spec"]
        assert s["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "300"]
        assert s["TaskTemplate"]["ContainerSpec"]["Hosts"] == ["10.9.8.7 db.test"]
        assert s["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"] == 64 * 1024 * 1024
        assert s["TaskTemplate"]["Placement"]["Constraints"] == ["node.role==manager"]
        assert s["TaskTemplate"]["Placement"]["MaxReplicas"] == 3
        assert s["UpdateConfig"]["Order"] == "start-first"
        assert s["EndpointSpec"]["Mode"] == "dnsrr"
        cid = wait_running(client, res["ID"], 1)[0]["Status"]["ContainerStatus"]["ContainerID"]
        assert "10.9.8.7\tdb.test" in docker_cli("exec", cid, "cat", "/etc/hosts") or \
            "10.9.8.7 db.test" in docker_cli("exec", cid, "cat", "/etc/hosts")
        assert docker_cli("inspect", "--format", "{{.HostConfig.Memory}}", cid).strip() == \
            str(64 * 1024 * 1024)
    finally:
        client.remove_service(res["ID"])


@pytest.mark.op("ServiceCreate")
def test_create_refuses_fields_the_api_lacks(client, client2):
    tt = TaskTemplate(ContainerSpec(TEST_IMAGE, oom_score_adj=100))
    for c in (client, client2):  # API 1.41 and 1.45: OomScoreAdj needs 1.46
        seen: List[Any] = []
        c.set_trace_hook(seen.append)
        with pytest.raises(errors.InvalidVersion, match="OomScoreAdj.*1.46"):
            c.create_service(tt, name=unique())
        assert not [r for r in seen if "/services" in r.url]  # refused before sending
    # Privileges.Seccomp (1.44): refused on 1.41, sent on 1.45 (where the
    # engine, not in swarm mode, answers 503)
    tt2 = TaskTemplate(dict(ContainerSpec(TEST_IMAGE),
                            Privileges={"Seccomp": {"Mode": "default"}}))
    with pytest.raises(errors.InvalidVersion, match="Seccomp"):
        client.create_service(tt2, name=unique())
    seen2: List[Any] = []
    client2.set_trace_hook(seen2.append)
    with pytest.raises(errors.APIError) as ei:
        client2.create_service(tt2, name=unique())
    assert ei.value.status_code == 503 and seen2[-1].url.endswith("/services/create")


@pytest.mark.op("ServiceCreate")
def test_create_sends_registry_auth_redacted(client, swarm):
    client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    seen: List[Any] = []
    client.set_trace_hook(seen.append)
    image = f"{REGISTRY}/clibdocker-test/nosuch:{unique('t')}"
    res = client.create_service(TaskTemplate(ContainerSpec(image, ["true"])),
                                name=unique("clibdocker-test-svc"), labels=dict(LABELS))
    try:
        rec = [r for r in seen if r.url.endswith("/services/create")][-1]
        assert "X-Registry-Auth: <redacted>" in rec.request_headers
        assert REGISTRY_PASSWORD not in rec.request_headers
        assert REGISTRY_PASSWORD.encode() not in (rec.request_body or b"")
    finally:
        client.remove_service(res["ID"])


@pytest.mark.op("ServiceInspect")
def test_inspect_and_defaults(client, make_service):
    svc = make_service()
    s = client.inspect_service(svc["ID"])
    assert s["ID"] == svc["ID"] and s["Spec"]["Name"] == svc["Name"]
    assert s["Spec"]["Labels"]["clibdocker-test-svc"] == svc["token"]
    assert s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"] == TEST_IMAGE
    assert client.inspect_service(svc["Name"])["ID"] == svc["ID"]
    assert client.inspect_service({"ID": svc["ID"]})["ID"] == svc["ID"]
    # insertDefaults fills in what the engine would apply
    plain = client.inspect_service(svc["ID"], insert_defaults=False)["Spec"]
    full = client.inspect_service(svc["ID"], insert_defaults=True)["Spec"]
    assert "UpdateConfig" not in plain and full["UpdateConfig"]["Parallelism"] == 1
    with pytest.raises(errors.NotFound):
        client.inspect_service(unique("nosuchservice"))
    with pytest.raises(errors.NullResource):
        client.inspect_service("")


@pytest.mark.op("ServiceList")
def test_list_with_filters_and_status(client, make_service):
    a = make_service()
    b = make_service(mode="global")
    got = client.services(filters={"label": f"clibdocker-test-svc={a['token']}"})
    assert [s["ID"] for s in got] == [a["ID"]]
    assert [s["ID"] for s in client.services(filters={"name": b["Name"]})] == [b["ID"]]
    ids = {s["ID"] for s in client.services(filters={"mode": "global", "label": "clibdocker-test"})}
    assert b["ID"] in ids and a["ID"] not in ids
    wait_running(client, a["ID"], 1)
    st = client.services(filters={"id": a["ID"]}, status=True)[0]["ServiceStatus"]
    assert st["RunningTasks"] == 1 and st["DesiredTasks"] == 1
    assert "ServiceStatus" not in client.services(filters={"id": a["ID"]})[0]


@pytest.mark.op("ServiceUpdate")
def test_update_scales_rolls_back_and_needs_the_version(client, make_service):
    svc = make_service()
    wait_running(client, svc["ID"], 1)
    v1 = client.inspect_service(svc["ID"])["Version"]["Index"]
    res = client.update_service(svc["ID"], v1, mode=ServiceMode("replicated", replicas=2),
                                fetch_current_spec=True)
    assert isinstance(res, dict)
    assert len(wait_running(client, svc["ID"], 2)) == 2
    spec = client.inspect_service(svc["ID"])["Spec"]
    # fetch_current_spec kept the rest of the spec
    assert spec["Labels"]["clibdocker-test-svc"] == svc["token"]
    assert spec["TaskTemplate"]["ContainerSpec"]["Command"] == ["sleep", "300"]
    # the stale version: refused, nothing changes
    with pytest.raises(errors.APIError) as ei:
        client.update_service(svc["ID"], v1, mode=ServiceMode("replicated", replicas=3),
                              fetch_current_spec=True)
    assert "update out of sequence" in str(ei.value)
    # roll back to the previous spec: one replica again
    v2 = client.inspect_service(svc["ID"])["Version"]["Index"]
    client.update_service(svc["ID"], v2, fetch_current_spec=True, rollback="previous")
    wait_running(client, svc["ID"], 1)
    assert client.inspect_service(svc["ID"])["Spec"]["Mode"]["Replicated"]["Replicas"] == 1
    # a new environment reaches the new task's container
    v3 = client.inspect_service(svc["ID"])["Version"]["Index"]
    client.update_service(svc["ID"], v3, fetch_current_spec=True,
                          task_template=TaskTemplate(ContainerSpec(TEST_IMAGE, env={"V": "3"})))
    def env_v(c: str) -> str:
        try:   # the old task's container may be stopping under us
            return docker_cli("exec", c, "sh", "-c", "echo $V").strip()
        except subprocess.CalledProcessError:
            return ""
    cid = wait_for(lambda: [c for c in service_containers(svc["ID"]) if env_v(c) == "3"],
                   90, what="the updated task")[0]
    assert docker_cli("inspect", "--format", "{{json .Config.Entrypoint}}", cid).strip() == \
        '["sleep","300"]'
    with pytest.raises(errors.InvalidArgument):
        client.update_service(svc["ID"], v3, fetch_current_spec=True, rollback="yesterday")
    with pytest.raises(errors.NotFound):
        client.update_service(unique("nosuchservice"), 1, TaskTemplate(ContainerSpec(TEST_IMAGE)))


@pytest.mark.op("ServiceDelete")
def test_remove_service_removes_its_containers(client, make_service):
    svc = make_service()
    wait_running(client, svc["ID"], 1)
    assert client.remove_service(svc["ID"]) is True
    with pytest.raises(errors.NotFound):
        client.inspect_service(svc["ID"])
    wait_for(lambda: not service_containers(svc["ID"], all_=True), 60,
             what="the containers to go")
    with pytest.raises(errors.NotFound):
        client.remove_service(svc["ID"])


@pytest.mark.op("TaskList")
def test_list_tasks_with_filters(client, make_service, swarm):
    svc = make_service(mode=ServiceMode("replicated", replicas=2))
    tasks = wait_running(client, svc["ID"], 2)
    assert {t["ServiceID"] for t in tasks} == {svc["ID"]}
    assert {t["NodeID"] for t in tasks} == {swarm.node_id}
    assert sorted(t["Slot"] for t in tasks) == [1, 2]
    by_node = client.tasks(filters={"service": svc["Name"], "node": swarm.node_id})
    assert {t["ID"] for t in tasks} <= {t["ID"] for t in by_node}
    one = tasks[0]["ID"]
    assert [t["ID"] for t in client.tasks(filters={"id": one})] == [one]
    assert client.tasks(filters={"service": svc["ID"], "desired-state": "shutdown"}) == []


@pytest.mark.op("TaskInspect")
def test_inspect_task(client, make_service):
    svc = make_service()
    t = wait_running(client, svc["ID"], 1)[0]
    got = client.inspect_task(t["ID"])
    assert got["ID"] == t["ID"] and got["ServiceID"] == svc["ID"]
    assert got["Status"]["State"] == "running" and got["DesiredState"] == "running"
    cid = got["Status"]["ContainerStatus"]["ContainerID"]
    assert docker_cli("inspect", "--format", "{{index .Config.Labels \"com.docker.swarm.task.id\"}}",
                      cid).strip() == t["ID"]
    with pytest.raises(errors.NotFound):
        client.inspect_task(unique("nosuchtask"))
    with pytest.raises(errors.NullResource):
        client.inspect_task(None)
