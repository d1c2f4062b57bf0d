"""Swarm networking as a stack deployer and a test harness see it: overlay
networks with IPAM pools and labels, services attached with
NetworkAttachmentConfig aliases, dnsrr vs vip endpoints, Placement with
constraints/preferences/maxreplicas, a service container resolving another
service by alias, networks get/list by scope, node drain/active, service
network updates, tasks filters and Service.logs options.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import (EndpointSpec, IPAMConfig, IPAMPool, NetworkAttachmentConfig, Placement,
                          PlacementPreference, Privileges, ServiceMode)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
L = {"clibdocker-test": "1"}
client = docker.from_env()
tag = uuid.uuid4().hex[:8]


def wait(fn, timeout=40.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.3)


def net_exists(name):
    return any(n.name == name for n in client.networks.list(names=[name]))


def ingress_ready():
    for n in client.networks.list(names=["ingress"]):
        if n.name == "ingress":
            n.reload()
            return "ingress-sbox" in (n.attrs.get("Containers") or {})
    return False


def task_container(svc):
    def find():
        for t in svc.tasks(filters={"desired-state": "running"}):
            if t["Status"]["State"] == "running":
                return client.containers.get(t["Status"]["ContainerStatus"]["ContainerID"])
        return None
    return wait(find, 60)


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services, nets = [], []
node = None
try:
    ov = client.networks.create("pl07-front-" + tag, driver="overlay", attachable=True, labels=dict(L, tier="front"),
                                ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.247.%d.0/24" % (int(tag[:2], 16) % 200),
                                                                       gateway="10.247.%d.1" % (int(tag[:2], 16) % 200))]),
                                scope="swarm")
    nets.append(ov)
    # right after init the allocator can be a moment late with the subnet
    wait(lambda: (ov.reload() or True) and ov.attrs["IPAM"]["Config"], 20)
    print("overlay", ov.attrs["Driver"], ov.attrs["Scope"], ov.attrs["Attachable"], ov.attrs["Labels"]["tier"],
          ov.attrs["IPAM"]["Config"][0]["Subnet"].endswith(".0/24"))
    back = client.networks.create("pl07-back-" + tag, driver="overlay", labels=L, internal=True)
    nets.append(back)
    print("internal overlay", back.attrs["Internal"], back.attrs["Attachable"])
    print("get scope", client.networks.get(ov.id, scope="swarm").name == ov.name,
          client.networks.get(ov.name, verbose=True).attrs["Scope"])
    print("list scope", sorted(n.name.split("-" + tag)[0] for n in client.networks.list(filters={"scope": "swarm", "label": "clibdocker-test=1"})
                               if tag in n.name))
    print("list overlay", len([n for n in client.networks.list(filters={"driver": "overlay"}) if tag in n.name]))
    ing = client.networks.get("ingress")
    print("ingress", ing.attrs["Ingress"], ing.attrs["Driver"], ing.attrs["Scope"])

    nac = NetworkAttachmentConfig(target=ov.name, aliases=["web", "frontend"], options={"x": "y"})
    print("nac", sorted(nac), nac["Aliases"])
    pl = Placement(constraints=["node.role==manager"], preferences=[PlacementPreference("spread", "node.id")],
                   maxreplicas=2)
    print("placement", sorted(pl), pl["Preferences"])
    print("preference tuple", Placement(preferences=[("spread", "node.labels.zone")])["Preferences"])
    web = client.services.create(IMAGE, ["sleep", "300"], name="pl07-web-" + tag, labels=L,
                                 networks=[nac, back.name], endpoint_spec=EndpointSpec(mode="dnsrr"),
                                 mode=ServiceMode("replicated", replicas=2), constraints=pl["Constraints"],
                                 preferences=[PlacementPreference("spread", "node.id")], maxreplicas=2,
                                 privileges=Privileges(selinux_disable=True),
                                 stop_grace_period=1000000000)
    services.append(web)
    sp = client.services.get(web.id).attrs["Spec"]
    tnets = sp["TaskTemplate"].get("Networks") or sp.get("Networks") or []
    print("web nets", sorted((n["Target"] == ov.id, n["Target"] == back.id, n.get("Aliases")) for n in tnets))
    print("web placement", sp["TaskTemplate"]["Placement"])
    print("web privileges", sp["TaskTemplate"]["ContainerSpec"].get("Privileges"))
    print("web endpoint", sp["EndpointSpec"])

    cli_svc = client.services.create(IMAGE, ["sleep", "300"], name="pl07-cli-" + tag, labels=L,
                                     networks=[ov.id], stop_grace_period=1000000000)
    services.append(cli_svc)
    print("cli endpoint", client.services.get(cli_svc.id).attrs["Spec"].get("EndpointSpec"))
    print("web running", wait(lambda: len([t for t in web.tasks() if t["Status"]["State"] == "running"]) == 2, 60))
    cc = task_container(cli_svc)
    print("cli task", cc is not None)
    if cc is not None:
        def resolved():
            r = cc.exec_run(["nslookup", "web"])
            n = len([l for l in r.output.decode().splitlines() if l.startswith("Address") and ":53" not in l])
            return n if n == 2 else None
        print("web resolves", wait(resolved, 20))
        print("by service name", wait(lambda: cc.exec_run(["nslookup", "pl07-web-" + tag]).exit_code == 0, 20))
        cc.reload()
        print("cli task nets", sorted(k.split("-" + tag)[0] for k in cc.attrs["NetworkSettings"]["Networks"]))
    # a standalone container on the attachable overlay
    att = client.containers.run(IMAGE, ["sleep", "300"], detach=True, labels=L, network=ov.name,
                                name="pl07-attached-" + tag)
    try:
        print("attached resolves web", wait(lambda: att.exec_run(["nslookup", "frontend"]).exit_code == 0, 20))
        ov.reload()
        # Network.containers would get every entry, the overlay's lb-<name> endpoint too: read the attrs
        print("overlay containers", att.id in ov.attrs["Containers"],
              sorted(v["Name"].split("-" + tag)[0] for k, v in ov.attrs["Containers"].items() if k.startswith("lb-")))
    finally:
        att.remove(force=True)

    # tasks and logs
    ts = web.tasks(filters={"desired-state": "running"})
    print("tasks", len(ts), sorted({t["Slot"] for t in ts}), all("NetworksAttachments" in t for t in ts))
    print("tasks by id", len(client.api.tasks(filters={"id": ts[0]["ID"]})))
    print("tasks label", len(client.api.tasks(filters={"service": web.id, "desired-state": ["running", "shutdown"]})))
    logs = b"".join(cli_svc.logs(stdout=True, stderr=True, timestamps=True, tail=10, since=0))
    print("logs", logs)
    try:
        web.logs(stdout=True, bogus=1)
    except TypeError as e:
        print("logs kwarg", type(e).__name__)

    # move the service between networks
    web.update(networks=[ov.name])
    web.reload()
    sp = web.attrs["Spec"]
    tnets = sp["TaskTemplate"].get("Networks") or sp.get("Networks") or []
    print("web nets after", [(n["Target"] == ov.id, n.get("Aliases")) for n in tnets])

    # a node drain empties it, active fills it again
    node = client.nodes.list(filters={"role": "manager"})[0]
    spec = dict(node.attrs["Spec"], Availability="drain")
    print("drain", node.update(spec))
    print("drained", wait(lambda: not [t for t in web.tasks(filters={"desired-state": "running"})], 60))
    node.reload()
    print("node availability", node.attrs["Spec"]["Availability"])
    node.reload()
    print("active", node.update(dict(node.attrs["Spec"], Availability="active")))
    node = None
    print("back", wait(lambda: len([t for t in web.tasks(filters={"desired-state": "running"})
                                    if t["Status"]["State"] == "running"]) == 2, 60))
    try:
        back.remove()
    except APIError as e:
        print("remove in use", type(e).__name__, e.status_code)
    try:
        client.networks.create("pl07-bad-" + tag, driver="overlay", labels=L,
                               ipam=IPAMConfig(pool_configs=[IPAMPool(subnet="10.247.0.0/33")]))
    except APIError as e:
        print("bad pool", type(e).__name__, e.status_code)
finally:
    if node is not None:
        try:
            node.reload()
            node.update(dict(node.attrs["Spec"], Availability="active"))
        except APIError:
            pass
    for svc in services:
        try:
            print("remove", svc.remove())
        except NotFound:
            pass
    for svc in services:
        try:
            wait(lambda: not client.containers.list(all=True, sparse=True,
                                                    filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
        except APIError:
            pass
    for n in nets:
        for _ in range(40):
            try:
                n.remove()
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)
    print("nets left", len([n for n in client.networks.list() if tag in n.name]))
    if created:
        print("leave", client.swarm.leave(force=True))
        wait(lambda: client.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
        wait(lambda: not net_exists("ingress"), 30)
        if not had_gwbridge:
            def gw_unused():
                for n in client.networks.list(names=["docker_gwbridge"]):
                    if n.name == "docker_gwbridge":
                        n.reload()
                        return not n.attrs.get("Containers")
                return True
            wait(gw_unused, 30)
            subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True, timeout=60)
print("done")
