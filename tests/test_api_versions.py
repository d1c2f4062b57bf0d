"""Engine API versions 1.24 (docker-py's minimum) to 1.55: fixed versions work
against the real engines, and everything newer than the client's version is
refused with InvalidVersion before any request is sent (the version gates of
csrc/gates.c, applied by the call mechanism; tests/c/test_gates.c checks
every row of the table)."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Callable, Iterator, List

import pytest

import clibdocker
from clibdocker import errors
from conftest import ENGINE2, LABELS, TEST_IMAGE, unique

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = [pytest.param(None, id="engine-1.41"), pytest.param(ENGINE2, id="engine2-1.45")]


def test_gates_table_is_current() -> None:
    """csrc/gates.c is what scripts/gen_gates.py makes of spec/version-gates*.tsv."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_gates.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# --- the version argument -------------------------------------------------

@pytest.mark.parametrize("version", ["1.24", "1.25", "1.30", "1.41", "1.45", "1.55"])
def test_fixed_versions_are_accepted(version: str) -> None:
    c = clibdocker.APIClient(version=version)
    try:
        assert c.api_version == version
    finally:
        c.close()


@pytest.mark.parametrize("version", ["1.56", "2.0"])
def test_versions_out_of_range_raise_invalid_version(version: str) -> None:
    with pytest.raises(errors.InvalidVersion, match="1.24 to 1.55"):
        clibdocker.APIClient(version=version)


@pytest.mark.parametrize("version", ["1.10", "1.23"])
def test_versions_below_the_minimum_raise_docker_pys_invalid_version(version: str) -> None:
    with pytest.raises(errors.InvalidVersion, match="below 1.24 are no longer supported"):
        clibdocker.APIClient(version=version)


@pytest.mark.parametrize("version", ["abc", "1.", "1.24.1", "1.2x"])
def test_malformed_versions_raise_invalid_argument(version: str) -> None:
    with pytest.raises(errors.InvalidArgument, match="invalid API version"):
        clibdocker.APIClient(version=version)


@pytest.mark.parametrize("version", [None, "auto"])
@pytest.mark.parametrize("engine,expected", [(None, "1.41"), (ENGINE2, "1.45")])
def test_auto_negotiates_the_engines_version(version: Any, engine: Any, expected: str) -> None:
    c = clibdocker.APIClient(base_url=engine, version=version)
    try:
        assert c.api_version == expected
    finally:
        c.close()


# --- fixed old versions against the real engines --------------------------

@pytest.fixture(params=ENGINES)
def old(request: pytest.FixtureRequest) -> Iterator[clibdocker.APIClient]:
    c = clibdocker.APIClient(base_url=request.param, version="1.24")
    urls: List[str] = []
    c.set_trace_hook(lambda r: urls.append(r.url))
    c.urls = urls  # type: ignore[attr-defined]
    yield c
    c.close()


@pytest.mark.op("ContainerCreate")
@pytest.mark.op("ContainerStart")
@pytest.mark.op("ContainerWait")
@pytest.mark.op("ContainerLogs")
@pytest.mark.op("ContainerDelete")
def test_containers_at_1_24(old: clibdocker.APIClient) -> None:
    ct = old.create_container(TEST_IMAGE, ["sh", "-c", "echo out; echo err >&2; exit 3"],
                              labels=LABELS, name=unique(),
                              host_config=old.create_host_config(mem_limit="64m"))
    try:
        old.start(ct)
        assert old.wait(ct, timeout=30)["StatusCode"] == 3
        assert old.logs(ct, stdout=True, stderr=False) == b"out\n"
        assert old.logs(ct, stdout=False, stderr=True) == b"err\n"
        info = old.inspect_container(ct)
        assert info["HostConfig"]["Memory"] == 64 << 20
        assert any(c["Id"] == ct["Id"] for c in old.containers(all=True, filters={"label": "clibdocker-test=1"}))
    finally:
        old.remove_container(ct, v=True, force=True)
    assert old.urls  # type: ignore[attr-defined]
    assert all("/v1.24/" in u for u in old.urls)  # type: ignore[attr-defined]


