"""An ops script that babysits long-running worker containers (in the style of
the maintenance scripts found next to docker-compose files and in CI agents):
resource updates with every update() option and the engine's refusals,
renames and their conflicts, pause/unpause with status checks, signals sent
by name, number, lowercase, numeric string, 0 and floats (a trap in a
worker counts them), resize of TTY and non-TTY containers, top with ps_args,
diff kinds after the worker changed its filesystem, export streamed into a
file, get_archive/put_archive round trips (bytes, open files, generators,
directories, symlinks, odd names), and every call on a container that was
removed under the script's feet (reload, attrs kept, NotFound)."""
import io
import os
import re
import signal
import tarfile
import tempfile
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "po02": tag}
NAME = "clibdocker-test-po02-" + tag
made = []

TRAP = ("trap 'echo HUP >> /sig' HUP; trap 'echo USR1 >> /sig' USR1; trap 'echo USR2 >> /sig' USR2; "
        "trap 'echo TERM >> /sig; exit 3' TERM; "
        "mkdir -p /work/new; echo x > /work/new/f; rm -f /bin/vi; echo changed >> /etc/motd; "
        "while true; do sleep 0.1; done")


def scrub(s):
    s = str(s).replace(tag, "T")
    return re.sub("[0-9a-f]{12,64}", "<id>", s)[:220]


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", r if not isinstance(r, (bytes, bytearray)) or len(r) < 80 else len(r))
        return r
    except Exception as e:
        print(label, type(e).__name__, getattr(e, "status_code", None), scrub(e))
        return None


def sigs(c):
    for _ in range(30):
        ec, out = c.exec_run(["cat", "/sig"])
        if ec == 0:
            return out.decode().split()
        time.sleep(0.1)
    return []


def wait_sigs(c, n):
    got = []
    for _ in range(50):
        got = sigs(c)
        if len(got) >= n:
            break
        time.sleep(0.1)
    return got


