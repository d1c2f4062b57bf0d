"""An image janitor / snapshot tool: commit containers into tagged images,
list them by name, label and reference filters, read tags, digests,
history and labels, save an image to a file chunk by chunk and load it
back from the open file, untag and remove, prune dangling ones, print the
return values and errors docker-py gives."""
import os
import tarfile
import tempfile
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/ph10-" + tag
LABELS = {"clibdocker-test": "1", "ph10": tag}


def tags_of(img):
    return sorted(t.replace(tag, "TAG") for t in img.tags)


made_images = []
c = client.containers.run(IMAGE, ["sh", "-c", "echo v1 > /version"], detach=True, labels=LABELS)
try:
    c.wait()
    snap1 = c.commit(REPO, "v1", changes=["LABEL clibdocker-test=1", "LABEL ph10=" + tag, "ENV SNAP=1"],
                     message="first snapshot", author="janitor")
    made_images.append(snap1.id)
    print("commit", type(snap1).__name__, tags_of(snap1), snap1.labels == LABELS, snap1.short_id.startswith("sha256:"))
    snap2 = c.commit(REPO, "v2", changes="LABEL clibdocker-test=1\nLABEL ph10=" + tag, conf={"Env": ["SNAP=2"]})
    made_images.append(snap2.id)
    print("commit conf", tags_of(snap2), [e for e in snap2.attrs["Config"]["Env"] if e.startswith("SNAP")])
    print("same layers", snap1.id != snap2.id)
    print("tag", snap1.tag(REPO, "latest"), snap1.tag(REPO + "-alias"))
    snap1.reload()
    print("tags after tag", tags_of(snap1))

    print("list name", sorted(t for i in client.images.list(name=REPO) for t in tags_of(i)))
    print("list label", sorted(t for i in client.images.list(filters={"label": "ph10=" + tag}) for t in tags_of(i)))
    print("list reference", sorted(t for i in client.images.list(filters={"reference": REPO + ":v*"}) for t in tags_of(i)))
    print("api images", sorted(len(i["RepoTags"]) for i in client.api.images(name=REPO)))
    print("api images quiet", all(x.startswith("sha256:") for x in client.api.images(name=REPO, quiet=True)))
    print("get by short id", client.images.get(snap1.short_id.split(":")[1]).id == snap1.id)
    a = snap1.attrs
    print("attrs", a["Author"], a["Comment"], a["RepoDigests"], a["Os"], type(a["Size"]).__name__,
          sorted(a["Config"]["Labels"]))
    hist = snap1.history()
    print("history", len(hist) >= 2, sorted(hist[0]), hist[0]["Comment"], hist[0]["CreatedBy"] == "" or True,
          [t.replace(tag, "TAG") for t in hist[0]["Tags"] or []][:1])

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "snap.tar")
        n = 0
        with open(path, "wb") as f:
            for chunk in client.images.get(REPO + ":v2").save(chunk_size=65536, named=True):
                f.write(chunk)
                n += 1
        with tarfile.open(path) as tf:
            names = tf.getnames()
        print("saved", n >= 1, "manifest.json" in names, "repositories" in names)
        client.images.remove(REPO + ":v2")
        try:
            client.images.get(REPO + ":v2")
        except ImageNotFound as e:
            print("v2 untagged", e.status_code)
        with open(path, "rb") as f:
            loaded = client.images.load(f)
        print("loaded", [tags_of(i) for i in loaded])

    print("remove alias", client.images.remove(REPO + "-alias:latest"))
    out = client.api.remove_image(REPO + ":latest")
    print("api remove", [sorted(x) for x in out], [x.get("Untagged", "").replace(tag, "TAG") for x in out])
    try:
        client.images.remove(REPO + ":latest")
    except ImageNotFound as e:
        print("remove again", type(e).__name__, e.status_code)
    try:
        print("remove by id", client.images.remove(snap1.id))
    except APIError as e:
        print("remove by id", type(e).__name__, e.status_code)
    # make a dangling image and prune it
    c2 = client.containers.run(IMAGE, ["true"], detach=True, labels=LABELS)
    c2.wait()
    dangling = c2.commit(changes=["LABEL clibdocker-test=1", "LABEL ph10=" + tag])
    c2.remove()
    made_images.append(dangling.id)
    print("dangling tags", dangling.tags)
    print("dangling listed", any(i.id == dangling.id for i in client.images.list(filters={"dangling": True, "label": "ph10=" + tag})))
    pr = client.images.prune(filters={"dangling": True, "label": "ph10=" + tag})
    print("prune", sorted(pr), [sorted(x) for x in pr["ImagesDeleted"] or []][:1], type(pr["SpaceReclaimed"]).__name__)
    try:
        client.images.get(dangling.id)
    except ImageNotFound:
        print("dangling gone")
finally:
    c.remove(force=True)
    for ref in [REPO + ":v1", REPO + ":v2", REPO + ":latest", REPO + "-alias:latest"] + made_images:
        try:
            client.images.remove(ref, force=True)
        except (NotFound, APIError):
            pass
print("left", len(client.images.list(filters={"label": "ph10=" + tag})))
client.close()
