"""Networks the way compose-like tools and test fixtures build them (IPAM
pools, fixed addresses, aliases, connect/disconnect, internal networks,
network.containers), and the prune / df calls cleanup scripts run, with the
shapes of what they return."""
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import IPAMConfig, IPAMPool, EndpointConfig

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph04": tag}
FILTER = {"label": "ph04=" + tag}
made, nets, vols = [], [], []
# a /16 no other network uses (other test runs create networks too)
used = {cfg.get("Subnet", "") for n in client.api.networks() for cfg in (n.get("IPAM") or {}).get("Config") or []}
start = int(tag[:2], 16) % 100
octet = next(100 + (start + i) % 100 for i in range(100)
             if not any(u.startswith("172.%d." % (100 + (start + i) % 100)) or
                        u.startswith("10.%d." % (100 + (start + i) % 100)) for u in used))

try:
    pool = IPAMPool(subnet=f"172.{octet}.0.0/16", iprange=f"172.{octet}.5.0/24", gateway=f"172.{octet}.0.1",
                    aux_addresses={"reserved": f"172.{octet}.5.250"})
    print("pool", sorted(pool), pool["Subnet"] == f"172.{octet}.0.0/16")
    ipam = IPAMConfig(driver="default", pool_configs=[pool], options={"foo": "bar"})
    print("ipam", sorted(ipam), ipam["Driver"], len(ipam["Config"]), ipam["Options"])
    net = client.networks.create("clibdocker-test-ph04-" + tag, driver="bridge", ipam=ipam, labels=LABELS,
                                 options={"com.docker.network.bridge.enable_icc": "true"},
                                 check_duplicate=True, attachable=True, internal=False, enable_ipv6=False)
    nets.append(net)
    print("net", type(net).__name__, net.name == "clibdocker-test-ph04-" + tag, len(net.id), net.short_id == net.id[:12])
    a = net.attrs
    print("net attrs", a["Driver"], a["Scope"], a["Internal"], a["Attachable"], a["EnableIPv6"])
    cfg = a["IPAM"]["Config"][0]
    print("net ipam", a["IPAM"]["Driver"], cfg["Subnet"].endswith(".0.0/16"), cfg["IPRange"].endswith(".5.0/24"),
          cfg["Gateway"].endswith(".0.1"), sorted(cfg.get("AuxiliaryAddresses", {})), a["IPAM"]["Options"])
    print("net options", a["Options"])
    print("net containers empty", net.containers, a.get("Containers"))

    c1 = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, name="clibdocker-test-ph04-c1-" + tag,
                                network=net.name)
    made.append(c1)
    c2 = client.containers.create(IMAGE, ["sleep", "60"], labels=LABELS, name="clibdocker-test-ph04-c2-" + tag)
    made.append(c2)
    net.connect(c2, aliases=["db", "database"], ipv4_address=f"172.{octet}.5.20", links=[(c1.name, "peer")])
    c2.start()
    net.reload()
    print("net containers", sorted(x.name.split("-")[3] for x in net.containers))
    c2.reload()
    ep = c2.attrs["NetworkSettings"]["Networks"][net.name]
    print("ep", sorted(al for al in ep["Aliases"] if al in ("db", "database")), ep["IPAddress"].endswith(".5.20"),
          ep["IPAMConfig"]["IPv4Address"].endswith(".5.20"), [l.split(":")[1] for l in ep["Links"] or []])
    print("nets of c2", sorted(c2.attrs["NetworkSettings"]["Networks"]) == sorted(["bridge", net.name]))
    print("resolve alias", c1.exec_run("ping -c1 -W2 db").exit_code)
    net.disconnect(c2, force=True)
    c2.reload()
    print("disconnected", net.name in c2.attrs["NetworkSettings"]["Networks"])
    try:
        net.disconnect(c2)
    except APIError as e:
        print("disconnect twice", type(e).__name__ in ("APIError", "Conflict", "NotFound"), e.is_client_error() or e.is_server_error())
    net.connect(c2.id, aliases=["again"])
    client.api.disconnect_container_from_network(c2.id, net.id)
    client.api.connect_container_to_network(c2.id, net.name, aliases=["ll"], ipv4_address=f"172.{octet}.5.21")
    c2.reload()
    print("ll connect", c2.attrs["NetworkSettings"]["Networks"][net.name]["IPAddress"].endswith(".5.21"))
    try:
        net.connect(c2)
    except APIError as e:
        print("connect twice", e.status_code in (403, 409, 500), e.is_client_error() or e.is_server_error())

    # gets and lists
    print("get by id", client.networks.get(net.id).name == net.name, client.networks.get(net.name).id == net.id)
    print("get verbose", "Containers" in client.networks.get(net.id, verbose=True).attrs)
    print("list names", [n.name == net.name for n in client.networks.list(names=[net.name])])
    print("list ids", len(client.networks.list(ids=[net.id])))
    print("list filters", [n.name == net.name for n in client.networks.list(filters=FILTER)])
    greedy = client.networks.list(filters=FILTER, greedy=True)
    print("list greedy", sorted(x.name.split("-")[3] for x in greedy[0].containers))
    print("list driver", all(n.attrs["Driver"] == "bridge" for n in client.networks.list(filters={"driver": "bridge"})))
    print("api.networks", len(client.api.networks(names=[net.name])), sorted(client.api.networks(ids=[net.id])[0])[:3])
    print("inspect_network", client.api.inspect_network(net.id)["Name"] == net.name)
    try:
        client.networks.get("clibdocker-test-nonet-" + tag)
    except NotFound as e:
        print("missing net", type(e).__name__, e.status_code)

    internal = client.networks.create("clibdocker-test-ph04-int-" + tag, internal=True, labels=LABELS)
    nets.append(internal)
    print("internal", internal.attrs["Internal"])
    low = client.api.create_network("clibdocker-test-ph04-ll-" + tag, labels=LABELS,
                                    ipam=client.api.create_ipam_config(pool_configs=[client.api.create_ipam_pool(subnet=f"10.{octet}.0.0/24")])
                                    if hasattr(client.api, "create_ipam_config") else None)
    print("create_network", sorted(low))
    nets.append(client.networks.get(low["Id"]))
    try:
        client.networks.create("clibdocker-test-ph04-bad-" + tag, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="notasubnet")]),
                               labels=LABELS)
    except APIError as e:
        print("bad subnet", e.status_code, e.is_client_error() or e.is_server_error())

    # a network in use cannot be removed
    try:
        net.remove()
    except APIError as e:
        print("in use", e.status_code in (403, 409, 500))

    # volumes for prune
    v = client.volumes.create("clibdocker-test-ph04-v-" + tag, labels=LABELS)
    vols.append(v)
    v2 = client.volumes.create("clibdocker-test-ph04-w-" + tag, labels=LABELS)
    vols.append(v2)
    user = client.containers.create(IMAGE, ["true"], labels=LABELS, volumes={v2.name: {"bind": "/w", "mode": "rw"}})
    made.append(user)

    # containers.prune: only stopped ones, only ours
    d1 = client.containers.run(IMAGE, ["true"], detach=True, labels=LABELS)
    d1.wait()
    made.append(d1)
    cp = client.containers.prune(filters=FILTER)
    print("containers.prune", sorted(cp), sorted(x[:12] for x in cp["ContainersDeleted"]) == sorted(x.short_id for x in (d1, c2, user)) or
          len(cp["ContainersDeleted"]), type(cp["SpaceReclaimed"]).__name__)
    print("running kept", client.containers.get(c1.id).status)
    cp = client.containers.prune(filters=FILTER)
    print("prune again", cp)
    vp = client.volumes.prune(filters=FILTER)
    print("volumes.prune", sorted(vp), sorted(n.split("-")[3] for n in vp["VolumesDeleted"] or []), type(vp["SpaceReclaimed"]).__name__)
    vp = client.volumes.prune(filters=FILTER)
    print("volumes.prune again", vp)
    c1.remove(force=True)
    np_ = client.networks.prune(filters=FILTER)
    print("networks.prune", sorted(np_), sorted(n.split("-")[3] for n in np_["NetworksDeleted"] or []))
    np_ = client.networks.prune(filters=FILTER)
    print("networks.prune again", np_)
    nets = [n for n in nets if n.name not in ()]
    ip = client.images.prune(filters={"dangling": True, "label": "ph04=" + tag})
    print("images.prune", sorted(ip), ip["ImagesDeleted"], ip["SpaceReclaimed"])
    ip = client.api.prune_images(filters={"dangling": False, "label": "ph04=" + tag})
    print("prune_images", ip)
    df = client.df()
    print("df", sorted(df)[:5], type(df["Images"]).__name__, type(df["LayersSize"]).__name__)
    print("df volumes", all(sorted(x) >= ["Name"] for x in df["Volumes"] or []))
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters=FILTER):
        x.remove(force=True)
    for n in nets:
        try:
            n.remove()
        except NotFound:
            pass
    for v in vols:
        try:
            v.remove(force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters=FILTER)), len(client.networks.list(filters=FILTER)),
      len(client.volumes.list(filters=FILTER)))
client.close()
