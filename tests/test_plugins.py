"""Plugin API tests against the main engine, with plugins built locally.

The test plugin is a volume driver: its rootfs holds a statically linked
server built here from tests/helpers/plugin_volume_driver.c, which answers
the plugin protocol on the socket its config.json names. So a plugin can
really be enabled, and a volume created with it shows up in the volume list
with a status the running plugin computes from its (settable) GREETING
setting. Push, pull and upgrade go through the local registry
(127.0.0.1:5000, reachable from the main engine only). Every plugin and
volume is uniquely named `clibdocker-test-...` and removed at the end.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile

import pytest

from clibdocker import errors
from conftest import LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, docker_cli, unique

HELPER_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers",
                          "plugin_volume_driver.c")
SOCKET = "clibdocker-test.sock"
GOOD = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}
NETWORK_HOST = [{"Name": "network", "Description": "permissions to access a network",
                 "Value": ["host"]}]


def _config(version: str) -> dict:
    return {
        "description": f"clibdocker test volume driver {version}",
        "documentation": "https://example.invalid/clibdocker",
        "entrypoint": ["/vdriver", f"/run/docker/plugins/{SOCKET}"],
        "interface": {"types": ["docker.volumedriver/1.0"], "socket": SOCKET},
        # host networking makes the plugin ask for a privilege at pull time
        "network": {"type": "host"},
        "propagatedMount": "/data",
        "env": [{"name": "GREETING", "description": "shown in each volume's status",
                 "settable": ["value"], "value": f"hello-{version}"},
                {"name": "FIXED", "description": "not settable", "value": "x"}],
        "linux": {"capabilities": []},
    }


@pytest.fixture(scope="module")
def driver_binary(tmp_path_factory):
    if shutil.which("gcc") is None:  # pragma: no cover - the dev machine has gcc
        pytest.skip("gcc is needed to build the test plugin's server")
    out = tmp_path_factory.mktemp("plugin-bin") / "vdriver"
    subprocess.run(["gcc", "-static", "-O2", "-o", str(out), HELPER_SRC], check=True,
                   capture_output=True, timeout=120)
    return out


def _make_dir(base, binary, version: str):
    d = base / f"plugin-{version}"
    rootfs = d / "rootfs"
    for sub in ("run/docker/plugins", "data", "tmp"):
        (rootfs / sub).mkdir(parents=True)
    shutil.copy2(binary, rootfs / "vdriver")
    # a unique file: two live plugins with byte-identical rootfs layers
    # conflict in the engine's content store
    (rootfs / "clibdocker-test-id").write_text(unique() + "\n")
    (d / "config.json").write_text(json.dumps(_config(version)))
    return d


@pytest.fixture
def plugin_dirs(tmp_path, driver_binary):
    return {v: _make_dir(tmp_path, driver_binary, v) for v in ("v1", "v2")}


class Cleanup:
    """Plugins and volumes a test made, removed at the end (also on failure)."""

    def __init__(self, client):
        self.client = client
        self.plugins: list = []
        self.volumes: list = []

    def plugin(self, name: str) -> str:
        self.plugins.append(name)
        return name

    def run(self):
        for v in self.volumes:
            try:
                self.client.remove_volume(v, force=True)
            except errors.DockerException:
                pass
        for p in self.plugins:
            try:
                self.client.remove_plugin(p, force=True)
            except errors.NotFound:
                pass


@pytest.fixture
def made(client):
    c = Cleanup(client)
    try:
        yield c
    finally:
        c.run()


def _names(plugins):
    return {p["Name"] for p in plugins}


@pytest.mark.op("PluginCreate")
@pytest.mark.op("PluginInspect")
@pytest.mark.op("PluginList")
@pytest.mark.op("PluginDelete")
def test_create_inspect_list_remove(client, plugin_dirs, made):
    name = made.plugin(unique("clibdocker-test-plugin"))
    assert client.create_plugin(name, str(plugin_dirs["v1"])) is True
    p = client.inspect_plugin(name)
    assert p["Name"] == name + ":latest"
    assert p["Enabled"] is False
    assert p["Config"]["Description"] == "clibdocker test volume driver v1"
    assert p["Config"]["Interface"]["Socket"] == SOCKET
    assert "GREETING=hello-v1" in p["Settings"]["Env"]
    # the same plugin by id, and as the docker CLI sees it
    assert client.inspect_plugin(p["Id"])["Name"] == p["Name"]
    assert name + ":latest" in docker_cli("plugin", "ls", "--format", "{{.Name}}").split()

    assert p["Id"] in {q["Id"] for q in client.plugins()}
    assert p["Name"] in _names(client.plugins(filters={"capability": "volumedriver"}))
    assert p["Name"] not in _names(client.plugins(filters={"capability": "authz"}))
    assert p["Name"] in _names(client.plugins(filters={"enabled": False}))
    assert p["Name"] not in _names(client.plugins(filters={"enabled": True}))

    assert client.remove_plugin(name) is True
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(name)
    assert p["Id"] not in {q["Id"] for q in client.plugins()}
    with pytest.raises(errors.NotFound):
        client.remove_plugin(name)


def _tar_chunks(plugin_dir):
    """The plugin directory as an uncompressed tar, yielded in small chunks."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        t.add(str(plugin_dir), arcname=".")
    data = buf.getvalue()
    for i in range(0, len(data), 4096):
        yield data[i:i + 4096]


