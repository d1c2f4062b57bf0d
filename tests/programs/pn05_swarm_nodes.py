"""A node maintenance tool (label nodes for placement, pause/drain for
maintenance, bring them back): nodes.list with every filter, the Node model
(attrs, version, reload, update with a stale version), labels that make a
constrained service schedule, pause vs drain effects on tasks, placement
preferences and max replicas per node, and the refusals (demoting or
removing the last manager, bad availability/role, missing node).
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import ServiceMode

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
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


def err(what, e, node_id=""):
    msg = (e.explanation or "").replace(node_id, "NODE").replace(tag, "TAG") if isinstance(e, APIError) else str(e)
    print(what, type(e).__name__ if not isinstance(e, APIError) else ("NotFound" if isinstance(e, NotFound) else "APIError"),
          getattr(e, "status_code", None), msg)


def states(svc):
    return sorted((t["DesiredState"], t["Status"]["State"]) for t in svc.tasks())


def running(svc):
    return len([t for t in svc.tasks(filters={"desired-state": "running"}) if t["Status"]["State"] == "running"])


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services = []
node = None
original_spec = None
try:
    hostname = client.info()["Name"]
    nodes = client.nodes.list()
    node = nodes[0]
    nid = node.id
    original_spec = dict(node.attrs["Spec"])
    print("nodes", len(nodes), type(node).__name__, repr(node) == "<Node: %s>" % node.short_id,
          len(node.short_id), nid.startswith(node.short_id))
    a = node.attrs
    print("attrs", sorted(k for k in a if k in ("ID", "Version", "CreatedAt", "UpdatedAt", "Spec", "Description",
                                                 "Status", "ManagerStatus")))
    print("description", a["Description"]["Hostname"] == hostname, sorted(a["Description"])[:4],
          a["Description"]["Engine"]["EngineVersion"] == client.version()["Version"])
    print("status", a["Status"]["State"], a["Status"]["Addr"])
    print("manager", a["ManagerStatus"]["Leader"], a["ManagerStatus"]["Reachability"], a["ManagerStatus"]["Addr"])
    print("spec", a["Spec"]["Role"], a["Spec"]["Availability"], a["Spec"].get("Labels"))
    print("version", isinstance(node.version, int), node.version == a["Version"]["Index"])

    for what, f in [("role manager", {"role": "manager"}), ("role worker", {"role": "worker"}),
                    ("membership", {"membership": "accepted"}), ("membership pending", {"membership": "pending"}),
                    ("id", {"id": nid}), ("id prefix", {"id": nid[:6]}), ("name", {"name": hostname}),
                    ("label none", {"label": "pn05"}), ("node.label none", {"node.label": "pn05"})]:
        try:
            print("filter", what, len(client.nodes.list(filters=f)))
        except APIError as e:
            err("filter " + what, e, nid)
    try:
        client.nodes.list(filters={"role": "bogus"})
    except APIError as e:
        err("filter bad role", e, nid)
    print("get by hostname", client.nodes.get(hostname).id == nid)
    print("low-level", [n["ID"] == nid for n in client.api.nodes(filters={"role": "manager"})])

    # labels for placement, a constrained service waits for them
    svc = client.services.create(IMAGE, ["sleep", "300"], name="pn05-zoned-" + tag, labels=LABELS,
                                 constraints=["node.labels.pn05.zone==a"], mode=ServiceMode("replicated", replicas=2),
                                 preferences=[("spread", "node.labels.pn05.zone")], maxreplicas=2,
                                 stop_grace_period=10**9)
    services.append(svc)
    print("pending without label", wait(lambda: states(svc) == [("running", "pending")] * 2, 30) and states(svc))
    wait(lambda: all(t["Status"].get("Err") for t in svc.tasks()), 20)
    print("pending why", sorted({t["Status"].get("Err") for t in svc.tasks()}))
    v0 = node.version
    print("label node", node.update(dict(node.attrs["Spec"], Labels={"pn05.zone": "a", "pn05.tier": "x"})))
    print("stale model version", node.version == v0)
    try:
        node.update(dict(node.attrs["Spec"], Labels={}))
    except APIError as e:
        err("update stale", e, nid)
    node.reload()
    print("reloaded", node.version > v0, node.attrs["Spec"]["Labels"])
    print("filter label", len(client.nodes.list(filters={"node.label": "pn05.zone=a"})),
          len(client.nodes.list(filters={"node.label": "pn05.zone=b"})),
          len(client.nodes.list(filters={"label": "pn05.zone"})))
    print("scheduled", wait(lambda: running(svc) == 2, 60))
    print("placement", svc.attrs["Spec"]["TaskTemplate"]["Placement"])

    # pause: running tasks stay, new ones are not placed
    spec = dict(node.attrs["Spec"], Availability="pause")
    print("pause", node.update(spec))
    node.reload()
    print("paused", node.attrs["Spec"]["Availability"], running(svc))
    other = client.services.create(IMAGE, ["sleep", "300"], name="pn05-late-" + tag, labels=LABELS,
                                   stop_grace_period=10**9)
    services.append(other)
    print("late pending", wait(lambda: [t["Status"]["State"] for t in other.tasks()] == ["pending"], 30))
    wait(lambda: all(t["Status"].get("Err") for t in other.tasks()), 20)
    print("late why", sorted({t["Status"].get("Err") for t in other.tasks()}))

    # drain: running tasks are shut down
    node.reload()
    print("drain", node.update(dict(node.attrs["Spec"], Availability="drain")))
    print("drained", wait(lambda: running(svc) == 0, 60), running(other))
    node.reload()
    print("drained spec", node.attrs["Spec"]["Availability"], node.attrs["Status"]["State"])

    # back to active
    node.reload()
    print("active", node.update(dict(node.attrs["Spec"], Availability="active")))
    print("back", wait(lambda: running(svc) == 2 and running(other) == 1, 60))

    # refusals
    node.reload()
    for what, fn in [
        ("demote last manager", lambda: node.update(dict(node.attrs["Spec"], Role="worker"))),
        ("bad availability", lambda: node.update(dict(node.attrs["Spec"], Availability="sleeping"))),
        ("bad role", lambda: node.update(dict(node.attrs["Spec"], Role="boss"))),
        ("remove self", lambda: node.remove()),
        ("remove self force", lambda: node.remove(force=True)),
        ("get missing", lambda: client.nodes.get("pn05-no-such-" + tag)),
        ("update missing", lambda: client.api.update_node("pn05-no-such-" + tag, 1, {"Role": "worker"})),
        ("remove missing", lambda: client.api.remove_node("pn05-no-such-" + tag)),
    ]:
        try:
            node.reload()
            print(what, "accepted", fn())
        except APIError as e:
            err(what, e, nid)
    node.reload()
    print("unchanged", node.attrs["Spec"]["Role"], node.attrs["Spec"]["Availability"])
finally:
    if node is not None and original_spec is not None:
        for _ in range(5):
            try:
                node.reload()
                node.update(original_spec)
                break
            except APIError:
                time.sleep(0.5)
        node.reload()
        print("restored", node.attrs["Spec"] == original_spec)
    for svc in services:
        try:
            print("remove", svc.remove())
        except NotFound:
            pass
    for svc in services:
        wait(lambda: not client.containers.list(all=True, sparse=True,
                                                filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
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
