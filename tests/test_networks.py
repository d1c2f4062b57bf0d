"""Network API against the real engines, checked by what containers see:
name and alias resolution, static addresses, routes, MTU, disconnects."""
from __future__ import annotations

import json
import random
import subprocess
from typing import Any, Callable, Dict, Iterator, List

import pytest

from clibdocker import errors
from clibdocker.types import EndpointConfig, IPAMConfig, IPAMPool
from conftest import ENGINE2, LABELS, TEST_IMAGE, docker_cli, unique


def _subnet24() -> str:
    """A /24 unlikely to clash with other tests' networks."""
    return f"10.{random.randint(140, 250)}.{random.randint(0, 255)}.0/24"


@pytest.fixture
def make_net(client) -> Iterator[Callable[..., Dict[str, Any]]]:
    """Create networks through clibdocker (labelled, unique names), removed
    at the end. Returns ``{"Id", "Name", ...create's answer}``."""
    made: List[str] = []

    def make(**kw: Any) -> Dict[str, Any]:
        name = kw.pop("name", None) or unique("clibdocker-test-net")
        labels = dict(LABELS)
        labels.update(kw.pop("labels", {}))
        res = client.create_network(name, labels=labels, **kw)
        made.append(res["Id"])
        res["Name"] = name
        return res

    try:
        yield make
    finally:
        for nid in made:
            try:
                client.remove_network(nid)
            except errors.NotFound:
                pass


@pytest.fixture
def run_ctr() -> Iterator[Callable[..., str]]:
    """Start busybox containers with the docker CLI (sleeping), removed at
    the end. ``run_ctr(name, "--network", net, ...)``."""
    made: List[str] = []

    def run(name: str, *args: str) -> str:
        made.append(name)
        docker_cli("run", "-d", "--label", "clibdocker-test=1", "--name", name, *args,
                   TEST_IMAGE, "sleep", "300")
        return name

    try:
        yield run
    finally:
        if made:
            subprocess.run(["docker", "rm", "-f", *made], capture_output=True, timeout=120)