@pytest.mark.op("PluginCreate")
def test_create_from_tar_stream_and_errors(client, plugin_dirs, made, tmp_path):
    name = made.plugin(unique("clibdocker-test-plugin"))
    assert client.create_plugin_from_tar(name, _tar_chunks(plugin_dirs["v2"])) is True
    assert client.inspect_plugin(name)["Config"]["Description"].endswith(" v2")
    # the name is taken now
    with pytest.raises(errors.Conflict):
        client.create_plugin(name, str(plugin_dirs["v1"]))
    assert client.inspect_plugin(name)["Config"]["Description"].endswith(" v2")

    other = made.plugin(unique("clibdocker-test-plugin"))
    # refused before any request
    with pytest.raises(errors.InvalidArgument, match="gzip"):
        client.create_plugin(other, str(plugin_dirs["v1"]), gzip=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(errors.InvalidArgument, match="config.json"):
        client.create_plugin(other, str(empty))
    (empty / "config.json").write_text("{}")
    with pytest.raises(errors.InvalidArgument, match="rootfs"):
        client.create_plugin(other, str(empty))
    with pytest.raises(errors.InvalidArgument):
        client.create_plugin(other, str(tmp_path / "missing"))
    with pytest.raises(errors.NullResource):
        client.create_plugin("", str(plugin_dirs["v1"]))
    # the engine's own answer for a tar without a rootfs
    with pytest.raises(errors.APIError, match="rootfs") as ei:
        client.create_plugin_from_tar(other, b"\0" * 1024)
    assert ei.value.status_code == 500
    # a failing tar source raises its own exception
    def broken():
        yield b"\0" * 512
        raise OSError("source broke")
    with pytest.raises(OSError, match="source broke"):
        client.create_plugin_from_tar(other, broken())
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(other)


@pytest.mark.op("PluginEnable")
@pytest.mark.op("PluginDisable")
def test_enable_serves_volumes_then_disable(client, plugin_dirs, made):
    name = made.plugin(unique("clibdocker-test-plugin"))
    full = name + ":latest"
    client.create_plugin(name, str(plugin_dirs["v1"]))
    assert client.enable_plugin(name, timeout=30) is True
    assert client.inspect_plugin(name)["Enabled"] is True
    assert full in _names(client.plugins(filters={"enabled": True}))
    with pytest.raises(errors.APIError, match="already enabled"):
        client.enable_plugin(name)

    # the running plugin serves volumes
    vol = unique("clibdocker-test-pvol")
    made.volumes.append(vol)
    created = client.create_volume(vol, driver=full, labels=LABELS)
    assert created["Driver"] == full
    listed = client.volumes(filters={"driver": full})["Volumes"]
    assert [v["Name"] for v in listed] == [vol]
    assert client.inspect_volume(vol)["Status"] == {"greeting": "hello-v1"}
    out = docker_cli("run", "--rm", "--label", "clibdocker-test=1", "-v", f"{vol}:/x",
                     "clibdocker-test/busybox:latest", "sh", "-c",
                     "echo plugin-data > /x/f && cat /x/f")
    assert out.strip() == "plugin-data"

    # in use by a volume: a plain disable is refused, a plain remove too
    with pytest.raises(errors.APIError, match="in use"):
        client.disable_plugin(name)
    with pytest.raises(errors.APIError):
        client.remove_plugin(name)
    assert client.inspect_plugin(name)["Enabled"] is True
    client.remove_volume(vol)
    made.volumes.remove(vol)

    assert client.disable_plugin(name) is True
    assert client.inspect_plugin(name)["Enabled"] is False
    assert full not in _names(client.plugins(filters={"enabled": True}))
    with pytest.raises(errors.APIError, match="already disabled"):
        client.disable_plugin(name)
    # force disables even when in use; the volume lives on in the plugin
    client.enable_plugin(name)
    vol2 = unique("clibdocker-test-pvol")
    made.volumes.append(vol2)
    client.create_volume(vol2, driver=full, labels=LABELS)
    assert client.disable_plugin(name, force=True) is True
    assert client.inspect_plugin(name)["Enabled"] is False
    client.enable_plugin(name)
    assert client.inspect_volume(vol2)["Driver"] == full
    client.remove_volume(vol2)
    made.volumes.remove(vol2)
    assert vol2 not in {v["Name"] for v in client.volumes()["Volumes"] or []}
    # remove(force) of an enabled plugin disables it first
    assert client.remove_plugin(name, force=True) is True
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(name)

    with pytest.raises(errors.NotFound):
        client.enable_plugin(unique("clibdocker-test-missing"))
    with pytest.raises(errors.NotFound):
        client.disable_plugin(unique("clibdocker-test-missing"))
    with pytest.raises(errors.InvalidArgument):
        client.enable_plugin(name, timeout=-1)


@pytest.mark.op("PluginSet")
def test_configure_changes_the_running_plugin(client, plugin_dirs, made):
    name = made.plugin(unique("clibdocker-test-plugin"))
    full = name + ":latest"
    client.create_plugin(name, str(plugin_dirs["v1"]))
    assert client.configure_plugin(name, {"GREETING": "bonjour"}) is True
    env = client.inspect_plugin(name)["Settings"]["Env"]
    assert "GREETING=bonjour" in env and "GREETING=hello-v1" not in env
    assert client.configure_plugin(name, ["GREETING=guten-tag"]) is True
    assert "GREETING=guten-tag" in client.inspect_plugin(name)["Settings"]["Env"]

    # the plugin process sees it
    client.enable_plugin(name)
    vol = unique("clibdocker-test-pvol")
    made.volumes.append(vol)
    client.create_volume(vol, driver=full, labels=LABELS)
    assert client.inspect_volume(vol)["Status"] == {"greeting": "guten-tag"}
    # not while enabled
    with pytest.raises(errors.APIError, match="disable"):
        client.configure_plugin(name, {"GREETING": "no"})
    client.remove_volume(vol)
    made.volumes.remove(vol)
    client.disable_plugin(name)

    with pytest.raises(errors.APIError, match="FIXED"):
        client.configure_plugin(name, {"FIXED": "y"})
    with pytest.raises(errors.APIError):
        client.configure_plugin(name, {"UNDECLARED": "y"})
    assert "GREETING=guten-tag" in client.inspect_plugin(name)["Settings"]["Env"]
    with pytest.raises(errors.NotFound):
        client.configure_plugin(unique("clibdocker-test-missing"), {"GREETING": "x"})
    with pytest.raises(TypeError):
        client.configure_plugin(name, "GREETING=x")


@pytest.fixture
def empty_docker_config(tmp_path, monkeypatch):
    cfg = tmp_path / "dockercfg"
    cfg.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    return cfg


def _digest(messages):
    for m in messages:
        aux = m.get("aux") if isinstance(m, dict) else None
        if aux and aux.get("Digest"):
            return aux["Digest"]
    return None


@pytest.mark.op("PluginPush")
@pytest.mark.op("GetPluginPrivileges")
@pytest.mark.op("PluginPull")
@pytest.mark.op("PluginUpgrade")
def test_push_pull_upgrade_through_the_registry(client, plugin_dirs, made,
                                                empty_docker_config):
    repo = f"{REGISTRY}/clibdocker-test/{unique('plugin')}"
    v1, v2 = made.plugin(repo + ":v1"), made.plugin(repo + ":v2")
    client.create_plugin(v1, str(plugin_dirs["v1"]))
    client.create_plugin(v2, str(plugin_dirs["v2"]))

    # the registry refuses a push without (right) credentials; this engine
    # reports it inside the stream (after its HTTPS-then-HTTP attempts)
    with pytest.raises(errors.APIError):
        list(client.push_plugin(v1))
    with pytest.raises(errors.APIError):
        list(client.push_plugin(v1, auth_config=dict(GOOD, password="wrong-" + unique())))
    with pytest.raises(errors.APIError):  # so nothing is there
        list(client.pull_plugin(v1, NETWORK_HOST, name=made.plugin(unique("clibdocker-test-x")),
                                auth_config=GOOD))
    msgs = list(client.push_plugin(v1, auth_config=GOOD))
    assert all(isinstance(m, dict) for m in msgs)
    d1 = _digest(msgs)
    assert d1 and d1.startswith("sha256:")
    assert _digest(list(client.push_plugin(v2, auth_config=GOOD))) not in (None, d1)

    # the privileges the pushed plugin asks for come from its config
    privs = client.plugin_privileges(v1, auth_config=GOOD)
    assert privs == NETWORK_HOST
    with pytest.raises(errors.NullResource):
        client.plugin_privileges("")

    client.remove_plugin(v1)
    client.remove_plugin(v2)
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(v1)

    # privileges must be granted
    with pytest.raises(errors.StreamError, match="privileges"):
        list(client.pull_plugin(v1, [], auth_config=GOOD))
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(v1)
    with pytest.raises(TypeError):
        client.pull_plugin(v1, "network=host", auth_config=GOOD)

    local = made.plugin(unique("clibdocker-test-plugin"))
    msgs = list(client.pull_plugin(v1, privs, name=local, auth_config=GOOD))
    assert msgs and all(isinstance(m, dict) for m in msgs)
    p = client.inspect_plugin(local)
    assert p["Name"] == local + ":latest"
    assert p["PluginReference"] == v1
    assert p["Enabled"] is False
    assert p["Config"]["Description"].endswith(" v1")
    assert p["Config"]["Network"]["Type"] == "host"

    # upgrade the pulled plugin to v2; its own settings stay
    client.configure_plugin(local, {"GREETING": "kept"})
    with pytest.raises(errors.StreamError, match="privileges"):
        list(client.upgrade_plugin(local, v2, [], auth_config=GOOD))
    assert client.inspect_plugin(local)["Config"]["Description"].endswith(" v1")
    msgs = list(client.upgrade_plugin(local, v2, client.plugin_privileges(v2, auth_config=GOOD),
                                      auth_config=GOOD))
    assert msgs and all(isinstance(m, dict) for m in msgs)
    q = client.inspect_plugin(local)
    assert q["Id"] == p["Id"]
    assert q["PluginReference"] == v2
    assert q["Config"]["Description"].endswith(" v2")
    assert "GREETING=kept" in q["Settings"]["Env"]
    # and it runs
    client.enable_plugin(local)
    assert client.inspect_plugin(local)["Enabled"] is True
    # an enabled plugin is not upgraded
    with pytest.raises(errors.DockerException):
        list(client.upgrade_plugin(local, v1, privs, auth_config=GOOD))
    assert client.inspect_plugin(local)["Config"]["Description"].endswith(" v2")
    client.disable_plugin(local)

    # the default local name is the remote reference
    msgs = list(client.pull_plugin(v1, privs, auth_config=GOOD))
    assert client.inspect_plugin(v1)["Config"]["Description"].endswith(" v1")

    # credentials kept by login() are used when none are given
    client.remove_plugin(v1)
    with pytest.raises(errors.APIError):
        list(client.pull_plugin(v1, privs))
    with pytest.raises(errors.NotFound):
        client.inspect_plugin(v1)
    client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    assert client.plugin_privileges(v1) == NETWORK_HOST
    list(client.pull_plugin(v1, privs))
    assert client.inspect_plugin(v1)["PluginReference"] == v1

