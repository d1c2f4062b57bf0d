"""High-level plugins (``client.plugins`` / ``Plugin``) with the locally
built test volume driver of test_plugins.py, through the local registry."""
from __future__ import annotations

from typing import Any, Iterator

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.models.plugins import Plugin
from conftest import LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, unique
from test_plugins import driver_binary, empty_docker_config, plugin_dirs  # noqa: F401


@pytest.fixture
def dc() -> Iterator[clibdocker.DockerClient]:
    c = clibdocker.from_env()
    names: list = []
    c.made = names  # type: ignore[attr-defined]
    try:
        yield c
    finally:
        for n in names:
            try:
                c.api.remove_plugin(n, force=True)
            except errors.NotFound:
                pass
        c.close()


def test_create_configure_enable_disable_remove(dc: Any, plugin_dirs: Any) -> None:  # noqa: F811
    name = unique("clibdocker-test-plugin")
    dc.made.append(name)
    p = dc.plugins.create(name, str(plugin_dirs["v1"]))
    assert isinstance(p, Plugin) and p.name == name + ":latest" and p.enabled is False
    assert p in dc.plugins.list()
    p.configure({"GREETING": "from-model"})
    assert "GREETING=from-model" in p.settings["Env"]  # reloaded
    p.enable(timeout=30)
    assert p.enabled is True and dc.api.inspect_plugin(name)["Enabled"] is True
    vol = dc.volumes.create(unique("clibdocker-test-pvol"), driver=p.name, labels=LABELS)
    try:
        assert dc.api.inspect_volume(vol.name)["Status"] == {"greeting": "from-model"}
    finally:
        vol.remove()
    with pytest.raises(errors.DockerException, match="disabled"):
        list(p.upgrade())
    p.disable()
    assert p.enabled is False and dc.api.inspect_plugin(name)["Enabled"] is False
    assert p.remove() is True
    with pytest.raises(errors.NotFound):
        dc.plugins.get(name)


def test_push_install_upgrade(dc: Any, plugin_dirs: Any,  # noqa: F811
                              empty_docker_config: Any) -> None:  # noqa: F811
    repo = f"{REGISTRY}/clibdocker-test/{unique('mplugin')}"
    v1, v2 = repo + ":v1", repo + ":v2"
    dc.made += [v1, v2]
    dc.api.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    p1 = dc.plugins.create(v1, str(plugin_dirs["v1"]))
    p2 = dc.plugins.create(v2, str(plugin_dirs["v2"]))
    assert any((m.get("aux") or {}).get("Digest") for m in p1.push())
    assert any((m.get("aux") or {}).get("Digest") for m in p2.push())
    p1.remove()
    p2.remove()
    local = unique("clibdocker-test-plugin")
    dc.made.append(local)
    inst = dc.plugins.install(v1, local_name=local)
    assert inst.name == local + ":latest" and inst.enabled is False
    assert inst.attrs["PluginReference"] == v1
    msgs = list(inst.upgrade(v2))
    assert msgs and all(isinstance(m, dict) for m in msgs)
    assert inst.attrs["PluginReference"] == v2  # reloaded after the upgrade
    assert dc.api.inspect_plugin(local)["Config"]["Description"].endswith(" v2")