@pytest.mark.op("ImageList")
@pytest.mark.op("ImageInspect")
@pytest.mark.op("ImageTag")
@pytest.mark.op("ImageDelete")
def test_images_at_1_24(old: clibdocker.APIClient) -> None:
    assert any(TEST_IMAGE in (i.get("RepoTags") or []) for i in old.images())
    assert old.inspect_image(TEST_IMAGE)["Id"].startswith("sha256:")
    repo = "clibdocker-test/" + unique("h4a")
    assert old.tag(TEST_IMAGE, repo, "v1")
    try:
        assert old.history(repo + ":v1")
    finally:
        old.remove_image(repo + ":v1")


@pytest.mark.op("NetworkCreate")
@pytest.mark.op("NetworkInspect")
@pytest.mark.op("NetworkDelete")
@pytest.mark.op("VolumeCreate")
@pytest.mark.op("VolumeInspect")
@pytest.mark.op("VolumeDelete")
def test_networks_and_volumes_at_1_24(old: clibdocker.APIClient) -> None:
    net = unique()
    n = old.create_network(net, driver="bridge", labels=LABELS, internal=True)
    try:
        assert old.inspect_network(n["Id"])["Internal"] is True
        assert any(x["Name"] == net for x in old.networks(names=[net]))
    finally:
        old.remove_network(n["Id"])
    vol = unique()
    old.create_volume(vol, labels=LABELS)
    try:
        assert old.inspect_volume(vol)["Name"] == vol
    finally:
        old.remove_volume(vol)
    assert all("/v1.24/" in u for u in old.urls)  # type: ignore[attr-defined]


# --- newer things are refused before anything is sent ---------------------

MISSING = "clibdocker-test-h4a-no-such-object"

# (what is refused, the version it needs, the call at 1.24)
REFUSED: List[Any] = [
    ("'condition'", "1.30", lambda c: c.wait(MISSING, condition="not-running")),
    ("'one-shot'", "1.41", lambda c: c.stats(MISSING, stream=False, one_shot=True)),
    ("'verbose'", "1.28", lambda c: c.inspect_network(MISSING, verbose=True)),
    ("'scope'", "1.31", lambda c: c.inspect_network(MISSING, scope="local")),
    ("'force'", "1.25", lambda c: c.remove_volume(MISSING, force=True)),
    ("'shared-size'", "1.42", lambda c: c.images(shared_size=True)),
    # raw bodies: create_host_config() and create_container(stop_timeout=,
    # platform=) refuse these themselves, with docker-py's words (below)
    ("'HostConfig.AutoRemove'", "1.25",
     lambda c: c.create_container(TEST_IMAGE, "true", labels=LABELS,
                                  host_config={"AutoRemove": True})),
    ("'HostConfig.Init'", "1.25",
     lambda c: c.create_container(TEST_IMAGE, "true", labels=LABELS, host_config={"Init": True})),
    ("'HostConfig.CpuRealtimePeriod'", "1.25",  # docker-py's spelling of the key
     lambda c: c.create_container(TEST_IMAGE, "true", labels=LABELS,
                                  host_config={"CPURealtimePeriod": 1000})),
    ("'StopTimeout'", "1.25",
     lambda c: c.create_container_from_config({"Image": TEST_IMAGE, "Cmd": ["true"],
                                               "Labels": LABELS, "StopTimeout": 3})),
    ("'Env'", "1.25", lambda c: c.exec_create(MISSING, "true", environment={"A": "1"})),
    ("'WorkingDir'", "1.35", lambda c: c.exec_create(MISSING, "true", workdir="/")),
    ("'Ingress'", "1.29", lambda c: c.create_network(MISSING, ingress=True, labels=LABELS)),
    ("SystemDataUsage: this operation", "1.25", lambda c: c.df()),
    ("ContainerPrune: this operation", "1.25", lambda c: c.prune_containers()),
    ("ImagePrune: this operation", "1.25", lambda c: c.prune_images()),
    ("NetworkPrune: this operation", "1.25", lambda c: c.prune_networks()),
    ("VolumePrune: this operation", "1.25", lambda c: c.prune_volumes()),
    ("PluginList: this operation", "1.25", lambda c: c.plugins()),
    ("SecretList: this operation", "1.25", lambda c: c.secrets()),
    ("ConfigList: this operation", "1.30", lambda c: c.configs()),
    ("DistributionInspect: this operation", "1.30", lambda c: c.inspect_distribution(TEST_IMAGE)),
    ("BuildPrune: this operation", "1.31", lambda c: c.prune_builds()),
]


