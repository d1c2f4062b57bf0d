"""A network test harness (in the style of the fixtures network plugins and
service-mesh projects write): several IPAM pools, IPv6, internal networks,
fixed addresses, aliases resolved from inside busybox, the Network model's
connect/disconnect/reload/remove, get/list with every selector, prune, and the
errors a harness asserts on."""
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound, DockerException
from docker.types import EndpointConfig, IPAMConfig, IPAMPool

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pl01": tag}
FILTER = {"label": "pl01=" + tag}
PREFIX = "clibdocker-test-pl01-"
made, nets = [], []

used = {cfg.get("Subnet", "") for n in client.api.networks() for cfg in (n.get("IPAM") or {}).get("Config") or []}
start = int(tag[:2], 16) % 50
octet = next(150 + (start + i) % 50 for i in range(50)
             if not any(u.startswith("172.%d." % (150 + (start + i) % 50)) or
                        u.startswith("10.%d." % (150 + (start + i) % 50)) for u in used))


def exec_until_ok(container, cmd, tries=15, **kw):
    """A harness retries a probe for a moment: the embedded DNS learns a
    just-started container's names a little after start returns."""
    for _ in range(tries):
        r = container.exec_run(cmd, **kw)
        if r.exit_code == 0:
            return r
        time.sleep(0.3)
    return r


def short(name):
    return name[len(PREFIX):].rsplit("-", 1)[0]


def show_error(what, e):
    print(what, type(e).__name__, isinstance(e, APIError), getattr(e, "status_code", None),
          e.is_client_error() if isinstance(e, APIError) else None)


