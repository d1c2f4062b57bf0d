"""dockerspawner / molecule style volumes and system calls: volumes with
labels and driver_opts, get/list/prune/remove, info/version/ping/df,
events(decode=True, filters, since/until datetime) and close()."""
import datetime
import os
import threading
import time
import uuid

import docker
from docker.errors import NotFound, APIError

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env(timeout=60)
suffix = uuid.uuid4().hex[:8]
label = "clibdocker-test-pi03=" + suffix
vols = []
try:
    v1 = client.volumes.create(name="clibdocker-test-pi03-a-" + suffix, driver="local",
                               driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=1m"},
                               labels={"clibdocker-test": "1", "clibdocker-test-pi03": suffix})
    vols.append(v1)
    v2 = client.volumes.create("clibdocker-test-pi03-b-" + suffix,
                               labels={"clibdocker-test": "1", "clibdocker-test-pi03": suffix, "role": "data"})
    vols.append(v2)
    print("create", type(v1).__name__, v1.name == v1.id, v1.short_id == v1.id)
    print("attrs", sorted(k for k in v1.attrs if k in ("Driver", "Labels", "Mountpoint", "Name", "Options", "Scope")))
    print("options", v1.attrs["Options"], v1.attrs["Scope"])
    got = client.volumes.get(v2.name)
    print("get", got.name == v2.name, got.attrs["Labels"]["role"])
    # re-create with same name returns the same volume (compose-v1 relies on this)
    again = client.volumes.create(name=v2.name, labels={"clibdocker-test": "1", "clibdocker-test-pi03": suffix, "role": "data"})
    print("recreate", again.name == v2.name)
    listed = client.volumes.list(filters={"label": label})
    print("list", sorted(v.name.split("-")[3] for v in listed))
    print("list role", [v.name == v2.name for v in client.volumes.list(filters={"label": [label, "role=data"]})])
    low = client.api.volumes(filters={"label": label})
    print("low volumes", sorted(low), len(low["Volumes"]), low.get("Warnings"))
    print("low inspect", client.api.inspect_volume(v1.name)["Driver"])
    # a volume in use cannot be removed
    c = client.containers.create(IMAGE, ["true"], volumes=[f"{v2.name}:/data"], labels={"clibdocker-test": "1"})
    try:
        try:
            v2.remove()
        except APIError as e:
            print("in use", e.status_code, type(e).__name__ in ("APIError", "Conflict"))
    finally:
        c.remove()
    # prune with a label filter only touches ours
    pr = client.volumes.prune(filters={"label": label})
    print("prune", sorted(pr), sorted(n.split("-")[3] for n in (pr["VolumesDeleted"] or [])),
          type(pr["SpaceReclaimed"]).__name__)
    try:
        client.volumes.get(v1.name)
    except NotFound as e:
        print("gone", type(e).__name__, e.status_code)
    # nothing left for remove below is fine
    v3 = client.volumes.create(labels={"clibdocker-test": "1"})
    print("anon", len(v3.name) == 64)
    v3.remove(force=True)
    vols.append(v3)

    # system
    print("ping", client.ping())
    info = client.info()
    print("info", all(k in info for k in ("ID", "Containers", "Images", "Driver", "ServerVersion", "OSType")))
    ver = client.version()
    print("version", sorted(k for k in ver if k in ("ApiVersion", "Version", "Os", "Arch", "Components")),
          ver["Os"], type(ver["Components"]).__name__)
    df = client.df()
    print("df", sorted(k for k in df if k in ("Containers", "Images", "Volumes", "LayersSize", "BuildCache")))
    print("api version", client.api.api_version == "1.41" or client.api.api_version >= "1.24")

    # events: since/until as datetimes bound the stream
    since = datetime.datetime.utcnow() - datetime.timedelta(seconds=1)
    vname = "clibdocker-test-pi03-ev-" + suffix
    v4 = client.volumes.create(vname, labels={"clibdocker-test": "1"})
    v4.remove()
    time.sleep(1.1)
    until = datetime.datetime.utcnow()
    evs = [e for e in client.events(since=since, until=until, decode=True,
                                    filters={"type": "volume", "volume": vname})]
    print("events bounded", [(e["Type"], e["Action"]) for e in evs])
    # live stream with close() from another thread (Ansible/testcontainers waiter)
    stream = client.events(decode=True, filters={"type": "container", "label": label})
    seen = []

    def reader():
        for ev in stream:
            seen.append(ev["Action"])
            if ev["Action"] == "destroy":
                break
    t = threading.Thread(target=reader)
    t.start()
    c2 = client.containers.run(IMAGE, ["true"], detach=True, labels={"clibdocker-test": "1", "clibdocker-test-pi03": suffix})
    c2.wait()
    c2.remove()
    t.join(15)
    stream.close()
    print("events live", [a for a in seen if a in ("create", "start", "die", "destroy")])
    # raw events (decode=False) are bytes of JSON
    raw = client.events(since=since, until=datetime.datetime.utcnow(), filters={"type": "volume", "volume": vname})
    items = list(raw)
    print("raw events", {type(x).__name__ for x in items}, len(items))
finally:
    for v in vols:
        try:
            v.remove(force=True)
        except NotFound:
            pass
print("done")
