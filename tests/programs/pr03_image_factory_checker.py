"""A "Dockerfile-less" image factory and checker (the tool that turns a
base image into a product by running steps in containers, copying files in
and out with in-memory tars, committing, then checking the result): run
with remove=True capturing stdout and stderr separately, non-zero exits
caught as ContainerError (exit_status, command, image, stderr, container),
detached runs waited with conditions, logs with tail/since/until as ints and
datetimes, get_archive/put_archive round trips, exec_run with
stream+demux consumed, stats(stream=False) keys."""
import datetime
import io
import os
import tarfile
import threading
import time
import uuid

import docker
from docker.errors import APIError, ContainerError, ImageNotFound, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
sfx = uuid.uuid4().hex[:8]
REPO = "clibdocker-test/pr03-" + sfx
P = "clibdocker-test-pr03-" + sfx
LAB = {"clibdocker-test": "1", "pr03": sfx}
containers, images = [], []


def n(x):
    if isinstance(x, bytes):
        return x.replace(sfx.encode(), b"S")
    if isinstance(x, str):
        return x.replace(REPO, "R").replace(P, "P").replace(sfx, "S")
    if isinstance(x, (list, tuple)):
        return [n(y) for y in x]
    return x


def tar_of(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, (content, mode) in sorted(files.items()):
            ti = tarfile.TarInfo(name)
            ti.size = len(content)
            ti.mode = mode
            ti.mtime = 1700000000
            tf.addfile(ti, io.BytesIO(content))
    return buf.getvalue()


def untar(stream):
    data = b"".join(stream)
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as tf:
        for m in tf.getmembers():
            f = tf.extractfile(m) if m.isfile() else None
            out[m.name] = (m.type.decode() if isinstance(m.type, bytes) else m.type, f.read() if f else None)
    return out


def step(cmd, **kw):
    """run one factory step, the way the tool logs it"""
    try:
        kw.setdefault("remove", True)
        out = client.containers.run(IMAGE, cmd, labels=LAB, **kw)
        print("step ok", type(out).__name__, n(out) if isinstance(out, bytes) else out)
        return out
    except ContainerError as e:
        print("step failed", e.exit_status, n(e.command), n(e.image), n(e.stderr),
              type(e.container).__name__, n(str(e)))
        return e
    except APIError as e:
        print("step refused", type(e).__name__, e.status_code, e.explanation)
        return e


try:
    # stdout and stderr apart
    step(["sh", "-c", "echo out; echo err >&2"])
    step(["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=True)
    step(["sh", "-c", "echo out; echo err >&2"], stdout=True, stderr=False)
    step(["sh", "-c", "echo out; echo err >&2"], stdout=False, stderr=False)
    step("sh -c 'echo " + sfx + "'")
    step(["sh", "-c", "echo partial; echo broken >&2; exit 7"])
    step("sh -c 'echo only-out; exit 2'")
    step(["false"], stdout=False, stderr=True)
    e = step(["sh", "-c", "sleep 1; echo gone >&2; exit 4"], auto_remove=True, remove=False)
    if isinstance(e, ContainerError):
        print("auto_remove stderr", e.stderr)
    try:
        client.containers.run(IMAGE, ["sh", "-c", "exit 5"], name=P + "-kept", labels=LAB)
    except ContainerError as e:
        containers.append(e.container)
        print("kept", n(e.container.name), e.exit_status, e.stderr, e.container.id == client.containers.get(P + "-kept").id)
        e.container.reload()
        print("kept state", e.container.status, e.container.attrs["State"]["ExitCode"])
    gen = client.containers.run(IMAGE, ["sh", "-c", "for i in 1 2 3; do echo line$i; done"], remove=True,
                                stream=True, labels=LAB)
    print("stream", type(gen).__name__ != "bytes", b"".join(gen))

    # detached, waited with conditions
    d = client.containers.run(IMAGE, ["sh", "-c", "echo start; sleep 1; echo end >&2; exit 3"], detach=True,
                              name=P + "-d", labels=LAB)
    containers.append(d)
    r = d.wait(condition="not-running")
    print("wait not-running", sorted(r), r["StatusCode"], r.get("Error"))
    print("logs both", d.logs(), d.logs(stdout=False), d.logs(stderr=False))
    print("logs tail", d.logs(tail=1), d.logs(tail=0), d.logs(tail="all"))
    print("logs timestamps", d.logs(timestamps=False, tail=1))
    ts = d.logs(timestamps=True, tail=1).split(b" ", 1)
    print("logs ts", len(ts), ts[1], ts[0][:2] == b"20")
    now = datetime.datetime.now()
    utcnow = datetime.datetime.utcnow()
    print("logs since past", d.logs(since=datetime.datetime(2001, 1, 1)), d.logs(since=978307200))
    print("logs since future", d.logs(since=now + datetime.timedelta(hours=1)), d.logs(since=int(time.time()) + 3600))
    print("logs until past", d.logs(until=datetime.datetime(2001, 1, 1)), d.logs(until=978307200.5))
    print("logs until future", d.logs(until=int(time.time()) + 3600), d.logs(until=utcnow + datetime.timedelta(days=2)))
    print("logs since float", d.logs(since=978307200.25, tail=2, timestamps=False))
    print("logs stream", list(d.logs(stream=True, stderr=False)), list(d.logs(stream=True, follow=False, tail=1)))

    # next-exit: restart the container and wait for its next exit
    results = {}

    def waiter(cond):
        results[cond] = client.api.wait(d.id, condition=cond)["StatusCode"]

    t = threading.Thread(target=waiter, args=("next-exit",))
    t.start()
    time.sleep(0.5)
    d.start()
    t.join(30)
    print("wait next-exit", results)
    t = threading.Thread(target=waiter, args=("removed",))
    t.start()
    time.sleep(0.5)
    d.remove()
    t.join(30)
    print("wait removed", results["removed"])
    try:
        d.wait()
    except NotFound as e:
        print("wait after remove", type(e).__name__, e.status_code)

    # the factory: a working container, files in and out, commit
    w = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=P + "-work", labels=LAB,
                              working_dir="/opt")
    containers.append(w)
    files = {"app/run.sh": (b"#!/bin/sh\necho running " + sfx.encode() + b"\n", 0o755),
             "app/conf/app.ini": (b"[main]\nname=pr03\n", 0o644),
             "app/empty": (b"", 0o600)}
    print("put", w.put_archive("/opt", tar_of(files)))
    print("put bytesio", w.put_archive("/tmp", io.BytesIO(tar_of({"x.txt": (b"x\n", 0o644)})).getvalue()))
    try:
        w.put_archive("/nonexistent-dir", tar_of(files))
    except NotFound as e:
        print("put missing dir", type(e).__name__, e.status_code)
    strm, stat = w.get_archive("/opt/app")
    print("stat", sorted(stat), stat["name"], stat["size"] >= 0, oct(stat["mode"] & 0o777), stat["linkTarget"])
    got = untar(strm)
    print("got", sorted((k, v[0], n(v[1])) for k, v in got.items()))
    strm, stat = w.get_archive("/opt/app/conf/app.ini", chunk_size=4)
    chunks = list(strm)
    print("file", stat["name"], stat["size"], all(len(c) <= 4 for c in chunks), len(chunks) > 2)
    strm, stat = w.get_archive("/opt/app/run.sh", encode_stream=True)
    print("encoded", n(untar(strm)["run.sh"][1]), oct(stat["mode"] & 0o777))
    try:
        w.get_archive("/opt/nope")
    except NotFound as e:
        print("get missing", type(e).__name__, e.status_code)
    print("api stat", sorted(client.api.get_archive(w.id, "/opt/app/empty")[1]),
          client.api.get_archive(w.id, "/opt/app/empty")[1]["size"])

    # exec checks with stream + demux, consumed the way a CI log splitter does
    res = w.exec_run(["sh", "-c", "./app/run.sh; echo e1 >&2; cat app/conf/app.ini; echo e2 >&2; exit 3"],
                     stream=True, demux=True)
    print("exec stream", type(res).__name__, res.exit_code, hasattr(res.output, "__next__"))
    out, err, kinds = b"", b"", set()
    for o, e in res.output:
        kinds.add((o is None, e is None))
        out += o or b""
        err += e or b""
    print("exec demux out", n(out))
    print("exec demux err", err, sorted(kinds))
    res = w.exec_run(["sh", "-c", "echo o; echo e >&2; exit 2"], demux=True)
    print("exec demux", res.exit_code, res.output)
    res = w.exec_run(["sh", "-c", "echo o; exit 0"], demux=True)
    print("exec demux no err", res.exit_code, res.output)
    res = w.exec_run("sh -c 'echo e >&2'", demux=True, stdout=False)
    print("exec demux no out", res.exit_code, res.output)
    res = w.exec_run(["sh", "-c", "pwd; id -u; echo $X"], stream=True, workdir="/opt/app", user="nobody",
                     environment={"X": "y"})
    print("exec stream plain", b"".join(res.output))
    res = w.exec_run(["ls", "/opt/app"], stream=True, demux=False)
    print("exec ls", b"".join(res.output).split())
    ex, o = w.exec_run("true")
    print("exec tuple", ex, o)

    # stats of a running container, one shot
    st = w.stats(stream=False)
    print("stats", type(st).__name__, sorted(k for k in st if k in ("read", "preread", "cpu_stats", "precpu_stats",
                                                                      "memory_stats", "pids_stats", "name", "id",
                                                                      "blkio_stats", "num_procs")),
          n(st["name"]), st["id"] == w.id)
    st2 = client.api.stats(w.id, stream=False, one_shot=True)
    print("stats one_shot", sorted(st2) == sorted(st), sorted(st2["cpu_stats"])[:2])
    gen = w.stats(decode=True)
    first = next(gen)
    gen.close()
    print("stats decoded", type(first).__name__, "cpu_stats" in first)

    # commit the product and check it by running it
    img = w.commit(REPO, "v1", changes=["CMD [\"/opt/app/run.sh\"]", "LABEL clibdocker-test=1",
                                        "LABEL pr03=" + sfx])
    images.append(img.id)
    print("product", n(img.tags), img.attrs["Config"]["Cmd"], img.attrs["Config"]["WorkingDir"])
    print("product run", n(client.containers.run(REPO + ":v1", remove=True, labels=LAB)))
    try:
        client.containers.run(REPO + ":v1", ["cat", "/opt/app/missing"], remove=True, labels=LAB)
    except ContainerError as e:
        print("product check", e.exit_status, n(e.image), e.command, e.stderr)
    try:
        client.containers.create(REPO + ":nope", labels=LAB)
    except ImageNotFound as e:
        print("missing product", type(e).__name__, e.status_code)
finally:
    for c in containers:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for c in client.containers.list(all=True, filters={"label": "pr03=" + sfx}):
        c.remove(force=True)
    for ref in images:
        try:
            client.images.remove(ref, force=True)
        except APIError:
            pass
    print("left", client.containers.list(all=True, filters={"label": "pr03=" + sfx}),
          client.images.list(filters={"label": "pr03=" + sfx}))
    client.close()
print("done")
