"""A CI agent's janitor and inventory (in the style of the cleanup jobs of
self-hosted runners and the `docker ps` wrappers of ops scripts): a fleet of
containers in every state (created, running, paused, exited with codes,
healthy/unhealthy, with volumes, networks, published and exposed ports),
listed with every filter containers.list knows (values as str, int, bool
and lists), sparse entries and what the model can and cannot tell from
them, limit/before/since, ignore_removed, the low-level containers() with
quiet/trunc/latest/size, containers.prune scoped by labels and until, and
models of pruned containers reloaded into NotFound."""
import os
import re
import time
import uuid

import docker
from docker.errors import APIError, DockerException, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABEL = "po05=" + tag
LABELS = {"clibdocker-test": "1", "po05": tag}
NAME = "clibdocker-test-po05-" + tag
net = client.networks.create(NAME + "-net", labels={"clibdocker-test": "1"})
vol = client.volumes.create(NAME + "-vol", labels={"clibdocker-test": "1"})
fleet = {}


def short(name):
    return name.replace(NAME + "-", "") if name else name


def names(cs):
    return sorted(short(c.name) for c in cs)


def ls(label, **kw):
    filters = kw.pop("filters", {})
    filters.setdefault("label", [LABEL])
    try:
        cs = client.containers.list(all=kw.pop("all", True), filters=filters, **kw)
        print(label, names(cs))
        return cs
    except Exception as e:
        print(label, type(e).__name__, getattr(e, "status_code", None), str(e).replace(tag, "T")[:160])
        return []


def add(key, **kw):
    kw.setdefault("labels", dict(LABELS, role=key))
    kw.setdefault("command", ["sleep", "120"])
    fleet[key] = client.containers.create(IMAGE, name=NAME + "-" + key, **kw)
    time.sleep(0.05)  # creation order is what before/since compare
    return fleet[key]