def in_ctr(name: str, *cmd: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run a command inside a container; the result (not raising)."""
    return subprocess.run(["docker", "exec", name, *cmd], capture_output=True, text=True,
                          timeout=60)


def can_ping(frm: str, target: str) -> bool:
    return in_ctr(frm, "ping", "-c1", "-W2", target).returncode == 0


@pytest.mark.op("NetworkCreate")
@pytest.mark.op("NetworkInspect")
def test_create_with_full_spec_is_what_containers_get(client, make_net, run_ctr):
    subnet = _subnet24()
    base = subnet.rsplit(".", 1)[0]
    ipam = IPAMConfig(pool_configs=[
        IPAMPool(subnet=subnet, iprange=f"{base}.128/25", gateway=f"{base}.254",
                 aux_addresses={"reserved": f"{base}.200"}),
        IPAMPool(subnet="fd00:c1d:%x::/64" % random.randint(1, 0xffff)),
    ])
    net = make_net(driver="bridge", ipam=ipam, internal=False, attachable=True,
                   enable_ipv6=True, check_duplicate=True,
                   options={"com.docker.network.driver.mtu": "1400"},
                   labels={"purpose": "full-spec"})
    assert len(net["Id"]) == 64
    info = client.inspect_network(net["Name"])
    assert info["Id"] == net["Id"]
    assert info["Driver"] == "bridge"
    assert info["Attachable"] is True and info["Internal"] is False
    assert info["EnableIPv6"] is True
    assert info["Labels"] == {"clibdocker-test": "1", "purpose": "full-spec"}
    assert info["Options"]["com.docker.network.driver.mtu"] == "1400"
    v4 = [p for p in info["IPAM"]["Config"] if "." in p["Subnet"]][0]
    assert v4 == {"Subnet": subnet, "IPRange": f"{base}.128/25", "Gateway": f"{base}.254",
                  "AuxiliaryAddresses": {"reserved": f"{base}.200"}}
    # what a container on it sees: an address from the range, the MTU, the
    # gateway as its default route, an IPv6 address from the ULA subnet
    run_ctr(unique(), "--network", net["Name"])
    cname = [c["Name"] for c in client.inspect_network(net["Id"])["Containers"].values()][0]
    addr = in_ctr(cname, "ip", "-4", "addr", "show", "eth0").stdout
    ip = addr.split("inet ", 1)[1].split("/", 1)[0]
    assert ip.startswith(base + ".") and int(ip.rsplit(".", 1)[1]) >= 128
    assert "mtu 1400" in addr
    assert f"default via {base}.254" in in_ctr(cname, "ip", "route").stdout
    assert "inet6 fd00:c1d:" in in_ctr(cname, "ip", "-6", "addr", "show", "eth0").stdout
    # inspect's verbose/scope parameters are accepted (local scope finds it)
    assert client.inspect_network(net["Id"], verbose=True, scope="local")["Id"] == net["Id"]
    with pytest.raises(errors.NotFound):
        client.inspect_network(net["Id"], scope="swarm")


@pytest.mark.op("NetworkCreate")
def test_check_duplicate_negotiated(client, client2, make_net):
    net = make_net(check_duplicate=True)
    # API 1.41: the field is sent and the daemon refuses the duplicate name
    seen = []
    client.set_trace_hook(seen.append)
    with pytest.raises(errors.APIError) as ei:
        client.create_network(net["Name"], check_duplicate=True, labels=LABELS)
    assert ei.value.status_code == 409 and net["Name"] in str(ei.value)
    assert json.loads(seen[-1].request_body)["CheckDuplicate"] is True
    # API 1.45 deprecated it: not sent; the daemon refuses duplicates anyway
    name = unique("clibdocker-test-net")
    seen2 = []
    client2.set_trace_hook(seen2.append)
    first = client2.create_network(name, check_duplicate=False, labels=LABELS)
    try:
        assert "CheckDuplicate" not in json.loads(seen2[-1].request_body)
        with pytest.raises(errors.APIError) as ei2:
            client2.create_network(name, check_duplicate=False, labels=LABELS)
        assert ei2.value.status_code == 409
    finally:
        client2.remove_network(first["Id"])


def test_create_gated_and_bad_fields(client, client2, make_net):
    # EnableIPv4 needs API 1.47: refused before any request on both engines
    for c in (client, client2):
        with pytest.raises(errors.InvalidVersion, match="1.47"):
            c.create_network(unique(), enable_ipv4=False)
    with pytest.raises(TypeError):
        client.create_network(unique(), options=["not", "a", "dict"])
    # overlapping subnets: the daemon's error, and nothing created
    subnet = _subnet24()
    make_net(ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)]))
    name = unique("clibdocker-test-net")
    with pytest.raises(errors.APIError) as ei:
        client.create_network(name, labels=LABELS,
                              ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=subnet)]))
    assert ei.value.status_code == 403 and "overlaps" in str(ei.value)
    assert client.networks(filters={"name": name}) == []
    # a malformed subnet
    with pytest.raises(errors.APIError) as ei:
        client.create_network(unique(), labels=LABELS,
                              ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.1.2.3/99")]))
    assert ei.value.status_code == 500 and "Invalid subnet" in str(ei.value)


@pytest.mark.op("NetworkList")
def test_list_with_filters(client, make_net):
    tag = unique("tag")
    a = make_net(labels={"nv-list": tag, "role": "a"})
    b = make_net(labels={"nv-list": tag, "role": "b"})
    ids = {n["Id"] for n in client.networks(filters={"label": f"nv-list={tag}"})}
    assert ids == {a["Id"], b["Id"]}
    only_a = client.networks(filters={"label": [f"nv-list={tag}", "role=a"]})
    assert [n["Id"] for n in only_a] == [a["Id"]]
    assert [n["Id"] for n in client.networks(names=[a["Name"]])] == [a["Id"]]
    assert [n["Name"] for n in client.networks(ids=[b["Id"]])] == [b["Name"]]
    by_driver = client.networks(filters={"driver": "bridge", "label": f"nv-list={tag}"})
    assert len(by_driver) == 2
    assert client.networks(filters={"driver": "macvlan", "label": f"nv-list={tag}"}) == []
    builtin = {n["Name"] for n in client.networks(filters={"type": "builtin"})}
    assert {"bridge", "host", "none"} <= builtin and a["Name"] not in builtin


@pytest.mark.op("NetworkDelete")
def test_remove(client, make_net, run_ctr):
    net = make_net()
    # in use: the daemon refuses (403) and the network stays
    c = run_ctr(unique("nv-user"), "--network", net["Name"])
    with pytest.raises(errors.APIError) as ei:
        client.remove_network(net["Id"])
    assert ei.value.status_code == 403 and "active endpoints" in str(ei.value)
    assert client.inspect_network(net["Id"])["Id"] == net["Id"]
    docker_cli("rm", "-f", c)
    with pytest.raises(errors.APIError) as ei:
        client.remove_network("bridge")
    assert "pre-defined" in str(ei.value)
    client.remove_network(net["Id"])
    with pytest.raises(errors.NotFound):
        client.inspect_network(net["Id"])
    assert client.networks(ids=[net["Id"]]) == []
    with pytest.raises(errors.NotFound):
        client.remove_network(net["Id"])
    with pytest.raises(errors.NullResource):
        client.remove_network("")


def test_unknown_network_is_not_found(client, run_ctr):
    missing = unique("clibdocker-test-missing")
    with pytest.raises(errors.NotFound):
        client.inspect_network(missing)
    c = run_ctr(unique())
    # An engine in a swarm (another suite may hold one on this engine) looks a
    # missing name up in the cluster too and answers 500 "Could not attach to
    # network ...: rpc error: code = NotFound": docker-py raises a plain
    # APIError for that, and so do we.
    in_swarm = client.info()["Swarm"]["LocalNodeState"] != "inactive"
    expected = errors.APIError if in_swarm else errors.NotFound
    with pytest.raises(expected) as ei:
        client.connect_container_to_network(c, missing)
    assert "not found" in str(ei.value)
    if not in_swarm:
        assert ei.value.status_code == 404
    with pytest.raises(expected):
        client.disconnect_container_from_network(c, missing)


@pytest.mark.op("NetworkConnect")
def test_connect_names_aliases_links_resolve(client, make_net, run_ctr):
    net = make_net()
    a = run_ctr(unique("nv-a"))
    b = run_ctr(unique("nv-b"))
    c = run_ctr(unique("nv-c"))
    # on the default bridge they cannot resolve each other by name
    assert not can_ping(a, b)
    client.connect_container_to_network(a, net["Id"])
    client.connect_container_to_network(b, net["Name"], aliases=["nv-alias-b", "db"])
    client.connect_container_to_network(c, net["Id"], links={b: "nv-link"})
    assert can_ping(a, b)
    assert can_ping(b, a)
    assert can_ping(a, "nv-alias-b") and can_ping(a, "db")
    assert can_ping(c, "nv-link")          # the link's alias, only for c
    assert not can_ping(a, "nv-link")
    info = client.inspect_network(net["Id"])
    assert {e["Name"] for e in info["Containers"].values()} == {a, b, c}
    ep = json.loads(docker_cli("inspect", b))[0]["NetworkSettings"]["Networks"][net["Name"]]
    assert {"nv-alias-b", "db"} <= set(ep["Aliases"])
    ep_c = json.loads(docker_cli("inspect", c))[0]["NetworkSettings"]["Networks"][net["Name"]]
    assert ep_c["Links"] == [f"{b}:nv-link"]


@pytest.mark.op("NetworkConnect")
def test_connect_static_addresses_and_driver_opts(client, make_net, run_ctr):
    subnet = _subnet24()
    base = subnet.rsplit(".", 1)[0]
    v6net = "fd00:c1e:%x::" % random.randint(1, 0xffff)
    net = make_net(enable_ipv6=True, ipam=IPAMConfig(pool_configs=[
        IPAMPool(subnet=subnet), IPAMPool(subnet=v6net + "/64")]))
    a = run_ctr(unique("nv-static"))
    client.connect_container_to_network(a, net["Id"], ipv4_address=f"{base}.77",
                                        ipv6_address=v6net + "77",
                                        driver_opt={"com.example.opt": "x"})
    ep = [e for e in client.inspect_network(net["Id"])["Containers"].values()][0]
    assert ep["IPv4Address"] == f"{base}.77/24"
    assert ep["IPv6Address"] == v6net + "77/64"
    seen_v4 = in_ctr(a, "ip", "-4", "addr").stdout
    seen_v6 = in_ctr(a, "ip", "-6", "addr").stdout
    assert f"inet {base}.77/24" in seen_v4
    assert f"inet6 {v6net}77/64" in seen_v6
    settings = json.loads(docker_cli("inspect", a))[0]["NetworkSettings"]["Networks"]
    assert settings[net["Name"]]["DriverOpts"] == {"com.example.opt": "x"}
    assert settings[net["Name"]]["IPAMConfig"]["IPv4Address"] == f"{base}.77"
    # an address outside the network's subnets: the daemon's error
    b = run_ctr(unique("nv-bad"))
    with pytest.raises(errors.APIError) as ei:
        client.connect_container_to_network(b, net["Id"], ipv4_address="192.0.2.9")
    assert "192.0.2.9" in str(ei.value) or "subnet" in str(ei.value).lower()
    # (20.10 keeps a stale, endpoint-less entry in the container's settings;
    # the network and the container's interfaces show the truth)
    names = {e["Name"] for e in client.inspect_network(net["Id"])["Containers"].values()}
    assert names == {a}
    assert "192.0.2.9" not in in_ctr(b, "ip", "addr").stdout


def test_endpoint_config_shape(client):
    ep = EndpointConfig(client.api_version, aliases=["x"], links={"b": "l", "c": None},
                        ipv4_address="10.0.0.2", ipv6_address="fd00::2",
                        link_local_ips=["169.254.1.1"], driver_opt={"k": "v"},
                        mac_address="02:42:ac:11:00:99")
    assert isinstance(ep, dict)
    assert ep == {"Aliases": ["x"], "Links": ["b:l", "c"],
                  "IPAMConfig": {"IPv4Address": "10.0.0.2", "IPv6Address": "fd00::2",
                                 "LinkLocalIPs": ["169.254.1.1"]},
                  "DriverOpts": {"k": "v"}, "MacAddress": "02:42:ac:11:00:99"}
    with pytest.raises(TypeError):
        EndpointConfig(client.api_version, driver_opt=["k=v"])  # type: ignore[arg-type]
    assert IPAMConfig() == {"Driver": "default", "Config": []}
    assert IPAMPool(subnet="10.0.0.0/8")["Subnet"] == "10.0.0.0/8"


@pytest.mark.op("NetworkDisconnect")
def test_disconnect_then_name_no_longer_resolves(client, make_net, run_ctr):
    net = make_net()
    a = run_ctr(unique("nv-a"), "--network", net["Name"])
    b = run_ctr(unique("nv-b"), "--network", net["Name"])
    c = run_ctr(unique("nv-c"), "--network", net["Name"])
    assert can_ping(a, b) and can_ping(a, c)
    client.disconnect_container_from_network(b, net["Id"])
    assert not can_ping(a, b)
    assert in_ctr(a, "nslookup", b).returncode != 0
    assert "eth0" not in in_ctr(b, "ip", "link").stdout
    client.disconnect_container_from_network(c, net["Name"], force=True)
    assert not can_ping(a, c)
    names = {e["Name"] for e in client.inspect_network(net["Id"])["Containers"].values()}
    assert names == {a}
    # not connected any more: the daemon's error
    with pytest.raises(errors.APIError) as ei:
        client.disconnect_container_from_network(b, net["Id"])
    assert "not connected" in str(ei.value)


def test_internal_network_has_no_route_out(client, client2, make_net, run_ctr):
    # Docker 26 (API 1.45): a container on an internal network has no
    # default route, one on an ordinary network has
    made_nets, made_ctrs = [], []
    try:
        for internal in (True, False):
            name = unique("clibdocker-test-net")
            made_nets.append(client2.create_network(name, internal=internal, labels=LABELS)["Id"])
            assert client2.inspect_network(name)["Internal"] is internal
            cname = unique("nv-route")
            made_ctrs.append(cname)
            docker_cli("run", "-d", "--label", "clibdocker-test=1", "--name", cname,
                       "--network", name, TEST_IMAGE, "sleep", "300", host=ENGINE2)
            routes = docker_cli("exec", cname, "ip", "route", host=ENGINE2)
            assert routes.strip()  # the subnet's own route is there
            assert ("default" in routes) is (not internal), routes
    finally:
        if made_ctrs:
            docker_cli("rm", "-f", *made_ctrs, host=ENGINE2)
        for nid in made_nets:
            client2.remove_network(nid)
    # Docker 20.10 (API 1.41) keeps a default route on internal networks and
    # isolates them with iptables rules instead (not visible from inside):
    # check the flag and that members still reach each other
    net = make_net(internal=True)
    assert client.inspect_network(net["Id"])["Internal"] is True
    a = run_ctr(unique("nv-int"), "--network", net["Name"])
    b = run_ctr(unique("nv-int"), "--network", net["Name"])
    assert can_ping(a, b)


@pytest.mark.op("NetworkPrune")
def test_prune_removes_exactly_the_unused(client, make_net, run_ctr):
    tag = unique("tag")
    used = make_net(labels={"nv-prune": tag})
    unused1 = make_net(labels={"nv-prune": tag})
    unused2 = make_net(labels={"nv-prune": tag})
    other = make_net(labels={"nv-prune": "not-" + tag})
    run_ctr(unique("nv-user"), "--network", used["Name"])
    res = client.prune_networks(filters={"label": f"nv-prune={tag}"})
    assert sorted(res["NetworksDeleted"]) == sorted([unused1["Name"], unused2["Name"]])
    left = {n["Id"] for n in client.networks(filters={"label": "nv-prune"})}
    assert used["Id"] in left and other["Id"] in left
    assert unused1["Id"] not in left and unused2["Id"] not in left
    # nothing left to prune for that label
    again = client.prune_networks(filters={"label": f"nv-prune={tag}"})
    assert not again.get("NetworksDeleted")
