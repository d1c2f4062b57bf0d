"""A fleet inventory / sync tool that talks to two engines (an older and a
newer one): builds the same image on both, moves an image between them with
save/load, lists and prunes images and volumes on each (the newer API prunes
only anonymous volumes unless all=true), compares info/version/df and the
shapes each engine's answers have, and clones volumes' labels across."""
import io
import os
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
ENGINE2 = os.environ.get("CLIBDOCKER_TEST_ENGINE2", "unix:///run/clibdocker-engine2/docker.sock")
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pk08-" + sfx
LAB = {"clibdocker-test": "1", "pk08": sfx}
old = docker.DockerClient(base_url="unix:///var/run/docker.sock", version="auto")
new = docker.DockerClient(base_url=ENGINE2, version="auto", timeout=90)
engines = {"old": old, "new": new}
made = {"old": set(), "new": set()}
vols = {"old": [], "new": []}


def n(x):
    return x.replace(REPO, "R").replace(sfx, "S") if isinstance(x, str) else x


try:
    for name, c in engines.items():
        v = c.version()
        print(name, "api>=1.41", c.api.api_version >= "1.41", sorted(k for k in v if k in ("ApiVersion", "MinAPIVersion")))
        info = c.info()
        print(name, "info", type(info.get("Containers")).__name__, type(info.get("Images")).__name__,
              "Swarm" in info, type(info["Plugins"]["Volume"]).__name__)
        df = c.df()
        print(name, "df", sorted(k for k in df if k != "BuilderSize"), type(df["BuildCache"]).__name__)

    # the same build on both engines
    df_text = f"FROM {IMAGE}\nLABEL clibdocker-test=1 pk08={sfx}\nRUN echo {sfx} > /id\nCMD [\"cat\", \"/id\"]\n"
    for name, c in engines.items():
        img, logs = c.images.build(fileobj=io.BytesIO(df_text.encode()), tag=REPO + ":b", rm=True)
        made[name].add(REPO + ":b")
        logs = list(logs)
        print(name, "build", [n(t) for t in img.tags], sorted(set(k for x in logs for k in x)),
              n(c.containers.run(img.id, remove=True).decode().strip()))
        print(name, "image attrs", sorted(k for k in img.attrs if k in ("Id", "RepoTags", "Config", "Os", "RootFS",
                                                                         "Architecture", "Size")),
              img.labels == LAB, img.attrs["Os"])
        h = img.history()
        print(name, "history", sorted(h[0]), [n(t) for t in h[0]["Tags"] or []])
        lst = c.images.list(filters={"label": "pk08=" + sfx})
        print(name, "list", [sorted(n(t) for t in i.tags) for i in lst])
        low = c.api.images(filters={"label": "pk08=" + sfx})
        print(name, "low list", sorted(k for k in low[0] if k in ("Id", "RepoTags", "Labels", "Size", "Created",
                                                                   "ParentId", "RepoDigests")),
              type(low[0]["Containers"]).__name__)

    # move an image from the old engine to the new one
    old_img = old.images.get(REPO + ":b")
    old_img.tag(REPO, "moved")
    made["old"].add(REPO + ":moved")
    data = b"".join(old.images.get(REPO + ":moved").save(named=REPO + ":moved"))
    loaded = new.images.load(data)
    made["new"].add(REPO + ":moved")
    print("moved", [sorted(n(t) for t in i.tags) for i in loaded],
          new.images.get(REPO + ":moved").id == old_img.id)
    print("run moved", n(new.containers.run(REPO + ":moved", remove=True).decode().strip()))

    # untag / remove on both
    for name, c in engines.items():
        r = c.api.remove_image(REPO + ":moved")
        print(name, "remove moved", [sorted(x) for x in r], [n(x.get("Untagged", "")) for x in r])
        made[name].discard(REPO + ":moved")
        try:
            c.images.get(REPO + ":moved")
        except ImageNotFound as e:
            print(name, "gone", type(e).__name__, e.status_code)
        try:
            c.images.remove(REPO + ":nothing")
        except ImageNotFound as e:
            print(name, "remove missing", type(e).__name__, e.status_code, isinstance(e, NotFound))

    # volumes: named and anonymous, prune with and without all
    for name, c in engines.items():
        named = c.volumes.create(f"clibdocker-test-pk08-{sfx}-{name}", labels=LAB)
        anon = c.volumes.create(labels=LAB)
        vols[name] += [named, anon]
        print(name, "volumes", sorted(k for k in named.attrs if k not in ("CreatedAt",)), len(anon.name) == 64)
        lv = c.volumes.list(filters={"label": "pk08=" + sfx})
        print(name, "volume list", len(lv), sorted(n(v.name) for v in lv if len(v.name) != 64))
        pr = c.volumes.prune(filters={"label": "pk08=" + sfx})
        deleted = pr["VolumesDeleted"] or []
        print(name, "prune default", sorted("anon" if len(x) == 64 else n(x) for x in deleted))
        try:
            pr = c.volumes.prune(filters={"label": "pk08=" + sfx, "all": "true"})
            print(name, "prune all", sorted("anon" if len(x) == 64 else n(x) for x in pr["VolumesDeleted"] or []))
        except APIError as e:
            print(name, "prune all", type(e).__name__, e.status_code)
        left = c.volumes.list(filters={"label": "pk08=" + sfx})
        print(name, "left", sorted(n(v.name) for v in left))
        for v in left:
            v.remove()
        try:
            named.reload()
        except NotFound as e:
            print(name, "volume gone", e.status_code)

    # image prune, version-dependent filters
    for name, c in engines.items():
        img, _ = c.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nLABEL clibdocker-test=1 pk08={sfx}\nRUN echo d > /d\n".encode()), rm=True)
        made[name].add(img.id)
        pr = c.images.prune(filters={"dangling": True, "label": "pk08=" + sfx})
        print(name, "image prune", sorted(pr), len(pr["ImagesDeleted"] or []) >= 1)
        pr = c.images.prune(filters={"dangling": False, "label": "pk08=" + sfx, "until": "10m"})
        print(name, "prune until", sorted(pr), pr["ImagesDeleted"])
finally:
    for name, c in engines.items():
        for ref in sorted(made[name]):
            try:
                c.images.remove(ref, force=True)
            except (ImageNotFound, APIError):
                pass
        for v in vols[name]:
            try:
                v.remove(force=True)
            except (NotFound, APIError):
                pass
        c.close()
print("done")
