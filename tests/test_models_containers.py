"""High-level containers (``client.containers`` / ``Container``) against the
real engine: each call's effect is checked through the low-level client or
the docker CLI."""
from __future__ import annotations

import time
from typing import Any, Callable, Iterator, List

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.containers import Container, _create_container_args
from conftest import LABELS, TEST_IMAGE, docker_cli, unique

SLEEP = ["sleep", "300"]


@pytest.fixture
def cleanup() -> Iterator[List[str]]:
    """Names/ids appended here are removed (through the CLI) afterwards."""
    made: List[str] = []
    yield made
    for cid in made:
        try:
            docker_cli("rm", "-f", "-v", cid)
        except Exception:
            pass


def wait_for(pred: Callable[[], bool], timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def test_create_get_and_properties(dclient: clibdocker.DockerClient,
                                   cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    c = dclient.containers.create(TEST_IMAGE, SLEEP, name=name, labels=dict(LABELS, k="v"),
                                  environment={"A": "1"}, mem_limit="64m",
                                  restart_policy={"Name": "on-failure", "MaximumRetryCount": 2},
                                  working_dir="/tmp")
    assert isinstance(c, Container)
    assert c.name == name and c.status == "created"
    assert c.labels == dict(LABELS, k="v")
    assert c.short_id == c.id[:12] and len(c.id) == 64  # type: ignore[index]
    assert c.health == "unknown"
    # run kwargs went to the right halves of the create body
    raw = dclient.api.inspect_container(name)
    assert raw["HostConfig"]["Memory"] == 64 * 1024 * 1024
    assert raw["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert "A=1" in raw["Config"]["Env"] and raw["Config"]["WorkingDir"] == "/tmp"
    # get by name and by id: equal models, same hash
    g = dclient.containers.get(name)
    assert g == c and hash(g) == hash(c) and g.attrs["Id"] == c.id
    img = c.image
    assert img is not None and TEST_IMAGE in img.tags
    # unknown fields of the engine's JSON are kept
    assert set(raw) <= set(g.attrs)


def test_start_stop_restart_kill_pause_wait(dclient: clibdocker.DockerClient,
                                            cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    c = dclient.containers.create(TEST_IMAGE, SLEEP, name=name, labels=LABELS)
    c.start()
    assert dclient.api.inspect_container(name)["State"]["Running"] is True
    assert c.status == "created"  # cached until reload
    c.reload()
    assert c.status == "running"
    c.pause()
    assert dclient.api.inspect_container(name)["State"]["Paused"] is True
    c.unpause()
    assert dclient.api.inspect_container(name)["State"]["Paused"] is False
    top = c.top()
    assert any("sleep" in " ".join(p) for p in top["Processes"])
    c.stop(timeout=1)
    st = dclient.api.inspect_container(name)["State"]
    assert st["Running"] is False and st["Status"] == "exited"
    c.restart(timeout=1)
    assert dclient.api.inspect_container(name)["State"]["Running"] is True
    c.kill(signal="SIGKILL")
    assert c.wait()["StatusCode"] == 137


def test_rename_update_diff_commit_remove(dclient: clibdocker.DockerClient,
                                          cleanup: List[str]) -> None:
    name, new = unique(), unique()
    cleanup += [name, new]
    c = dclient.containers.create(TEST_IMAGE, ["sh", "-c", "echo x > /made; sleep 300"],
                                  name=name, labels=LABELS)
    c.start()
    assert wait_for(lambda: any(d["Path"] == "/made" for d in (c.diff() or [])))
    c.rename(new)
    c.reload()
    assert c.name == new
    c.update(mem_limit="96m", memswap_limit="192m")
    assert dclient.api.inspect_container(new)["HostConfig"]["Memory"] == 96 * 1024 * 1024
    repo = unique("clibdocker-test/models-commit")
    img = c.commit(repository=repo, tag="t1", conf={"Labels": LABELS})
    try:
        assert f"{repo}:t1" in img.tags
        assert img.labels.get("clibdocker-test") == "1"
    finally:
        dclient.images.remove(img.id, force=True)
    with pytest.raises(errors.APIError):
        c.remove()  # running
    c.remove(force=True, v=True)
    with pytest.raises(errors.NotFound):
        dclient.containers.get(new)


def test_list_sparse_filters_prune(dclient: clibdocker.DockerClient,
                                   cleanup: List[str]) -> None:
    tag = unique("models")
    labels = dict(LABELS, models=tag)
    a = dclient.containers.create(TEST_IMAGE, SLEEP, name=unique(), labels=labels)
    b = dclient.containers.create(TEST_IMAGE, SLEEP, name=unique(), labels=labels)
    cleanup += [a.id, b.id]  # type: ignore[list-item]
    a.start()
    running = dclient.containers.list(filters={"label": f"models={tag}"})
    assert running == [a]
    both = dclient.containers.list(all=True, filters={"label": f"models={tag}"})
    assert set(both) == {a, b}
    sparse = dclient.containers.list(all=True, sparse=True, filters={"label": f"models={tag}"})
    assert set(sparse) == {a, b}
    by_id = {s.id: s for s in sparse}
    # sparse models read the list entry's shape
    assert by_id[a.id].status == "running" and by_id[b.id].status == "created"
    assert by_id[a.id].name == a.name and by_id[a.id].labels == labels
    assert "Config" not in by_id[a.id].attrs
    by_id[a.id].reload()
    assert "Config" in by_id[a.id].attrs
    res = dclient.containers.prune(filters={"label": f"models={tag}"})
    assert res["ContainersDeleted"] == [b.id]
    assert dclient.containers.list(all=True, filters={"label": f"models={tag}"}) == [a]


def test_create_ports_volumes_network(dclient: clibdocker.DockerClient,
                                      cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    net = dclient.networks.create(unique(), labels=LABELS)
    try:
        c = dclient.containers.create(
            TEST_IMAGE, SLEEP, name=name, labels=LABELS, ports={"80/tcp": None, 53: ("127.0.0.1", None)},
            volumes={"/tmp": {"bind": "/host-tmp", "mode": "ro"}}, network=net.name)
        raw = c.attrs
        assert set(raw["Config"]["ExposedPorts"]) == {"80/tcp", "53/tcp"}
        assert "/tmp:/host-tmp:ro" in raw["HostConfig"]["Binds"]
        assert raw["HostConfig"]["NetworkMode"] == net.name
        assert net.name in raw["NetworkSettings"]["Networks"]
        c.start()
        c.reload()
        assert c.ports["53/tcp"][0]["HostIp"] == "127.0.0.1"
    finally:
        docker_cli("rm", "-f", name)
        net.remove()


def test_unknown_kwarg_and_bad_combinations(dclient: clibdocker.DockerClient) -> None:
    with pytest.raises(TypeError, match="bogus"):
        dclient.containers.create(TEST_IMAGE, bogus=1)
    with pytest.raises(RuntimeError):
        dclient.containers.run(TEST_IMAGE, network="a", network_mode="bridge")
    with pytest.raises(RuntimeError):
        dclient.containers.run(TEST_IMAGE, networking_config={"a": {}})
    with pytest.raises(errors.NotFound):
        dclient.containers.get(unique("missing"))
    with pytest.raises(TypeError):
        dclient.containers()


def test_split_of_run_kwargs() -> None:
    kw = _create_container_args({
        "image": "img", "command": "true", "version": "1.41", "name": "n", "cap_add": ["NET_ADMIN"],
        "ports": {"1111/tcp": 4567}, "volumes": ["/a:/b:ro", "/c"], "network": "net",
        "auto_remove": True, "tty": True})
    assert kw["name"] == "n" and kw["tty"] is True and kw["image"] == "img"
    assert kw["host_config"]["CapAdd"] == ["NET_ADMIN"]
    assert kw["host_config"]["AutoRemove"] is True
    assert kw["host_config"]["NetworkMode"] == "net"
    assert kw["ports"] == [("1111", "tcp")]
    assert kw["volumes"] == ["/b", "/c"]
    assert kw["networking_config"] == {"EndpointsConfig": {"net": {}}}


def test_run_detached_then_stop(dclient: clibdocker.DockerClient, cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    c = dclient.containers.run(TEST_IMAGE, SLEEP, detach=True, name=name, labels=LABELS)
    assert isinstance(c, Container)
    assert dclient.api.inspect_container(name)["State"]["Running"] is True
    c.stop(timeout=0)
    assert dclient.api.inspect_container(name)["State"]["Running"] is False


def test_run_detached_remove_is_auto_remove(dclient: clibdocker.DockerClient,
                                            cleanup: List[str]) -> None:
    name = unique()
    cleanup.append(name)
    c = dclient.containers.run(TEST_IMAGE, ["sleep", "1"], detach=True, remove=True,
                               name=name, labels=LABELS)
    assert c.attrs["HostConfig"]["AutoRemove"] is True
    assert wait_for(lambda: not docker_cli("ps", "-aq", "-f", f"name=^{name}$").strip())


def test_run_pulls_a_missing_image(dclient: clibdocker.DockerClient,
                                   cleanup: List[str]) -> None:
    from conftest import REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER
    ref = f"{REGISTRY}/clibdocker-test/{unique('models-run')}:x"
    good = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}
    name = unique()
    cleanup.append(name)
    dclient.images.get(TEST_IMAGE).tag(ref)
    try:
        list(dclient.images.push(ref, stream=True, auth_config=good))
        docker_cli("rmi", ref)
        with pytest.raises(errors.ImageNotFound):
            dclient.images.get(ref)
        dclient.api.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
        c = dclient.containers.run(ref, SLEEP, detach=True, name=name, labels=LABELS)
        assert dclient.images.get(ref).id == c.attrs["Image"]
        assert dclient.api.inspect_container(name)["State"]["Running"] is True
    finally:
        try:
            docker_cli("rmi", "-f", ref)
        except Exception:
            pass


def test_run_foreground_auto_remove_returns_the_output(dclient: clibdocker.DockerClient) -> None:
    """``run(auto_remove=True)`` in the foreground: the logs request goes
    out right after the start (the TTY is known from create, no look-up
    first), before a short-lived container is gone, so the output comes back
    as in docker-py (was: 409 "can not get logs from container which is
    dead or marked for removal"); a failure is the ContainerError."""
    label = unique()
    labels = dict(LABELS, pj=label)
    for tty in (False, True, False):
        out = dclient.containers.run(TEST_IMAGE, ["echo", "x"], auto_remove=True, tty=tty, labels=labels)
        assert out == (b"x\r\n" if tty else b"x\n")
    with pytest.raises(errors.ContainerError) as ei:
        dclient.containers.run(TEST_IMAGE, ["sh", "-c", "exit 2"], auto_remove=True, labels=labels)
    assert ei.value.exit_status == 2
    assert wait_for(lambda: not dclient.containers.list(all=True, filters={"label": f"pj={label}"}))
