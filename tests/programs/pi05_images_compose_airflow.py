"""compose-v1 and Airflow DockerOperator style image bookkeeping: Image
attributes, tag/untag, list filters, remove (force/noprune, conflicts),
prune with filters, low-level images()/inspect/get_image, Airflow's
pull-with-progress loop, missing image errors."""
import io
import os
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
client = docker.from_env()
api = client.api
sfx = uuid.uuid4().hex[:8]
project = "pi05" + sfx
repo = f"clibdocker-test/{project}_web"
to_remove = []
containers = []
kept_layers = []


def build(dockerfile, **kw):
    img, _ = client.images.build(fileobj=io.BytesIO(dockerfile.encode()), rm=True, **kw)
    return img


try:
    # compose-v1 labels its images and containers by project
    labels = {"com.docker.compose.project": project, "clibdocker-test": "1"}
    web = build(f"FROM {IMAGE}\nRUN echo web > /web\n", tag=repo, labels=labels)
    to_remove.append(repo + ":latest")
    print("Image", repr(web).startswith("<Image: '"), web.tags == [repo + ":latest"])
    print("id", web.id.startswith("sha256:"), len(web.short_id), web.short_id == web.id[:17])
    print("attrs", sorted(k for k in web.attrs if k in ("Id", "RepoTags", "RepoDigests", "Config", "Created", "Size", "Os", "Architecture")))
    print("labels", sorted(web.labels.items()) == sorted(labels.items()))
    print("equal", web == client.images.get(web.id), hash(web) == hash(client.images.get(repo)))

    # tag/untag
    print("tag", web.tag(repo, tag="1.0"), web.tag(f"{REGISTRY}/{repo}", "1.0"))
    to_remove += [repo + ":1.0", f"{REGISTRY}/{repo}:1.0"]
    web.reload()
    print("tags", sorted(t.replace(repo, "R").replace(REGISTRY, "REG") for t in web.tags))
    untag = client.images.remove(f"{REGISTRY}/{repo}:1.0")
    print("untag", untag)
    web.reload()
    print("tags after", sorted(t.replace(repo, "R") for t in web.tags))

    # list filters
    by_label = client.images.list(filters={"label": f"com.docker.compose.project={project}"})
    print("list label", [i.id == web.id for i in by_label])
    print("list name", len(client.images.list(name=repo)), len(client.images.list(repo)))
    print("list reference", [sorted(i.tags) == sorted([repo + ":1.0", repo + ":latest"])
                             for i in client.images.list(filters={"reference": repo + ":*"})])
    print("list dangling type", type(client.images.list(filters={"dangling": True})).__name__)
    low = api.images(name=repo)
    print("low images", sorted(low[0])[:6], sorted(low[0]["RepoTags"]) == sorted([repo + ":1.0", repo + ":latest"]))
    print("low quiet", api.images(name=repo, quiet=True) == [web.id])
    ins = api.inspect_image(repo + ":1.0")
    print("low inspect", ins["Id"] == web.id, ins["Config"]["Labels"]["com.docker.compose.project"] == project)

    # a rebuild moves the tag; the old image becomes dangling (compose "build" then "up")
    web2 = build(f"FROM {IMAGE}\nRUN echo web2 > /web\n", tag=repo, labels=labels)
    # its build's intermediate images (noprune below keeps them): removed at the end
    base_id = client.images.get(IMAGE).id
    parent = api.inspect_image(web2.id).get("Parent")
    while parent and parent != base_id:
        kept_layers.append(parent)
        parent = api.inspect_image(parent).get("Parent")
    web.reload()
    print("moved", web2.id != web.id, sorted(t.replace(repo, "R") for t in web.tags))
    client.images.remove(repo + ":1.0")
    try:
        web.reload()
        print("old image still there")
    except ImageNotFound as e:
        print("old image gone", e.status_code)

    # an image used by a container: 409 without force
    c = client.containers.create(repo, ["true"], labels=labels, name=f"{project}_web_1")
    containers.append(c)
    try:
        client.images.remove(web2.id)
    except APIError as e:
        print("conflict", e.status_code, "conflict" in str(e).lower() or "being used" in str(e))
    c.remove()
    containers.remove(c)
    res = client.images.remove(repo, noprune=True)
    print("remove noprune", type(res).__name__, [sorted(x) for x in res] if isinstance(res, list) else res)
    client.images.remove(web2.id, force=True) if any(i.id == web2.id for i in client.images.list(all=True)) else None
    to_remove.remove(repo + ":latest")

    # prune dangling with label filter: only ours
    build(f"FROM {IMAGE}\nLABEL clibdocker-test-pi05={sfx}\nRUN echo x > /x\n")
    pr = client.images.prune(filters={"dangling": True, "label": f"clibdocker-test-pi05={sfx}"})
    print("prune", sorted(pr), len(pr["ImagesDeleted"] or []) >= 1, type(pr["SpaceReclaimed"]).__name__)
    pr2 = client.images.prune(filters={"dangling": True, "label": f"clibdocker-test-pi05=none-{sfx}"})
    print("prune none", pr2)

    # Airflow DockerOperator: pull with a progress loop (an image on the local registry)
    ref = f"{REGISTRY}/clibdocker-test/pi05-{sfx}"
    client.images.get(IMAGE).tag(ref, "v1")
    to_remove.append(ref + ":v1")
    client.login("clibdocker", "clibdocker-secret", registry=REGISTRY)
    client.images.push(ref, "v1")
    statuses = []
    for output in api.pull(ref, tag="v1", stream=True, decode=True):
        if isinstance(output, dict) and "status" in output:
            statuses.append(output["status"])
    print("airflow pull", statuses[-1].replace(ref, "REF"))
    client.images.remove(ref + ":v1")
    for output in api.pull(ref, tag="v1", stream=True, decode=True):
        if isinstance(output, dict) and "status" in output:
            last = output["status"]
    print("airflow pull again", last.replace(ref, "REF"))

    # missing images
    for fn, arg in [(client.images.get, "clibdocker-test/pi05-missing:v0"),
                    (client.images.remove, "clibdocker-test/pi05-missing:v0"),
                    (api.inspect_image, "clibdocker-test/pi05-missing:v0"),
                    (api.remove_image, "clibdocker-test/pi05-missing:v0")]:
        try:
            fn(arg)
        except ImageNotFound as e:
            print("missing", fn.__name__, "ImageNotFound", e.status_code, isinstance(e, NotFound))
        except NotFound as e:
            print("missing", fn.__name__, "NotFound", e.status_code)
    try:
        client.images.pull(f"{REGISTRY}/clibdocker-test/pi05-missing", tag="v0")
    except ImageNotFound as e:
        print("pull missing ImageNotFound", e.status_code)
    except APIError as e:
        print("pull missing", type(e).__name__, e.status_code)
    # get_image (low-level save) streams bytes
    data = api.get_image(IMAGE)
    first = next(iter(data))
    print("get_image", type(first).__name__, len(first) > 0)
finally:
    for c in containers:
        c.remove(force=True)
    for layer in kept_layers:
        try:
            client.images.remove(layer, force=True)
        except APIError:
            pass
    for t in to_remove:
        try:
            client.images.remove(t, force=True)
        except ImageNotFound:
            pass
print("done")
