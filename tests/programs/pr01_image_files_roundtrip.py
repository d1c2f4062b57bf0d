"""An image-file courier (the CI step that moves images between hosts as
files, snapshots containers into images and flattens them): save an image
by name to a file in fixed-size chunks, get_image to a second file, load
both back (from a path's open file, from bytes, from a generator of
chunks), the low-level load_image in its quiet / progress forms, export a
container and import the export (data, file path, open file, stream,
another image), commit a container with message/author/changes/conf, read
the history, tag and untag by removing a tag, and prune dangling images by
label."""
import io
import json
import os
import tarfile
import tempfile
import uuid

import docker
from docker.errors import APIError, DockerException, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
api = client.api
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pr01-" + sfx
LAB = {"clibdocker-test": "1", "pr01": sfx}
made_images = []
made_containers = []


def n(x):
    if isinstance(x, str):
        return x.replace(REPO, "R").replace(sfx, "S")
    if isinstance(x, (list, tuple)):
        return [n(y) for y in x]
    if isinstance(x, dict):
        return {k: n(v) for k, v in x.items()}
    return x


def tags(img):
    return sorted(n(t) for t in img.tags)


def manifest(data):
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        return json.load(tf.extractfile("manifest.json"))


def keep(img_or_id):
    made_images.append(img_or_id if isinstance(img_or_id, str) else img_or_id.id)


def last_json(text):
    """import_image*'s answer: the engine's progress lines as one str"""
    lines = [json.loads(x) for x in text.strip().splitlines() if x.strip()]
    return lines[-1]