@pytest.mark.parametrize("what,since,call", REFUSED, ids=[r[0] for r in REFUSED])
def test_newer_things_refused_at_1_24_before_sending(
        what: str, since: str, call: Callable[[clibdocker.APIClient], Any]) -> None:
    c = clibdocker.APIClient(version="1.24")
    sent: List[str] = []
    c.set_trace_hook(lambda r: sent.append(f"{r.method} {r.url}"))
    try:
        with pytest.raises(errors.InvalidVersion) as ei:
            call(c)
        msg = str(ei.value)
        assert what in msg and f"requires API version {since}" in msg and "uses API 1.24" in msg
        assert sent == []
    finally:
        c.close()


@pytest.mark.parametrize("version,call,words", [
    ("1.40", lambda c: c.create_container(TEST_IMAGE, "true", labels=LABELS, platform="linux/amd64"),
     "platform is not supported for API version < 1.41"),
    ("1.24", lambda c: c.create_container(TEST_IMAGE, "true", labels=LABELS, stop_timeout=3),
     "stop_timeout was only introduced in API version 1.25"),
    ("1.24", lambda c: c.create_host_config(init=True), "init param is not supported in API versions < 1.25"),
    ("1.29", lambda c: c.create_host_config(mounts=[]), "mounts param is not supported in API versions < 1.30"),
    ("1.39", lambda c: c.create_host_config(device_requests=[{"Count": -1}]),
     "device_requests param is not supported in API versions < 1.40"),
])
def test_docker_py_own_version_checks_keep_its_words(
        version: str, call: Callable[[clibdocker.APIClient], Any], words: str) -> None:
    """Where docker-py checks the version itself (HostConfig, stop_timeout,
    platform), clibdocker raises the same InvalidVersion with the same words at
    the same step (create_host_config, not the later create), nothing sent."""
    c = clibdocker.APIClient(version=version)
    sent: List[str] = []
    c.set_trace_hook(lambda r: sent.append(r.url))
    try:
        with pytest.raises(errors.InvalidVersion) as ei:
            call(c)
        assert str(ei.value) == words and sent == []
    finally:
        c.close()


@pytest.mark.parametrize("what,since,call", REFUSED, ids=[r[0] for r in REFUSED])
def test_gate_boundary(what: str, since: str, call: Callable[[clibdocker.APIClient], Any]) -> None:
    """Just below `since` the same call is refused; at `since` the gate lets
    it through (it may still fail on the engine: missing objects, no swarm)."""
    major, minor = since.split(".")
    below = f"{major}.{int(minor) - 1}"
    c = clibdocker.APIClient(version=below)
    try:
        with pytest.raises(errors.InvalidVersion, match=f"uses API {below}"):
            call(c)
    finally:
        c.close()


def test_same_parameters_accepted_at_1_45_on_engine2() -> None:
    c = clibdocker.APIClient(base_url=ENGINE2, version="1.45")
    sent: List[str] = []
    c.set_trace_hook(lambda r: sent.append(r.url))
    name = unique()
    try:
        ct = c.create_container(TEST_IMAGE, ["sh", "-c", "exit 0"], labels=LABELS, name=name,
                                platform="linux/amd64", stop_timeout=3,
                                host_config=c.create_host_config(init=True))
        try:
            c.start(ct)
            assert c.wait(ct, condition="not-running", timeout=30)["StatusCode"] == 0
            assert c.stats(ct, stream=False, one_shot=True)["id"] == ct["Id"]
            assert c.inspect_container(ct)["HostConfig"]["Init"] is True
        finally:
            c.remove_container(ct, force=True)
        assert isinstance(c.images(shared_size=True), list)
        assert "LayersSize" in c.df()
        assert c.inspect_network("bridge", verbose=True, scope="local")["Name"] == "bridge"
        c.prune_containers(filters={"label": "clibdocker-test-h4a-none=1"})
        assert all("/v1.45/" in u for u in sent)
        assert any("platform=linux" in u for u in sent)
        assert any("one-shot=1" in u for u in sent)
    finally:
        c.close()


def test_removed_parameter_refused_above_its_last_version() -> None:
    """keep-storage was replaced by reserved-space in 1.48 and removed in 1.52."""
    c = clibdocker.APIClient(version="1.52")
    sent: List[str] = []
    c.set_trace_hook(lambda r: sent.append(r.url))
    try:
        with pytest.raises(errors.InvalidVersion, match="'keep-storage'.*removed after API version 1.51"):
            c.prune_builds(keep_storage=1 << 30)
        assert sent == []
    finally:
        c.close()
