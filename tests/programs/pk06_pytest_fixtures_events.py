"""pytest-docker / testcontainers-style fixtures written as plain generator
functions (the program drives them as pytest would): a session client that
checks the engine (ping, version, info, df), an image fixture that builds
from a directory and tears down, and an event recorder that watches image
and volume events with since/until bounds, filters and decode on/off, the
way test suites assert on what happened."""
import contextlib
import datetime
import io
import json
import os
import shutil
import tempfile
import threading
import time
import uuid

import docker
from docker.errors import APIError, DockerException, ImageNotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pk06-" + sfx


def n(x):
    return x.replace(REPO, "R").replace(sfx, "S") if isinstance(x, str) else x


def docker_client():
    client = docker.from_env(timeout=60)
    try:
        client.ping()
    except DockerException as e:  # pragma: no cover - the fixture would skip
        raise RuntimeError(f"Docker is not available: {e}")
    yield client
    client.close()


def built_image(client, tmp_path):
    ctx = os.path.join(tmp_path, "ctx")
    os.makedirs(ctx)
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write(f"FROM {IMAGE}\nARG MSG\nRUN echo $MSG > /msg\nLABEL clibdocker-test=1 pk06={sfx}\n")
    img, logs = client.images.build(path=ctx, tag=REPO + ":fixture", buildargs={"MSG": "fixture"}, rm=True)
    yield img
    with contextlib.suppress(ImageNotFound):
        client.images.remove(REPO + ":fixture", force=True)


@contextlib.contextmanager
def fixture(gen):
    value = next(gen)
    try:
        yield value
    finally:
        with contextlib.suppress(StopIteration):
            next(gen)


tmp = tempfile.mkdtemp()
with fixture(docker_client()) as client:
    api = client.api
    # session checks a conftest makes
    print("ping", client.ping(), api.ping())
    v = client.version()
    print("version", sorted(k for k in v if k in ("Version", "ApiVersion", "MinAPIVersion", "Os", "Arch",
                                                 "KernelVersion", "Platform", "Components")),
          type(v["Components"]).__name__, sorted(c["Name"] for c in v["Components"])[:1])
    info = client.info()
    print("info", all(k in info for k in ("ID", "Name", "ServerVersion", "Driver", "Plugins", "Registry"
                                          if "Registry" in info else "RegistryConfig", "OSType", "NCPU", "MemTotal")),
          info["OSType"], type(info["Plugins"]).__name__, sorted(info["Plugins"])[:3])
    print("registry config", sorted(info["RegistryConfig"])[:3],
          "127.0.0.0/8" in json.dumps(info["RegistryConfig"]))
    df = client.df()
    print("df", sorted(df), type(df["Images"]).__name__, type(df["LayersSize"]).__name__)
    ldf = api.df()
    print("low df same keys", sorted(ldf) == sorted(df))
    print("api version", api.api_version == v["ApiVersion"] or api.api_version < v["ApiVersion"])

    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    since_ts = int(time.time()) - 1
    with fixture(built_image(client, tmp)) as img:
        print("fixture image", [n(t) for t in img.tags], n(img.labels.get("pk06")))
        out = client.containers.run(img.id, ["cat", "/msg"], remove=True)
        print("run", out)
        # a live recorder thread, stopped by closing the stream
        live = client.events(decode=True, filters={"type": "image", "image": REPO})
        seen = []

        def record():
            for ev in live:
                seen.append((ev["Type"], ev["Action"], n(ev.get("id", ev["Actor"]["ID"]))))
                if ev["Action"] == "untag":
                    break
        t = threading.Thread(target=record, daemon=True)
        t.start()
        time.sleep(0.5)
        img.tag(REPO, "extra")
        client.images.remove(REPO + ":extra")
        t.join(20)
        live.close()
        print("live events", [(a, b) for a, b, _ in seen])
        # save/load also make events
        blob = b"".join(img.save(named=REPO + ":fixture"))
        client.images.load(blob)
    time.sleep(1.1)
    until = datetime.datetime.now(datetime.timezone.utc)
    evs = list(client.events(since=since, until=until, decode=True,
                             filters={"type": "image", "label": f"pk06={sfx}"}))
    # (the engine keeps its last 256 events for since=: on a busy engine some
    # may be gone already, so the recorder checks what it got, not the count)
    print("bounded image events", set(e["Action"] for e in evs) <= {"load", "save", "tag", "untag"})
    print("event keys", sorted(evs[0]) if evs else None, sorted(evs[0]["Actor"]) if evs else None)
    print("actor attrs", sorted(k for k in (evs[0]["Actor"]["Attributes"] if evs else {}) if k in ("name", "pk06")))
    evs2 = list(client.events(since=since_ts, until=int(until.timestamp()) + 1,
                              filters={"type": "image", "event": ["tag", "untag"], "image": REPO}))
    print("raw filtered", all(isinstance(x, bytes) for x in evs2),
          set(json.loads(x)["Action"] for x in evs2) <= {"tag", "untag"})
    evs3 = list(api.events(since=since_ts, until=since_ts + 1, decode=True,
                           filters={"type": "volume", "volume": "clibdocker-test-pk06-none-" + sfx}))
    print("empty window", evs3)
    # a reader that stops after two events and closes (testcontainers' waiter)
    gen = client.events(since=since_ts, until=int(time.time()) + 1, decode=True, filters={"type": "image"})
    first = []
    for ev in gen:
        first.append(ev["Action"])
        if len(first) == 2:
            break
    gen.close()
    print("first two", len(first) <= 2, all(isinstance(a, str) for a in first))
    for bad in ({"filters": {"type": "nonsense"}, "until": int(time.time())}, {"filters": {"nokey": "x"}, "until": int(time.time())}):
        try:
            print("bad events", type(list(client.events(decode=True, **bad))).__name__)
        except APIError as e:
            print("bad events", type(e).__name__, e.status_code)
shutil.rmtree(tmp, ignore_errors=True)
print("done")
