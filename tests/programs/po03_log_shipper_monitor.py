"""A log shipper and resource monitor (in the style of the sidecar scripts that
forward container logs to a central store and sample stats for dashboards):
logs with since/until as datetimes, ints and floats (also naive and aware
datetimes, and bad types), tail as int/str/"all"/0, timestamps parsed off
each line, stdout/stderr selection, follow=True without a stream, a
follower thread per container that ends by itself when the container exits,
one stopped from the main thread with close(), stats(stream=False) with and
without one_shot on running and stopped containers, decoded stats streams,
and wait() with every condition, in threads racing the container's exit."""
import datetime
import os
import re
import threading
import time
import uuid

import docker
from docker.errors import APIError, InvalidArgument, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "po03": tag}
NAME = "clibdocker-test-po03-" + tag
made = []
TS = re.compile(rb"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z) (.*)$")


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", r)
        return r
    except Exception as e:
        print(label, type(e).__name__, isinstance(e, (APIError, InvalidArgument)), getattr(e, "status_code", None),
              re.sub("[0-9a-f]{64}", "<id>", str(e))[:160])
        return None


def wait_logs(c, n):
    for _ in range(100):
        if len(c.logs().splitlines()) >= n:
            return
        time.sleep(0.05)


try:
    # a job writing a first batch, pausing, then a second batch
    job = client.containers.run(IMAGE, ["sh", "-c", "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; "
                                                    "sleep 2; for i in 6 7 8; do echo out$i; done; sleep 60"],
                                detach=True, labels=LABELS, name=NAME + "-job")
    made.append(job)
    wait_logs(job, 10)
    mid = datetime.datetime.now()
    mid_utc = datetime.datetime.now(datetime.timezone.utc)
    mid_ts = time.time()
    time.sleep(1.2)
    wait_logs(job, 13)

    print("all", sorted(job.logs().split()))  # stdout/stderr are copied by two readers: their order varies
    print("stdout only", job.logs(stderr=False).split())
    print("stderr only", job.logs(stdout=False).split())
    attempt("neither", lambda: job.logs(stdout=False, stderr=False))
    for t in (3, "3", 0, "all", 100, -1):
        attempt("tail %r" % (t,), lambda: sorted(job.logs(tail=t).split()))
    attempt("tail bad", lambda: sorted(job.logs(tail="many").splitlines()))
    raw = job.logs(timestamps=True, tail=3)
    parsed = [TS.match(line) for line in raw.splitlines()]
    print("timestamps", all(parsed), [m.group(3) for m in parsed if m])
    stamps = [m.group(1) for m in parsed if m]
    print("timestamps ordered", stamps == sorted(stamps), all(s.endswith(b"Z") for s in stamps))

    for label, since in [("naive datetime", mid), ("aware datetime", mid_utc), ("float", mid_ts),
                         ("int", int(mid_ts)), ("epoch 0", 0)]:
        attempt("since " + label, lambda: [x for x in job.logs(since=since).split() if x in (b"out1", b"out6", b"out8")])
    for label, until in [("naive datetime", mid), ("aware datetime", mid_utc), ("float", mid_ts)]:
        attempt("until " + label, lambda: [x for x in job.logs(until=until).split() if x in (b"out1", b"out6", b"out8")])
    attempt("since+until", lambda: job.logs(since=int(mid_ts) - 3600, until=mid_ts, stderr=False).split())
    attempt("since after until", lambda: job.logs(since=mid_ts, until=mid_ts - 3600))
    attempt("since future", lambda: job.logs(since=time.time() + 3600))
    attempt("since str", lambda: job.logs(since="10m"))
    attempt("until str", lambda: job.logs(until="2020-01-01"))
    attempt("since negative", lambda: job.logs(since=-5).split()[:1])
    attempt("since date", lambda: len(job.logs(since=datetime.date.today())) > 0)

    # a follower per container, as a shipper runs them
    shipped = {}

    def ship(c, key, **kw):
        lines = []
        for chunk in c.logs(stream=True, follow=True, **kw):
            lines.append(chunk)
        shipped[key] = b"".join(lines).split()

    short = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.5; for i in a b c; do echo $i; sleep 0.2; done"],
                                  detach=True, labels=LABELS, name=NAME + "-short")
    made.append(short)
    threads = [threading.Thread(target=ship, args=(short, "short")),
               threading.Thread(target=ship, args=(short, "short-ts"), kwargs={"timestamps": True, "stderr": False}),
               threading.Thread(target=ship, args=(job, "job-since"), kwargs={"since": mid_ts, "tail": 2})]
    for t in threads:
        t.daemon = True
        t.start()
    threads[0].join(20)
    threads[1].join(20)
    print("follow ended with exit", not threads[0].is_alive(), shipped.get("short"))
    ts_lines = shipped.get("short-ts", [])
    print("follow ts", ts_lines[1::2], all(TS.match(x + b" x") for x in ts_lines[0::2]))
    print("follow on running job still alive", threads[2].is_alive())
    print("follow no stream", short.logs(follow=True).split(), short.logs(follow=True, tail=1))

    # stop a follower from the main thread
    stream = job.logs(stream=True, follow=True, tail=1)
    got = []

    def reader():
        try:
            for chunk in stream:
                got.append(chunk)
        except Exception as e:  # noqa: BLE001 - printed
            got.append(type(e).__name__)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    time.sleep(0.5)
    stream.close()
    t.join(10)
    print("closed follower", not t.is_alive(), got)

    # stats
    s = job.stats(stream=False)
    print("stats keys", sorted(s)[:6], s["name"] == "/" + job.name, s["id"] == job.id)
    print("stats mem", s["memory_stats"]["usage"] > 0, "limit" in s["memory_stats"],
          sorted(s["cpu_stats"]), s["precpu_stats"].get("system_cpu_usage") is not None)
    s1 = job.stats(stream=False, one_shot=True)
    print("stats one_shot", sorted(s1) == sorted(s), s1["precpu_stats"].get("system_cpu_usage"),
          s1["preread"].startswith("0001-01-01"))
    s2 = job.stats(stream=False, one_shot=False)
    print("stats no one_shot", s2["precpu_stats"].get("system_cpu_usage") is not None, s2["preread"].startswith("0001"))
    attempt("stats stream one_shot", lambda: job.stats(stream=True, one_shot=True))
    gen = job.stats(decode=True)
    first = [next(gen) for _ in range(2)]
    gen.close()
    print("stats decoded", [type(x).__name__ for x in first], [x["name"] == "/" + job.name for x in first])
    gen = job.stats(stream=True)
    item = next(gen)
    gen.close()
    print("stats raw", type(item).__name__, item[:1], item.endswith(b"\n"))
    attempt("stats decode no stream", lambda: sorted(job.stats(stream=False, decode=True))[:2])
    print("stats stopped", sorted(short.stats(stream=False)["memory_stats"]), short.stats(stream=False)["pids_stats"])
    print("stats stopped low-level", client.api.stats(short.id, stream=False, one_shot=True)["cpu_stats"]["cpu_usage"]["total_usage"])

    # wait with conditions, racing the container
    def waiter(c, key, **kw):
        try:
            shipped[key] = c.wait(**kw)
        except Exception as e:  # noqa: BLE001
            shipped[key] = type(e).__name__

    r = client.containers.create(IMAGE, ["sh", "-c", "sleep 1; exit 4"], labels=LABELS, name=NAME + "-r",
                                 auto_remove=True)
    ws = [threading.Thread(target=waiter, args=(r, "next-exit"), kwargs={"condition": "next-exit"}),
          threading.Thread(target=waiter, args=(r, "removed"), kwargs={"condition": "removed"})]
    for w in ws:
        w.start()
    time.sleep(0.5)
    r.start()
    for w in ws:
        w.join(20)
    print("wait next-exit", shipped["next-exit"], "removed", shipped["removed"])
    attempt("wait on removed", lambda: r.wait(condition="not-running"))
    n = client.containers.run(IMAGE, ["sh", "-c", "exit 9"], detach=True, labels=LABELS, name=NAME + "-n")
    made.append(n)
    print("wait not-running", n.wait(condition="not-running"), n.wait())
    try:  # engines >= 25 refuse it (400); 20.10 waits as for not-running
        print("wait bad condition", n.wait(condition="whenever", timeout=3)["StatusCode"])
    except APIError as e:
        print("wait bad condition", 9 if e.status_code == 400 else e.status_code)
    attempt("wait low-level", lambda: client.api.wait(n.id, condition="not-running"))
    k = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, name=NAME + "-k")
    made.append(k)
    wk = threading.Thread(target=waiter, args=(k, "killed"))
    wk.start()
    time.sleep(0.3)
    k.kill("SIGTERM")
    k.kill()
    wk.join(20)
    print("wait killed", shipped["killed"])
    job.stop(timeout=0)
    threads[2].join(20)
    print("job follower ended", not threads[2].is_alive(), shipped.get("job-since"))
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "po03=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "po03=" + tag})))
client.close()
