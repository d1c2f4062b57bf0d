"""pytest-docker style session fixtures: find containers left by an earlier
run (containers.list with every filter form, sparse entries, limit,
since/before, ignore_removed), get() by id, short id, name and '/name',
health waits on a healthcheck dict, model equality/repr/hash, the image
property (also when the image is gone), create-then-start, and prune."""
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound, ImageNotFound, NullResource

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj04": tag}
prefix = "clibdocker-test-pj04-" + tag
repo = "clibdocker-test/pj04-" + tag


def names(cs):
    return sorted(c.name.replace(prefix, "P") if c.name else None for c in cs)


try:
    a = client.containers.run(IMAGE, "sleep 60", name=prefix + "-a", detach=True, labels=dict(LABELS, role="db"),
                              healthcheck={"test": ["CMD-SHELL", "test -f /tmp/ready"], "interval": 200000000,
                                           "timeout": 1000000000, "retries": 50, "start_period": 0})
    b = client.containers.create(IMAGE, "sh -c 'exit 2'", name=prefix + "-b", labels=dict(LABELS, role="job"))
    print("created", b.status, b.attrs["State"]["Status"], b.health)
    b.start()
    print("wait b", b.wait())
    c = client.containers.run(IMAGE, "sleep 60", name=prefix + "-c", detach=True, labels=["clibdocker-test", "pj04=" + tag, "flag"])
    print("label list", sorted(c.labels.items()) == sorted({"clibdocker-test": "", "pj04": tag, "flag": ""}.items()))
    print("health start", a.health)
    for _ in range(100):
        a.reload()
        if a.health == "starting":
            break
        time.sleep(0.05)
    a.exec_run("touch /tmp/ready")
    for _ in range(100):
        a.reload()
        if a.health == "healthy":
            break
        time.sleep(0.1)
    print("health", a.health, c.health, a.attrs["State"]["Health"]["FailingStreak"])

    lab = {"label": "pj04=" + tag}
    print("list running", names(client.containers.list(filters=lab)))
    print("list all", names(client.containers.list(all=True, filters=lab)))
    print("list label kv", names(client.containers.list(all=True, filters={"label": ["pj04=" + tag, "role=db"]})))
    print("list label key", names(client.containers.list(all=True, filters={"label": ["pj04=" + tag, "flag"]})))
    print("list status", names(client.containers.list(all=True, filters={"label": "pj04=" + tag, "status": "exited"})))
    print("list status list", names(client.containers.list(all=True, filters={"label": "pj04=" + tag, "status": ["exited", "running"]})))
    print("list exited code", names(client.containers.list(all=True, filters={"label": "pj04=" + tag, "exited": 2})))
    print("list name", names(client.containers.list(all=True, filters={"name": prefix + "-a"})))
    print("list name regex", names(client.containers.list(all=True, filters={"name": "^/" + prefix + "-[bc]$"})))
    print("list id", names(client.containers.list(all=True, filters={"id": a.id[:12]})))
    print("list ancestor", names(client.containers.list(all=True, filters={"ancestor": IMAGE, "label": "pj04=" + tag})))
    print("list health", names(client.containers.list(filters={"health": "healthy", "label": "pj04=" + tag})))
    print("list bool label", names(client.containers.list(all=True, filters={"label": "pj04=" + tag, "before": prefix + "-c"})))
    print("list limit", len(client.containers.list(all=True, limit=2, filters=lab)), names(client.containers.list(limit=1, filters=lab)))
    print("list since", names(client.containers.list(all=True, since=a.id, filters=lab)))
    print("list before", names(client.containers.list(all=True, before=c.name, filters=lab)))
    print("list since filter", names(client.containers.list(all=True, filters={"since": a.name, "label": "pj04=" + tag})))
    sp = client.containers.list(all=True, sparse=True, filters=lab)
    s0 = [x for x in sp if x.id == a.id][0]
    print("sparse", len(sp), type(s0).__name__, s0.status, s0.attrs["State"], sorted(s0.attrs)[:4])
    s0.reload()
    print("sparse reload", s0.name.replace(prefix, "P"), s0.status, s0.health)
    try:
        client.containers.list(filters={"bogus": "1"})
    except APIError as e:
        print("list bad filter", type(e).__name__, e.status_code, e.explanation)
    try:
        client.containers.list(filters={"status": "sleeping"})
    except APIError as e:
        print("list bad status", type(e).__name__, e.status_code, e.explanation)

    # get forms
    g = client.containers.get(a.id[:10])
    print("get short", g == a, g.id == a.id, hash(g) == hash(a), g is a)
    print("get name", client.containers.get(prefix + "-a") == a, client.containers.get("/" + prefix + "-a") == a)
    print("repr", repr(a) == "<Container: %s>" % a.short_id, str(a) == repr(a))
    print("eq other", a == c, a != c, a == a.id, len({a, g, c}))
    for bad in ("", None):
        try:
            client.containers.get(bad)
        except (NullResource, NotFound, APIError, TypeError) as e:
            print("get bad", repr(bad), type(e).__name__, str(e))
    try:
        client.containers.get(prefix + "-zzz")
    except NotFound as e:
        print("get missing", e.status_code, e.explanation.replace(prefix, "P"))

    # ports / image property
    print("ports", a.ports, b.ports)
    print("image", a.image == client.images.get(IMAGE), a.image.tags)
    c.commit(repository=repo, tag="v1", conf={"Labels": {"clibdocker-test": "1"}})
    d = client.containers.create(repo + ":v1", "true", name=prefix + "-d", labels=LABELS)
    client.images.remove(repo + ":v1", force=True)
    d.reload()
    try:
        img = d.image
        print("image gone", type(img).__name__)
    except ImageNotFound as e:
        print("image gone", type(e).__name__, e.status_code)
    print("image attr", d.attrs["Config"]["Image"] == repo + ":v1")

    # stop/remove/prune
    a.stop(timeout=1)
    c.kill()
    print("after stop", names(client.containers.list(filters=lab)), sorted(x.status for x in client.containers.list(all=True, filters=lab)))
    gone = client.containers.list(all=True, filters=lab)
    b.remove()
    print("ignore_removed", names(client.containers.list(all=True, filters=lab, ignore_removed=True)))
    r = client.containers.prune(filters={"label": "role=db"})
    print("prune", sorted(r), len(r["ContainersDeleted"] or []) >= 1, type(r["SpaceReclaimed"]).__name__)
    r = client.containers.prune(filters={"label": ["pj04=" + tag]})
    print("prune rest", len(r["ContainersDeleted"] or []), names(client.containers.list(all=True, filters=lab)))
    r = client.containers.prune(filters={"label": "pj04=" + tag})
    print("prune empty", r["ContainersDeleted"], r["SpaceReclaimed"])
    try:
        gone[0].reload()
    except NotFound as e:
        print("reload gone", e.status_code)
finally:
    for x in client.containers.list(all=True, filters={"name": prefix}):
        x.remove(force=True)
    try:
        client.images.remove(repo + ":v1", force=True)
    except ImageNotFound:
        pass
print("left", len(client.containers.list(all=True, filters={"label": "pj04=" + tag})))
client.close()