try:
    w = client.containers.run(IMAGE, ["sh", "-c", TRAP], detach=True, name=NAME, labels=LABELS,
                              mem_limit="64m", cpu_shares=512)
    made.append(w)
    time.sleep(0.5)

    # resource updates
    attempt("update many", lambda: w.update(cpu_shares=256, cpu_period=100000, cpu_quota=50000, cpuset_cpus="0",
                                            cpuset_mems="0", mem_limit="96m", mem_reservation="32m",
                                            memswap_limit="192m", restart_policy={"Name": "on-failure",
                                                                                  "MaximumRetryCount": 4}))
    w.reload()
    hc = w.attrs["HostConfig"]
    print("after update", hc["CpuShares"], hc["CpuPeriod"], hc["CpuQuota"], hc["CpusetCpus"], hc["CpusetMems"],
          hc["Memory"], hc["MemoryReservation"], hc["MemorySwap"], hc["RestartPolicy"])
    attempt("update nothing", lambda: w.update())
    attempt("update zeros", lambda: w.update(cpu_shares=0, mem_limit=0, blkio_weight=0))
    attempt("update unlimited swap", lambda: w.update(memswap_limit=-1))
    w.reload()
    print("swap now", w.attrs["HostConfig"]["MemorySwap"], w.attrs["HostConfig"]["Memory"])
    attempt("update swap below mem", lambda: w.update(mem_limit="128m", memswap_limit="64m"))
    attempt("update bad cpuset", lambda: w.update(cpuset_cpus="63"))
    attempt("update restart always", lambda: w.update(restart_policy={"Name": "always"}))
    attempt("update restart bad", lambda: w.update(restart_policy={"Name": "sometimes"}))
    attempt("update mem int", lambda: w.update(mem_limit=80 * 1024 * 1024, memswap_limit=160 * 1024 * 1024))
    attempt("update mem str bad", lambda: w.update(mem_limit="lots"))
    attempt("update low-level", lambda: client.api.update_container(w.id, mem_reservation="16m"))
    w.reload()
    hc = w.attrs["HostConfig"]
    print("after more", hc["Memory"], hc["MemorySwap"], hc["MemoryReservation"], hc["RestartPolicy"])

    # renames
    attempt("rename", lambda: w.rename(NAME + "-a"))
    print("name before reload", w.name == NAME, end=" ")
    w.reload()
    print("after", w.name == NAME + "-a")
    other = client.containers.create(IMAGE, "true", name=NAME + "-other", labels=LABELS)
    made.append(other)
    attempt("rename taken", lambda: w.rename(NAME + "-other"))
    attempt("rename same", lambda: w.rename(NAME + "-a"))
    try:
        w.rename("bad name/" + tag)
    except APIError as e:  # the engine's words or clibdocker's own (a documented difference)
        print("rename bad chars", e.status_code, e.is_client_error())
    attempt("rename leading slash", lambda: w.rename("/" + NAME + "-b"))
    w.reload()
    print("renamed", w.name.replace(tag, "T"), client.containers.get(NAME + "-b").id == w.id)
    attempt("rename missing", lambda: client.api.rename(NAME + "-missing", NAME + "-c"))

    # pause / unpause
    attempt("pause", w.pause)
    w.reload()
    print("paused", w.status, w.attrs["State"]["Paused"], w.attrs["State"]["Running"])
    attempt("pause again", w.pause)
    attempt("kill paused USR1", lambda: w.kill("SIGUSR1"))
    try:  # a signal to a paused container resumes it (the engine's words vary with timing)
        w.unpause()
        print("unpause ok")
    except APIError as e:
        print("unpause", e.status_code)
    attempt("unpause again", w.unpause)
    w.reload()
    print("unpaused", w.status, w.attrs["State"]["Paused"])
    attempt("pause created", other.pause)

    # signals
    n = len(wait_sigs(w, 1))  # the USR1 sent while paused arrives after unpause
    for s in ["SIGHUP", "USR2", "usr1", 1, "10", signal.SIGUSR2, 12.0]:
        attempt("kill %r" % (s,), lambda: w.kill(signal=s))
        n += 1
        wait_sigs(w, n)   # one at a time: a shell's trap may merge two pending ones
    print("trapped", sigs(w))
    attempt("kill 0", lambda: w.kill(signal=0))
    attempt("kill bogus", lambda: w.kill(signal="SIGBOGUS"))
    attempt("kill 99", lambda: w.kill(signal=99))
    attempt("kill -1", lambda: w.kill(signal=-1))
    attempt("kill empty", lambda: w.kill(signal=""))
    print("after kill empty", w.wait(timeout=10)["StatusCode"])
    w.start()
    time.sleep(0.3)
    attempt("kill created", lambda: other.kill())
    attempt("kill created HUP", lambda: other.kill("SIGHUP"))

    # resize
    attempt("resize non-tty", lambda: w.resize(40, 120))
    t = client.containers.run(IMAGE, ["sh", "-c", "while true; do stty size; sleep 0.2; done"], tty=True,
                              detach=True, labels=LABELS, name=NAME + "-tty")
    made.append(t)
    attempt("resize tty", lambda: t.resize(height=33, width=101))
    seen = False
    for _ in range(50):
        if b"33 101" in t.logs():
            seen = True
            break
        time.sleep(0.1)
    print("tty sees size", seen)
    attempt("resize zero", lambda: t.resize(0, 0))
    attempt("resize str", lambda: t.resize("30", "90"))
    attempt("resize created", lambda: other.resize(10, 10))
    attempt("resize low-level", lambda: client.api.resize(t.id, 20, 60))

    # top
    top = w.top()
    print("top", top["Titles"][:3], sum("sleep" in " ".join(p) or "sh" in " ".join(p) for p in top["Processes"]) >= 1)
    top = w.top(ps_args="-o pid,user,args")
    print("top ps_args", top["Titles"], any(p[2].startswith("sh -c trap") for p in top["Processes"]))
    attempt("top bad ps_args", lambda: sorted(w.top(ps_args="--no-such-flag")))
    attempt("top created", lambda: other.top())
    attempt("top low-level", lambda: client.api.top(w.name, ps_args="-o comm")["Titles"])

    # diff
    d = w.diff()
    kinds = {x["Path"]: x["Kind"] for x in d}
    print("diff", [(p, kinds.get(p)) for p in ["/work", "/work/new", "/work/new/f", "/bin/vi", "/etc", "/etc/motd", "/sig"]])
    print("diff created", other.diff())

    # export streamed into a file
    with tempfile.TemporaryFile() as f:
        n = 0
        for chunk in w.export(chunk_size=8192):
            f.write(chunk)
            n += 1
        f.seek(0)
        with tarfile.open(fileobj=f) as tf:
            names = set(tf.getnames())
            print("export", n > 1, "work/new/f" in names, "bin/vi" in names, "sig" in names,
                  tf.extractfile("work/new/f").read())

    # archives: put from bytes, an open file, a generator; get files, dirs, symlinks, odd names
    def tar_of(files):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tf:
            for name, data, extra in files:
                ti = tarfile.TarInfo(name)
                if extra == "dir":
                    ti.type, ti.mode = tarfile.DIRTYPE, 0o750
                    tf.addfile(ti)
                elif extra == "link":
                    ti.type, ti.linkname = tarfile.SYMTYPE, data
                    tf.addfile(ti)
                else:
                    ti.size, ti.mode, ti.uid, ti.gid = len(data), extra or 0o644, 1234, 5678
                    tf.addfile(ti, io.BytesIO(data))
        return buf.getvalue()

    blob = tar_of([("conf", b"", "dir"), ("conf/app.ini", b"[app]\nx=1\n", 0o600),
                   ("conf/run.sh", b"#!/bin/sh\necho run\n", 0o755), ("conf/latest", "app.ini", "link"),
                   ("conf/with space & ünï.txt", b"odd\n", None)])
    attempt("put bytes", lambda: w.put_archive("/work", blob))
    with tempfile.NamedTemporaryFile() as f:
        f.write(tar_of([("fromfile.txt", b"from an open file\n", None)]))
        f.flush()
        with open(f.name, "rb") as fh:
            attempt("put open file", lambda: w.put_archive("/work", fh))
    attempt("put BytesIO", lambda: w.put_archive("/work", io.BytesIO(tar_of([("bio.txt", b"bio\n", None)]))))
    gen_blob = tar_of([("gen.txt", b"from a generator\n" * 100, None)])
    attempt("put generator", lambda: w.put_archive("/work", (gen_blob[i:i + 1000] for i in range(0, len(gen_blob), 1000))))
    ec, out = w.exec_run(["sh", "-c", "cd /work && ls -ln conf | tr -s ' ' | cut -d' ' -f1,3,4,9- | sort; "
                                      "cat fromfile.txt bio.txt; wc -l < gen.txt; ./conf/run.sh; readlink conf/latest"])
    print("put effect", ec, out.decode().splitlines())
    attempt("put missing dir", lambda: w.put_archive("/work/nope", blob))
    attempt("put onto file", lambda: w.put_archive("/work/fromfile.txt", blob))
    attempt("put not a tar", lambda: w.put_archive("/work", b"this is not a tar archive" * 40))
    attempt("put empty", lambda: w.put_archive("/work", b""))

    for path in ["/work/conf/app.ini", "/work/conf", "/work/conf/latest", "/work/conf/with space & ünï.txt"]:
        bits, st = w.get_archive(path)
        data = b"".join(bits)
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            members = sorted((m.name, m.type.decode() if isinstance(m.type, bytes) else m.type, oct(m.mode & 0o7777),
                              m.uid, m.linkname) for m in tf.getmembers())
        print("get", path[len("/work/"):], st["name"], st["size"] if not st["mode"] & (1 << 31) else "dir",
              oct(st["mode"] & 0o777), st["linkTarget"], members)
    bits, st = w.get_archive("/work/gen.txt", chunk_size=100, encode_stream=True)
    chunks = list(bits)
    print("get chunks", len(chunks) > 5, max(len(c) for c in chunks) <= 100, sum(len(c) for c in chunks) % 512)
    attempt("get missing", lambda: w.get_archive("/work/nope"))
    attempt("get relative", lambda: w.get_archive("work/conf/app.ini")[1]["name"])
    attempt("stat low-level", lambda: sorted(client.api.get_archive(w.id, "/etc/hostname")[1]))
    # round trip: copy a directory out of one container into another
    bits, st = w.get_archive("/work/conf")
    attempt("round trip put", lambda: other.put_archive("/tmp", b"".join(bits)))
    bits2, st2 = other.get_archive("/tmp/conf/app.ini")
    with tarfile.open(fileobj=io.BytesIO(b"".join(bits2))) as tf:
        print("round trip", st2["name"], tf.extractfile("app.ini").read(), st2["size"])

    # the container goes away under the script
    w.stop(timeout=5)
    w.reload()
    print("stopped by TERM", w.attrs["State"]["ExitCode"], w.status)
    kept = dict(w.attrs)
    client.api.remove_container(w.id, force=True)
    attempt("reload removed", w.reload)
    print("attrs kept", w.attrs == kept, w.status, w.name.replace(tag, "T"))
    for label, fn in [("logs", w.logs), ("start", w.start), ("stop", w.stop), ("kill", w.kill),
                      ("pause", w.pause), ("top", w.top), ("diff", w.diff), ("rename", lambda: w.rename(NAME + "-z")),
                      ("update", lambda: w.update(cpu_shares=10)), ("resize", lambda: w.resize(1, 1)),
                      ("get_archive", lambda: w.get_archive("/")), ("put_archive", lambda: w.put_archive("/", blob)),
                      ("export", lambda: next(iter(w.export()))), ("wait", w.wait), ("remove", w.remove),
                      ("stats", lambda: w.stats(stream=False)), ("exec_run", lambda: w.exec_run("true"))]:
        attempt("removed " + label, fn)
    made.remove(w)
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "po02=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "po02=" + tag})))
client.close()
