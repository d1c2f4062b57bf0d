"""A supervisor (the shape of log shippers, test harnesses and CI agents)
that shares one DockerClient between threads and streams: a thread follows
a container's logs into a queue.Queue while the main thread execs into the
container, another thread reads the label-filtered events, the followers
are stopped by closing their stream objects from another thread, by the
container exiting, and by a second client's close(); attach(stream=True,
logs=True) consumed in a thread; a ThreadPoolExecutor fans
get/reload/top/stats out over several containers, one of them removed
meanwhile, and the workers' exceptions are collected by class."""
import collections
import concurrent.futures
import os
import queue
import threading
import time
import uuid

import docker
from docker import errors

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pv01": tag}
client = docker.from_env(timeout=60)


def name(suffix):
    return "clibdocker-test-pv01-%s-%s" % (suffix, tag)


def drain(q):
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


def wait_for(pred, limit=20.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


try:
    # -- events in a thread, filtered by our label ------------------------------
    ev_q = queue.Queue()
    ev_stream = client.events(decode=True, filters={"label": "pv01=" + tag})
    print("events stream", isinstance(ev_stream, docker.types.CancellableStream))

    def read_events():
        n = 0
        for ev in ev_stream:
            attrs = ev.get("Actor", {}).get("Attributes", {})
            ev_q.put((ev.get("Type"), attrs.get("name", "").replace(tag, "T"), ev.get("Action", "").split(":")[0]))
            n += 1
        ev_q.put(("end", "", ""))

    ev_thread = threading.Thread(target=read_events, name="events")
    ev_thread.start()

    # -- a log follower fed by the main thread's execs --------------------------
    svc = client.containers.run(IMAGE, ["sh", "-c", "echo ready; trap 'exit 0' TERM; while true; do sleep 0.1; done"],
                                detach=True, labels=LABELS, name=name("svc"))
    log_q = queue.Queue()
    log_stream = svc.logs(stream=True, follow=True)
    print("log stream", isinstance(log_stream, docker.types.CancellableStream))

    def follow(stream, q, who):
        buf = b""
        try:
            for chunk in stream:
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    q.put((who, line.decode()))
        except Exception as e:  # noqa: BLE001 - the supervisor reports whatever ends a follower
            q.put((who, "error " + type(e).__name__))
        q.put((who, "<end>"))

    follower = threading.Thread(target=follow, args=(log_stream, log_q, "svc"))
    follower.start()
    execs = []
    for i in range(5):
        r = svc.exec_run(["sh", "-c", "echo exec-%d > /proc/1/fd/1; echo out-%d" % (i, i)])
        execs.append((r.exit_code, r.output))
    print("execs", execs)
    wait_for(lambda: log_q.qsize() >= 6)
    # closed from the main thread while the follower is blocked reading
    log_stream.close()
    follower.join(15)
    lines = drain(log_q)
    print("follower stopped by close", not follower.is_alive(), lines[-1], len(lines))
    print("log lines", sorted(line for _, line in lines if line != "<end>"))
    log_stream.close()   # a second close is harmless
    print("closed twice ok")

    # -- a follower that ends because the container exits -----------------------
    short = client.containers.run(IMAGE, ["sh", "-c", "echo a; sleep 1; echo b; echo c >&2; sleep 1; exit 3"],
                                  detach=True, labels=LABELS, name=name("short"))
    short_q = queue.Queue()
    t_short = threading.Thread(target=follow, args=(short.logs(stream=True, follow=True, stderr=True), short_q, "short"))
    t_short.start()
    # attach(stream=True, logs=True) consumed in another thread, once the first line is logged
    # (docker-py reads the hijacked socket past the response's buffer and often misses the
    # replayed "a" that came with the headers: only the live lines are compared)
    wait_for(lambda: b"a" in short.logs())
    att_q = queue.Queue()
    t_att = threading.Thread(target=follow, args=(short.attach(stream=True, logs=True), att_q, "attach"))
    t_att.start()
    print("short wait", short.wait(timeout=30)["StatusCode"])
    t_short.join(15)
    t_att.join(15)
    print("short follower ended", not t_short.is_alive(), sorted(x[1] for x in drain(short_q)))
    att_lines = [x[1] for x in drain(att_q)]
    print("attach ended", not t_att.is_alive(), att_lines[-1], sorted(set(att_lines) & {"b", "c"}),
          set(att_lines) <= {"a", "b", "c", "<end>"})

    # -- a follower on a second client that the main thread closes --------------
    other = docker.from_env(timeout=60)
    slow = other.containers.run(IMAGE, ["sh", "-c", "echo slow-1; sleep 3; echo slow-2; exit 0"],
                                detach=True, labels=LABELS, name=name("slow"))
    slow_q = queue.Queue()
    t_slow = threading.Thread(target=follow, args=(slow.logs(stream=True, follow=True), slow_q, "slow"))
    t_slow.start()
    wait_for(lambda: slow_q.qsize() >= 1)
    other.close()
    # docker-py: close() drops the idle connections; the streaming one keeps going until the container exits
    t_slow.join(20)
    print("slow follower after client close", not t_slow.is_alive(), sorted(x[1] for x in drain(slow_q)))
    print("closed client still usable", other.containers.get(slow.id).status)
    other.close()

    # -- a pool fanning out over several containers, one removed meanwhile ------
    fleet = [client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, name=name("f%d" % i))
             for i in range(4)]
    doomed = fleet[3]
    doomed.remove(force=True)

    def probe(c):
        got = client.containers.get(c.id)
        got.reload()
        top = got.top()
        st = got.stats(stream=False)
        return (got.name.replace(tag, "T"), got.status, len(top["Processes"]) >= 1, "Titles" in top,
                "memory_stats" in st, "cpu_stats" in st)

    def probe_stale(c):
        c.reload()   # the model fetched before the removal
        return c.name.replace(tag, "T"), c.status

    results, failures = [], collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        futs = [pool.submit(probe, c) for c in fleet] + [pool.submit(probe_stale, doomed)]
        futs.append(pool.submit(lambda: client.api.top(doomed.id)))
        futs.append(pool.submit(lambda: client.containers.get(name("f3")).stats(stream=False)))
        for f in concurrent.futures.as_completed(futs):
            try:
                results.append(f.result())
            except errors.APIError as e:
                failures[(type(e).__name__, e.status_code, isinstance(e, errors.NotFound))] += 1
            except Exception as e:  # noqa: BLE001
                failures[(type(e).__name__, None, False)] += 1
    print("probe results", sorted(results))
    print("probe failures", sorted(failures.items()))
    # the same probes with map(): the first exception surfaces when its result is reached
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        it = pool.map(probe, fleet)
        got = []
        try:
            for r in it:
                got.append(r[0])
        except errors.NotFound as e:
            print("map stopped at", len(got), type(e).__name__, e.status_code,
                  "No such container" in str(e.explanation))

    # a stats stream read in a thread that stops after two samples (docker-py's is a generator)
    st_stream = fleet[0].stats(stream=True, decode=True)
    st_q = queue.Queue()

    def read_stats():
        for n, s in enumerate(st_stream):
            st_q.put(sorted(k for k in s if k in ("cpu_stats", "memory_stats", "read")))
            if n == 1:
                break
        st_q.put("<end>")

    t_st = threading.Thread(target=read_stats)
    t_st.start()
    t_st.join(15)
    items = drain(st_q)
    print("stats stopped", not t_st.is_alive(), len(items), items[-1], items[0])
    st_stream.close()

    # stop the fleet in parallel, then the events reader
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        print("fleet stop", sorted(pool.map(lambda c: (c.name.replace(tag, "T"), c.stop(timeout=1),
                                                        c.wait()["StatusCode"]), fleet[:3])))
    svc.stop(timeout=5)
    print("svc exit", svc.wait()["StatusCode"])
    time.sleep(0.5)
    ev_stream.close()
    ev_thread.join(15)
    evs = drain(ev_q)
    print("events reader stopped", not ev_thread.is_alive(), evs[-1])
    per = collections.defaultdict(set)
    for typ, who, action in evs:
        if typ == "container" and action in ("create", "start", "die", "destroy", "exec_create"):
            per[who].add(action)
    print("events", sorted((k, sorted(v)) for k, v in per.items()))

    # -- more followers: ended by a removal, by nothing after client.close() ----
    gone = client.containers.run(IMAGE, ["sh", "-c", "echo hi; sleep 60"], detach=True, labels=LABELS,
                                 name=name("gone"))
    gone_q = queue.Queue()
    t_gone = threading.Thread(target=follow, args=(gone.logs(stream=True, follow=True), gone_q, "gone"))
    t_gone.start()
    wait_for(lambda: gone_q.qsize() >= 1)
    gone.remove(force=True)
    t_gone.join(15)
    print("follower of a removed container", not t_gone.is_alive(), [x[1] for x in drain(gone_q)])

    ev2 = client.events(decode=True, filters={"label": "pv01=" + tag, "type": "container"})
    ev2_q = queue.Queue()

    def read_ev2():
        for ev in ev2:
            ev2_q.put(ev["Action"])
        ev2_q.put("<end>")

    t_ev2 = threading.Thread(target=read_ev2)
    t_ev2.start()
    brief = client.containers.run(IMAGE, "true", detach=True, labels=LABELS, name=name("brief"))
    brief.wait()
    wait_for(lambda: "die" in list(ev2_q.queue))
    client.close()     # idle connections only: the events stream keeps its own
    t_ev2.join(1)
    print("events follower after client.close()", t_ev2.is_alive())
    ev2.close()
    t_ev2.join(15)
    ev2_items = drain(ev2_q)
    print("events follower after stream close", not t_ev2.is_alive(), ev2_items[-1],
          sorted(set(ev2_items) & {"create", "start", "die"}))

    # -- exec streams, attach closed from a thread, waits in threads -------------
    box = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, name=name("box"))
    r = box.exec_run(["sh", "-c", "echo 1; sleep 0.3; echo 2; echo 3 >&2"], stream=True)
    out = []
    th = threading.Thread(target=lambda: out.extend(r.output))
    th.start()
    th.join(15)
    print("exec stream in a thread", r.exit_code, not th.is_alive(), sorted(b"".join(out).split()))
    r = box.exec_run(["sh", "-c", "echo 1; echo 2 >&2"], stream=True, demux=True)
    print("exec demux stream", sorted(r.output, key=repr))
    att = box.attach(stream=True, logs=False)
    att_q2 = queue.Queue()
    t_att2 = threading.Thread(target=follow, args=(att, att_q2, "box"))
    t_att2.start()
    threading.Timer(0.3, att.close).start()
    t_att2.join(15)
    print("attach closed by a timer", not t_att2.is_alive(), [x[1] for x in drain(att_q2)])
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        fs = [pool.submit(box.exec_run, ["echo", str(i)]) for i in range(6)]
        print("parallel execs", sorted((f.result().exit_code, f.result().output) for f in fs))
    waited = {}
    t_wait = threading.Thread(target=lambda: waited.update(box.wait()))
    t_wait.start()
    time.sleep(0.3)
    box.kill()
    t_wait.join(15)
    print("wait in a thread, killed", waited.get("StatusCode"), sorted(waited))
    slow_box = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS, name=name("slowbox"))
    wait_errs = []

    def wait_briefly():
        try:
            slow_box.wait(timeout=0.5)
        except Exception as e:  # noqa: BLE001 - requests' ConnectionError in docker-py
            wait_errs.append(type(e).__name__)

    t_wb = threading.Thread(target=wait_briefly)
    t_wb.start()
    t_wb.join(15)
    print("wait timeout in a thread", wait_errs)
finally:
    for c in client.containers.list(all=True, filters={"label": "pv01=" + tag}):
        c.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "pv01=" + tag})))
client.close()
client.close()
print("done")
