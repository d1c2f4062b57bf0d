"""Volume API against the real engines, checked by what containers see:
data shared through a volume, tmpfs and bind options, in-use conflicts,
prune and list filters."""
from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import clibdocker
from clibdocker import errors
from conftest import ENGINE2, LABELS, TEST_IMAGE, docker_cli, unique


@pytest.fixture
def make_vol() -> Iterator[Callable[..., Dict[str, Any]]]:
    """Create volumes through a clibdocker client (labelled, unique names),
    removed at the end. ``make_vol(client, name=..., labels=..., ...)``."""
    made: List[Tuple[Any, str]] = []

    def make(c: Any, **kw: Any) -> Dict[str, Any]:
        if "name" not in kw:
            kw["name"] = unique("clibdocker-test-vol")
        labels = dict(LABELS)
        labels.update(kw.pop("labels", {}))
        v = c.create_volume(labels=labels, **kw)
        made.append((c, v["Name"]))
        return v  # type: ignore[no-any-return]

    try:
        yield make
    finally:
        for c, name in made:
            try:
                c.remove_volume(name, force=True)
            except errors.DockerException:
                pass


@pytest.fixture
def ctrs() -> Iterator[Callable[..., str]]:
    """Start sleeping busybox containers with the CLI; removed at the end.
    ``ctrs(name, "-v", "vol:/data", host=ENGINE2)``."""
    made: List[Tuple[str, str]] = []

    def run(name: str, *args: str, host: str = "") -> str:
        made.append((name, host))
        docker_cli("run", "-d", "--label", "clibdocker-test=1", "--name", name, *args,
                   TEST_IMAGE, "sleep", "300", host=host)
        return name

    try:
        yield run
    finally:
        for name, host in made:
            env = dict(os.environ)
            if host:
                env["DOCKER_HOST"] = host
            subprocess.run(["docker", "rm", "-f", name], capture_output=True, env=env,
                           timeout=120)


def run_once(*args: str, host: str = "") -> str:
    """``docker run --rm`` a busybox command; its output."""
    return docker_cli("run", "--rm", "--label", "clibdocker-test=1", *args, host=host)


@pytest.mark.op("VolumeCreate")
def test_create_and_share_data_between_containers(client, make_vol):
    v = make_vol(client, driver="local", labels={"purpose": "share"})
    assert v["Driver"] == "local"
    assert v["Labels"] == {"clibdocker-test": "1", "purpose": "share"}
    token = unique("data")
    run_once("-v", f"{v['Name']}:/data", TEST_IMAGE, "sh", "-c", f"echo {token} > /data/f")
    out = run_once("-v", f"{v['Name']}:/d2:ro", TEST_IMAGE, "cat", "/d2/f")
    assert out.strip() == token


