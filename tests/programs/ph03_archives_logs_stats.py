"""Copying files in and out with tarfile round trips (testcontainers'
copy_to_container / pytest-docker-tools' fetch), logs in the forms CI
harnesses use (timestamps, tail, since, until, stream+follow with a stop),
stats(stream=False) keys and the one-line memory/cpu computations
monitoring scripts do."""
import datetime
import io
import os
import tarfile
import threading
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph03": tag}
made = []


def make_tar(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data, mode in files:
            if data is None:
                info = tarfile.TarInfo(name)
                info.type = tarfile.DIRTYPE
                info.mode = mode
                tar.addfile(info)
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = mode
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    return buf


def read_tar(stream):
    buf = io.BytesIO()
    for chunk in stream:
        buf.write(chunk)
    buf.seek(0)
    out = {}
    with tarfile.open(fileobj=buf) as tar:
        for m in tar.getmembers():
            f = tar.extractfile(m) if m.isfile() else None
            out[m.name] = (m.type.decode() if isinstance(m.type, bytes) else m.type,
                           oct(m.mode & 0o777), f.read() if f else None)
    return out


try:
    c = client.containers.run(
        IMAGE, ["sh", "-c", "for i in 1 2 3 4 5; do echo out$i; sleep 0.05; echo err$i >&2; sleep 0.05; done; echo out6; sleep 60"],
        detach=True, labels=LABELS, name="clibdocker-test-ph03-" + tag)
    made.append(c)
    ticker = client.containers.run(
        IMAGE, ["sh", "-c", "i=0; while true; do i=$((i+1)); echo out$i; echo err$i >&2; sleep 0.2; done"],
        detach=True, labels=LABELS)
    made.append(ticker)

    # put_archive: bytes, file object, nested dirs; then read back
    print("put bytes", c.put_archive("/tmp", make_tar([("a.txt", b"alpha\n", 0o644)]).getvalue()))
    print("put fileobj", c.put_archive("/tmp", make_tar([("d", None, 0o755), ("d/b.sh", b"#!/bin/sh\necho b\n", 0o755),
                                                         ("d/e/c.txt", b"", 0o600)])))
    print("exec reads", c.exec_run("cat /tmp/a.txt").output, c.exec_run("/tmp/d/b.sh").output)
    print("ls mode", c.exec_run("stat -c '%a %s' /tmp/d/b.sh /tmp/d/e/c.txt").output.split())
    stream, stat = c.get_archive("/tmp/a.txt")
    print("stat", sorted(stat), stat["name"], stat["size"], oct(stat["mode"] & 0o777), stat["linkTarget"])
    print("mtime", type(stat["mtime"]).__name__)
    print("read a", read_tar(stream))
    stream, stat = c.get_archive("/tmp/d")
    print("stat dir", stat["name"], stat["mode"] & 0o40000000000 != 0 or stat["mode"] >> 31 != 0)
    print("read d", sorted(read_tar(stream).items()))
    stream, stat = c.get_archive("/tmp/d/")
    print("trailing slash", stat["name"], sorted(read_tar(stream)))
    stream, stat = c.get_archive("/tmp/d/.")
    print("dot", stat["name"], sorted(read_tar(stream))[:2])
    # encode_stream / chunk_size do not change the content
    stream, stat = c.get_archive("/tmp/a.txt", chunk_size=7, encode_stream=True)
    chunks = list(stream)
    print("chunked", all(len(x) <= 7 for x in chunks[:-1]), read_tar(chunks)["a.txt"][2])
    # a symlink is reported with its target
    c.exec_run("ln -s /tmp/a.txt /tmp/link")
    _, stat = c.get_archive("/tmp/link")
    print("link stat", stat["name"], stat["linkTarget"])
    # write into a missing directory / read a missing file
    for path in ("/does/not/exist",):
        try:
            c.put_archive(path, make_tar([("x", b"x", 0o644)]).getvalue())
        except NotFound as e:
            print("put missing", type(e).__name__, e.status_code)
        try:
            c.get_archive(path)
        except NotFound as e:
            print("get missing", type(e).__name__, e.status_code)
    try:
        c.put_archive("/tmp/a.txt", make_tar([("x", b"x", 0o644)]).getvalue())
    except APIError as e:
        print("put onto file", e.status_code)
    # low level
    print("api.put_archive", client.api.put_archive(c.id, "/", make_tar([("top.txt", b"top", 0o644)]).getvalue()))
    s, st = client.api.get_archive(c.id, "/top.txt")
    print("api.get_archive", st["size"], read_tar(s)["top.txt"][2])

    # logs
    time.sleep(1.2)
    logs = c.logs()
    print("logs type", type(logs).__name__, sorted(logs.split()))
    print("stdout only", c.logs(stderr=False).split())
    print("stderr only", c.logs(stdout=False).split())
    print("tail 2", len(c.logs(tail=2, stderr=False).split()), len(c.logs(tail=2).split()))
    ts = c.logs(timestamps=True, tail=1, stderr=False)
    stamp, rest = ts.split(b" ", 1)
    print("timestamps", stamp[:2], stamp.endswith(b"Z"), rest.startswith(b"out"))
    future = datetime.datetime.now() + datetime.timedelta(days=1)
    print("since future", c.logs(since=future))
    print("since float", len(c.logs(since=time.time() - 3600, stderr=False).split()) >= 3)
    print("until past", c.logs(until=datetime.datetime(2001, 1, 1)))
    print("until int", c.logs(until=1))
    print("since utc dt", len(c.logs(since=datetime.datetime.utcnow() - datetime.timedelta(hours=2))) > 0)
    # stream+follow stopped from another thread after a few lines (testcontainers wait_for_logs)
    gen = ticker.logs(stream=True, follow=True, stderr=False, tail=0)
    got = []
    timer = threading.Timer(5, gen.close)
    timer.start()
    for line in gen:
        got.append(line.strip()[:3])
        if len(got) == 3:
            break
    timer.cancel()
    gen.close()
    print("follow", got)
    gen = c.logs(stream=True, follow=False, tail=1, stdout=True, stderr=False)
    print("stream no follow", [x[:3] for x in gen])
    gen = client.api.logs(ticker.id, stream=True, follow=True, tail=0, stdout=True, stderr=False)
    print("api follow", next(gen)[:3])
    gen.close()

    # stats
    st = c.stats(stream=False)
    print("stats keys", sorted(k for k in st if k in ("read", "preread", "pids_stats", "cpu_stats", "precpu_stats",
                                                         "memory_stats", "blkio_stats", "networks", "name", "id")))
    print("stats id", st["id"] == c.id, st["name"] == "/" + c.name)
    print("cpu keys", sorted(st["cpu_stats"]), sorted(st["cpu_stats"]["cpu_usage"])[:2])
    mem = st["memory_stats"]
    print("mem", "usage" in mem, "limit" in mem, isinstance(mem.get("usage"), int))
    cpu_delta = st["cpu_stats"]["cpu_usage"]["total_usage"] - st["precpu_stats"]["cpu_usage"]["total_usage"]
    print("cpu delta int", isinstance(cpu_delta, int))
    print("net", sorted(st.get("networks", {}).get("eth0", {}))[:4])
    low = client.api.stats(c.id, stream=False)
    print("api stats", type(low).__name__, "memory_stats" in low)
    gen = c.stats(stream=True, decode=True)
    samples = [next(gen), next(gen)]
    gen.close()
    print("stream decode", [type(s).__name__ for s in samples], samples[1]["precpu_stats"]["cpu_usage"]["total_usage"] > 0)
    gen = c.stats(stream=True)
    raw = next(gen)
    gen.close()
    print("stream raw", type(raw).__name__, raw[:1])
    c.kill()
    c.wait()
    st = c.stats(stream=False)
    print("stopped stats", sorted(st["memory_stats"]), st["pids_stats"])
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "ph03=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "ph03=" + tag})))
client.close()
