"""High-level networks and volumes (``client.networks``, ``client.volumes``)
against the real engine."""
from __future__ import annotations

import pytest

import clibdocker
from clibdocker import errors, types
from clibdocker.models.networks import Network
from clibdocker.models.volumes import Volume
from conftest import LABELS, TEST_IMAGE, docker_cli, unique


def test_network_create_connect_disconnect_remove(dclient: clibdocker.DockerClient) -> None:
    name = unique()
    ipam = types.IPAMConfig(pool_configs=[types.IPAMPool(subnet="10.231.77.0/24")])
    net = dclient.networks.create(name, driver="bridge", labels=LABELS, ipam=ipam)
    cname = unique()
    try:
        assert isinstance(net, Network) and net.name == name
        assert net.attrs["IPAM"]["Config"][0]["Subnet"] == "10.231.77.0/24"
        assert dclient.networks.get(name) == net
        c = dclient.containers.create(TEST_IMAGE, ["sleep", "300"], name=cname, labels=LABELS)
        c.start()
        net.connect(c, aliases=["models-alias"], ipv4_address="10.231.77.9")
        raw = dclient.api.inspect_network(net.id)  # type: ignore[arg-type]
        assert c.id in raw["Containers"]
        assert raw["Containers"][c.id]["IPv4Address"].startswith("10.231.77.9/")
        ep = dclient.api.inspect_container(cname)["NetworkSettings"]["Networks"][name]
        assert "models-alias" in ep["Aliases"]
        assert net.containers == []  # attrs are cached
        net.reload()
        assert net.containers == [c]
        net.disconnect(cname)
        assert c.id not in (dclient.api.inspect_network(name).get("Containers") or {})
    finally:
        docker_cli("rm", "-f", cname)
        net.remove()
    with pytest.raises(errors.NotFound):
        dclient.networks.get(name)


def test_network_list_greedy_prune(dclient: clibdocker.DockerClient) -> None:
    mark = unique("models")
    a = dclient.networks.create(unique(), labels=dict(LABELS, models=mark))
    try:
        listed = dclient.networks.list(filters={"label": f"models={mark}"})
        assert listed == [a]
        assert dclient.networks.list(names=[a.name]) == [a]  # type: ignore[list-item]
        greedy = dclient.networks.list(filters={"label": f"models={mark}"}, greedy=True)
        assert greedy[0].attrs.get("Containers") == {}
        res = dclient.networks.prune(filters={"label": f"models={mark}"})
        assert res["NetworksDeleted"] == [a.name]
        assert dclient.networks.list(filters={"label": f"models={mark}"}) == []
    finally:
        try:
            a.remove()
        except errors.NotFound:
            pass


def test_volume_create_get_list_remove_prune(dclient: clibdocker.DockerClient) -> None:
    mark = unique("models")
    labels = dict(LABELS, models=mark)
    v = dclient.volumes.create(unique(), driver="local", labels=labels)
    anon = dclient.volumes.create(labels=labels)
    try:
        assert isinstance(v, Volume) and v.id == v.name and v.attrs["Labels"] == labels
        assert anon.name and len(anon.name) == 64
        assert dclient.volumes.get(v.name) == v  # type: ignore[arg-type]
        listed = dclient.volumes.list(filters={"label": f"models={mark}"})
        assert set(listed) == {v, anon}
        assert repr(v) == f"<Volume: {v.name[:12]}>"  # type: ignore[index]
        # a container writes into it
        out = docker_cli("run", "--rm", "-v", f"{v.name}:/data", TEST_IMAGE,
                         "sh", "-c", "echo hi > /data/f && cat /data/f")
        assert out == "hi\n"
        v.remove()
        with pytest.raises(errors.NotFound):
            dclient.volumes.get(v.name)  # type: ignore[arg-type]
        res = dclient.volumes.prune(filters={"label": f"models={mark}"})
        assert res["VolumesDeleted"] == [anon.name]
        assert dclient.volumes.list(filters={"label": f"models={mark}"}) == []
    finally:
        for x in (v, anon):
            try:
                x.remove(force=True)
            except errors.NotFound:
                pass