try:
    # two pools, one IPv6
    v4 = IPAMPool(subnet=f"10.{octet}.0.0/24", gateway=f"10.{octet}.0.254", iprange=f"10.{octet}.0.128/25",
                  aux_addresses={"router": f"10.{octet}.0.2", "dns": f"10.{octet}.0.3"})
    v6 = IPAMPool(subnet=f"fd00:dead:{octet:x}::/64", gateway=f"fd00:dead:{octet:x}::1")
    print("pool types", type(v4).__name__, isinstance(v4, dict), sorted(v4), sorted(v6))
    ipam = IPAMConfig(pool_configs=[v4, v6])
    print("ipam", str(ipam).replace(str(octet), "N").replace(f"{octet:x}", "N"))
    dual = client.networks.create(PREFIX + "dual-" + tag, driver="bridge", ipam=ipam, enable_ipv6=True,
                                  labels=LABELS, options={"com.docker.network.bridge.name": "pl01" + tag[:6],
                                                          "com.docker.network.driver.mtu": "1400"})
    nets.append(dual)
    a = dual.attrs
    print("dual", a["EnableIPv6"], a["Scope"], a["Driver"], a["Options"]["com.docker.network.driver.mtu"])
    print("dual pools", [(c["Subnet"].replace(str(octet), "N").replace(f"{octet:x}", "N"),
                          c.get("Gateway", "").replace(str(octet), "N").replace(f"{octet:x}", "N"),
                          sorted(c.get("AuxiliaryAddresses") or {})) for c in a["IPAM"]["Config"]])
    print("labels", a["Labels"] == LABELS, dual.attrs.get("Containers"))

    # check_duplicate: the engine refuses the same name
    try:
        client.networks.create(PREFIX + "dual-" + tag, check_duplicate=True, labels=LABELS)
    except APIError as e:
        show_error("duplicate", e)

    internal = client.networks.create(PREFIX + "int-" + tag, internal=True, labels=LABELS, attachable=True,
                                      scope="local")
    nets.append(internal)
    print("internal", internal.attrs["Internal"], internal.attrs["Attachable"], internal.attrs["Scope"])

    # containers: the server with fixed addresses and aliases
    server = client.containers.create(IMAGE, ["sleep", "120"], name=PREFIX + "server-" + tag, labels=LABELS,
                                      network=dual.name, hostname="server")
    made.append(server)
    dual.disconnect(server)
    dual.connect(server, aliases=["api", "api.internal"], ipv4_address=f"10.{octet}.0.200",
                 ipv6_address=f"fd00:dead:{octet:x}::200")
    internal.connect(server.id, aliases=["backend"])
    server.start()
    server.reload()
    nw = server.attrs["NetworkSettings"]["Networks"]
    print("server nets", sorted(short(n) if n.startswith(PREFIX) else n for n in nw))
    ep = nw[dual.name]
    print("server ep", ep["IPAddress"] == f"10.{octet}.0.200", ep["GlobalIPv6Address"] == f"fd00:dead:{octet:x}::200",
          ep["IPPrefixLen"], sorted(x for x in ep["Aliases"] if not server.id.startswith(x)))
    print("ipam config", sorted(ep["IPAMConfig"]))

    client_c = client.containers.run(IMAGE, ["sleep", "120"], detach=True, name=PREFIX + "client-" + tag,
                                     labels=LABELS, network=internal.name)
    made.append(client_c)
    for name in ("backend", "server"):
        r = exec_until_ok(client_c, ["nslookup", name])
        print("nslookup", name, r.exit_code, type(r.output).__name__)
    r = exec_until_ok(client_c, ["ping", "-c", "1", "-W", "2", "backend"])
    print("ping backend", r.exit_code, b"1 packets received" in r.output)
    r = client_c.exec_run(["ping", "-c", "1", "-W", "2", "api"])
    print("ping api from other net", r.exit_code != 0)
    r = exec_until_ok(server, "ping -c 1 -W 2 " + client_c.name, demux=True)
    print("server->client", r.exit_code, type(r.output).__name__, r.output[1])

    # connect with links and an EndpointConfig object's fields
    linked = client.containers.create(IMAGE, ["sleep", "120"], name=PREFIX + "linked-" + tag, labels=LABELS)
    made.append(linked)
    dual.connect(linked.name, links={server.name: "srv"}, aliases=["linked"], driver_opt={"foo": "bar"},
                 link_local_ips=["169.254.10.10"])
    linked.start()
    linked.reload()
    lep = linked.attrs["NetworkSettings"]["Networks"][dual.name]
    print("links", [l.split(":")[-1] for l in lep["Links"] or []], lep["IPAMConfig"].get("LinkLocalIPs"))
    print("driver opts", lep.get("DriverOpts"))
    print("ping srv", exec_until_ok(linked, "ping -c1 -W2 srv").exit_code)
    ec = EndpointConfig("1.41", aliases=["x"], links={"a": "b"}, ipv4_address="10.0.0.5", ipv6_address=None,
                        link_local_ips=["169.254.1.1"], driver_opt={"k": "v"})
    print("EndpointConfig", sorted(ec), ec["IPAMConfig"], ec["Links"])
    try:
        EndpointConfig("1.21", aliases=["x"], links=None, ipv4_address=None, ipv6_address=None,
                       link_local_ips=None)
    except DockerException as e:
        print("old endpoint", type(e).__name__)
    try:
        EndpointConfig("1.41", aliases=None, links=None, ipv4_address=None, ipv6_address=None,
                       link_local_ips=None, mac_address="02:42:ac:11:00:02")
    except DockerException as e:
        print("mac on 1.41", type(e).__name__, str(e))

    # the Network model
    dual.reload()
    print("containers", sorted(short(c.name) for c in dual.containers))
    print("container types", {type(c).__name__ for c in dual.containers})
    got = client.networks.get(dual.id, verbose=True, scope="local")
    print("get verbose", got.name == dual.name, sorted(got.attrs["Containers"]) == sorted(c.id for c in dual.containers))
    print("get by name", client.networks.get(dual.name).id == dual.id, client.networks.get(dual.id[:12]).id == dual.id)
    print("repr", repr(dual) == "<Network: %s>" % dual.short_id, dual == client.networks.get(dual.id),
          hash(dual) == hash(client.networks.get(dual.id)))
    print("list ids", sorted(short(n.name) for n in client.networks.list(ids=[dual.id, internal.id])))
    print("list names+filters", sorted(short(n.name) for n in client.networks.list(names=[internal.name], filters=FILTER)))
    print("list custom", sorted(short(n.name) for n in client.networks.list(filters={"type": "custom", "label": "pl01=" + tag})))
    print("list builtin", sorted(n.name for n in client.networks.list(filters={"type": "builtin"})
                                 if n.name in ("bridge", "host", "none")))
    print("list driver", sorted(short(n.name) for n in client.networks.list(filters={"driver": "bridge", "label": "pl01=" + tag})))
    print("list label value", len(client.networks.list(filters={"label": ["clibdocker-test=1", "pl01=" + tag]})))
    sparse = client.networks.list(filters=FILTER)
    print("sparse containers", sorted(len(n.attrs.get("Containers") or {}) for n in sparse))
    greedy = client.networks.list(filters=FILTER, greedy=True)
    print("greedy containers", sorted(len(n.attrs.get("Containers") or {}) for n in greedy))
    print("low networks", sorted(short(n["Name"]) for n in client.api.networks(filters=FILTER)),
          len(client.api.networks(names=[dual.name], ids=[internal.id])))
    insp = client.api.inspect_network(internal.id, verbose=True, scope="local")
    print("inspect_network", insp["Internal"], sorted(insp)[:4])

    # errors a harness checks
    for what, fn in [
        ("get missing", lambda: client.networks.get(PREFIX + "nope-" + tag)),
        ("connect missing container", lambda: dual.connect(PREFIX + "nobody-" + tag)),
        ("disconnect not connected", lambda: internal.disconnect(linked)),
        ("remove in use", lambda: dual.remove()),
        ("address in use", lambda: internal.connect(linked, ipv4_address=f"10.{octet}.0.200")),
        ("bad driver", lambda: client.networks.create(PREFIX + "bad-" + tag, driver="no-such-driver", labels=LABELS)),
        ("overlapping pool", lambda: client.networks.create(PREFIX + "ovl-" + tag, labels=LABELS,
                                                            ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=f"10.{octet}.0.0/25")]))),
        ("inspect missing", lambda: client.api.inspect_network("clibdocker-no-such-net-" + tag)),
        ("remove missing", lambda: client.api.remove_network("clibdocker-no-such-net-" + tag)),
    ]:
        try:
            fn()
            print(what, "no error")
        except (APIError, NotFound) as e:
            show_error(what, e)
    try:
        client.networks.create(PREFIX + "none-" + tag, ipam={"Driver": "default", "Config": [{"Subnet": "bogus"}]},
                               labels=LABELS)
    except APIError as e:
        show_error("raw ipam dict", e)
    # disconnect then force
    dual.disconnect(linked, force=True)
    linked.reload()
    print("after disconnect", sorted(linked.attrs["NetworkSettings"]["Networks"]))

    # prune: networks without containers, ours only
    spare = client.networks.create(PREFIX + "spare-" + tag, labels=LABELS)
    nets.append(spare)
    time.sleep(2.5)
    p = client.networks.prune(filters={"label": "pl01=" + tag, "until": "1s"})
    print("prune", sorted(p), sorted(short(n) for n in p["NetworksDeleted"] or []))
    try:
        spare.reload()
    except NotFound as e:
        show_error("pruned reload", e)
    print("prune again", client.networks.prune(filters={"label": "pl01=" + tag, "until": "1s"}))
    for c in made:
        c.remove(force=True)
    made = []
    print("remove", dual.remove(), internal.remove())
    print("prune empty", client.api.prune_networks(filters={"label": "pl01=" + tag}))
    print("FILTER now", sorted(FILTER))
finally:
    for c in made:
        try:
            c.remove(force=True)
        except APIError:
            pass
    for n in nets:
        try:
            n.remove()
        except APIError:
            pass
FILTER = {"label": "pl01=" + tag}
print("left", len(client.networks.list(filters=FILTER)), len(client.containers.list(all=True, filters=FILTER)))
client.close()