@pytest.mark.op("VolumeCreate")
def test_create_with_driver_opts_tmpfs_and_bind(client, make_vol):
    tmpfs = make_vol(client, driver="local",
                     driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=2m"})
    assert client.inspect_volume(tmpfs["Name"])["Options"] == {
        "type": "tmpfs", "device": "tmpfs", "o": "size=2m"}
    mounts = run_once("-v", f"{tmpfs['Name']}:/data", TEST_IMAGE, "cat", "/proc/mounts")
    line = [m for m in mounts.splitlines() if " /data " in m][0]
    assert line.startswith("tmpfs /data tmpfs") and "size=2048k" in line
    # a bind volume: the host directory's content is what the container sees
    with tempfile.TemporaryDirectory(prefix="clibdocker-test-") as d:
        token = unique("host")
        with open(os.path.join(d, "hello"), "w") as f:
            f.write(token)
        bind = make_vol(client, driver_opts={"type": "none", "o": "bind", "device": d})
        out = run_once("-v", f"{bind['Name']}:/b", TEST_IMAGE, "cat", "/b/hello")
        assert out == token
        run_once("-v", f"{bind['Name']}:/b", TEST_IMAGE, "sh", "-c", "echo back > /b/from-ctr")
        with open(os.path.join(d, "from-ctr")) as f:
            assert f.read() == "back\n"
        client.remove_volume(bind["Name"])
        assert os.path.exists(os.path.join(d, "hello"))  # removing keeps the host's data


def test_create_anonymous_and_bad_input(client, make_vol):
    anon = client.create_volume(labels=LABELS)
    try:
        assert len(anon["Name"]) == 64
        assert client.inspect_volume(anon["Name"])["Name"] == anon["Name"]
    finally:
        client.remove_volume(anon["Name"])
    with pytest.raises(errors.APIError) as ei:
        client.create_volume(name="bad/name", labels=LABELS)
    assert ei.value.status_code >= 400 and "bad/name" in str(ei.value)
    with pytest.raises(TypeError):
        client.create_volume(unique(), driver_opts=["type=tmpfs"])  # type: ignore[arg-type]
    with pytest.raises(errors.NotFound):
        client.create_volume(unique("clibdocker-test-vol"), driver="no-such-driver-xyz",
                             labels=LABELS)


@pytest.mark.op("VolumeInspect")
def test_inspect(client, make_vol):
    v = make_vol(client, labels={"k": "v"})
    info = client.inspect_volume(v["Name"])
    assert info["Name"] == v["Name"] and info["Driver"] == "local"
    assert info["Scope"] == "local" and info["Labels"]["k"] == "v"
    assert info["Mountpoint"].endswith(f"/volumes/{v['Name']}/_data")
    with pytest.raises(errors.NotFound) as ei:
        client.inspect_volume(unique("clibdocker-test-missing"))
    assert ei.value.status_code == 404 and "no such volume" in str(ei.value)
    with pytest.raises(errors.NullResource):
        client.inspect_volume("")


@pytest.mark.op("VolumeList")
def test_list_with_filters(client, make_vol, ctrs):
    tag = unique("tag")
    a = make_vol(client, labels={"nv-list": tag, "role": "a"})
    b = make_vol(client, labels={"nv-list": tag, "role": "b"})

    def names(extra: Tuple[str, ...] = (), **filters: Any) -> set:
        filters["label"] = [f"nv-list={tag}", *extra]
        return {v["Name"] for v in client.volumes(filters=filters)["Volumes"] or []}

    assert names() == {a["Name"], b["Name"]}
    assert names(extra=("role=b",)) == {b["Name"]}
    assert names(name=a["Name"]) == {a["Name"]}
    assert names(driver="local") == {a["Name"], b["Name"]}
    assert names(driver="no-such-driver") == set()
    ctrs(unique("nv-user"), "-v", f"{a['Name']}:/data")
    assert names(dangling=True) == {b["Name"]}
    assert names(dangling=False) == {a["Name"]}
    full = client.volumes()
    assert "Volumes" in full and "Warnings" in full


@pytest.mark.op("VolumeDelete")
def test_remove_in_use_conflict_force_and_unknown(client, make_vol, ctrs):
    v = make_vol(client)
    cid = ctrs(unique("nv-user"), "-v", f"{v['Name']}:/data")
    full_id = docker_cli("inspect", "-f", "{{.Id}}", cid).strip()
    with pytest.raises(errors.Conflict) as ei:
        client.remove_volume(v["Name"])
    assert ei.value.status_code == 409
    assert "in use" in str(ei.value) and full_id in str(ei.value)
    with pytest.raises(errors.Conflict):   # force does not override "in use"
        client.remove_volume(v["Name"], force=True)
    assert client.inspect_volume(v["Name"])["Name"] == v["Name"]
    docker_cli("rm", "-f", cid)
    client.remove_volume(v["Name"])
    with pytest.raises(errors.NotFound):
        client.inspect_volume(v["Name"])
    # unknown: NotFound, unless forced (the daemon then ignores it)
    with pytest.raises(errors.NotFound):
        client.remove_volume(v["Name"])
    client.remove_volume(v["Name"], force=True)


@pytest.mark.op("VolumePrune")
def test_prune_removes_exactly_the_unused(client, make_vol, ctrs):
    tag = unique("tag")
    used = make_vol(client, labels={"nv-prune": tag})
    unused1 = make_vol(client, labels={"nv-prune": tag})
    unused2 = make_vol(client, labels={"nv-prune": tag})
    other = make_vol(client, labels={"nv-prune": "not-" + tag})
    # Docker 20.10 keeps volumes made with driver options out of prunes
    tmpfs = make_vol(client, labels={"nv-prune": tag},
                     driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=1m"})
    ctrs(unique("nv-user"), "-v", f"{used['Name']}:/data")
    run_once("-v", f"{unused1['Name']}:/data", TEST_IMAGE, "sh", "-c",
             "head -c 65536 /dev/zero > /data/blob")
    res = client.prune_volumes(filters={"label": f"nv-prune={tag}"})
    assert sorted(res["VolumesDeleted"]) == sorted([unused1["Name"], unused2["Name"]])
    assert res["SpaceReclaimed"] >= 65536
    left = {v["Name"] for v in client.volumes(filters={"label": "nv-prune"})["Volumes"] or []}
    assert {used["Name"], other["Name"], tmpfs["Name"]} <= left
    assert unused1["Name"] not in left and unused2["Name"] not in left
    # `all` needs API 1.42: refused before any request on the 1.41 engine
    seen = []
    client.set_trace_hook(seen.append)
    with pytest.raises(errors.InvalidVersion, match="1.42") as ei:
        client.prune_volumes(filters={"label": f"nv-prune={tag}", "all": True})
    assert seen == []
    # ... and it is the APIError 400 the 1.41 engine answers docker-py, so
    # `except APIError` written for docker-py catches it (pk08 found it did not)
    assert isinstance(ei.value, errors.APIError) and ei.value.status_code == 400
    assert ei.value.is_client_error()
    # the operation itself below 1.25 stays docker-py's plain InvalidVersion
    with clibdocker.APIClient(version="1.24") as old:
        with pytest.raises(errors.InvalidVersion) as ei2:
            old.prune_volumes()
        assert not isinstance(ei2.value, errors.APIError)


@pytest.mark.op("VolumePrune")
def test_prune_all_filter_on_newer_engine(client2, make_vol):
    # API >= 1.42 prunes only anonymous volumes unless all=true
    tag = unique("tag")
    named = make_vol(client2, labels={"nv-prune": tag})
    anon = client2.create_volume(labels={"nv-prune": tag, **LABELS})
    try:
        res = client2.prune_volumes(filters={"label": f"nv-prune={tag}"})
        assert res["VolumesDeleted"] == [anon["Name"]]
        assert client2.inspect_volume(named["Name"])["Name"] == named["Name"]
        res = client2.prune_volumes(filters={"label": f"nv-prune={tag}", "all": True})
        assert res["VolumesDeleted"] == [named["Name"]]
        with pytest.raises(errors.NotFound):
            client2.inspect_volume(named["Name"])
    finally:
        client2.remove_volume(anon["Name"], force=True)


@pytest.mark.op("VolumeUpdate")
def test_update_gated_and_cluster_only(client, client2, make_vol):
    v = make_vol(client)
    seen = []
    client.set_trace_hook(seen.append)
    with pytest.raises(errors.InvalidVersion, match="1.42"):
        client.update_volume(v["Name"], {"Availability": "drain"}, 0)
    assert seen == []  # refused before any request
    # API 1.45, an engine not in swarm mode: the daemon's clear error
    v2 = make_vol(client2)
    seen2 = []
    client2.set_trace_hook(seen2.append)
    with pytest.raises(errors.APIError) as ei:
        client2.update_volume(v2["Name"], {"Availability": "drain"}, 1)
    assert "cluster volume" in str(ei.value) and ei.value.status_code == 503
    assert seen2[-1].method == "PUT" and seen2[-1].url.endswith(f"/volumes/{v2['Name']}?version=1")
    assert seen2[-1].request_body == b'{"Spec":{"Availability":"drain"}}'
    with pytest.raises(errors.InvalidArgument):
        client2.update_volume(v2["Name"], {}, -1)
