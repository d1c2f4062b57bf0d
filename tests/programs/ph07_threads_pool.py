"""One client shared by a thread pool, the way CI fan-out scripts and
dockerspawner use docker-py: containers started, exec'd, logged and removed
in parallel, a follow-logs reader thread per container stopped by the main
thread, events watched in a thread while the work runs."""
import concurrent.futures
import os
import threading
import time
import uuid

import docker
from docker.errors import NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph07": tag}
N = 6

events = []
ev_stream = client.events(decode=True, filters={"label": "ph07=" + tag, "type": "container"})


def watch():
    for ev in ev_stream:
        events.append((ev["Actor"]["Attributes"].get("name", "")[-1:], ev["Action"]))


watcher = threading.Thread(target=watch)
watcher.start()


def start(i):
    c = client.containers.run(IMAGE, ["sh", "-c", "echo start-%d; while true; do echo tick-%d; sleep 0.2; done" % (i, i)],
                              detach=True, labels=LABELS, name="clibdocker-test-ph07-%s-%d" % (tag, i))
    return i, c


def work(pair):
    i, c = pair
    r = c.exec_run(["sh", "-c", "echo $((%d * %d))" % (i, i)])
    c.reload()
    top = c.top()
    return i, r.exit_code, r.output.strip(), c.status, len(top["Processes"]) >= 1


def follow(c, out, stop):
    for chunk in c.logs(stream=True, follow=True):
        out.append(chunk)
        if stop.is_set():
            break


made = []
try:
    with concurrent.futures.ThreadPoolExecutor(max_workers=N) as pool:
        started = sorted(pool.map(start, range(N)), key=lambda p: p[0])
        made.extend(c for _, c in started)
        print("started", [i for i, _ in started])
        results = sorted(pool.map(work, started))
        for r in results:
            print("work", r)
        api_results = sorted(pool.map(lambda p: (p[0], client.api.inspect_container(p[1].id)["State"]["Running"]),
                                      started))
        print("inspect", api_results)

    readers = []
    for i, c in started:
        out, stop = [], threading.Event()
        th = threading.Thread(target=follow, args=(c, out, stop))
        th.start()
        readers.append((i, out, stop, th))
    time.sleep(1.0)
    for i, out, stop, th in readers:
        stop.set()
    # every container keeps printing, so each reader sees its next chunk and stops
    for i, out, stop, th in readers:
        th.join(10)
        text = b"".join(out)
        print("reader", i, th.is_alive(), text.startswith(b"start-%d" % i), b"tick-%d" % i in text)

    with concurrent.futures.ThreadPoolExecutor(max_workers=N) as pool:
        stopped = sorted(pool.map(lambda p: (p[0], p[1].stop(timeout=0), p[1].wait()["StatusCode"]), started))
        print("stopped", stopped)
        listed = client.containers.list(all=True, filters={"label": "ph07=" + tag, "status": "exited"})
        print("listed exited", len(listed))
        removed = sorted(pool.map(lambda p: (p[0], p[1].remove()), started))
        print("removed", removed)
    made = []
    time.sleep(0.5)
    ev_stream.close()
    watcher.join(10)
    print("watcher done", not watcher.is_alive())
    per = {}
    for idx, action in events:
        per.setdefault(idx, set()).add(action)
    print("events", sorted((k, sorted(a for a in v if a in ("create", "start", "die", "destroy"))) for k, v in per.items()))
finally:
    ev_stream.close()
    for c in made:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    for c in client.containers.list(all=True, filters={"label": "ph07=" + tag}):
        c.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "ph07=" + tag})))
client.close()
