"""The low-level APIClient as deployment scripts drive it: create_host_config
with port_bindings in every form docker-py accepts (int, 'ip:port' str,
tuples, lists for several host ports, '1234/udp' keys), binds as a dict and as
a list with modes, create_networking_config / create_endpoint_config with
aliases, links and a fixed ipv4_address on a user network with a subnet, then
create_container with ports, volumes, environment as dict and list, command as
str and list, entrypoint, working_dir, user and a healthcheck dict; what the
ENGINE recorded is printed from inspect_container."""
import os
import random
import re
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="1.41")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pt01": tag}
NET = "clibdocker-test-pt01-" + tag
VOL = "clibdocker-test-pt01-" + tag
octet = random.randint(100, 199)


def pb_summary(pb):
    out = []
    for k in sorted(pb or {}):
        v = pb[k]
        out.append((k, sorted((b.get("HostIp"), b.get("HostPort")) for b in v) if v is not None else None))
    return out


def show(*args):
    line = " ".join(str(a) for a in args)
    print(line.replace(tag, "TAG").replace("172.%d." % octet, "172.N."))


def free_ports(n):
    base = random.randint(20000, 40000)
    return [base + i for i in range(n)]


containers = []
net_id = None
vol_made = False
try:
    api.create_volume(VOL, labels=LABELS)
    vol_made = True
    ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="172.%d.7.0/24" % octet,
                                                                        gateway="172.%d.7.1" % octet)])
    net = api.create_network(NET, driver="bridge", ipam=ipam, labels=LABELS, check_duplicate=True)
    net_id = net["Id"]
    show("network create keys", sorted(net))

    p = free_ports(8)
    forms = {
        80: p[0],
        "81": str(p[1]),
        82: ("127.0.0.1", p[2]),
        "83/udp": p[3],
        84: [p[4], p[5]],
        85: ("127.0.0.1",),
        86: None,
        "87/tcp": ("0.0.0.0", p[6]),
        88: [("127.0.0.1", p[7]), ("127.0.0.1",)],
    }
    hc = api.create_host_config(
        port_bindings=forms,
        binds={"/tmp": {"bind": "/mnt/tmp", "mode": "ro"}, VOL: {"bind": "/data", "mode": "rw"}},
        publish_all_ports=False,
    )
    show("hc keys", sorted(hc))
    show("hc Binds", sorted(hc["Binds"]))
    rel = {k: [(b["HostIp"], b["HostPort"] and str(int(b["HostPort"]) - p[0])) for b in v]
           for k, v in hc["PortBindings"].items()}
    show("hc PortBindings", sorted(rel.items()))

    hc2 = api.create_host_config(binds=["/tmp:/mnt/t2:ro", VOL + ":/data2:rw", "/etc:/mnt/etc",
                                        "/var/tmp:/mnt/vt:ro,z"], network_mode=NET)
    show("hc2 Binds", hc2["Binds"], hc2["NetworkMode"] == NET)
    # older binds dict forms: a bare str target, 'ro' as a bool, propagation
    hc3 = api.create_host_config(binds={"/tmp": "/mnt/s", "/etc": {"bind": "/mnt/e", "ro": True},
                                        "/var/tmp": {"bind": "/mnt/v", "ro": False},
                                        "/opt": {"bind": "/mnt/o", "mode": "ro", "propagation": "rslave"}},
                                 port_bindings={"90/udp": [("127.0.0.1", p[0] + 90), p[0] + 91],
                                                "91/tcp": ("127.0.0.1", str(p[0] + 92)), 92: "127.0.0.1:%d" % (p[0] + 93)})
    show("hc3 Binds", sorted(hc3["Binds"]))
    show("hc3 PortBindings", sorted((k, [(b["HostIp"], re.sub(r"\d{5}", lambda m: "P+%d" % (int(m.group()) - p[0]),
                                                              b["HostPort"])) for b in v])
                                    for k, v in hc3["PortBindings"].items()))
    try:
        x = api.create_container(IMAGE, "true", labels=LABELS, ports=[92],
                                 host_config=api.create_host_config(port_bindings={92: "127.0.0.1:%d" % (p[0] + 93)}))
        containers.append(x["Id"])
        show("ip:port str as HostPort", api.inspect_container(x)["HostConfig"]["PortBindings"]["92/tcp"][0]["HostIp"])
    except APIError as ex:
        show("ip:port str as HostPort", type(ex).__name__, ex.status_code)

    ec = api.create_endpoint_config(aliases=["web", "web.internal"], links={"clibdocker-test-pt01-a-" + tag: "alpha"},
                                    ipv4_address="172.%d.7.50" % octet)
    show("ec", sorted(ec), ec["Aliases"], ec["Links"] == ["clibdocker-test-pt01-a-%s:alpha" % tag],
          ec["IPAMConfig"] == {"IPv4Address": "172.%d.7.50" % octet})
    nc = api.create_networking_config({NET: ec})
    show("nc", sorted(nc), list(nc["EndpointsConfig"]) == [NET])

    # first container: the link target
    a = api.create_container(IMAGE, "sleep 60", name="clibdocker-test-pt01-a-" + tag, labels=LABELS,
                             host_config=api.create_host_config(network_mode=NET))
    containers.append(a["Id"])
    show("create returns", sorted(a), a["Warnings"] in (None, []))
    api.start(a)

    c = api.create_container(
        IMAGE, ["sh", "-c", "echo started; sleep 60"], name="clibdocker-test-pt01-b-" + tag, labels=LABELS,
        ports=[80, 81, (82, "tcp"), (83, "udp"), 84, 85, 86, "87/tcp", 88],
        volumes=["/data", "/mnt/tmp", "/anon"],
        environment={"B": "2", "A": "1", "EMPTY": "", "SPACED": "x y"},
        entrypoint=None, working_dir="/tmp", user="nobody",
        healthcheck={"test": ["CMD-SHELL", "true"], "interval": 1000000000, "timeout": 2000000000, "retries": 3,
                     "start_period": 500000000},
        host_config=hc, networking_config=None, stop_signal="SIGTERM", hostname="pt01host", domainname="example",
    )
    containers.append(c["Id"])
    api.connect_container_to_network(c, NET, aliases=["web", "web.internal"],
                                     links=[("clibdocker-test-pt01-a-" + tag, "alpha")],
                                     ipv4_address="172.%d.7.50" % octet)
    api.start(c)
    info = api.inspect_container(c)
    hcr = info["HostConfig"]
    got = {k: [(b["HostIp"], b["HostPort"] and str(int(b["HostPort"]) - p[0])) for b in v]
           for k, v in hcr["PortBindings"].items()}
    show("engine PortBindings", sorted(got.items()))
    show("engine Binds", sorted(hcr["Binds"]))
    show("engine Mounts", sorted((m["Type"], m["Destination"], m["Mode"], m["RW"]) for m in info["Mounts"]))
    cfg = info["Config"]
    show("engine Env", [e for e in cfg["Env"] if not e.startswith("PATH=")])
    show("engine Cmd", cfg["Cmd"], "Entrypoint", cfg["Entrypoint"], "WorkingDir", cfg["WorkingDir"],
          "User", cfg["User"])
    show("engine ExposedPorts", sorted(cfg["ExposedPorts"]))
    show("engine Volumes", sorted(cfg["Volumes"]))
    show("engine Healthcheck", cfg["Healthcheck"])
    show("engine Hostname", cfg["Hostname"], cfg["Domainname"], cfg["StopSignal"])
    ep = info["NetworkSettings"]["Networks"][NET]
    show("engine endpoint", sorted(x for x in ep["Aliases"] if x != c["Id"][:12]), ep["Links"], ep["IPAddress"] ==
          "172.%d.7.50" % octet, ep["IPAMConfig"])
    port_map = api.port(c, 80)
    show("port(80)", [(x["HostIp"], int(x["HostPort"]) - p[0]) for x in port_map])
    show("port(84)", sorted(int(x["HostPort"]) - p[0] for x in api.port(c, 84)))
    show("port(83/udp)", [int(x["HostPort"]) - p[0] for x in api.port(c, "83/udp")])
    show("port(85)", [(x["HostIp"], x["HostPort"].isdigit()) for x in api.port(c, 85)])
    show("port(99)", api.port(c, 99))

    # second form: str command, env list, entrypoint list, binds list, networking_config at create
    d = api.create_container(
        IMAGE, "echo hello world", name="clibdocker-test-pt01-c-" + tag, labels=LABELS,
        environment=["Z=26", "A=1", "NOVAL", "EQ=a=b"], entrypoint=["/bin/sh", "-c"], working_dir="/data2",
        user="1000:1000", volumes={"/data2": {}}, host_config=hc2,
        networking_config=api.create_networking_config({NET: api.create_endpoint_config(
            aliases=["cee"], ipv4_address="172.%d.7.51" % octet)}),
        healthcheck={"test": ["NONE"]}, ports={"5000/tcp": {}},
    )
    containers.append(d["Id"])
    di = api.inspect_container(d)
    show("c Env", [e for e in di["Config"]["Env"] if not e.startswith("PATH=")])
    show("c Cmd", di["Config"]["Cmd"], "Entrypoint", di["Config"]["Entrypoint"], di["Config"]["WorkingDir"],
          di["Config"]["User"])
    show("c Healthcheck", di["Config"]["Healthcheck"], "ExposedPorts", di["Config"].get("ExposedPorts"))
    show("c Binds", di["HostConfig"]["Binds"], di["HostConfig"]["NetworkMode"] == NET)
    show("c Mounts", sorted((m["Type"], m["Destination"], m["Mode"], m["RW"]) for m in di["Mounts"]))
    epc = di["NetworkSettings"]["Networks"][NET]
    show("c endpoint", sorted(epc["Aliases"] or []), epc["IPAMConfig"])
    api.start(d)
    show("c wait", api.wait(d)["StatusCode"], api.logs(d))

    # entrypoint str, command None, env with non-str values
    e = api.create_container(IMAGE, None, entrypoint="echo from-entrypoint", labels=LABELS,
                             environment={"N": 5, "F": 1.5, "T": True, "NONE": None})
    containers.append(e["Id"])
    ei = api.inspect_container(e)
    show("e Entrypoint", ei["Config"]["Entrypoint"], ei["Config"]["Cmd"])
    show("e Env", [x for x in ei["Config"]["Env"] if not x.startswith("PATH=")])
    api.start(e)
    show("e wait", api.wait(e)["StatusCode"], api.logs(e))

    # more argument forms: Healthcheck with capitalised keys and a str test,
    # volumes as one str, a command list with ints, publish_all_ports
    show("types", type(hc).__name__, type(ec).__name__, type(nc).__name__,
         isinstance(hc, dict), isinstance(ec, dict), isinstance(nc, dict))
    g = api.create_container(IMAGE, ["sleep", "30"], labels=LABELS, volumes="/single", ports=["81/udp", (82, "udp"), 83],
                             healthcheck={"Test": "test -d /", "Interval": 2000000000, "Retries": 1},
                             host_config=api.create_host_config(publish_all_ports=True, port_bindings={83: None}),
                             stop_timeout=2, tty=True, stdin_open=True,
                             mac_address=None, detach=True)
    containers.append(g["Id"])
    gi = api.inspect_container(g)
    show("g Cmd", gi["Config"]["Cmd"], "Volumes", gi["Config"]["Volumes"], "ExposedPorts",
         sorted(gi["Config"]["ExposedPorts"]))
    show("g Healthcheck", gi["Config"]["Healthcheck"], "StopTimeout", gi["Config"]["StopTimeout"],
         gi["Config"]["Tty"], gi["Config"]["OpenStdin"], gi["Config"]["AttachStdin"], gi["Config"]["AttachStdout"])
    show("g PublishAll", gi["HostConfig"]["PublishAllPorts"], gi["HostConfig"]["PortBindings"])
    api.start(g)
    show("g ports published", sorted(k for k, v in api.inspect_container(g)["NetworkSettings"]["Ports"].items() if v))
    try:
        api.create_endpoint_config(mac_address="02:42:ac:11:00:99")
        show("ec mac_address ok")
    except docker.errors.InvalidVersion as ex:
        show("ec mac_address", type(ex).__name__, str(ex))
    try:
        show("ec link_local_ips", api.create_endpoint_config(link_local_ips=["169.254.1.1"], driver_opt={"a": "b"}))
    except docker.errors.DockerException as ex:
        show("ec link_local_ips", type(ex).__name__, str(ex))
    # two networks at create time on an old API
    try:
        h = api.create_container(IMAGE, "true", labels=LABELS, networking_config=api.create_networking_config(
            {NET: api.create_endpoint_config(), "bridge": api.create_endpoint_config()}))
        containers.append(h["Id"])
        show("two networks", sorted(api.inspect_container(h)["NetworkSettings"]["Networks"]) == sorted([NET, "bridge"]))
    except APIError as ex:
        # (the engine lists the names in Go map order: sorted here)
        head, _, names = ex.explanation.partition(": ")
        show("two networks", type(ex).__name__, ex.status_code, head, sorted(names.split(", ")))
    # links at create (host_config) and as a dict
    k = api.create_container(IMAGE, "sleep 30", labels=LABELS, host_config=api.create_host_config(
        links={"clibdocker-test-pt01-a-" + tag: "alpha2"}, network_mode=NET, dns=["8.8.8.8"], extra_hosts={"h1": "10.1.1.1"}))
    containers.append(k["Id"])
    ki = api.inspect_container(k)
    show("k Links", ki["HostConfig"]["Links"], ki["HostConfig"]["Dns"], ki["HostConfig"]["ExtraHosts"])

    # quoting in str commands and entrypoints, labels as a list, odd values
    def attempt(what, **kw):
        try:
            x = api.create_container(IMAGE, labels=kw.pop("labels", LABELS), **kw)
            containers.append(x["Id"])
            xc = api.inspect_container(x)["Config"]
            show(what, xc["Cmd"], xc["Entrypoint"], xc["User"], sorted(xc["Labels"].items()),
                 [e for e in xc["Env"] or [] if not e.startswith("PATH=")], xc["Domainname"], xc.get("StopSignal"),
                 sorted(xc.get("ExposedPorts") or {}), sorted(xc.get("Volumes") or {}))
        except (APIError, docker.errors.DockerException, TypeError, ValueError) as ex:
            show(what, type(ex).__name__, getattr(ex, "status_code", None),
                 re.sub(r"[0-9a-f]{64}", "<id>", getattr(ex, "explanation", None) or str(ex)))
    attempt("quoted cmd", command="sh -c 'echo \"a b\" c'", entrypoint="/bin/env -u X")
    attempt("labels list", command="true", labels=["clibdocker-test", "pt01-list"])
    attempt("user int", command="true", user=1000)
    attempt("env non-ascii", command="true", environment={"GREETING": "grüß dich", "EMOJI": "\u2603"})
    attempt("env list tuple", command="true", environment=("A=1", "B=2"))
    attempt("stop_signal int", command="true", stop_signal=9)
    attempt("ports dict form", command="true", ports={"8000/tcp": {}, "9000/udp": {}})
    attempt("volumes dict form", command="true", volumes={"/v1": {}, "/v2": {}})
    attempt("command bytes", command=b"echo bytes")
    attempt("empty command list", command=[])
    attempt("empty env dict", command="true", environment={})
    for key in ("8000-8001", "9000-9001/udp"):
        try:
            hx = api.create_host_config(port_bindings={key: None})
            show("range key", key, hx["PortBindings"])
            x = api.create_container(IMAGE, "true", labels=LABELS, ports=[key], host_config=hx)
            containers.append(x["Id"])
            show("range key engine", sorted(api.inspect_container(x)["HostConfig"]["PortBindings"]))
        except (APIError, docker.errors.DockerException, ValueError) as ex:
            show("range key", key, type(ex).__name__, getattr(ex, "status_code", None), str(ex)[:80])

    # list/containers view of the ports
    lst = api.containers(filters={"label": "pt01=" + tag, "name": "clibdocker-test-pt01-b-" + tag})
    show("list Ports", sorted((x["PrivatePort"], x["Type"], "PublicPort" in x) for x in lst[0]["Ports"]))
    # a port already used by another container
    try:
        f = api.create_container(IMAGE, "sleep 5", labels=LABELS, ports=[80],
                                 host_config=api.create_host_config(port_bindings={80: p[0]}))
        containers.append(f["Id"])
        api.start(f)
        show("port reuse ok")
    except APIError as ex:
        show("port reuse", type(ex).__name__, ex.status_code, ex.is_server_error())
finally:
    for cid in reversed(containers):
        try:
            api.remove_container(cid, force=True, v=True)
        except NotFound:
            pass
    if net_id:
        api.remove_network(net_id)
    if vol_made:
        api.remove_volume(VOL)
show("left", len(api.containers(all=True, filters={"label": "pt01=" + tag})),
      len(api.networks(names=[NET])), len([v for v in api.volumes()["Volumes"] or [] if v["Name"] == VOL]))
api.close()
