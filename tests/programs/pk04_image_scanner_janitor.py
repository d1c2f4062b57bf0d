"""An image scanner / janitor (the nightly job that inventories images, reads
their layers and labels, exports some and deletes the rest): list with every
filter it uses (reference globs, before/since, label and label!=, dangling
true/false, all), read the Image model (tags, labels, short_id, attrs,
history, repr), save by name, load multi-image archives, untag/remove with
noprune, prune by label, and the errors each step can raise."""
import io
import json
import os
import tarfile
import tempfile
import uuid

import docker
from docker.errors import APIError, ImageNotFound, InvalidArgument, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pk04-" + sfx
made = set()


def n(x):
    return x.replace(REPO, "R").replace(sfx, "S") if isinstance(x, str) else x


def tags(img):
    return sorted(n(t) for t in img.tags)


def build(df, tag=None, **kw):
    img, _ = client.images.build(fileobj=io.BytesIO(df.encode()), tag=tag, rm=True, **kw)
    if tag:
        made.add(tag)
    made.add(img.id)
    return img


try:
    a = build(f"FROM {IMAGE}\nLABEL clibdocker-test=1 tier=base pk04={sfx}\nRUN echo a > /a\n", REPO + ":a")
    b = build(f"FROM {REPO}:a\nLABEL tier=app\nRUN echo b > /b\nCMD [\"cat\", \"/b\"]\n", REPO + ":b")
    c = build(f"FROM {REPO}:b\nLABEL tier=app extra=yes\nENV X=1\n", REPO + ":c")
    print("built", tags(a), tags(b), tags(c))
    print("repr", n(repr(a)).startswith("<Image: 'R:a'"), repr(client.images.get(IMAGE)).startswith("<Image: "))
    print("short_id", a.short_id == a.id[:19], len(a.short_id), a.id.startswith("sha256:"))
    print("labels", [(k, n(v)) for k, v in sorted(b.labels.items())][:2], sorted(c.labels))
    base = client.images.get(IMAGE)
    print("base labels", base.labels, type(base.labels).__name__)
    print("attrs", sorted(k for k in c.attrs if k in ("Id", "Parent", "RepoTags", "RepoDigests", "Config",
                                                       "ContainerConfig", "RootFS", "Metadata", "GraphDriver")),
          c.attrs["RootFS"]["Type"], len(c.attrs["RootFS"]["Layers"]) >= len(a.attrs["RootFS"]["Layers"]))
    print("config", c.attrs["Config"]["Cmd"], [e for e in c.attrs["Config"]["Env"] if e.startswith("X=")])

    # inventory with filters
    def names(imgs):
        return sorted(t for i in imgs for t in tags(i))
    lab = f"pk04={sfx}"
    print("by label", names(client.images.list(filters={"label": lab})))
    print("label + value", names(client.images.list(filters={"label": [lab, "tier=app"]})))
    print("label extra", names(client.images.list(filters={"label": [lab, "extra"]})))
    print("reference glob", names(client.images.list(filters={"reference": REPO + ":[ab]"})))
    print("reference list", names(client.images.list(filters={"reference": [REPO + ":a", REPO + ":c"]})))
    print("name with tag", names(client.images.list(name=REPO + ":b")))
    print("name no match", client.images.list(name=REPO + ":zzz"))
    print("before", names(client.images.list(filters={"before": REPO + ":c", "label": lab})))
    print("since", names(client.images.list(filters={"since": REPO + ":a", "label": lab})))
    print("dangling false", names(client.images.list(filters={"dangling": False, "label": lab})))
    print("dangling true", names(client.images.list(filters={"dangling": True, "label": lab})))
    low = api.images(name=REPO, filters={"label": "tier=app"})
    print("low", sorted(n(t) for i in low for t in i["RepoTags"]), sorted(low[0])[:5])
    print("low quiet", len(api.images(name=REPO, quiet=True)), api.images(name=REPO + "-nothing", quiet=True))
    for kw in ({"quiet": True}, {"all": True}, {"name": REPO}):
        try:
            api.images(filters={"dangling": "maybe"}, **kw)
        except APIError as e:
            print("bad filter", sorted(kw), e.status_code, n(str(e)))
    ids_all = api.images(all=True, quiet=True)
    print("all >= top", len(ids_all) >= len(api.images(quiet=True)), c.id in ids_all)

    # history as scanners read it
    h = c.history()
    print("history", type(h).__name__, len(h) >= 3, sorted(h[0]), [n(t) for t in h[0]["Tags"] or []])
    print("history created by", any("LABEL" in x["CreatedBy"] or "ENV" in x["CreatedBy"] for x in h))
    print("low history", api.history(REPO + ":a")[0]["Id"] == a.id)

    # retag, force, untag
    print("tag", c.tag(REPO, "latest"), c.tag(REPO + "-mirror", "1", force=True))
    made.update({REPO + ":latest", REPO + "-mirror:1"})
    c.reload()
    print("tags now", tags(c))
    print("get by short", client.images.get(c.short_id).id == c.id, client.images.get(c.id[7:19]).id == c.id)
    # (not a one-character ID prefix: whether it names an image depends on
    # every other image on the engine at that moment)
    for ref in (REPO + ":nope", "sha256:" + "0" * 64, "clibdocker-test/pk04-missing", "g"):
        try:
            client.images.get(ref)
            print("get", n(ref), "found?")
        except ImageNotFound as e:
            print("get missing", type(e).__name__, e.status_code, isinstance(e, NotFound))
        except APIError as e:
            print("get error", type(e).__name__, e.status_code)

    # export two images into one archive and one by name
    with tempfile.TemporaryDirectory() as d:
        data = b"".join(api.get_image(REPO + ":a"))
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            print("export one", sorted(x for x in tf.getnames() if "/" not in x and x.endswith(".json"))[-1:])
        chunks = list(c.save(chunk_size=4096, named=REPO + ":latest"))
        print("save named str", all(len(x) <= 4096 for x in chunks[:-1]), len(chunks) > 1)
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tf:
            import json as _json
            man = _json.load(tf.extractfile("manifest.json"))
        print("manifest tags", [sorted(n(t) for t in m["RepoTags"] or []) for m in man])
        chunks = b"".join(c.save(named=True))
        with tarfile.open(fileobj=io.BytesIO(chunks)) as tf:
            man = _json.load(tf.extractfile("manifest.json"))
        print("named=True", [n(t) for m in man for t in m["RepoTags"] or []][:1])
        chunks = b"".join(c.save())
        with tarfile.open(fileobj=io.BytesIO(chunks)) as tf:
            man = _json.load(tf.extractfile("manifest.json"))
        print("unnamed", [m["RepoTags"] for m in man])
        try:
            c.save(named="some/other:tag")
        except InvalidArgument as e:
            print("save bad name", type(e).__name__, n(str(e)))
        # remove the tags then load the archive back; the id archive loads untagged
        client.images.remove(REPO + ":latest")
        loaded = client.images.load(chunks)
        print("load unnamed", [(type(i).__name__, i.id == c.id, tags(i)) for i in loaded])
        named = b"".join(a.save(named=True))
        loaded = client.images.load(io.BytesIO(named))
        print("load named", [tags(i) for i in loaded])
        low = list(api.load_image(named, quiet=False))
        print("low load", [sorted(x) for x in low][:1], any("Loaded image" in x.get("stream", "") for x in low))
        low = api.load_image(named, quiet=True)
        print("low load quiet", hasattr(low, "__next__"), [n(x.get("stream", "")).strip() for x in low])

    # rootfs imports (the janitor re-imports flattened exports)
    rootfs = io.BytesIO()
    with tarfile.open(fileobj=rootfs, mode="w") as tf:
        ti = tarfile.TarInfo("etc/flat")
        ti.size = 5
        tf.addfile(ti, io.BytesIO(b"flat\n"))
    out = api.import_image_from_data(rootfs.getvalue(), repository=REPO + "-flat", tag="1",
                                      changes=["LABEL clibdocker-test=1", "CMD [\"/bin/sh\"]"])
    made.add(REPO + "-flat:1")
    print("import", type(out).__name__, sorted(json.loads(out.strip().splitlines()[-1])))
    flat = client.images.get(REPO + "-flat:1")
    print("import attrs", flat.labels, flat.attrs["Config"]["Cmd"], len(flat.attrs["RootFS"]["Layers"]))
    for label, fn in [("import garbage", lambda: api.import_image_from_data(b"garbage", repository=REPO + "-bad", tag="x")),
                      ("import url", lambda: api.import_image_from_url("http://127.0.0.1:1/x.tar", repository=REPO + "-bad")),
                      ("import missing file", lambda: api.import_image_from_file("/nonexistent-pk04.tar", repository=REPO + "-bad"))]:
        try:
            fn()
            print(label, "ok?")
        except APIError as e:
            print(label, type(e).__name__, e.status_code, n(str(e))[:160] if "file" not in label else None)

    # untag and delete as the janitor does
    res = client.images.remove(REPO + "-mirror:1")
    print("untag", [{k: n(v) for k, v in x.items()} for x in res] if isinstance(res, list) else res)
    res = api.remove_image(REPO + ":c", noprune=True)
    print("remove noprune", [sorted(x) for x in res], [n(x.get("Untagged", "")) for x in res if "Untagged" in x])
    try:
        client.images.remove(a.id)
    except APIError as e:
        print("remove parent", type(e).__name__, e.status_code, e.is_client_error())
    try:
        client.images.remove(REPO + ":b", force=False, noprune=False)
        print("remove b ok")
    except APIError as e:
        print("remove b", e.status_code)
    pr = client.images.prune(filters={"label": f"pk04={sfx}", "dangling": False})
    print("prune non-dangling", sorted(pr), type(pr["ImagesDeleted"]).__name__,
          sorted(k for x in (pr["ImagesDeleted"] or []) for k in x))
    pr = client.images.prune(filters={"label": f"pk04={sfx}"})
    print("prune again", pr["ImagesDeleted"], pr["SpaceReclaimed"])
    pr = api.prune_images(filters={"label": lab, "label!": "tier=zzz", "dangling": True, "until": "1h"})
    print("prune label!", sorted(pr))
    print("left", names(client.images.list(filters={"label": lab})))
finally:
    for ref in sorted(made, key=lambda r: r.startswith("sha256:")):
        try:
            client.images.remove(ref, force=True)
        except (ImageNotFound, APIError):
            pass
    client.close()
print("done")