try:
    # a container with a file in it, to snapshot and export
    c = client.containers.run(IMAGE, ["sh", "-c", "echo payload > /data.txt && mkdir -p /srv && echo x > /srv/x"],
                              detach=True, labels=LAB)
    made_containers.append(c)
    print("wait", c.wait()["StatusCode"])

    # commit with everything docker commit takes
    snap = c.commit(REPO, "snap", message="snapshot " + sfx, author="courier <c@example.com>",
                    changes=["LABEL clibdocker-test=1", "LABEL pr01=" + sfx, "ENV STAGE=snap",
                             "CMD [\"cat\", \"/data.txt\"]", "WORKDIR /srv"])
    keep(snap)
    print("commit", type(snap).__name__, tags(snap), snap.id.startswith("sha256:"))
    print("commit attrs", n(snap.attrs["Comment"]), snap.attrs["Author"], snap.attrs["Config"]["Cmd"],
          snap.attrs["Config"]["WorkingDir"], [e for e in snap.attrs["Config"]["Env"] if e.startswith("STAGE")])
    print("commit labels", n(snap.labels))
    # changes as one string, and a conf dict through the low level
    low = api.commit(c.id, repository=REPO, tag="conf", message="low", pause=False,
                     changes="ENV LOW=1", conf={"Labels": {"clibdocker-test": "1", "pr01": sfx, "via": "conf"},
                                                "Cmd": ["true"]})
    keep(low["Id"])
    print("low commit", sorted(low), low["Id"].startswith("sha256:"))
    lc = client.images.get(REPO + ":conf")
    print("low commit attrs", lc.attrs["Config"]["Cmd"], lc.labels.get("via"),
          [e for e in lc.attrs["Config"]["Env"] if e.startswith("LOW")], lc.attrs["Comment"])
    nc = c.commit()
    keep(nc)
    print("commit untagged", nc.tags, nc.attrs["RepoTags"], nc.short_id == nc.id[:19])

    # history: the top entry is the commit
    h = snap.history()
    print("history", type(h).__name__, sorted(h[0]), n(h[0]["Comment"]), n(h[0]["Tags"]),
          len(h) == len(client.images.get(IMAGE).history()) + 1)
    print("low history", [n(x["Tags"]) for x in api.history(REPO + ":conf")][:1])

    # tag / untag
    print("tag", snap.tag(REPO, "v1"), snap.tag(REPO + "-mirror"), snap.tag(REPO, tag="v2", force=True))
    made_images.extend([REPO + ":v1", REPO + "-mirror:latest", REPO + ":v2"])
    snap.reload()
    print("tags", tags(snap))
    res = api.remove_image(REPO + "-mirror")
    print("untag low", type(res).__name__, n(res))
    res = client.images.remove(REPO + ":v2")
    print("untag model", n(res))
    snap.reload()
    print("tags after", tags(snap))
    try:
        client.images.remove(REPO + ":v2")
    except ImageNotFound as e:
        print("untag twice", type(e).__name__, e.status_code)

    with tempfile.TemporaryDirectory() as d:
        # save by name into a file, chunk by chunk
        path = os.path.join(d, "snap.tar")
        sizes = []
        with open(path, "wb") as f:
            for chunk in snap.save(chunk_size=64 * 1024, named=True):
                sizes.append(len(chunk))
                f.write(chunk)
        print("saved", len(sizes) >= 1, all(s <= 64 * 1024 for s in sizes), sum(sizes) == os.path.getsize(path))
        with open(path, "rb") as f:
            man = manifest(f.read())
        print("saved manifest", len(man), [n(m["RepoTags"]) for m in man])
        saved_v1 = b"".join(snap.save(named=REPO + ":v1"))
        print("named tag", [n(m["RepoTags"]) for m in manifest(saved_v1)])

        # the low-level get_image with its own chunk size, of two names at once? (one name)
        path2 = os.path.join(d, "low.tar")
        stream = api.get_image(REPO + ":conf", chunk_size=8192)
        count = 0
        with open(path2, "wb") as f:
            for chunk in stream:
                count += 1
                assert isinstance(chunk, bytes)
                f.write(chunk)
        print("get_image", count > 1, [n(m["RepoTags"]) for m in manifest(open(path2, "rb").read())])
        by_id = b"".join(api.get_image(snap.id))
        print("get_image by id", [m["RepoTags"] for m in manifest(by_id)])

        # drop the tags, then load the files back
        for t in (REPO + ":snap", REPO + ":v1"):
            client.images.remove(t)
        try:
            snap.reload()
            print("snap still there", tags(snap))
        except ImageNotFound:
            print("snap gone")
        with open(path, "rb") as f:
            loaded = client.images.load(f)
        print("load file", [(type(i).__name__, tags(i), i.id == snap.id) for i in loaded])
        loaded = client.images.load(saved_v1)
        print("load bytes", [tags(i) for i in loaded])
        loaded = client.images.load(by_id)
        print("load by id", [(tags(i), i.id == snap.id) for i in loaded])

        def gen(p):
            with open(p, "rb") as f:
                while True:
                    b = f.read(10000)
                    if not b:
                        return
                    yield b
        loaded = client.images.load(gen(path2))
        print("load generator", [tags(i) for i in loaded])

        # low level load: progress forms
        out = api.load_image(open(path, "rb").read())
        print("load_image default", type(out).__name__ != "list", hasattr(out, "__iter__"))
        items = list(out)
        print("load_image items", [sorted(x) for x in items],
              [n(x["stream"]).strip() for x in items if "stream" in x])
        out = api.load_image(open(path, "rb").read(), quiet=True)
        print("load_image quiet", [n(x.get("stream", "")).strip() for x in out])
        out = list(api.load_image(saved_v1, quiet=False))
        print("load_image progress", all(isinstance(x, dict) for x in out),
              [n(x["stream"]).strip() for x in out if "stream" in x][-1:])
        bad = list(api.load_image(b"this is not a tar"))
        print("load_image bad", [sorted(x) for x in bad][:1], bool(bad and "error" in bad[-1]))
        try:
            client.images.load(b"this is not a tar")
            print("load bad ok?")
        except DockerException as e:
            print("load bad", type(e).__name__)

        # export the container and import it back, every way
        chunks = list(c.export(chunk_size=16 * 1024))
        data = b"".join(chunks)
        print("export", all(isinstance(x, bytes) for x in chunks), all(len(x) <= 16 * 1024 for x in chunks))
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            names = tf.getnames()
        print("export has", "data.txt" in names, "srv/x" in names, "bin/sh" in names)
        low_chunks = list(api.export(c.id, chunk_size=None))
        print("low export", sum(len(x) for x in low_chunks) == len(data))

        out = api.import_image_from_data(data, repository=REPO + "-flat", tag="data",
                                          changes=["LABEL clibdocker-test=1", "LABEL pr01=" + sfx])
        made_images.append(REPO + "-flat:data")
        print("import data", type(out).__name__, sorted(last_json(out)))
        xpath = os.path.join(d, "export.tar")
        with open(xpath, "wb") as f:
            for chunk in c.export():
                f.write(chunk)
        out = api.import_image_from_file(xpath, repository=REPO + "-flat", tag="file",
                                          changes=["LABEL clibdocker-test=1"])
        made_images.append(REPO + "-flat:file")
        print("import file", type(out).__name__, sorted(last_json(out)))
        out = api.import_image(src=xpath, repository=REPO + "-flat", tag="path")
        made_images.append(REPO + "-flat:path")
        print("import path", sorted(last_json(out)))
        with open(xpath, "rb") as f:
            out = api.import_image(src=f, repository=REPO + "-flat", tag="fileobj",
                                   changes=["LABEL clibdocker-test=1", "ENV FLAT=1"])
        made_images.append(REPO + "-flat:fileobj")
        print("import fileobj", sorted(last_json(out)))
        def file_chunks(p):
            with open(p, "rb") as f:
                for b in iter(lambda: f.read(32 * 1024), b""):
                    yield b
        out = api.import_image_from_stream(file_chunks(xpath), repository=REPO + "-flat", tag="stream",
                                           changes=["LABEL clibdocker-test=1"])
        made_images.append(REPO + "-flat:stream")
        print("import stream", sorted(last_json(out)))
        out = api.import_image_from_stream(iter(chunks), repository=REPO + "-flat", tag="gen")
        made_images.append(REPO + "-flat:gen")
        print("import generator", sorted(last_json(out)))
        try:
            api.import_image(repository=REPO + "-none")
        except DockerException as e:
            print("import nothing", type(e).__name__, str(e))
        try:
            api.import_image_from_file(os.path.join(d, "missing.tar"), repository=REPO + "-none")
        except (OSError, DockerException) as e:
            print("import missing file", isinstance(e, OSError))

        for t in ("data", "file", "path", "fileobj", "stream", "gen"):
            img = client.images.get(REPO + "-flat:" + t)
            keep(img)
            print("flat", t, len(img.attrs["RootFS"]["Layers"]), img.labels.get("clibdocker-test"),
                  img.attrs["Config"].get("Env") if img.attrs.get("Config") else None,
                  len(img.history()), img.history()[0]["CreatedBy"][:10] == "")
        print("same layer", len({client.images.get(REPO + "-flat:" + t).attrs["RootFS"]["Layers"][0]
                                 for t in ("data", "file", "path", "fileobj", "stream", "gen")}))
        # a flattened image runs
        out = client.containers.run(REPO + "-flat:data", ["cat", "/data.txt"], remove=True, labels=LAB)
        print("flat runs", out)

    # dangling images: the old target of a moved tag
    old = client.images.get(REPO + "-flat:data")
    moved = c.commit(REPO + "-flat", "data", changes=["LABEL clibdocker-test=1", "LABEL pr01=" + sfx,
                                                      "LABEL moved=1"])
    keep(moved)
    old.reload()
    print("old after move", old.tags, old.id != moved.id)
    dang = client.images.list(filters={"dangling": True, "label": "pr01=" + sfx})
    print("dangling", sorted((i.id == old.id, i.id == nc.id, i.tags) for i in dang))
    pr = client.images.prune(filters={"dangling": True, "label": "pr01=" + sfx})
    print("prune", sorted(pr), type(pr["ImagesDeleted"]).__name__,
          sorted({k for x in pr["ImagesDeleted"] or [] for k in x}),
          any(x.get("Deleted") == old.id for x in pr["ImagesDeleted"] or []),
          type(pr["SpaceReclaimed"]).__name__)
    pr = client.images.prune(filters={"dangling": True, "label": "pr01=" + sfx})
    print("prune again", pr["ImagesDeleted"], pr["SpaceReclaimed"])
    pr = api.prune_images(filters={"dangling": False, "label": ["pr01=" + sfx, "moved=1"]})
    print("prune non-dangling", sorted(pr), pr["ImagesDeleted"] is None or len(pr["ImagesDeleted"]) >= 0)
finally:
    for x in made_containers:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    refs = list(reversed(made_images))
    for ref in refs:
        try:
            client.images.remove(ref, force=True)
        except (ImageNotFound, APIError):
            pass
    left = client.images.list(filters={"label": "pr01=" + sfx})
    print("left", len(left))
    client.close()
print("done")
