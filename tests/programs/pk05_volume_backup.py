"""A volume backup / restore tool (in the style of docker-volume-backup and
the backup helpers of dev tools): finds volumes by label, name and driver,
fills one through a helper container, backs it up with get_archive and with
a tar written by the container, restores into a fresh volume with
put_archive, checks usage with df(), watches volume events bounded by
until=, and prints the Volume model, low-level dicts and errors."""
import datetime
import io
import json
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
sfx = uuid.uuid4().hex[:8]
PFX = "clibdocker-test-pk05-" + sfx
LAB = {"clibdocker-test": "1", "backup.pk05": sfx}
vols, ctrs = [], []


def n(x):
    return x.replace(PFX, "P").replace(sfx, "S") if isinstance(x, str) else x


def helper(cmd, binds, **kw):
    c = client.containers.create(IMAGE, ["sh", "-c", cmd], volumes=binds, labels=LAB, **kw)
    ctrs.append(c)
    return c


start = int(time.time()) - 1
try:
    data = client.volumes.create(PFX + "-data", labels=dict(LAB, role="data"))
    tmpv = client.volumes.create(PFX + "-tmp", driver="local",
                                 driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=2m,uid=1000"},
                                 labels=dict(LAB, role="scratch"))
    vols += [data, tmpv]
    print("volume", type(data).__name__, n(repr(data)), n(data.id), n(data.short_id))
    print("attrs", sorted(k for k in data.attrs if k != "CreatedAt"), data.attrs["Driver"], data.attrs["Scope"],
          data.attrs["Options"], tmpv.attrs["Options"])
    print("labels", sorted(data.attrs["Labels"].items(), key=str) == sorted(dict(LAB, role="data").items()))
    low = api.create_volume(PFX + "-low", driver="local", labels=LAB)
    vols.append(client.volumes.get(PFX + "-low"))
    print("low create", type(low).__name__, sorted(k for k in low if k != "CreatedAt"), n(low["Name"]))
    same = api.create_volume(PFX + "-low", labels=LAB)
    print("create again", n(same["Name"]))
    print("inspect", n(api.inspect_volume(PFX + "-tmp")["Name"]), api.inspect_volume(PFX + "-tmp")["Options"]["type"])

    # finding volumes
    def names(vs):
        return sorted(n(v.name) for v in vs)
    print("by label", names(client.volumes.list(filters={"label": "backup.pk05=" + sfx})))
    print("label+role", names(client.volumes.list(filters={"label": ["backup.pk05=" + sfx, "role=data"]})))
    print("by name", names(client.volumes.list(filters={"name": PFX + "-t"})))
    print("driver", names(client.volumes.list(filters={"driver": "local", "label": "backup.pk05=" + sfx})))
    print("none", client.volumes.list(filters={"name": PFX + "-zzz"}))
    lv = api.volumes(filters={"name": PFX + "-zzz"})
    print("low none", lv)
    lv = api.volumes(filters={"label": "backup.pk05=" + sfx})
    print("low list", sorted(lv), len(lv["Volumes"]), lv["Warnings"])

    # fill the data volume, then back it up two ways
    filler = helper("mkdir -p /v/sub && echo one > /v/a.txt && echo two > /v/sub/b.txt && "
                    "ln -s a.txt /v/link && chmod 600 /v/sub/b.txt", {data.name: {"bind": "/v", "mode": "rw"}})
    filler.start()
    print("fill", filler.wait()["StatusCode"])
    stream, stat = filler.get_archive("/v")
    blob = b"".join(stream)
    print("archive stat", sorted(stat), stat["name"], stat["mode"] & 0o777 if isinstance(stat["mode"], int) else None)
    with tarfile.open(fileobj=io.BytesIO(blob)) as tf:
        members = sorted((m.name, m.type.decode() if isinstance(m.type, bytes) else m.type) for m in tf.getmembers())
    print("archive members", members)
    stream, stat = filler.get_archive("/v/sub/b.txt", chunk_size=3)
    parts = list(stream)
    print("archive one file", stat["name"], stat["size"], len(parts) > 1)
    try:
        filler.get_archive("/v/nothere")
    except NotFound as e:
        print("archive missing", type(e).__name__, e.status_code)
    # the container writes the tar itself, logs carry it out
    tarrer = helper("tar -C /v -cf - . 2>/dev/null", {data.name: {"bind": "/v", "mode": "ro"}})
    tarrer.start()
    tarrer.wait()
    out = tarrer.logs(stdout=True, stderr=False)
    with tarfile.open(fileobj=io.BytesIO(out)) as tf:
        print("tar via logs", sorted(x for x in tf.getnames() if x != "."))

    # restore into a fresh volume with put_archive
    restore = client.volumes.create(PFX + "-restore", labels=LAB)
    vols.append(restore)
    target = helper("ls -lnR /r | grep -v total | awk '{print $1, $NF}'; cat /r/v/a.txt",
                    [f"{restore.name}:/r"])
    print("put_archive", target.put_archive("/r", blob), target.put_archive("/r", io.BytesIO(blob).getvalue()))
    try:
        target.put_archive("/nothere/dir", blob)
    except NotFound as e:
        print("put missing dir", e.status_code)
    target.start()
    target.wait()
    print("restored", target.logs().decode().split())

    # usage
    df = client.df()
    mine = [v for v in df["Volumes"] or [] if v["Name"].startswith(PFX)]
    print("df", sorted(n(v["Name"]) for v in mine), sorted(mine[0]["UsageData"]) if mine else None,
          all(v["UsageData"]["RefCount"] >= 0 for v in mine))
    sized = [v for v in mine if v["Name"] == data.name]
    print("df data", sized[0]["UsageData"]["RefCount"], sized[0]["UsageData"]["Size"] > 0)

    # removal while in use, force, reload after removal
    try:
        data.remove()
    except APIError as e:
        print("in use", type(e).__name__, e.status_code, "in use" in str(e))
    for c in ctrs:
        c.remove()
    ctrs.clear()
    data.reload()
    print("reload", n(data.name), data.attrs["Labels"]["role"])
    data.remove(force=True)
    try:
        data.reload()
    except NotFound as e:
        print("reload removed", type(e).__name__, e.status_code)
    try:
        client.volumes.get(PFX + "-data")
    except NotFound as e:
        print("get removed", type(e).__name__, n(e.explanation))
    try:
        api.remove_volume(PFX + "-data")
    except NotFound as e:
        print("remove removed", e.status_code)
    api.remove_volume(PFX + "-low", force=True)

    # prune what the tool labelled, events of the run bounded by until
    pr = client.volumes.prune(filters={"label": ["backup.pk05=" + sfx, "role=scratch"]})
    print("prune", sorted(pr), [n(x) for x in pr["VolumesDeleted"] or []], type(pr["SpaceReclaimed"]).__name__)
    pr = api.prune_volumes(filters={"label": "backup.pk05=" + sfx})
    print("prune rest", [n(x) for x in pr["VolumesDeleted"] or []])
    time.sleep(1.1)
    until = int(time.time())
    evs = client.events(since=start, until=until, decode=True,
                        filters={"type": "volume", "label": "backup.pk05=" + sfx})
    acts = [(e["Action"], n(e["Actor"]["ID"])) for e in evs]
    print("events", sorted(set(a for a, _ in acts)), sorted(set(i for _, i in acts)))
    raw = client.events(since=datetime.datetime.fromtimestamp(start), until=datetime.datetime.fromtimestamp(until),
                        filters={"type": "volume", "event": "destroy", "volume": PFX + "-data"})
    items = list(raw)
    print("raw events", {type(x).__name__ for x in items}, [json.loads(x)["Action"] for x in items])
    print("left", client.volumes.list(filters={"label": "backup.pk05=" + sfx}))
finally:
    for c in ctrs:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for v in vols:
        try:
            v.remove(force=True)
        except NotFound:
            pass
print("done")
