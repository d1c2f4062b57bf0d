"""A dashboard backend that renders docker-py models (the kind of code
that reads every property it can find): Image repr/str/tags/labels/
short_id, Container name/status/labels/image/ports/health through create,
start, pause, stop and reload, attrs['Config'] and ['HostConfig'] fields,
network.containers after connect/disconnect, volume attrs, equality and
hashing of models fetched different ways, get by name / id / short id,
and containers.list with each documented filter (status, label, name,
id, ancestor, exited, before/since by name, network, volume, health) and
sparse entries."""
import io
import os
import time
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
sfx = uuid.uuid4().hex[:8]
P = "clibdocker-test-pr02-" + sfx
REPO = "clibdocker-test/pr02-" + sfx
LAB = {"clibdocker-test": "1", "pr02": sfx}
containers, networks, volumes, images = [], [], [], []


def n(x):
    if isinstance(x, str):
        return x.replace(REPO, "R").replace(P, "P").replace(sfx, "S")
    if isinstance(x, (list, tuple)):
        return [n(y) for y in x]
    if isinstance(x, dict):
        return {n(k): n(v) for k, v in x.items()}
    return x


def names(cs):
    return sorted(n(c.name) for c in cs)


def flt(**f):
    f.setdefault("label", "pr02=" + sfx)
    return names(client.containers.list(all=True, filters=f))


