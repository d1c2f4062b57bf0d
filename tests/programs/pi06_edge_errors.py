"""Edge cases programs hit in the image/volume area and how they handle
them: odd build kwargs, a Dockerfile outside the context, gzip contexts,
push/pull/load failures, registry-data errors, volume errors."""
import io
import os
import shutil
import tarfile
import tempfile
import uuid

import docker
from docker.errors import (APIError, BuildError, DockerException, ImageLoadError,
                           ImageNotFound, NotFound)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
REGISTRY = os.environ.get("CLIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
client = docker.from_env()
api = client.api
sfx = uuid.uuid4().hex[:8]
cleanup_images = []
tmp = tempfile.mkdtemp()


def show(label, fn):
    try:
        r = fn()
        print(label, "ok", type(r).__name__)
        return r
    except (ImageNotFound, NotFound) as e:
        print(label, type(e).__name__, e.status_code)
    except BuildError as e:
        print(label, "BuildError", e.msg.strip()[:60])
    except ImageLoadError as e:
        print(label, "ImageLoadError")
    except APIError as e:
        print(label, "APIError", e.status_code, e.is_client_error())
    except (TypeError, ValueError) as e:
        print(label, "builtin TypeError", isinstance(e, TypeError))
    except DockerException as e:
        print(label, "DockerException")


try:
    ctx = os.path.join(tmp, "ctx")
    os.makedirs(ctx)
    with open(os.path.join(ctx, "data.txt"), "w") as f:
        f.write("ctx-data\n")
    outside = os.path.join(tmp, "Dockerfile.outside")
    with open(outside, "w") as f:
        f.write(f"FROM {IMAGE}\nCOPY data.txt /data.txt\nLABEL clibdocker-test=1\n")
    tag = f"clibdocker-test/pi06-{sfx}:outside"
    img, _ = client.images.build(path=ctx, dockerfile=outside, tag=tag, rm=True,
                                 extra_hosts={"db.internal": "10.9.8.7"}, shmsize=64 * 1024 * 1024,
                                 container_limits={"memory": 256 * 1024 * 1024, "cpushares": 512},
                                 cache_from=[IMAGE])
    cleanup_images.append(tag)
    print("outside dockerfile", client.containers.run(tag, ["cat", "/data.txt"], remove=True))
    # relative dockerfile in a subdirectory
    os.makedirs(os.path.join(ctx, "docker"))
    with open(os.path.join(ctx, "docker", "Dockerfile.dev"), "w") as f:
        f.write(f"FROM {IMAGE}\nCOPY data.txt /d2\nRUN grep -q db.internal /etc/hosts || true\nLABEL clibdocker-test=1\n")
    img2, _ = client.images.build(path=ctx, dockerfile="docker/Dockerfile.dev", rm=True, tag=tag + "2")
    cleanup_images.append(tag + "2")
    print("subdir dockerfile", client.containers.run(img2.id, ["cat", "/d2"], remove=True))
    # gzip context low-level
    out = list(api.build(path=ctx, dockerfile="docker/Dockerfile.dev", gzip=True, rm=True, decode=True))
    print("gzip build", any("aux" in x for x in out), not any("error" in x for x in out))
    # buildargs with a non-string value
    show("int buildarg", lambda: client.images.build(
        fileobj=io.BytesIO(f"FROM {IMAGE}\nARG N\nRUN test \"$N\" = 3\n".encode()), buildargs={"N": 3}, rm=True)[0].id[:7])
    show("missing path", lambda: client.images.build(path=os.path.join(tmp, "nope"), rm=True))
    show("missing dockerfile", lambda: client.images.build(path=ctx, dockerfile="Nope.dockerfile", rm=True))
    show("bad instruction", lambda: client.images.build(fileobj=io.BytesIO(b"FROMM x\n"), rm=True))
    show("no args", lambda: client.images.build(rm=True))

    # push without credentials for the repository: error inside the stream
    plain = docker.DockerClient(base_url="unix:///var/run/docker.sock")
    ref = f"{REGISTRY}/clibdocker-test/pi06-{sfx}"
    client.images.get(IMAGE).tag(ref, "v1")
    cleanup_images.append(ref + ":v1")
    msgs = list(plain.images.push(ref, "v1", stream=True, decode=True,
                                  auth_config={"username": "clibdocker", "password": "wrong"}))
    err = [m for m in msgs if "error" in m]
    print("push bad creds", len(err) == 1, "errorDetail" in err[0] if err else None)
    # push of a tag that does not exist locally
    msgs = list(plain.images.push(ref, "nope", stream=True, decode=True,
                                  auth_config={"username": "clibdocker", "password": "clibdocker-secret"}))
    print("push missing tag", [sorted(m) for m in msgs][-1:], any("error" in m for m in msgs))
    s = plain.images.push(ref, "nope", auth_config={"username": "clibdocker", "password": "clibdocker-secret"})
    print("push missing str", type(s).__name__, '"error"' in s)
    # registry data for something not pushed
    show("registry data missing", lambda: plain.images.get_registry_data(
        ref + ":v1", auth_config={"username": "clibdocker", "password": "clibdocker-secret"}))
    show("registry data bad creds", lambda: plain.images.get_registry_data(
        ref + ":v1", auth_config={"username": "clibdocker", "password": "wrong"}))
    plain.close()

    # load garbage
    show("load garbage", lambda: client.images.load(b"this is not a tar"))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        ti = tarfile.TarInfo("foo.txt")
        ti.size = 3
        tf.addfile(ti, io.BytesIO(b"abc"))
    show("load tar without manifest", lambda: client.images.load(buf.getvalue()))
    low = show("low load garbage", lambda: list(api.load_image(b"garbage", quiet=True)))
    show("import garbage", lambda: api.import_image_from_data(b"garbage", repository=f"clibdocker-test/pi06-imp-{sfx}"))

    # image ops on missing things
    show("tag missing", lambda: api.tag("clibdocker-test/pi06-missing:v0", "clibdocker-test/pi06-x", "y"))
    show("history missing", lambda: api.history("clibdocker-test/pi06-missing:v0"))
    show("save missing", lambda: b"".join(api.get_image("clibdocker-test/pi06-missing:v0")))
    show("images bad filter", lambda: client.images.list(filters={"nonsense": "x"}))

    # volumes
    show("volume missing", lambda: client.volumes.get("clibdocker-test-pi06-missing-" + sfx))
    show("volume remove missing", lambda: api.remove_volume("clibdocker-test-pi06-missing-" + sfx))
    show("volume bad driver", lambda: client.volumes.create("clibdocker-test-pi06-drv-" + sfx, driver="nope-driver-" + sfx))
    show("volume bad name", lambda: client.volumes.create("bad/name"))
    show("volume list bad filter", lambda: client.volumes.list(filters={"nonsense": "x"}))
    v = client.volumes.create("clibdocker-test-pi06-" + sfx, labels={"clibdocker-test": "1"})
    print("dangling", v.name in [x.name for x in client.volumes.list(filters={"dangling": True})])
    v.remove()
    show("volume removed reload", v.reload)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
    for t in cleanup_images:
        try:
            client.images.remove(t, force=True)
        except ImageNotFound:
            pass
print("done")
