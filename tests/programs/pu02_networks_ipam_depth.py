"""Networks in depth, the way a test harness or a lab tool builds isolated
topologies: networks.create with an IPAMConfig/IPAMPool (subnet, iprange,
gateway, aux_addresses), driver options, internal / attachable / labels /
check_duplicate / enable_ipv6, what network.attrs records; connect with
aliases, a fixed ipv4_address, links and driver_opt, what the container's
NetworkSettings show, DNS by alias between containers (nslookup / ping from
busybox), disconnect(force=True); networks.list by names / ids / filters
(label, driver, type) and greedy, Network.containers; a duplicate name, an
overlapping subnet, addresses outside the pool; networks.prune's shape."""
import os
import random
import re
import time
import uuid

import docker
from docker.errors import APIError, DockerException, NotFound
from docker.types import EndpointConfig, IPAMConfig, IPAMPool

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pu02": tag}
PFX = "clibdocker-test-pu02-" + tag
o1 = random.randint(1, 120) * 2          # 10.253.<o1>.0/24 and 10.253.<o1+1>.0/24
o2 = random.randint(0, 15)               # 172.31.<240+o2>.0/24


def show(*args):
    line = " ".join(str(a) for a in args)
    line = line.replace(tag, "TAG").replace("10.253.%d." % o1, "10.253.A.").replace("10.253.%d." % (o1 + 1),
                                                                                       "10.253.B.")
    line = line.replace("172.31.%d." % (240 + o2), "172.31.C.")
    line = re.sub(r"\b[0-9a-f]{64}\b", "<id>", line)
    print(re.sub(r"\b[0-9a-f]{12}\b", "<short>", line))


def attempt(what, fn):
    try:
        r = fn()
        show(what, "ok", type(r).__name__)
        return r
    except APIError as e:
        show(what, type(e).__name__, e.status_code, e.is_client_error(), e.is_server_error())
    except DockerException as e:
        show(what, type(e).__name__, str(e))
    except (TypeError, ValueError) as e:
        show(what, type(e).__name__)
    except RuntimeError as e:
        show(what, type(e).__name__, str(e))
    return None


def retry_exec(c, cmd, want=0):
    for _ in range(20):
        r = c.exec_run(cmd)
        if r.exit_code == want:
            return r
        time.sleep(0.25)
    return r


def in_net(ip, prefix):
    return ip.startswith(prefix)