try:
    # an image with two tags and labels, built without a Dockerfile on disk
    img, _ = client.images.build(fileobj=io.BytesIO(
        f"FROM {IMAGE}\nLABEL clibdocker-test=1 pr02={sfx} role=web\nEXPOSE 8080/tcp 53/udp\n"
        f"HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD test -f /tmp/ok\n".encode()),
        tag=REPO + ":1", rm=True)
    img.tag(REPO, "latest")
    images.extend([REPO + ":1", REPO + ":latest", img.id])
    img.reload()
    print("image repr", n(repr(img)), n(str(img)) == n(repr(img)))
    print("image tags", n(img.tags), n(img.labels), type(img.labels).__name__)
    print("image short_id", len(img.short_id), img.short_id.startswith("sha256:"), img.id.startswith(img.short_id))
    base = client.images.get(IMAGE)
    # (the shared base image may carry other tags too: only ours is checked)
    print("base", repr(base).startswith("<Image: '") and ("'%s'" % IMAGE) in repr(base), IMAGE in base.tags)
    same = client.images.get(REPO + ":1")
    print("image eq", img == same, img == client.images.get(img.short_id), hash(img) == hash(same),
          len({img, same, client.images.get(img.id)}), img != base, img == img.id)
    print("image attrs cfg", sorted(img.attrs["Config"]["ExposedPorts"]), img.attrs["Config"]["Healthcheck"]["Test"])

    # volume and network to attach
    vol = client.volumes.create(P + "-v", labels=LAB, driver_opts={})
    volumes.append(vol)
    print("volume", n(vol.name), n(vol.id), sorted(vol.attrs), vol.attrs["Driver"], n(vol.attrs["Labels"]),
          n(repr(vol)), vol.short_id == vol.id[:12])
    print("volume eq", vol == client.volumes.get(P + "-v"), hash(vol) == hash(client.volumes.get(P + "-v")))
    net = client.networks.create(P + "-n", labels=LAB, driver="bridge")
    networks.append(net)
    print("network", n(net.name), sorted(k for k in net.attrs if k in ("Name", "Id", "Driver", "Labels", "Containers")),
          net.containers, net == client.networks.get(net.id[:12]))

    # containers: one created, one running with ports and health, one exited, one paused
    made = client.containers.create(REPO + ":1", ["sleep", "300"], name=P + "-created", labels=dict(LAB, tier="a"),
                                    environment={"A": "1"}, working_dir="/tmp", hostname="h-" + sfx,
                                    volumes={P + "-v": {"bind": "/data", "mode": "rw"}})
    containers.append(made)
    print("created", n(made.name), made.status, made.health, n(made.labels), made.ports)
    print("created image", made.image == img, n(made.image.tags), type(made.image).__name__)
    cfg = made.attrs["Config"]
    print("config", cfg["Cmd"], n(cfg["Hostname"]), cfg["WorkingDir"], [e for e in cfg["Env"] if e == "A=1"],
          n(cfg["Image"]), n(cfg["Labels"]), sorted(cfg["ExposedPorts"]))
    print("hostconfig", n(made.attrs["HostConfig"]["Binds"]), made.attrs["HostConfig"]["NetworkMode"],
          made.attrs["State"]["Status"], made.attrs["State"]["Running"])
    print("mounts", [(n(m["Name"]), m["Destination"], m["Type"], m["RW"]) for m in made.attrs["Mounts"]])

    web = client.containers.run(REPO + ":1", ["sh", "-c", "touch /tmp/ok; sleep 300"], name=P + "-web",
                                labels=dict(LAB, tier="b"), detach=True,
                                ports={"8080/tcp": ("127.0.0.1", None), "53/udp": None}, network=P + "-n")
    containers.append(web)
    print("run", n(web.name), web.status, web.health)
    deadline = time.time() + 30
    while web.health != "healthy" and time.time() < deadline:
        time.sleep(0.3)
        web.reload()
    print("reloaded", web.status, web.health)
    ports = web.ports
    print("ports", sorted(ports), [(p["HostIp"], p["HostPort"].isdigit()) for p in ports["8080/tcp"]],
          type(ports["53/udp"]).__name__)
    print("state health", sorted(web.attrs["State"]["Health"]), web.attrs["State"]["Health"]["FailingStreak"])
    print("network settings", sorted(web.attrs["NetworkSettings"]["Networks"]) == [P + "-n"])
    net.reload()
    print("net containers", names(net.containers), [type(c).__name__ for c in net.containers])
    net.connect(made)
    net.reload()
    print("after connect", names(net.containers), sorted(n(k) for k in
                                                          [c.name for c in net.containers]))
    net.disconnect(made)
    net.reload()
    print("after disconnect", names(net.containers))

    done = client.containers.run(IMAGE, ["sh", "-c", "exit 3"], name=P + "-exited", labels=dict(LAB, tier="c"),
                                 detach=True)
    containers.append(done)
    print("exited wait", done.wait()["StatusCode"])
    done.reload()
    print("exited", done.status, done.health, done.attrs["State"]["ExitCode"], done.image == base)
    paused = client.containers.run(IMAGE, ["sleep", "300"], name=P + "-paused", labels=LAB, detach=True)
    containers.append(paused)
    paused.pause()
    paused.reload()
    print("paused", paused.status, paused.attrs["State"]["Paused"])

    # equality / hashing / get forms
    by_name = client.containers.get(P + "-web")
    by_id = client.containers.get(web.id)
    by_short = client.containers.get(web.short_id)
    print("get forms", by_name == by_id == by_short == web, len({by_name, by_id, by_short, web}),
          by_name.name == by_id.name, web != made, web == web.id, hash(web) == hash(by_short))
    print("container repr", repr(web) == "<Container: %s>" % web.id[:12], len(web.short_id))
    print("get slash name", client.containers.get("/" + P + "-web").id == web.id)
    try:
        client.containers.get(P + "-nope")
    except NotFound as e:
        print("get missing", type(e).__name__, e.status_code)

    # list filters
    print("all", flt())
    print("running default", names(client.containers.list(filters={"label": "pr02=" + sfx})))
    for st in ("created", "running", "exited", "paused", "restarting"):
        print("status", st, flt(status=st))
    print("status list", flt(status=["created", "exited"]))
    print("label kv", flt(label=["pr02=" + sfx, "tier=b"]))
    print("label key", flt(label=["pr02=" + sfx, "tier"]))
    print("name", flt(name=P + "-web"), flt(name=P + "-(web|paused)"), flt(name=sfx))
    print("id", flt(id=web.id), flt(id=web.id[:12]))
    print("ancestor tag", flt(ancestor=REPO + ":1"), flt(ancestor=REPO))
    print("ancestor id", flt(ancestor=img.id), flt(ancestor=IMAGE))
    print("exited code", flt(exited=3), flt(exited=0))
    print("before name", flt(before=P + "-exited"))
    print("since name", flt(since=P + "-web"))
    print("before+since", flt(before=P + "-paused", since=P + "-created"))
    print("network", flt(network=P + "-n"))
    print("volume", flt(volume=P + "-v"), flt(volume="/data"))
    print("health", flt(health="healthy"), flt(health="none"))
    print("publish", flt(publish="8080/tcp"), flt(expose="53/udp"))
    print("limit", len(client.containers.list(all=True, limit=2, filters={"label": "pr02=" + sfx})))
    print("kw before/since", names(client.containers.list(all=True, since=P + "-created",
                                                          filters={"label": "pr02=" + sfx})) != [])
    try:
        client.containers.list(filters={"status": "sleeping"})
    except APIError as e:
        print("bad status", type(e).__name__, e.status_code, "invalid filter" in str(e).lower() or
              "unrecognised" in str(e).lower() or "sleeping" in str(e))

    # sparse entries: what is the same without an inspect
    sp = sorted(client.containers.list(all=True, sparse=True, filters={"label": "pr02=" + sfx}),
                key=lambda c: c.attrs["Names"][0])
    print("sparse", [n(c.attrs["Names"]) for c in sp], [c.status for c in sp])
    print("sparse image", [n(c.image.tags) if c.image == img else IMAGE in c.image.tags for c in sp],
          [c.ports for c in sp][:1])
    print("sparse eq", [c == client.containers.get(c.id) for c in sp], [len(c.short_id) for c in sp][:1])
    print("sparse keys", sorted(k for k in sp[0].attrs if k in ("Id", "Names", "Image", "ImageID", "Command",
                                                                  "State", "Status", "Labels", "Mounts")))
    sp[0].reload()
    print("sparse reload", n(sp[0].name), sp[0].status, n(sp[0].labels))

    # lifecycle transitions seen through reload
    paused.unpause()
    paused.reload()
    web.stop(timeout=0)
    web.reload()
    print("after", paused.status, web.status, web.health, web.attrs["State"]["ExitCode"] in (137, 143))
    made.start()
    made.reload()
    print("started", made.status, made.health, n(made.name))
    made.rename(P + "-renamed")
    made.reload()
    print("renamed", n(made.name), client.containers.get(P + "-renamed") == made)
    made.kill()
    made.reload()
    print("killed", made.status, made.attrs["State"]["ExitCode"])

    # a container whose image was removed under it: the dashboard shows why
    snap = done.commit(REPO, "snap")
    images.append(snap.id)
    orphan = client.containers.create(REPO + ":snap", "true", name=P + "-orphan", labels=LAB)
    containers.append(orphan)
    print("orphan image", orphan.image == snap, n(orphan.image.tags))
    client.images.remove(snap.id, force=True)
    orphan.reload()
    try:
        print("orphan image?", orphan.image)
    except ImageNotFound as e:
        hexid = snap.id.split(":")[1]
        print("orphan image gone", type(e).__name__, e.status_code, e.explanation.replace(hexid, "ID"),
              n(str(e)).replace(hexid, "ID").split("/v1.")[0], str(e).count(hexid))
    print("orphan attrs", orphan.attrs["Image"] == snap.id, n(orphan.attrs["Config"]["Image"]))
finally:
    for c in containers:
        try:
            c.remove(force=True, v=False)
        except NotFound:
            pass
    for nw in networks:
        try:
            nw.remove()
        except NotFound:
            pass
    for v in volumes:
        try:
            v.remove(force=True)
        except NotFound:
            pass
    for ref in images:
        try:
            client.images.remove(ref, force=True)
        except APIError:
            pass
    print("left", flt(), client.volumes.list(filters={"label": "pr02=" + sfx}),
          client.networks.list(filters={"label": "pr02=" + sfx}))
    client.close()
print("done")