try:
    add("created")
    add("running").start()
    add("paused").start()
    fleet["paused"].pause()
    add("ok", command=["true"]).start()
    add("fail3", command=["sh", "-c", "exit 3"]).start()
    add("healthy", healthcheck={"test": ["CMD", "true"], "interval": 200_000_000}).start()
    add("unhealthy", healthcheck={"test": ["CMD", "false"], "interval": 200_000_000, "retries": 1}).start()
    add("withvol", volumes={vol.name: {"bind": "/data", "mode": "rw"}}).start()
    add("onnet", network=net.name).start()
    add("published", ports={"8080/tcp": ("127.0.0.1", None)}).start()
    add("exposed", ports={"9090/udp": None}, labels=dict(LABELS, role="exposed", tier="web")).start()
    add("last", labels=dict(LABELS, role="last", tier="web", extra="")).start()
    for key in ("ok", "fail3"):
        fleet[key].wait()
    for _ in range(100):
        hs = {k: (fleet[k].reload() or fleet[k].health) for k in ("healthy", "unhealthy")}
        if hs == {"healthy": "healthy", "unhealthy": "unhealthy"}:
            break
        time.sleep(0.1)
    print("health", hs)

    ls("all")
    ls("running only", all=False)
    for st in ("created", "running", "paused", "exited"):
        ls("status " + st, filters={"status": st})
    ls("status list", filters={"status": ["created", "paused"]})
    ls("status bad", filters={"status": "sleeping"})
    ls("exited 3 int", filters={"exited": 3})
    ls("exited 0 str", filters={"exited": "0"})
    ls("exited list", filters={"exited": [0, 3]})
    ls("exited bad", filters={"exited": "x"})
    ls("label key", filters={"label": [LABEL, "tier"]})
    ls("label kv", filters={"label": [LABEL, "tier=web", "role=last"]})
    ls("label str", filters={"label": "role=created"})
    ls("label empty value", filters={"label": [LABEL, "extra="]})
    ls("name", filters={"name": NAME + "-f"})
    ls("name regex", filters={"name": "^/" + NAME + "-(ok|last)$"})
    ls("id prefix", filters={"id": fleet["ok"].id[:12]})
    ls("ancestor name", filters={"ancestor": IMAGE})
    ls("ancestor id", filters={"ancestor": fleet["ok"].image.id})
    ls("ancestor missing", filters={"ancestor": "clibdocker-test/none-po05:" + tag})
    ls("before", filters={"before": fleet["fail3"].name})
    ls("since", filters={"since": fleet["published"].id})
    ls("before+since", filters={"since": fleet["created"].name, "before": fleet["ok"].name})
    ls("before missing", filters={"before": NAME + "-missing"})
    ls("volume name", filters={"volume": vol.name})
    ls("volume dest", filters={"volume": "/data"})
    ls("network name", filters={"network": net.name})
    ls("network id", filters={"network": net.id})
    for h in ("healthy", "unhealthy", "starting", "none"):
        ls("health " + h, filters={"health": h, "status": "running"})
    ls("publish", filters={"publish": "8080/tcp"})
    ls("expose", filters={"expose": "9090/udp"})
    ls("expose range", filters={"expose": "9000-9100/udp"})
    ls("is-task bool", filters={"is-task": False, "status": "exited"})
    ls("is-task true", filters={"is-task": True})
    ls("bad filter", filters={"colour": "blue"})

    # limit / before / since arguments
    ls("limit 3", limit=3)
    ls("limit 0", limit=0)
    ls("limit -1", limit=-1)
    ls("before arg", before=fleet["paused"].id)
    ls("since arg", since=fleet["exposed"].name)
    ls("limit+running", limit=2, all=False)

    # sparse entries
    sp = client.containers.list(all=True, sparse=True, filters={"label": [LABEL, "role=running"]})
    c = sp[0]
    print("sparse", len(sp), c.id == fleet["running"].id, c.short_id == fleet["running"].short_id,
          c.name in (None, fleet["running"].name), c.status, sorted(c.attrs)[:6])
    # documented differences: clibdocker reads name/labels/health off the entry,
    # docker-py gives None / raises DockerException / raises AttributeError
    try:
        print(" sparse labels", c.labels.get("role", "running"))
    except DockerException:
        print(" sparse labels", "running")
    try:
        print(" sparse health", c.health in ("unknown", "healthy"))
    except AttributeError:
        print(" sparse health", True)
    for prop in ("image", "ports"):
        try:
            v = getattr(c, prop)
            print(" sparse", prop, v if prop != "image" else v.id == fleet["running"].image.id)
        except Exception as e:  # noqa: BLE001
            print(" sparse", prop, type(e).__name__, str(e)[:100])
    c.reload()
    print(" sparse reload", short(c.name), c.status, c.labels["role"])
    full = client.containers.list(all=True, filters={"label": [LABEL, "role=running"]})[0]
    print("full", short(full.name), full.status, full.labels["role"], full.attrs["State"]["Running"])
    print("sparse paused", [x.status for x in client.containers.list(all=True, sparse=True,
                                                                      filters={"label": [LABEL, "role=paused"]})])

    # low-level listing shapes
    api = client.api
    q = api.containers(all=True, quiet=True, filters={"label": [LABEL, "role=ok"]})
    print("quiet", [sorted(x) for x in q], q[0]["Id"] == fleet["ok"].id)
    print("trunc", len(api.containers(all=True, trunc=True, filters={"label": [LABEL, "role=ok"]})[0]["Id"]))
    lat = api.containers(latest=True, filters={"label": LABEL})
    print("latest", [short(x["Names"][0].lstrip("/")) for x in lat])
    sz = api.containers(all=True, size=True, filters={"label": [LABEL, "role=ok"]})[0]
    print("size", "SizeRw" in sz, "SizeRootFs" in sz, sz["State"], sz["Status"].split()[0])
    one = api.containers(all=True, filters={"label": [LABEL, "role=published"]})[0]
    print("ports entry", [(p["PrivatePort"], p["Type"], p.get("IP")) for p in one["Ports"] if p.get("PublicPort")])
    print("entry keys", sorted(one)[:8], one["Labels"]["role"], short(one["Names"][0].lstrip("/")))

    # ignore_removed: a container removed between the list and its inspect
    gone = fleet.pop("created")
    gone.remove()
    ls("after removal", filters={"label": [LABEL, "role=created"]}, ignore_removed=True)
    try:
        gone.reload()
    except NotFound as e:
        print("reload removed", e.status_code, e.response.status_code)

    # prune, scoped by labels (never other work on the engine)
    fleet["running"].stop(timeout=0)
    r = client.containers.prune(filters={"label": [LABEL, "role=nothing"]})
    print("prune none", r)
    r = client.containers.prune(filters={"label": [LABEL, "role=ok"]})
    print("prune ok", [x == fleet["ok"].id for x in r["ContainersDeleted"]], r["SpaceReclaimed"] >= 0)
    r = client.containers.prune(filters={"label": [LABEL], "label!": ["role=fail3"], "until": "1h"})
    print("prune until 1h", r["ContainersDeleted"])
    r = client.containers.prune(filters={"label": [LABEL], "label!": "role=fail3", "until": int(time.time()) + 60})
    print("prune until future", sorted(short(k) for k, x in fleet.items() if x.id in (r["ContainersDeleted"] or [])))
    r = client.api.prune_containers(filters={"label": LABEL})
    print("prune low-level", sorted(short(k) for k, x in fleet.items() if x.id in (r["ContainersDeleted"] or [])))
    try:
        client.containers.prune(filters={"label": LABEL, "until": "not-a-time"})
    except APIError as e:
        print("prune bad until", e.status_code, type(e).__name__)
    try:
        client.containers.prune(filters={"label": LABEL, "colour": "blue"})
    except APIError as e:
        print("prune bad filter", e.status_code, type(e).__name__)
    for key in ("ok", "fail3", "running"):
        try:
            fleet[key].reload()
            print("after prune", key, fleet[key].status)
        except NotFound:
            print("after prune", key, "NotFound")
    ls("still listed")
finally:
    for x in client.containers.list(all=True, filters={"label": LABEL}):
        x.remove(force=True, v=True)
    net.remove()
    vol.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": LABEL})))
client.close()
