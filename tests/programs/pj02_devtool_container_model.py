"""A developer tool (in the style of a "dev shell" helper such as the ones
in tox-docker / pytest-docker-tools): it keeps one long-lived container and
drives it through the Container model: exec_run in all its forms, logs with
tail/since/until/timestamps, top/diff/stats, archives, rename, update,
pause/unpause, kill with signal names and numbers, restart, wait with
condition and timeout, commit, export, remove."""
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
LABELS = {"clibdocker-test": "1", "pj02": tag}
name = "clibdocker-test-pj02-" + tag
repo = "clibdocker-test/pj02-" + tag
script = "trap 'echo got-term; exit 0' TERM; echo started; i=0; while true; do sleep 0.2; done"
c = None
try:
    c = client.containers.run(IMAGE, ["sh", "-c", script], name=name, detach=True, labels=LABELS,
                              stop_signal="SIGTERM", environment={"BASE": "b"})
    for _ in range(50):
        if b"started" in c.logs():
            break
        time.sleep(0.1)
    c.reload()
    print("model", c.name == name, c.status, c.short_id == c.id[:12], c.labels == LABELS,
          c.image.tags, type(c.attrs).__name__)

    # exec_run forms
    r = c.exec_run("echo hi")
    print("exec plain", type(r).__name__, r.exit_code, r.output, r[0], r[1])
    r = c.exec_run(["sh", "-c", "echo out; echo err >&2; exit 5"])
    print("exec fail", r.exit_code, sorted(r.output.split()))
    r = c.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
    print("exec demux", r.exit_code, r.output)
    r = c.exec_run(["sh", "-c", "echo out; echo err >&2"], stdout=False)
    print("exec no stdout", r.exit_code, r.output)
    r = c.exec_run(["sh", "-c", "echo err >&2"], stderr=False, demux=True)
    print("exec no stderr demux", r.exit_code, r.output)
    r = c.exec_run("pwd", workdir="/etc")
    print("exec workdir", r.output)
    r = c.exec_run("id -u", user="nobody")
    print("exec user", r.output)
    r = c.exec_run(["sh", "-c", "echo $BASE $X $Y"], environment={"X": "1", "Y": "two"})
    print("exec env dict", r.output)
    r = c.exec_run(["sh", "-c", "echo $X"], environment=["X=list"])
    print("exec env list", r.output)
    r = c.exec_run(["sh", "-c", "tty >/dev/null && echo tty || echo notty"], tty=True)
    print("exec tty", r.exit_code, r.output)
    r = c.exec_run(["sh", "-c", "echo a; sleep 0.3; echo b"], stream=True)
    print("exec stream", r.exit_code, isinstance(r.output, docker.types.CancellableStream), b"".join(r.output))
    r = c.exec_run(["sh", "-c", "echo a; echo b >&2"], stream=True, demux=True)
    print("exec stream demux", r.exit_code, sorted(r.output, key=lambda t: (t[0] is None, t)))
    r = c.exec_run(["sh", "-c", "sleep 0.2; touch /tmp/detached"], detach=True)
    print("exec detach", r.exit_code, r.output)
    time.sleep(0.6)
    print("exec detach effect", c.exec_run("ls /tmp/detached").output)
    r = c.exec_run("cat /proc/1/status", privileged=True)
    print("exec privileged", r.exit_code, b"CapEff" in r.output)
    r = c.exec_run("/no/such")
    print("exec missing", r.exit_code, b"no such file" in r.output.lower() or b"not found" in r.output.lower())

    # logs
    for i in range(3):
        c.exec_run(["sh", "-c", "echo line%d > /proc/1/fd/1" % i])
    time.sleep(0.3)
    print("logs tail", c.logs(tail=2))
    print("logs tail 0", c.logs(tail=0))
    print("logs bad tail", c.logs(tail=-3).count(b"\n"), c.logs(tail="x").count(b"\n"))
    ts = c.logs(timestamps=True, tail=1).split(b" ", 1)
    print("logs timestamps", len(ts), ts[0][:2], ts[0].endswith(b"Z"), ts[1])
    future = datetime.datetime.now() + datetime.timedelta(hours=1)
    print("logs since future", c.logs(since=future))
    print("logs since int", c.logs(since=int(time.time()) + 3600))
    print("logs since float", c.logs(since=time.time() + 3600.5))
    print("logs until past", c.logs(until=datetime.datetime(2001, 1, 1)))
    print("logs until int", c.logs(until=1))
    for bad in ("yesterday", -5, 0):
        try:
            c.logs(since=bad)
        except Exception as e:
            print("logs since bad", repr(bad), type(e).__name__, str(e))
    try:
        c.logs(until="x")
    except Exception as e:
        print("logs until bad", type(e).__name__, str(e))
    s = c.logs(stream=True, follow=False)
    print("logs stream nofollow", isinstance(s, docker.types.CancellableStream), b"".join(s).count(b"\n"))
    s = c.logs(stream=True, tail=1)
    first = next(s)
    s.close()
    print("logs follow first", first)

    # top / diff / stats
    t = c.top()
    print("top", sorted(t), t["Titles"][:2], len(t["Processes"]) >= 1)
    t = c.top(ps_args="-o pid,comm")
    print("top ps_args", t["Titles"], "sh" in [p[1] for p in t["Processes"]], all(len(p) == 2 for p in t["Processes"]))
    c.exec_run("sh -c 'mkdir -p /srv/app && echo x > /srv/app/f && rm -f /etc/motd'")
    d = c.diff()
    print("diff", sorted((x["Path"], x["Kind"]) for x in d if x["Path"].startswith("/srv")))
    st = c.stats(stream=False)
    print("stats", type(st).__name__, "memory_stats" in st, "cpu_stats" in st, st["name"] == "/" + name)
    st = c.stats(stream=False, one_shot=True)
    print("stats one_shot", type(st).__name__, "pids_stats" in st)
    g = c.stats(decode=True)
    one = next(g)
    g.close()
    print("stats decode", type(one).__name__, "read" in one)
    g = c.stats(stream=True)
    raw = next(g)
    print("stats raw", type(raw).__name__)
    try:
        c.stats(stream=False, decode=True)
        print("stats decode nostream ok")
    except Exception as e:
        print("stats decode nostream", type(e).__name__, str(e))

    # archives
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        data = b"hello archive\n"
        ti = tarfile.TarInfo("dir/a.txt")
        ti.size = len(data)
        ti.mode = 0o640
        tf.addfile(ti, io.BytesIO(data))
    print("put_archive", c.put_archive("/srv", buf.getvalue()))
    bits, stat = c.get_archive("/srv/dir/a.txt", chunk_size=4)
    raw = b"".join(bits)
    print("get_archive stat", stat["name"], stat["size"], oct(stat["mode"] & 0o777), type(stat["mtime"]).__name__)
    with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
        print("get_archive tar", tf.getnames(), tf.extractfile("a.txt").read())
    bits, stat = c.get_archive("/srv/dir", encode_stream=True)
    with tarfile.open(fileobj=io.BytesIO(b"".join(bits))) as tf:
        print("get_archive dir", sorted(tf.getnames()), stat["name"], stat["mode"] > 0o777)
    try:
        c.get_archive("/no/such/path")
    except NotFound as e:
        print("get_archive missing", type(e).__name__, e.status_code)
    try:
        c.put_archive("/no/such/dir", buf.getvalue())
    except APIError as e:
        print("put_archive missing", type(e).__name__, e.status_code)
    print("put_archive fileobj", c.put_archive("/tmp", io.BytesIO(buf.getvalue()).read()))

    # rename / update / pause
    c.rename(name + "-renamed")
    c.reload()
    print("rename", c.name == name + "-renamed")
    r = c.update(mem_limit="96m", memswap_limit="128m", cpu_shares=256, restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    print("update", r)
    c.reload()
    hc = c.attrs["HostConfig"]
    print("update effect", hc["Memory"], hc["MemorySwap"], hc["CpuShares"], hc["RestartPolicy"])
    c.pause()
    c.reload()
    print("paused", c.status, c.attrs["State"]["Paused"])
    try:
        c.exec_run("true")
    except APIError as e:
        print("exec paused", type(e).__name__, e.status_code)
    try:
        c.pause()
    except APIError as e:
        print("pause twice", type(e).__name__, e.status_code)
    c.unpause()
    c.reload()
    print("unpaused", c.status)
    try:
        c.unpause()
    except APIError as e:
        print("unpause twice", type(e).__name__, e.status_code)

    # commit
    img = c.commit(repository=repo, tag="v1", message="snap", author="pj02", changes=["ENV SNAP=1", "LABEL pj02=" + tag],
                   conf={"Labels": {"clibdocker-test": "1"}})
    print("commit", type(img).__name__, img.tags == [repo + ":v1"], img.attrs["Comment"], img.attrs["Author"],
          "SNAP=1" in img.attrs["Config"]["Env"])
    exp = c.export(chunk_size=65536)
    n = 0
    for chunk in exp:
        n += len(chunk)
    print("export", n > 100000)

    # kill / restart / wait
    try:
        c.wait(timeout=0.5)
    except Exception as e:
        print("wait timeout", type(e).__name__, "timed out" in str(e).lower() or "timeout" in type(e).__name__.lower())
    c.kill(signal="SIGUSR1")
    time.sleep(0.3)
    c.reload()
    print("kill usr1", c.status, c.attrs["State"]["ExitCode"])
    c.restart(timeout=1)
    c.reload()
    print("restart", c.status, c.attrs["RestartCount"])
    c.kill(signal=15)
    print("wait after kill", c.wait(timeout=10))
    print("logs got-term", c.logs().count(b"got-term"))
    try:
        c.kill()
    except APIError as e:
        print("kill stopped", type(e).__name__, e.status_code)
    c.start()
    c.stop(timeout=5)
    c.reload()
    print("stop", c.status, c.attrs["State"]["ExitCode"])
    print("wait not-running", c.wait(condition="not-running"))
    c.remove(v=True)
    try:
        c.reload()
    except NotFound as e:
        print("removed", type(e).__name__)
    try:
        c.remove()
    except NotFound as e:
        print("remove twice", type(e).__name__, e.status_code)
    c = None
finally:
    if c is not None:
        c.remove(force=True)
    for x in client.containers.list(all=True, filters={"label": "pj02=" + tag}):
        x.remove(force=True)
    try:
        client.images.remove(repo + ":v1", force=True)
    except ImageNotFound:
        pass
print("left", len(client.containers.list(all=True, filters={"label": "pj02=" + tag})))
client.close()