containers = []
networks = []
try:
    # -- the network, fully specified ----------------------------------------
    pool = IPAMPool(subnet="10.253.%d.0/24" % o1, iprange="10.253.%d.128/25" % o1, gateway="10.253.%d.1" % o1,
                    aux_addresses={"router": "10.253.%d.2" % o1, "printer": "10.253.%d.3" % o1})
    ipam = IPAMConfig(driver="default", pool_configs=[pool], options={"foo": "bar"})
    show("IPAMPool", type(pool).__name__, isinstance(pool, dict), sorted(pool.items()))
    show("IPAMConfig", type(ipam).__name__, sorted(ipam), ipam["Driver"], ipam["Options"], len(ipam["Config"]))
    show("IPAMConfig bare", sorted(IPAMConfig().items()), sorted(IPAMPool().items()))
    lab = client.networks.create(
        PFX + "-lab", driver="bridge", ipam=ipam, internal=True, attachable=True, check_duplicate=True,
        enable_ipv6=False, labels=dict(LABELS, tier="lab"),
        options={"com.docker.network.bridge.enable_icc": "true", "com.docker.network.driver.mtu": "1400",
                 "com.docker.network.bridge.name": "cdt" + tag})
    networks.append(lab)
    show("create", type(lab).__name__, lab.name, lab.id == lab.attrs["Id"], lab.short_id == lab.id[:12],
         sorted(lab.attrs))
    lab.reload()
    a = lab.attrs
    show("attrs", a["Name"], a["Driver"], a["Scope"], a["Internal"], a["Attachable"], a["EnableIPv6"],
         a["Ingress"], sorted(a["Labels"].items()))
    show("attrs Options", sorted(a["Options"].items()))
    show("attrs IPAM", a["IPAM"]["Driver"], a["IPAM"]["Options"],
         [sorted(c.items()) for c in a["IPAM"]["Config"]])
    show("attrs Containers", a["Containers"])

    # a second network: plain /24 from the other range, no IPAM driver name
    side = client.networks.create(PFX + "-side", driver="bridge", labels=dict(LABELS, tier="side"),
                                  ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="172.31.%d.0/24" % (240 + o2))]))
    networks.append(side)
    side.reload()
    show("side IPAM", side.attrs["IPAM"]["Driver"], [sorted(c.items()) for c in side.attrs["IPAM"]["Config"]],
         side.attrs["Internal"], side.attrs["Attachable"], side.attrs["Options"])

    # -- duplicates and overlaps ------------------------------------------------
    for cd in (True, False, None):
        r = attempt("duplicate name check_duplicate=%s" % cd, lambda: client.networks.create(
            PFX + "-lab", driver="bridge", labels=LABELS, check_duplicate=cd))
        if r is not None:
            networks.append(r)
    same = client.networks.list(names=[PFX + "-lab"])
    show("same name count", len(same))
    attempt("get ambiguous name", lambda: client.networks.get(PFX + "-lab"))
    for n in same:
        if n.id != lab.id:
            client.api.remove_network(n.id)
    networks = [n for n in networks if n.id == lab.id or n.name != lab.name]
    attempt("overlapping subnet", lambda: networks.append(client.networks.create(
        PFX + "-over", labels=LABELS, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.253.%d.128/25" % o1)]))))
    attempt("gateway outside subnet", lambda: networks.append(client.networks.create(
        PFX + "-gw", labels=LABELS, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.253.%d.0/24" % (o1 + 1),
                                                                           gateway="10.253.%d.1" % o1)]))))
    attempt("iprange outside subnet", lambda: networks.append(client.networks.create(
        PFX + "-ir", labels=LABELS, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.253.%d.0/24" % (o1 + 1),
                                                                           iprange="10.253.%d.0/25" % o1)]))))
    for n in client.networks.list(names=[PFX + "-ir"]):
        show("iprange outside subnet recorded", [sorted(c.items()) for c in client.networks.get(n.id).attrs["IPAM"]["Config"]])
        n.remove()
    attempt("bad subnet", lambda: networks.append(client.networks.create(
        PFX + "-bad", labels=LABELS, ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.253.300.0/24")]))))
    attempt("bad ipam driver", lambda: networks.append(client.networks.create(
        PFX + "-bad2", labels=LABELS, ipam=IPAMConfig(driver="nope-" + tag))))
    attempt("ipam as plain dict", lambda: networks.append(client.networks.create(
        PFX + "-dict", labels=LABELS, ipam={"Driver": "default", "Config": [{"Subnet": "10.253.%d.0/26" % (o1 + 1)}]})))
    attempt("options not a dict", lambda: networks.append(client.networks.create(
        PFX + "-opt", labels=LABELS, options=["a=b"])))
    attempt("labels not a dict", lambda: client.networks.create(PFX + "-lbl", labels=["clibdocker-test"]))

    # -- containers on it ---------------------------------------------------------
    srv = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=PFX + "-srv", labels=LABELS,
                                network=lab.name, hostname="srv",
                                networking_config={lab.name: EndpointConfig(
                                    client.api._version, aliases=["server", "db.internal"],
                                    ipv4_address="10.253.%d.200" % o1)})
    containers.append(srv)
    cli = client.containers.create(IMAGE, ["sleep", "300"], name=PFX + "-cli", labels=LABELS)
    containers.append(cli)
    lab.connect(cli, aliases=["client", "tester"], ipv4_address="10.253.%d.201" % o1,
                links=[(srv.name, "srvlink")], driver_opt={"com.example.opt": "1"})
    cli.start()
    # a third one connected while running, address from the pool
    dyn = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=PFX + "-dyn", labels=LABELS,
                                network=side.name)
    containers.append(dyn)
    lab.connect(dyn.id, aliases=["dynamic"])
    for c in (srv, cli, dyn):
        c.reload()
    for c in (srv, cli, dyn):
        nets = c.attrs["NetworkSettings"]["Networks"]
        show("networks of", c.name.split("-")[-1], sorted(nets))
        ep = nets[lab.name]
        show("  endpoint", sorted(x for x in ep["Aliases"] or [] if x != c.id[:12]), ep["IPAMConfig"],
             ep["Links"], ep.get("DriverOpts"), ep["NetworkID"] == lab.id, ep["Gateway"],
             ep["IPPrefixLen"], bool(ep["MacAddress"]), ep["IPv6Gateway"], ep["GlobalIPv6Address"])
        ip = ep["IPAddress"]
        show("  address", ip if c is not dyn else in_net(ip, "10.253.%d." % o1) and int(ip.split(".")[3]) >= 128)
    show("dyn side ip", in_net(dyn.attrs["NetworkSettings"]["Networks"][side.name]["IPAddress"],
                               "172.31.%d." % (240 + o2)))
    show("cli HostConfig", cli.attrs["HostConfig"]["NetworkMode"], "Links", cli.attrs["HostConfig"]["Links"])

    # -- DNS by alias, links, isolation -----------------------------------------
    r = retry_exec(cli, ["nslookup", "server"])
    show("nslookup server", r.exit_code, sorted(l.split()[-1] for l in r.output.decode().splitlines()
                                                if l.startswith("Address") and ":53" not in l))
    r = retry_exec(cli, ["nslookup", "db.internal"])
    show("nslookup db.internal", r.exit_code, "10.253.%d.200" % o1 in r.output.decode())
    for name in ("server", "srvlink", "srv", PFX + "-srv", "dynamic"):
        show("ping", name.replace(PFX, "P"), retry_exec(cli, ["ping", "-c1", "-W2", name]).exit_code)
    show("ping from dyn", retry_exec(dyn, ["ping", "-c1", "-W2", "tester"]).exit_code)
    r = retry_exec(srv, ["nslookup", "srvlink"], want=1)
    show("link is one-way", r.exit_code != 0)
    r = cli.exec_run(["cat", "/etc/hosts"])
    show("cli /etc/hosts srvlink", b"srvlink" in r.output)
    r = cli.exec_run(["ping", "-c1", "-W1", "10.253.%d.1" % o1])
    show("gateway from internal net", r.exit_code)
    r = retry_exec(cli, ["sh", "-c", "ip -o -4 addr show | grep 10.253 | awk '{print $4}'"])
    show("cli ip addr", r.output.decode().split())
    r = cli.exec_run(["sh", "-c", "cat /sys/class/net/eth0/mtu"])
    show("mtu", r.output.strip())

    # -- connect edge cases ---------------------------------------------------------
    attempt("connect again", lambda: lab.connect(cli))
    attempt("connect taken address", lambda: side.connect(srv, ipv4_address="172.31.%d.10" % (240 + o2)) or
            client.containers.run(IMAGE, "true", detach=True, labels=LABELS, network=side.name, name=PFX + "-taken",
                                  networking_config={side.name: EndpointConfig(
                                      client.api._version, ipv4_address="172.31.%d.10" % (240 + o2))}))
    for c in client.containers.list(all=True, filters={"name": PFX + "-taken"}):
        containers.append(c)
        show("taken status", c.status)
    attempt("connect address outside subnet", lambda: lab.connect(
        client.containers.get(PFX + "-dyn"), ipv4_address="10.253.%d.9" % (o1 + 1)))
    attempt("connect links as one string", lambda: side.connect(cli, links=srv.name + ":one"))
    attempt("endpoint links as one string", lambda: EndpointConfig(client.api._version, links="ab"))
    attempt("low-level connect network as dict", lambda: client.api.connect_container_to_network(
        cli.id, {"Id": side.id}))
    attempt("low-level connect empty network", lambda: client.api.connect_container_to_network(cli.id, ""))
    attempt("low-level disconnect network None", lambda: client.api.disconnect_container_from_network(cli.id, None))
    attempt("low-level connect container None", lambda: client.api.connect_container_to_network(None, side.id))
    attempt("connect missing container", lambda: lab.connect("clibdocker-test-missing-" + tag))
    attempt("connect to missing network", lambda: client.api.connect_container_to_network(
        srv.id, "clibdocker-test-missing-" + tag))
    attempt("ipv4 on default-ipam net", lambda: client.networks.get("bridge").connect(
        dyn, ipv4_address="172.17.250.250"))
    attempt("disconnect from bridge", lambda: client.networks.get("bridge").disconnect(cli))

    # -- listing ------------------------------------------------------------------
    def names(ns):
        return sorted(n.name.replace(PFX, "P") for n in ns)
    show("list names", names(client.networks.list(names=[PFX + "-lab", PFX + "-side"])))
    show("list ids", names(client.networks.list(ids=[lab.id])), names(client.networks.list(ids=[lab.id[:12]])))
    show("list names+ids", names(client.networks.list(names=[PFX + "-side"], ids=[lab.id])))
    show("list label", names(client.networks.list(filters={"label": "pu02=" + tag})))
    show("list label tier", names(client.networks.list(filters={"label": ["pu02=" + tag, "tier=lab"]})))
    show("list driver+type", names(n for n in client.networks.list(filters={"driver": "bridge", "type": "custom"})
                                   if n.name.startswith(PFX)))
    show("list builtin", sorted(n.name for n in client.networks.list(filters={"type": "builtin"})))
    plain = client.networks.list(names=[PFX + "-lab"])
    show("list not greedy", [sorted(p.attrs.get("Containers") or {}) == [] for p in plain])
    greedy = client.networks.list(names=[PFX + "-lab"], greedy=True)
    show("list greedy", [sorted(c.name.replace(PFX, "P") for c in g.containers) for g in greedy])
    show("greedy Containers", [sorted((v["Name"].replace(PFX, "P"), v["IPv4Address"].endswith("/24"))
                                      for v in g.attrs["Containers"].values()) for g in greedy])
    lab.reload()
    show("Network.containers", sorted(c.name.replace(PFX, "P") for c in lab.containers),
         all(type(c).__name__ == "Container" for c in lab.containers))
    low = client.api.networks(names=[PFX + "-lab"])
    show("api.networks", type(low).__name__, len(low), sorted(low[0]) == sorted(lab.attrs))
    ins = client.api.inspect_network(lab.id, verbose=True)
    show("inspect verbose", sorted(ins) == sorted(lab.attrs), ins.get("Services"))
    show("get by name/short", client.networks.get(PFX + "-lab").id == lab.id, client.networks.get(lab.id[:12]).id == lab.id)
    attempt("get missing", lambda: client.networks.get("clibdocker-test-missing-" + tag))

    # -- more forms -----------------------------------------------------------------
    raw = client.api.create_network(PFX + "-raw", driver="bridge", labels=dict(LABELS, tier="raw"), scope="local",
                                    ingress=False, attachable=False, internal=False, check_duplicate=True)
    show("api.create_network", type(raw).__name__, sorted(raw), raw.get("Warning"))
    rawn = client.networks.get(raw["Id"], verbose=True, scope="local")
    networks.append(rawn)
    show("get verbose scope", rawn.name.replace(PFX, "P"), rawn.attrs["Scope"], rawn.attrs["Ingress"],
         rawn.attrs["IPAM"]["Driver"], len(rawn.attrs["IPAM"]["Config"]), rawn.attrs["Options"])
    attempt("get bad scope", lambda: client.networks.get(raw["Id"], scope="nope"))
    show("Containers keys", sorted(next(iter(lab.attrs["Containers"].values()))))
    rawn.connect(srv, links={cli.name: "clialias"}, aliases=("tupled",))
    srv.reload()
    rep = srv.attrs["NetworkSettings"]["Networks"][rawn.name]
    show("links dict, aliases tuple", rep["Links"], sorted(x for x in rep["Aliases"] if x != srv.id[:12]))
    attempt("ipv6 address on v4 net", lambda: rawn.connect(dyn, ipv6_address="fd00:253::9"))
    attempt("link_local_ips", lambda: rawn.connect(client.containers.get(PFX + "-dyn"),
                                                   link_local_ips=["169.254.77.7"]))
    dyn.reload()
    lep = dyn.attrs["NetworkSettings"]["Networks"].get(rawn.name)
    show("link_local recorded", lep and lep["IPAMConfig"])
    attempt("aux address taken", lambda: lab.connect(PFX + "-dyn", ipv4_address="10.253.%d.2" % o1))
    attempt("gateway address taken", lambda: rawn.connect(cli.name) or lab.connect(cli.name,
                                                                                   ipv4_address="10.253.%d.1" % o1))
    show("list filters name", names(client.networks.list(filters={"name": PFX + "-ra"})))
    show("list filters id", names(client.networks.list(filters={"id": raw["Id"]})))
    show("list filters label key", names(client.networks.list(filters={"label": "tier", "name": PFX})))
    show("list filters scope", names(n for n in client.networks.list(filters={"scope": "local", "name": PFX})))
    show("list filters dangling", names(client.networks.list(filters={"dangling": True, "label": "pu02=" + tag})))
    show("list filters dangling false", names(client.networks.list(filters={"dangling": False,
                                                                           "label": "pu02=" + tag})))
    attempt("list filters bad", lambda: client.networks.list(filters={"bogus": "x"}))
    show("containers on lab", sorted(c.name.replace(PFX, "P") for c in client.containers.list(
        filters={"network": lab.name})), sorted(c.name.replace(PFX, "P") for c in client.containers.list(
        filters={"network": lab.id, "label": "pu02=" + tag})))
    nd = client.containers.run(IMAGE, ["sh", "-c", "ip -o link | wc -l"], detach=True, labels=LABELS,
                               network_disabled=True)
    containers.append(nd)
    nd.wait()
    nd.reload()
    show("network_disabled", nd.logs().strip(), sorted(nd.attrs["NetworkSettings"]["Networks"]),
         nd.attrs["Config"].get("NetworkDisabled"))
    nm = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, network_mode=side.name)
    containers.append(nm)
    nm.reload()
    show("network_mode name", nm.attrs["HostConfig"]["NetworkMode"].replace(PFX, "P"),
         sorted(nm.attrs["NetworkSettings"]["Networks"]) == [side.name])
    attempt("network and network_mode", lambda: client.containers.run(IMAGE, "true", detach=True, labels=LABELS,
                                                                      network=side.name, network_mode="host"))
    attempt("run on missing network", lambda: client.containers.run(IMAGE, "true", detach=True, labels=LABELS,
                                                                    network="clibdocker-test-missing-" + tag))
    for c in client.containers.list(all=True, filters={"label": "pu02=" + tag}):
        if c.id not in {x.id for x in containers}:
            containers.append(c)

    # -- disconnect --------------------------------------------------------------
    lab.disconnect(dyn, force=True)
    lab.disconnect(cli.id)
    for c in (cli, dyn):
        c.reload()
        show("after disconnect", c.name.split("-")[-1], sorted(c.attrs["NetworkSettings"]["Networks"]))
    r = retry_exec(srv, ["nslookup", "client"], want=1)
    show("alias gone", r.exit_code != 0)
    attempt("disconnect again", lambda: lab.disconnect(cli))
    attempt("disconnect again force", lambda: lab.disconnect(cli, force=True))
    lab.reload()
    show("left on lab", sorted(c.name.replace(PFX, "P") for c in lab.containers))
    attempt("remove network in use", lambda: lab.remove())

    # -- prune -------------------------------------------------------------------
    for c in containers:
        c.remove(force=True)
    containers = []
    pr = client.networks.prune(filters={"label": "pu02=" + tag})
    show("prune", sorted(pr), type(pr["NetworksDeleted"]).__name__, sorted(n.replace(PFX, "P")
                                                                           for n in pr["NetworksDeleted"] or []))
    pr = client.networks.prune(filters={"label": "pu02=" + tag})
    show("prune again", pr)
    for n in networks:
        try:
            n.reload()
            show("survived", n.name.replace(PFX, "P"))
        except NotFound as e:
            pass
    attempt("remove pruned", lambda: lab.remove())
finally:
    for c in containers:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for c in client.containers.list(all=True, filters={"label": "pu02=" + tag}):
        c.remove(force=True)
    for n in client.networks.list(filters={"label": "pu02=" + tag}) + networks:
        try:
            n.remove()
        except NotFound:
            pass
show("left", len(client.containers.list(all=True, filters={"label": "pu02=" + tag})),
     len(client.networks.list(filters={"label": "pu02=" + tag})), len(client.networks.list(names=[PFX + "-lab"])))
client.close()
