"""A small ops CLI in the style found in many repositories: look objects up
by the names a user typed, print the error docker-py gives when they are
missing (print(e), e.explanation, e.response.json()['message'],
response.url), then an inventory of what it created (names, status, image
tags, mounts, networks) and a cleanup that reports what it removed."""
import os
import sys
import uuid

import docker
from docker.errors import APIError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph08": tag}
PREFIX = "clibdocker-test-ph08-" + tag


HIDE = []


def hide(text):
    for secret in HIDE:
        text = text.replace(secret, "ID")
    return text.replace(tag, "TAG")


def show_error(what, e):
    print("error:", what)
    print("  str:", hide(str(e)))
    print("  explanation:", hide(e.explanation))
    print("  status:", e.status_code, e.response.status_code, e.response.reason)
    print("  body:", hide(e.response.json()["message"]))
    print("  url:", hide(e.response.url or ""))


def lookup(kind, name):
    getter = {"container": client.containers.get, "image": client.images.get,
              "volume": client.volumes.get, "network": client.networks.get}[kind]
    try:
        obj = getter(name)
        print("found", kind, name.replace(tag, "TAG"))
        return obj
    except ImageNotFound as e:
        show_error("no image %s" % name.replace(tag, "TAG"), e)
    except NotFound as e:
        show_error("no %s %s" % (kind, name.replace(tag, "TAG")), e)
    return None


made = []
try:
    vol = client.volumes.create(PREFIX + "-data", labels=LABELS)
    made.append(vol)
    net = client.networks.create(PREFIX + "-net", labels=LABELS)
    made.append(net)
    web = client.containers.run(IMAGE, ["sleep", "60"], detach=True, name=PREFIX + "-web", labels=LABELS,
                                volumes={vol.name: {"bind": "/data", "mode": "rw"}}, network=net.name)
    made.insert(0, web)
    HIDE.append(web.id)
    job = client.containers.create(IMAGE, ["true"], name=PREFIX + "-job", labels=LABELS)
    made.insert(0, job)

    for kind, name in (("container", PREFIX + "-web"), ("container", PREFIX + "-missing"),
                       ("image", IMAGE), ("image", "clibdocker-test/ph08-missing-" + tag),
                       ("image", "clibdocker-test/ph08-missing-" + tag + ":v2"),
                       ("volume", PREFIX + "-data"), ("volume", PREFIX + "-missing"),
                       ("network", PREFIX + "-net"), ("network", PREFIX + "-missing")):
        lookup(kind, name)

    print("inventory:")
    for c in sorted(client.containers.list(all=True, filters={"label": "ph08=" + tag}), key=lambda c: c.name):
        mounts = [(m["Type"], m["Destination"]) for m in c.attrs["Mounts"]]
        nets = sorted(c.attrs["NetworkSettings"]["Networks"])
        print(" ", c.name.replace(tag, "TAG"), c.status, c.image.tags, mounts,
              [n.replace(tag, "TAG") for n in nets], c.labels["ph08"] == tag)
    for v in client.volumes.list(filters={"label": "ph08=" + tag}):
        print("  volume", v.name.replace(tag, "TAG"), v.attrs["Driver"], v.attrs["Labels"]["ph08"] == tag)
    for n in client.networks.list(filters={"label": "ph08=" + tag}):
        print("  network", n.name.replace(tag, "TAG"), n.attrs["Driver"],
              sorted(c.name.replace(tag, "TAG") for c in (n.reload() or n.containers)))

    # operations a user may get wrong
    for what, fn in (("start missing", lambda: client.api.start(PREFIX + "-missing")),
                     ("stop missing", lambda: client.api.stop(PREFIX + "-missing")),
                     ("remove network in use", lambda: net.remove()),
                     ("remove volume in use", lambda: vol.remove()),
                     ("exec in stopped", lambda: job.exec_run("true"))):
        try:
            fn()
            print(what, "ok")
        except APIError as e:
            print(what, type(e).__name__, e.status_code, e.is_client_error(), e.is_server_error())

    print("cleanup:")
    for obj in made:
        kind = type(obj).__name__
        name = obj.name
        try:
            if kind == "Container":
                obj.remove(force=True)
            else:
                obj.remove()
            print("  removed", kind, name.replace(tag, "TAG"))
        except APIError as e:
            print("  failed", kind, name.replace(tag, "TAG"), e.status_code)
    made = []
    try:
        web.reload()
    except NotFound as e:
        show_error("web after cleanup", e)
finally:
    for obj in made:
        try:
            obj.remove(force=True) if type(obj).__name__ in ("Container", "Volume") else obj.remove()
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "ph08=" + tag})),
      len(client.volumes.list(filters={"label": "ph08=" + tag})), len(client.networks.list(filters={"label": "ph08=" + tag})))
client.close()
sys.exit(0)
