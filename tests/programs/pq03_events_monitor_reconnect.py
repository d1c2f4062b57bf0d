"""A long-running event monitor (the kind that feeds dashboards and
autoscalers): a background thread follows client.events(decode=True,
filters=...) and, when the connection to the engine breaks, reconnects and
resumes with since=<last event time> so nothing is missed; the main thread
stops it by closing the live stream. The engine is reached through a proxy
socket the harness can take down and bring back (a socat relay in front of
the engine's socket, like a VM's forwarded socket), so the monitor meets a
real outage: the stream is cut, calls fail while it is down, and it comes
back."""
import datetime
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import requests
import docker
from docker import errors

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pq03": tag}
d = tempfile.mkdtemp(prefix="pq03-")
SOCK = os.path.join(d, "docker.sock")


class Relay:
    def __init__(self):
        self.proc = None

    def up(self):
        if os.path.exists(SOCK):
            os.unlink(SOCK)
        self.proc = subprocess.Popen(["socat", f"UNIX-LISTEN:{SOCK},fork", "UNIX-CONNECT:/var/run/docker.sock"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                s = socket.socket(socket.AF_UNIX)
                s.connect(SOCK)
                s.close()
                return
            except OSError:
                time.sleep(0.05)

    def down(self):
        # the relay and every connection it forked
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)
        if os.path.exists(SOCK):
            os.unlink(SOCK)


class Monitor(threading.Thread):
    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.stop = threading.Event()
        self.stream = None
        self.seen = {}          # (container name, action) -> count
        self.keys = set()
        self.last = None
        self.connects = 0
        self.failures = set()   # what went wrong while reconnecting
        self.breaks = 0
        self.ended = None
        self.lock = threading.Lock()

    def run(self):
        while not self.stop.is_set():
            try:
                since = self.last if self.last is not None else int(time.time()) - 1
                stream = self.client.events(decode=True, since=since,
                                            filters={"label": f"pq03={tag}", "type": "container"})
                with self.lock:
                    self.stream = stream
                    self.connects += 1
                for ev in stream:
                    key = (ev["id"], ev["Action"], ev["timeNano"])
                    if key in self.keys:
                        continue  # since= is in whole seconds: events of that second come again
                    self.keys.add(key)
                    self.last = ev["time"]
                    name = ev["Actor"]["Attributes"]["name"].replace(tag, "T")
                    with self.lock:
                        self.seen[(name, ev["Action"])] = self.seen.get((name, ev["Action"]), 0) + 1
                if self.stop.is_set():
                    self.ended = "closed"
                    return
                self.breaks += 1   # the engine went away: the stream ended
            except (requests.exceptions.ConnectionError, errors.DockerException) as e:
                if self.stop.is_set():
                    self.ended = "closed"
                    return
                self.failures.add("ConnectionError" if isinstance(e, requests.exceptions.ConnectionError)
                                  else "DockerException")
                time.sleep(0.2)

    def actions(self, name):
        with self.lock:
            return sorted(a for (n, a) in self.seen if n == name)

    def wait_for(self, name, action, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if action in self.actions(name):
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self.stop.set()
        with self.lock:
            if self.stream is not None:
                self.stream.close()   # from the main thread, while the monitor reads it


relay = Relay()
relay.up()
direct = docker.from_env()
monitor = None
try:
    client = docker.DockerClient(base_url="unix://" + SOCK, version="auto", timeout=30)
    print("relay client", client.api.base_url, client.ping(), client.api._version == direct.api._version)
    monitor = Monitor(client)
    monitor.start()
    time.sleep(0.5)

    def run(name, cmd):
        return direct.containers.run(IMAGE, cmd, name=f"clibdocker-test-pq03-{name}-{tag}", labels=LABELS,
                                     detach=True)

    a = run("a", ["true"])
    a.wait(timeout=30)
    print("a seen", monitor.wait_for(f"clibdocker-test-pq03-a-T", "die"), monitor.actions("clibdocker-test-pq03-a-T"))

    # the outage: the relay and its connections go away
    relay.down()
    deadline = time.time() + 20
    while not (monitor.breaks or monitor.failures) and time.time() < deadline:
        time.sleep(0.05)
    try:
        client.ping()
        print("ping during outage: answered")
    except requests.exceptions.ConnectionError as e:
        print("ping during outage", type(e).__name__)
    b = run("b", ["sh", "-c", "exit 4"])
    print("b exit", b.wait(timeout=30)["StatusCode"])
    b.remove()
    time.sleep(0.5)
    # (docker-py's stream ends quietly when the connection is cut; clibdocker's
    # raises ConnectionError: docs/migrating-from-docker-py.md)
    print("monitor noticed", monitor.breaks + len(monitor.failures) > 0,
          "reconnect failures:", sorted(monitor.failures))
    relay.up()
    # back: the monitor reconnects from the last event it saw and catches up
    print("b seen after outage", monitor.wait_for("clibdocker-test-pq03-b-T", "destroy"),
          monitor.actions("clibdocker-test-pq03-b-T"))
    print("reconnected", monitor.connects >= 2, client.ping())
    c = run("c", ["true"])
    c.wait(timeout=30)
    c.remove()
    print("c seen", monitor.wait_for("clibdocker-test-pq03-c-T", "destroy"), monitor.actions("clibdocker-test-pq03-c-T"))
    print("a still", monitor.actions("clibdocker-test-pq03-a-T"))
    print("no duplicates", max(monitor.seen.values()) == 1)

    # the main thread stops the monitor while it blocks on the stream
    monitor.close()
    monitor.join(15)
    print("monitor stopped", not monitor.is_alive(), monitor.ended)

    # a report of the last seconds, bounded (until=) and raw (decode=False);
    # the engine replays only its last 256 events, so on a busy engine the
    # oldest may be gone: the report checks what it got
    since = datetime.datetime.now() - datetime.timedelta(seconds=30)
    until = int(time.time()) + 1
    raw = list(direct.api.events(since=since, until=until, filters={"label": f"pq03={tag}", "event": "destroy"}))
    print("raw destroy events", len(raw) <= 2, sorted(set(type(x).__name__ for x in raw)) in ([], ["bytes"]))
    decoded = list(direct.events(since=since, until=until, decode=True,
                                 filters={"label": f"pq03={tag}", "event": ["create", "destroy"]}))
    expected = {("clibdocker-test-pq03-a-T", "create"), ("clibdocker-test-pq03-b-T", "create"),
                ("clibdocker-test-pq03-b-T", "destroy"), ("clibdocker-test-pq03-c-T", "create"),
                ("clibdocker-test-pq03-c-T", "destroy")}
    print("bounded", {(e["Actor"]["Attributes"]["name"].replace(tag, "T"), e["Action"]) for e in decoded} <= expected)
    a.remove()

    # a hung engine: the socket accepts, nothing ever answers (a wedged
    # dockerd); the monitor's health probe must not block forever
    hung_path = os.path.join(d, "hung.sock")
    hung = socket.socket(socket.AF_UNIX)
    hung.bind(hung_path)
    hung.listen(16)
    held = []
    threading.Thread(target=lambda: [held.append(hung.accept()) for _ in range(16)], daemon=True).start()

    def probe(label, fn):
        t0 = time.time()
        try:
            print(label, "answered", fn())
        except requests.exceptions.ReadTimeout as e:
            print(label, "ReadTimeout", type(e).__name__, isinstance(e, requests.exceptions.Timeout),
                  time.time() - t0 < 10)
        except requests.exceptions.ConnectionError as e:
            print(label, "ConnectionError", type(e).__name__)
        except errors.DockerException as e:
            print(label, "DockerException", str(e).split(":")[0], time.time() - t0 < 10)

    probe("hung ping", lambda: docker.APIClient(base_url="unix://" + hung_path, version="1.41", timeout=2).ping())
    probe("hung auto", lambda: docker.APIClient(base_url="unix://" + hung_path, timeout=2))
    probe("hung from_env", lambda: docker.from_env(environment={"DOCKER_HOST": "unix://" + hung_path}, timeout=2))
    hc = docker.DockerClient(base_url="unix://" + hung_path, version="1.41", timeout=2)
    probe("hung list", lambda: hc.containers.list())
    hc.api.timeout = 1
    probe("hung info, timeout lowered", lambda: hc.info())
    hung.close()
finally:
    if monitor is not None and monitor.is_alive():
        monitor.close()
        monitor.join(15)
    for x in direct.containers.list(all=True, filters={"label": f"pq03={tag}"}):
        x.remove(force=True)
    direct.close()
    try:
        relay.down()
    except ProcessLookupError:
        pass
    shutil.rmtree(d, ignore_errors=True)
print("done")
