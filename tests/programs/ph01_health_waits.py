"""Wait loops the way pytest-docker / testcontainers / pytest-docker-tools
write them: poll container.reload() through status transitions, health checks
given as dicts and as docker.types.Healthcheck, read back from
attrs['State']['Health'], wait(condition=), wait(timeout=) and
requests' exceptions, restart counts."""
import os
import time
import uuid

import requests
import docker
from docker.errors import APIError, NotFound
from docker.types import Healthcheck

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph01": tag}
made = []
SEC = 1_000_000_000


def wait_for(container, predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        container.reload()
        if predicate(container):
            return True
        time.sleep(0.1)
    return False


def wait_for_health(container, want, timeout=20.0):
    return wait_for(container, lambda c: c.attrs["State"].get("Health", {}).get("Status") == want, timeout)


try:
    # health check as a dict with CMD-SHELL, becomes healthy after a file appears
    c = client.containers.run(
        IMAGE, ["sh", "-c", "sleep 1; touch /tmp/ready; sleep 60"], detach=True, labels=LABELS,
        name="clibdocker-test-ph01-a-" + tag,
        healthcheck={"test": ["CMD-SHELL", "test -f /tmp/ready"], "interval": SEC // 5,
                     "timeout": SEC, "retries": 3, "start_period": 0})
    made.append(c)
    print("created status", c.status)
    c.reload()
    print("after reload", c.status, c.attrs["State"]["Status"], c.attrs["State"]["Running"])
    hc = c.attrs["Config"]["Healthcheck"]
    print("config hc", hc["Test"], hc["Interval"], hc["Timeout"], hc["Retries"], hc.get("StartPeriod", 0))
    print("health starting", c.attrs["State"]["Health"]["Status"], c.health)
    print("became healthy", wait_for_health(c, "healthy"))
    h = c.attrs["State"]["Health"]
    print("health keys", sorted(h), h["FailingStreak"], type(h["Log"]).__name__)
    last = h["Log"][-1]
    print("log entry", sorted(last), last["ExitCode"], repr(last["Output"]))
    print("health prop", c.health)
    print("api inspect health", client.api.inspect_container(c.id)["State"]["Health"]["Status"])

    # docker.types.Healthcheck, string test (CMD-SHELL), becomes unhealthy
    u = client.containers.run(
        IMAGE, ["sleep", "60"], detach=True, labels=LABELS,
        healthcheck=Healthcheck(test="exit 1", interval=SEC // 5, timeout=SEC, retries=1))
    made.append(u)
    print("hc type", isinstance(Healthcheck(test="x"), dict), Healthcheck(test="x"))
    print("hc fields", Healthcheck(test=["CMD", "true"], interval=1, retries=2).test,
          Healthcheck(test=["CMD", "true"], interval=1, retries=2).retries,
          Healthcheck(test="true", start_period=5).start_period)
    u.reload()
    print("config hc string", u.attrs["Config"]["Healthcheck"]["Test"])
    print("became unhealthy", wait_for_health(u, "unhealthy"))
    print("unhealthy streak", u.attrs["State"]["Health"]["FailingStreak"] >= 1, u.health)

    # NONE disables the image's check
    n = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS,
                              healthcheck={"test": ["NONE"]})
    made.append(n)
    n.reload()
    print("none hc", n.attrs["Config"]["Healthcheck"], "Health" in n.attrs["State"], n.health)

    # status transitions: created -> running -> exited
    t = client.containers.create(IMAGE, ["sh", "-c", "sleep 0.5; exit 3"], labels=LABELS)
    made.append(t)
    print("t created", t.status, t.attrs["State"]["Status"])
    t.start()
    print("t running", wait_for(t, lambda x: x.status == "running", 5) or t.status)
    print("t exited", wait_for(t, lambda x: x.status == "exited"), t.attrs["State"]["ExitCode"])
    st = t.attrs["State"]
    print("state keys", sorted(k for k in st if k != "Health"))
    print("state values", st["Running"], st["Paused"], st["Restarting"], st["OOMKilled"], st["Dead"], st["Error"])
    print("wait exited", t.wait())
    print("wait not-running", t.wait(condition="not-running"))

    # wait with timeout on a running container
    try:
        c.wait(timeout=0.5)
        print("wait returned")
    except requests.exceptions.ReadTimeout:
        print("wait ReadTimeout")
    except requests.exceptions.ConnectionError as e:
        print("wait ConnectionError", type(e).__name__)
    try:
        c.wait(timeout=0.5, condition="next-exit")
    except requests.exceptions.RequestException as e:
        print("wait next-exit timeout", isinstance(e, requests.exceptions.ConnectionError))

    # restart policy: on-failure counts restarts
    r = client.containers.run(IMAGE, ["sh", "-c", "exit 1"], detach=True, labels=LABELS,
                              restart_policy={"Name": "on-failure", "MaximumRetryCount": 2})
    made.append(r)
    print("restarts done", wait_for(r, lambda x: x.status == "exited" and x.attrs["RestartCount"] == 2, 30))
    print("restart policy", r.attrs["HostConfig"]["RestartPolicy"])

    # log-based readiness (the commonest testcontainers wait)
    lg = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.3; echo 'server is ready'; sleep 60"],
                               detach=True, labels=LABELS)
    made.append(lg)
    deadline = time.time() + 10
    ready = False
    while time.time() < deadline and not ready:
        ready = "server is ready" in lg.logs().decode()
        time.sleep(0.1)
    print("log ready", ready)
    for line in lg.logs(stream=True, follow=True):
        print("first streamed line", line.decode().strip())
        break

    # get by name and by short id; NotFound after removal
    got = client.containers.get("clibdocker-test-ph01-a-" + tag)
    print("get by name", got.id == c.id, client.containers.get(c.short_id).id == c.id)
    c.stop(timeout=1)
    c.reload()
    print("stopped", c.status, c.attrs["State"]["ExitCode"] in (137, 143))
    c.remove()
    made.remove(c)
    try:
        c.reload()
    except NotFound as e:
        print("reload removed", type(e).__name__, e.status_code, e.is_client_error())
    try:
        c.wait(timeout=2)
    except NotFound as e:
        print("wait removed", e.status_code)
    except APIError as e:
        print("wait removed api", e.status_code)
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "ph01=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "ph01=" + tag})))
client.close()
