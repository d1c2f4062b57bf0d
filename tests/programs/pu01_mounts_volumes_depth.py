"""Volumes and mounts in depth, the way a dev-environment tool or a CI runner
wires storage into containers: docker.types.Mount in every form (bind /
volume / tmpfs, read_only, consistency, propagation, no_copy, labels,
DriverConfig, tmpfs_size as int and as '64m', tmpfs_mode) and the
combinations it refuses, Mount.parse_mount_string, containers.run/create
with mounts=, volumes= as a dict and as a list, tmpfs= and volumes_from=;
what the engine recorded (attrs['Mounts'], HostConfig.Mounts / Binds /
Tmpfs), files written through one mount read back through another with
exec_run, a tmpfs-backed local volume with driver_opts, volumes.get /
list(filters=label, dangling), removing a volume in use, and
volumes.prune's return shape."""
import json
import os
import re
import uuid

import docker
from docker.errors import APIError, DockerException, NotFound
from docker.types import DriverConfig, Mount

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pu01": tag}
PFX = "clibdocker-test-pu01-" + tag
HOSTDIR = "/tmp/" + PFX


def show(*args):
    line = " ".join(str(a) for a in args)
    line = line.replace(tag, "TAG")
    print(re.sub(r"\b[0-9a-f]{64}\b", "<id>", line))


def dump(d):
    return json.dumps(d, sort_keys=True)


def attempt(what, fn):
    try:
        r = fn()
        show(what, "ok", type(r).__name__)
        return r
    except APIError as e:
        show(what, type(e).__name__, e.status_code, e.is_client_error())
    except DockerException as e:
        show(what, type(e).__name__, str(e))
    except (TypeError, ValueError) as e:
        show(what, type(e).__name__)
    return None


def mount_view(m):
    """attrs['Mounts'] entry, with the anonymous/host-specific parts made stable."""
    src = m.get("Source", "")
    if m["Type"] == "volume":
        name = m.get("Name", "")
        name = name if name.startswith("clibdocker-test-pu01") else "<anon>"
        return (m["Destination"], m["Type"], name, m.get("Driver"), m["Mode"], m["RW"], m.get("Propagation"))
    if m["Type"] == "bind":
        return (m["Destination"], m["Type"], src.replace(HOSTDIR, "<hostdir>"), m["Mode"], m["RW"],
                m.get("Propagation"))
    return (m["Destination"], m["Type"], m["Mode"], m["RW"])


def proc_mounts(c, paths):
    """The options the kernel shows for our mount points (ro/rw, tmpfs size and mode)."""
    out = c.exec_run(["cat", "/proc/mounts"]).output.decode()
    res = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[1] in paths:
            opts = [o for o in f[3].split(",") if o in ("ro", "rw") or o.startswith(("size=", "mode="))]
            res.append((f[1], f[2] if f[2] == "tmpfs" else "-", opts))
    return sorted(res)


