"""Container model methods the way testcontainers / pytest-docker-tools /
molecule use them: logs options, exec_run variants, top, stats, diff, export,
archives, rename, update, pause, kill, restart, wait(condition), commit,
attach, get/list filters."""
import datetime
import io
import os
import tarfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound, ImageNotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc02": tag}
name = "clibdocker-test-pc02-" + tag
script = "echo one; echo two >&2; sleep 0.2; echo three; trap 'echo got-term; exit 5' TERM; while true; do sleep 0.1; done"
c = client.containers.create(IMAGE, ["sh", "-c", script], name=name, labels=LABELS,
                             environment={"HOME": "/root"}, stop_signal="SIGTERM")
img = None
try:
    print("created", c.status, c.name == name, c.short_id == c.id[:12], c.image.id == client.images.get(IMAGE).id)
    c.start()
    for _ in range(50):
        if b"three" in c.logs():
            break
        time.sleep(0.1)
    c.reload()
    print("status", c.status, c.attrs["State"]["Running"])
    print("logs", sorted(c.logs().split()))
    print("logs stdout", c.logs(stdout=True, stderr=False))
    print("logs stderr", c.logs(stdout=False, stderr=True))
    print("logs tail", c.logs(tail=1, stderr=False), c.logs(tail=0), c.logs(tail="all").count(b"\n"))
    ts = c.logs(timestamps=True, stderr=False).split(b"\n")[0]
    print("logs timestamps", ts.split(b" ", 1)[1], ts[:2] == b"20")
    print("logs since future", c.logs(since=datetime.datetime.now() + datetime.timedelta(hours=1)))
    print("logs until", c.logs(until=int(time.time()) - 3600))
    print("logs since int", len(c.logs(since=int(time.time()) - 3600).split()))
    s = c.logs(stream=True, follow=False)
    print("logs stream", sorted(x.strip() for x in s if x.strip()))
    s = c.logs(stream=True, follow=True, stdout=True, stderr=False)
    first = next(s)
    s.close()
    print("logs follow first", first)

    r = c.exec_run("echo hi")
    print("exec str", r.exit_code, r.output, r[0], r[1], len(r))
    ec, out = c.exec_run(["sh", "-c", "echo $FOO $BAR; pwd; id -u"], environment={"FOO": "f", "BAR": "b"},
                         workdir="/tmp", user="nobody")
    print("exec env/workdir/user", ec, out.split())
    ec, out = c.exec_run(["sh", "-c", "echo $X"], environment=["X=listform"])
    print("exec env list", ec, out)
    ec, (o, e) = c.exec_run(["sh", "-c", "echo o; echo e >&2"], demux=True)
    print("exec demux", ec, o, e)
    ec, (o, e) = c.exec_run(["sh", "-c", "echo only-out"], demux=True)
    print("exec demux no err", o, e)
    ec, out = c.exec_run(["sh", "-c", "echo o; echo e >&2"], stdout=False)
    print("exec stdout=False", ec, out)
    ec, out = c.exec_run("sh -c 'exit 9'")
    print("exec exit", ec, out)
    ec, gen = c.exec_run(["sh", "-c", "echo a; sleep 0.2; echo b"], stream=True)
    print("exec stream", ec, b"".join(gen).split())
    ec, gen = c.exec_run(["sh", "-c", "echo a; echo b >&2"], stream=True, demux=True)
    print("exec stream demux", ec, sorted(gen, key=lambda t: (t[0] is None, t)))
    ec, out = c.exec_run("sleep 2", detach=True)
    print("exec detach", ec, out)
    ec, out = c.exec_run(["sh", "-c", "echo tty"], tty=True)
    print("exec tty", ec, out)
    ec, out = c.exec_run(["id", "-u"], privileged=False, user="root")
    print("exec user root", ec, out)
    ec, out = c.exec_run(["/nonexistent"])
    print("exec missing", ec, out.strip()[-30:])

    top = c.top()
    print("top", sorted(top), "PID" in top["Titles"], len(top["Processes"]) >= 1)
    top = c.top(ps_args="-o pid,comm")
    print("top ps_args", top["Titles"])
    st = c.stats(stream=False)
    print("stats", all(k in st for k in ("read", "cpu_stats", "memory_stats", "pids_stats")), st["name"] == "/" + name)
    st = c.stats(stream=False, one_shot=True) if client.api._version >= "1.41" else st
    print("stats one_shot", "memory_stats" in st)
    gen = c.stats(decode=True)
    s1 = next(gen)
    gen.close()
    print("stats stream decode", type(s1).__name__, "cpu_stats" in s1)

    c.exec_run(["sh", "-c", "mkdir -p /tmp/d && echo x > /tmp/d/f && rm -f /bin/true"])
    print("diff", sorted((d["Path"], d["Kind"]) for d in c.diff() if d["Path"].startswith(("/tmp", "/bin/true"))))

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for fname, data in (("a.txt", b"AAA"), ("sub/b.txt", b"BB")):
            info = tarfile.TarInfo(fname)
            info.size = len(data)
            info.mode = 0o640
            t.addfile(info, io.BytesIO(data))
    print("put_archive", c.put_archive("/tmp/d", buf.getvalue()))
    stream, stat = c.get_archive("/tmp/d")
    print("get_archive stat", stat["name"], sorted(stat), oct(stat["mode"] & 0o777))
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        print("get_archive names", sorted(t.getnames()), t.extractfile("d/sub/b.txt").read())
    stream, stat = c.get_archive("/tmp/d/a.txt", chunk_size=1)
    print("get_archive chunk", stat["size"], len(b"".join(stream)) >= 512)
    try:
        c.get_archive("/nope")
    except NotFound as e:
        print("get_archive missing", e.status_code)
    try:
        c.put_archive("/nope/dir", buf.getvalue())
    except NotFound as e:
        print("put_archive missing", e.status_code)
    exp = c.export(chunk_size=65536)
    n = 0
    first = b""
    for chunk in exp:
        if not first:
            first = chunk
        n += len(chunk)
    print("export", n > 100000, isinstance(first, bytes))

    c.rename(name + "-renamed")
    c.reload()
    print("rename", c.name == name + "-renamed")
    print("update", c.update(mem_limit="128m", memswap_limit="256m", cpu_shares=256,
                             restart_policy={"Name": "on-failure", "MaximumRetryCount": 2}))
    c.reload()
    hc = c.attrs["HostConfig"]
    print("updated", hc["Memory"], hc["MemorySwap"], hc["CpuShares"], hc["RestartPolicy"])
    c.pause()
    c.reload()
    print("paused", c.status, c.attrs["State"]["Paused"])
    try:
        c.exec_run("true")
    except APIError as e:
        print("exec while paused", e.status_code)
    c.unpause()
    c.reload()
    print("unpaused", c.status)

    img = c.commit(repository="clibdocker-test/pc02-" + tag, tag="v1", message="msg", author="pc02",
                   changes=["ENV COMMITTED=1", "LABEL clibdocker-test=1"], conf={"Labels": {"pc02": tag}})
    print("commit", [t.replace(tag, "TAG") for t in img.tags], img.attrs["Author"], img.attrs["Comment"],
          "COMMITTED=1" in img.attrs["Config"]["Env"], sorted(img.labels))

    c.kill(signal="SIGTERM")
    print("wait after kill", c.wait(timeout=10)["StatusCode"])
    print("logs got-term", b"got-term" in c.logs())
    c.restart(timeout=1)
    c.reload()
    print("restarted", c.status, c.attrs["RestartCount"])
    c.kill(signal=9)
    res = c.wait(condition="not-running")
    print("wait not-running", res["StatusCode"], sorted(res))
    c.reload()
    print("exited", c.status, c.attrs["State"]["ExitCode"])
    try:
        c.kill()
    except APIError as e:
        print("kill stopped", e.status_code, type(e).__name__ in ("APIError", "Conflict"))
    try:
        c.pause()
    except APIError as e:
        print("pause stopped", e.status_code)
    c.start()
    c.stop(timeout=2)
    c.reload()
    print("stopped", c.status, c.attrs["State"]["ExitCode"])

    a = client.containers.create(IMAGE, ["sh", "-c", "sleep 0.5; echo att-out; echo att-err >&2"], labels=LABELS)
    try:
        gen = a.attach(stream=True, logs=True, stdout=True, stderr=True)
        a.start()
        print("attach stream", sorted(x.strip() for x in b"".join(gen).split(b"\n") if x.strip()))
        print("attach wait", a.wait()["StatusCode"])
        print("logs after attach", sorted(a.logs().split()))
        a.remove(v=True)
        try:
            a.reload()
        except NotFound as e:
            print("reload removed", e.status_code)
    finally:
        try:
            a.remove(force=True)
        except NotFound:
            pass
    w = client.containers.run(IMAGE, ["sh", "-c", "exit 4"], detach=True, labels=LABELS)
    print("wait exit", w.wait(), w.wait(condition="next-exit", timeout=0.5) if False else "")
    w.remove()
    try:
        w.remove()
    except NotFound as e:
        print("remove twice", e.status_code, type(e).__name__)
finally:
    c.remove(force=True, v=True)
    if img is not None:
        client.images.remove(img.id, force=True)
try:
    client.images.get("clibdocker-test/pc02-" + tag + ":v1")
except ImageNotFound as e:
    print("image gone", e.status_code)
print("left", len(client.containers.list(all=True, filters={"label": "pc02=" + tag})))
client.close()