containers = []
volumes = []
try:
    # -- Mount objects as a user builds them ---------------------------------
    forms = [
        ("bind ro", lambda: Mount("/mnt/bind", HOSTDIR, type="bind", read_only=True)),
        ("bind propagation", lambda: Mount("/mnt/p", HOSTDIR, type="bind", propagation="rprivate",
                                           consistency="cached")),
        ("volume plain", lambda: Mount("/data", PFX + "-named")),
        ("volume no_copy labels", lambda: Mount("/nocopy", PFX + "-nocopy", no_copy=True,
                                                labels={"clibdocker-test": "1", "pu01": tag, "via": "mount"})),
        ("volume driver_config", lambda: Mount("/drv", PFX + "-drv", driver_config=DriverConfig(
            "local", {"type": "tmpfs", "device": "tmpfs", "o": "size=2m"}), labels=LABELS)),
        ("volume driver_config no opts", lambda: Mount("/drv2", PFX + "-drv2", driver_config=DriverConfig("local"))),
        ("tmpfs int", lambda: Mount("/scratch", None, type="tmpfs", tmpfs_size=1048576)),
        ("tmpfs str mode", lambda: Mount("/scratch2", "", type="tmpfs", tmpfs_size="64m", tmpfs_mode=0o1770)),
        ("tmpfs str k", lambda: Mount("/scratch3", None, type="tmpfs", tmpfs_size="512k", read_only=False)),
        ("tmpfs consistency", lambda: Mount("/scratch4", None, type="tmpfs", consistency="delegated")),
        ("npipe", lambda: Mount("/pipe", "\\\\.\\pipe\\x", type="npipe")),
        ("no target", lambda: Mount(None, PFX + "-named")),
        ("empty target tmpfs", lambda: Mount("", None, type="tmpfs", tmpfs_size="1m")),
        ("bad type", lambda: Mount("/x", "y", type="cifs")),
        ("bind with tmpfs_size", lambda: Mount("/x", "/tmp", type="bind", tmpfs_size=1)),
        ("bind with no_copy", lambda: Mount("/x", "/tmp", type="bind", no_copy=True)),
        ("volume with propagation", lambda: Mount("/x", "v", propagation="rshared")),
        ("tmpfs with labels", lambda: Mount("/x", None, type="tmpfs", labels={"a": "b"})),
        ("tmpfs mode str", lambda: Mount("/x", None, type="tmpfs", tmpfs_mode="1777")),
        ("tmpfs size bad", lambda: Mount("/x", None, type="tmpfs", tmpfs_size="12q")),
    ]
    built = {}
    for what, fn in forms:
        try:
            m = fn()
            built[what] = m
            show("Mount", what, type(m).__name__, isinstance(m, dict), dump(m))
        except DockerException as e:
            show("Mount", what, type(e).__name__, str(e))
    for s in ("/tmp/x:/mnt/x:ro", "/tmp/x:/mnt/x", "named:/data:rw", "named:/data:z", "/anon",
              "vol:/a:ro:extra", "relative/dir:/r"):
        try:
            m = Mount.parse_mount_string(s)
            show("parse", s, type(m).__name__, dump(m))
        except DockerException as e:
            show("parse", s, type(e).__name__, str(e))
    dc = DriverConfig("local", {"o": "size=1m"})
    show("DriverConfig", type(dc).__name__, dump(dc), dump(DriverConfig("x")), dump(DriverConfig("x", {})))

    # -- a host directory on the engine's machine, made through a container ----
    prep = client.containers.run(IMAGE, ["sh", "-c", "mkdir -p /h/%s/sub && echo host-file > /h/%s/seed.txt" %
                                         (PFX, PFX)], detach=True, labels=LABELS,
                                 mounts=[Mount("/h", "/tmp", type="bind")])
    containers.append(prep)
    show("prep exit", prep.wait()["StatusCode"])

    # -- volumes made up front -----------------------------------------------
    tv = client.volumes.create(PFX + "-tmpfsvol", driver="local",
                               driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=1m"}, labels=LABELS)
    volumes.append(tv)
    show("tmpfs volume", type(tv).__name__, tv.name == tv.id, tv.short_id == tv.id[:12], tv.attrs["Driver"],
         tv.attrs["Options"], sorted(tv.attrs["Labels"].items()), tv.attrs["Scope"], tv.attrs["Name"] == tv.name,
         sorted(tv.attrs))
    g = client.volumes.get(PFX + "-tmpfsvol")
    show("get", g == tv, g.attrs["Options"] == tv.attrs["Options"], PFX + "-tmpfsvol" in g.attrs["Mountpoint"])
    plain = client.volumes.create(PFX + "-named", labels=LABELS)
    volumes.append(plain)
    again = client.volumes.create(PFX + "-named", labels=LABELS)
    show("create existing again", again.name == plain.name, sorted(again.attrs["Labels"]))
    anon = client.volumes.create(labels=dict(LABELS, anon="1"))
    volumes.append(anon)
    show("anonymous volume", len(anon.name), bool(re.fullmatch(r"[0-9a-f]{64}", anon.name)))

    # -- run with every kind of mount ------------------------------------------
    run_mounts = [built["bind ro"], built["bind propagation"], built["volume plain"], built["volume no_copy labels"],
                  built["volume driver_config"], built["tmpfs int"], built["tmpfs str mode"],
                  Mount("/tv", PFX + "-tmpfsvol", read_only=False),
                  Mount("/etc/ro-vol", PFX + "-named", read_only=True)]
    writer = client.containers.run(
        IMAGE, ["sleep", "120"], detach=True, name=PFX + "-writer", labels=LABELS, mounts=run_mounts,
        tmpfs={"/run": "size=1m", "/cache": "", "/big": "size=8m,mode=1777"},
        volumes={HOSTDIR + "/sub": {"bind": "/mnt/sub", "mode": "rw"}, PFX + "-tmpfsvol": {"bind": "/tv2", "mode": "ro"}})
    containers.append(writer)
    writer.reload()
    for m in sorted(writer.attrs["Mounts"], key=lambda m: m["Destination"]):
        show("writer mount", mount_view(m))
    hc = writer.attrs["HostConfig"]
    show("writer Binds", sorted(b.replace(HOSTDIR, "<hostdir>") for b in hc["Binds"]))
    show("writer Tmpfs", sorted(hc["Tmpfs"].items()))
    for m in sorted(hc["Mounts"], key=lambda m: m["Target"]):
        m = dict(m)
        if m.get("Source"):
            m["Source"] = m["Source"].replace(HOSTDIR, "<hostdir>").replace(tag, "TAG")
        show("writer HostConfig.Mounts", dump(m))
    show("writer Config.Volumes", writer.attrs["Config"]["Volumes"])
    show("writer proc mounts", proc_mounts(writer, ["/scratch", "/scratch2", "/run", "/cache", "/big", "/mnt/bind",
                                                    "/etc/ro-vol", "/tv", "/tv2", "/drv", "/data"]))

    # files through the mounts
    script = ("echo named > /data/a.txt && echo nocopy > /nocopy/b.txt && echo drv > /drv/c.txt && "
              "echo tv > /tv/d.txt && echo sub > /mnt/sub/e.txt && echo scratch > /scratch/f.txt && "
              "mkdir -p /data/deep/er && echo deep > /data/deep/er/g.txt")
    r = writer.exec_run(["sh", "-c", script])
    show("write", r.exit_code, r.output)
    for path in ("/mnt/bind/seed.txt", "/mnt/p/sub/e.txt", "/etc/ro-vol/a.txt", "/tv2/d.txt"):
        r = writer.exec_run(["cat", path])
        show("read", path, r.exit_code, r.output)
    for path in ("/mnt/bind/new.txt", "/etc/ro-vol/x.txt", "/tv2/x.txt"):
        r = writer.exec_run(["sh", "-c", "echo no > " + path])
        show("write ro", path, r.exit_code != 0, b"Read-only file system" in r.output)
    r = writer.exec_run(["sh", "-c", "dd if=/dev/zero of=/scratch/fill bs=1024 count=2048 2>&1; echo rc=$?"])
    show("tmpfs full", b"No space left on device" in r.output, r.output.strip().endswith(b"rc=1"))
    r = writer.exec_run(["stat", "-c", "%a", "/scratch2"])
    show("tmpfs mode", r.output.strip())

    # -- create with volumes as a list, volumes_from, tmpfs ---------------------
    # a bare container path in the list goes to Binds as is: the engine refuses it
    attempt("bare path in volumes list", lambda: containers.append(client.containers.create(
        IMAGE, ["true"], labels=LABELS, volumes=[PFX + "-named:/named", "/anon-in-list"])))
    # dockerd 20.10 cannot copy the mounts of a container that has a tmpfs Mount
    attempt("volumes_from a container with tmpfs mounts", lambda: containers.append(client.containers.create(
        IMAGE, ["true"], labels=LABELS, volumes_from=[writer.name])))
    # so the volumes are shared through a holder container that never runs
    holder = client.containers.create(
        IMAGE, ["true"], name=PFX + "-holder", labels=LABELS,
        mounts=[Mount("/data", PFX + "-named"), Mount("/nocopy", PFX + "-nocopy"), Mount("/drv", PFX + "-drv")],
        volumes={HOSTDIR + "/sub": {"bind": "/mnt/sub", "mode": "rw"}})
    containers.append(holder)
    reader = client.containers.create(
        IMAGE, ["sleep", "120"], name=PFX + "-reader", labels=LABELS,
        volumes=[PFX + "-named:/named:ro", HOSTDIR + ":/host", PFX + "-tmpfsvol:/tv3:rw"],
        volumes_from=[holder.name + ":ro"], tmpfs={"/run": "size=1m"})
    containers.append(reader)
    show("reader status", reader.status)
    rh = reader.attrs["HostConfig"]
    show("reader Binds", sorted(b.replace(HOSTDIR, "<hostdir>") for b in rh["Binds"]))
    show("reader VolumesFrom", [v.replace(tag, "TAG") for v in rh["VolumesFrom"]], "Tmpfs", rh["Tmpfs"],
         "Mounts", rh.get("Mounts"))
    show("reader Config.Volumes", sorted(reader.attrs["Config"]["Volumes"] or {}))
    reader.start()
    reader.reload()
    for m in sorted(reader.attrs["Mounts"], key=lambda m: m["Destination"]):
        show("reader mount", mount_view(m))
    for path in ("/named/a.txt", "/named/deep/er/g.txt", "/host/sub/e.txt", "/host/seed.txt", "/tv3/d.txt",
                 "/data/a.txt", "/nocopy/b.txt", "/drv/c.txt", "/scratch/f.txt", "/mnt/sub/e.txt"):
        r = reader.exec_run(["cat", path])
        show("reader read", path, r.exit_code, r.output if r.exit_code == 0 else b"")
    r = reader.exec_run(["sh", "-c", "echo x > /data/from-reader.txt"])
    show("volumes_from ro write", r.exit_code != 0)
    r = reader.exec_run(["sh", "-c", "echo x > /named/x"])
    show("list ro write", r.exit_code != 0)

    # volumes_from by id without mode, run form with a list of mount strings parsed
    third = client.containers.run(IMAGE, ["cat", "/data/a.txt", "/drv/c.txt", "/again/deep/er/g.txt"], detach=True, labels=LABELS,
                                  volumes_from=[holder.id],
                                  mounts=[Mount.parse_mount_string(PFX + "-named:/again:ro")])
    containers.append(third)
    show("third", third.wait()["StatusCode"], third.logs())
    third.reload()
    show("third VolumesFrom", third.attrs["HostConfig"]["VolumesFrom"] == [holder.id],
         [(m["Destination"], m["RW"]) for m in sorted(third.attrs["Mounts"], key=lambda m: m["Destination"])
          if m["Destination"] in ("/again", "/data", "/mnt/sub")])

    # a volume created implicitly by Mount(labels=...) and DriverConfig
    for n in ("-nocopy", "-drv"):
        v = client.volumes.get(PFX + n)
        volumes.append(v)
        show("implicit volume", n, v.attrs["Driver"], sorted((v.attrs["Labels"] or {}).items()),
             v.attrs["Options"])

    # -- more argument forms, checked on what create records ------------------
    def created(what, **kw):
        try:
            x = client.containers.create(IMAGE, ["true"], labels=LABELS, **kw)
            containers.append(x)
            h = x.attrs["HostConfig"]
            show(what, sorted((b.replace(HOSTDIR, "<hostdir>") for b in h.get("Binds") or [])), h.get("Tmpfs"),
                 [v.replace(tag, "TAG") for v in h.get("VolumesFrom") or []], h.get("VolumeDriver"),
                 [dump(m).replace(tag, "TAG") for m in h.get("Mounts") or []],
                 sorted(x.attrs["Config"].get("Volumes") or {}))
            return x
        except (APIError, DockerException, TypeError, ValueError, AttributeError, KeyError) as e:
            show(what, type(e).__name__, getattr(e, "status_code", None), str(e).replace(tag, "TAG")[:120])
            return None
    created("tmpfs list", tmpfs=["/a:size=1m,mode=700", "/b"])
    created("tmpfs str", tmpfs="/a:size=1m")
    created("tmpfs list non-str", tmpfs=[("/a", "size=1m")])
    created("volumes_from comma str", volumes_from=holder.name + "," + writer.name + ":rw")
    created("volumes_from str one", volumes_from=holder.name)
    created("volume_driver local", volume_driver="local", volumes=[PFX + "-vd:/vd"])
    created("volumes dict ro bool", volumes={PFX + "-named": {"bind": "/n", "ro": True},
                                             HOSTDIR: {"bind": "/h", "ro": False}})
    created("volumes dict str value", volumes={PFX + "-named": "/n2"})
    created("volumes dict propagation", volumes={HOSTDIR: {"bind": "/p", "mode": "ro", "propagation": "rprivate"}})
    created("volumes dict no bind", volumes={PFX + "-named": {"mode": "ro"}})
    created("volumes tuple", volumes=(PFX + "-named:/t1:ro", HOSTDIR + ":/t2"))
    created("volumes list z", volumes=[PFX + "-named:/z1:z", HOSTDIR + ":/z2:ro,Z"])
    created("mounts plain dicts", mounts=[{"Type": "volume", "Source": PFX + "-named", "Target": "/pd",
                                           "ReadOnly": True},
                                          {"Type": "tmpfs", "Target": "/pt", "TmpfsOptions": {"SizeBytes": 4096}}])
    created("mounts parsed strings", mounts=[Mount.parse_mount_string(x) for x in
                                             (HOSTDIR + ":/ps1:ro", PFX + "-named:/ps2", "/ps3")])
    created("mounts duplicate target", mounts=[Mount("/dup", PFX + "-named"), Mount("/dup", None, type="tmpfs")])
    created("mount and volume same target", mounts=[Mount("/same", PFX + "-named")],
            volumes={PFX + "-tmpfsvol": {"bind": "/same", "mode": "rw"}})
    created("mount missing bind source", mounts=[Mount("/miss", HOSTDIR + "/does-not-exist", type="bind")])
    created("mount no target", mounts=[Mount(None, PFX + "-named")])
    created("mount empty target", mounts=[Mount("", None, type="tmpfs")])
    created("mount relative target", mounts=[Mount("rel", PFX + "-named")])
    created("mount subpath", mounts=[Mount("/sp", PFX + "-named", subpath="deep")])
    created("mount bad propagation", mounts=[Mount("/bp", HOSTDIR, type="bind", propagation="sideways")])
    created("mount bad consistency", mounts=[Mount("/bc", HOSTDIR, type="bind", consistency="eventual")])
    created("tmpfs with volume name", mounts=[Mount("/tn", "some-name", type="tmpfs")])
    created("volumes_from missing", volumes_from=["clibdocker-test-missing-" + tag])
    hc = client.api.create_host_config(mounts=[Mount("/x", PFX + "-named", read_only=True), "/y"],
                                       tmpfs=["/t:size=1k"], volumes_from="a,b", volume_driver="local",
                                       binds={PFX + "-named": {"bind": "/b", "mode": "ro"}})
    show("create_host_config", dump(hc).replace(tag, "TAG"))
    lv = client.api.create_volume(PFX + "-low", driver="local", driver_opts={"type": "none", "device": HOSTDIR, "o": "bind"},
                                  labels=dict(LABELS, low="1"))
    volumes.append(client.volumes.get(PFX + "-low"))
    show("api.create_volume", type(lv).__name__, sorted(lv), lv["Name"].replace(tag, "TAG"),
         dump(lv["Options"]).replace(HOSTDIR, "<hostdir>"))
    iv = client.api.inspect_volume(PFX + "-low")
    show("api.inspect_volume", sorted(iv), iv["Labels"] == lv["Labels"])
    for what, fn in (
            ("create bad driver", lambda: client.volumes.create(PFX + "-bad", driver="nope-" + tag, labels=LABELS)),
            ("create bad opts type", lambda: client.volumes.create(PFX + "-bad2", driver_opts=["o=1"], labels=LABELS)),
            ("create labels list", lambda: client.volumes.create(PFX + "-bad3", labels=["clibdocker-test"])),
            ("create bad name", lambda: client.volumes.create("bad/name", labels=LABELS)),
            ("get prefix", lambda: client.volumes.get(PFX[:-4])),
            ("get empty", lambda: client.volumes.get("")),
            ("get None", lambda: client.volumes.get(None))):
        r = attempt(what, fn)
        if r is not None:
            volumes.append(r)
            show(what, "made", r.name.replace(tag, "TAG"), r.attrs.get("Labels"))
    bad = client.volumes.create(PFX + "-badopts", driver="local", driver_opts={"type": "tmpfs", "device": "tmpfs",
                                                                             "o": "nosuchoption=1"}, labels=LABELS)
    volumes.append(bad)
    try:
        client.containers.run(IMAGE, ["true"], labels=LABELS, name=PFX + "-badmount", remove=False,
                              mounts=[Mount("/bad", bad.name)])
        show("bad volume options run ok")
    except APIError as e:
        show("bad volume options run", type(e).__name__, e.status_code, e.is_server_error())
    for c in client.containers.list(all=True, filters={"name": PFX + "-badmount"}):
        containers.append(c)
    show("Volume repr", repr(tv).replace(tv.short_id, "<short>"), tv == client.volumes.get(tv.name),
         hash(tv) == hash(client.volumes.get(tv.name)), tv.collection is client.volumes or
         type(tv.collection).__name__)

    # -- list filters -----------------------------------------------------------
    lab = client.volumes.list(filters={"label": "pu01=" + tag})
    show("list label", sorted(v.name.replace(PFX, "P") if v.name.startswith(PFX) else "<anon>" for v in lab))
    lab2 = client.volumes.list(filters={"label": ["pu01=" + tag, "anon=1"]})
    show("list two labels", [v.name == anon.name for v in lab2])
    dang = {v.name for v in client.volumes.list(filters={"dangling": True, "label": "pu01=" + tag})}
    show("list dangling", sorted("<anon>" if n == anon.name else n.replace(PFX, "P") for n in dang))
    used = {v.name for v in client.volumes.list(filters={"dangling": False, "label": "pu01=" + tag})}
    show("list in use", sorted(n.replace(PFX, "P") for n in used))
    show("list by name", [v.name.replace(PFX, "P") for v in client.volumes.list(filters={"name": PFX + "-tmpfs"})])
    show("list none", client.volumes.list(filters={"label": "pu01=none-" + tag}))
    low = client.api.volumes(filters={"label": "pu01=" + tag})
    show("api.volumes", sorted(low), type(low["Volumes"]).__name__, low.get("Warnings"))

    # -- remove in use ------------------------------------------------------------
    for force in (False, True):
        try:
            client.volumes.get(PFX + "-named").remove(force=force)
            show("remove in use", force, "removed")
        except APIError as e:
            show("remove in use", force, type(e).__name__, e.status_code, e.is_client_error(),
                 "in use" in e.explanation, isinstance(e, docker.errors.NotFound))
    try:
        client.api.remove_volume(PFX + "-missing")
    except NotFound as e:
        show("remove missing", type(e).__name__, e.status_code)
    # (remove_volume(force=True) of a missing volume differs on purpose: docker-py drops `force`,
    # see docs/migrating-from-docker-py.md)

    # -- done with containers: prune ------------------------------------------
    for c in containers:
        c.remove(force=True, v=True)
    containers = []
    pr = client.volumes.prune(filters={"label": "pu01=" + tag})
    show("prune", sorted(pr), type(pr["VolumesDeleted"]).__name__, type(pr["SpaceReclaimed"]).__name__,
         sorted("<anon>" if n == anon.name else n.replace(PFX, "P") for n in pr["VolumesDeleted"] or []))
    pr = client.volumes.prune(filters={"label": "pu01=" + tag})
    show("prune again", pr)
    for v in volumes:
        try:
            v.reload()
            show("survived", v.name.replace(PFX, "P"))
        except NotFound as e:
            pass
    volumes = [v for v in volumes if v.name in {x.name for x in client.volumes.list(filters={"label": "pu01=" + tag})}]
finally:
    for c in containers:
        try:
            c.remove(force=True, v=True)
        except NotFound:
            pass
    for c in client.containers.list(all=True, filters={"label": "pu01=" + tag}):
        c.remove(force=True, v=True)
    try:
        cl = client.containers.run(IMAGE, ["rm", "-rf", "/h/" + PFX], labels=LABELS, remove=True,
                                   mounts=[Mount("/h", "/tmp", type="bind")])
    except APIError:
        pass
    for v in client.volumes.list(filters={"label": "pu01=" + tag}) + client.volumes.list(filters={"name": PFX}):
        try:
            v.remove(force=True)
        except NotFound:
            pass
    for v in volumes:
        try:
            v.remove(force=True)
        except NotFound:
            pass
show("left", len(client.containers.list(all=True, filters={"label": "pu01=" + tag})),
     len(client.volumes.list(filters={"label": "pu01=" + tag})),
     len(client.volumes.list(filters={"name": PFX})))
client.close()
