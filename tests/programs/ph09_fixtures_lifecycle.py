"""pytest-docker-tools / conftest.py style: generator fixtures built with
contextlib, the low-level client as a context manager, auto_remove with
wait(condition="removed"), wait(condition="next-exit") across a kill and start,
signals by name and number, stop_signal, update() of the
restart policy, rename, detached execs watched through exec_inspect."""
import contextlib
import os
import threading
import time
import uuid

import docker
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph09": tag}
TRAP = "trap 'echo got-$1; exit %s' %s; while true; do sleep 0.1; done"


@contextlib.contextmanager
def docker_client():
    client = docker.from_env(timeout=60)
    try:
        yield client
    finally:
        client.close()


@contextlib.contextmanager
def container(client, command, **kwargs):
    kwargs.setdefault("labels", LABELS)
    c = client.containers.run(IMAGE, command, detach=True, **kwargs)
    try:
        yield c
    finally:
        try:
            c.remove(force=True)
        except NotFound:
            pass


def script(code, sig):
    return ["sh", "-c", TRAP % (code, sig)]


with docker_client() as client:
    # auto_remove: wait for removal, then it is gone
    c = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.3; exit 2"], detach=True, auto_remove=True,
                              labels=LABELS)
    print("removed wait", c.wait(condition="removed")["StatusCode"])
    try:
        c.reload()
        print("still there")
    except NotFound as e:
        print("gone", e.status_code)

    # signals by name and by number, with traps
    with container(client, script(11, "USR1")) as c:
        time.sleep(0.3)
        c.kill(signal="SIGUSR1")
        print("kill by name", c.wait(timeout=10)["StatusCode"])
    with container(client, script(12, "USR2")) as c:
        time.sleep(0.3)
        c.kill(signal=12)
        print("kill by number", c.wait(timeout=10)["StatusCode"])
    with container(client, script(13, "HUP")) as c:
        time.sleep(0.3)
        c.kill("HUP")
        print("kill positional", c.wait(timeout=10)["StatusCode"])

    # stop_signal / stop_timeout from the config
    with container(client, script(14, "INT"), stop_signal="SIGINT") as c:
        c.reload()
        print("config", c.attrs["Config"]["StopSignal"], c.attrs["Config"].get("StopTimeout"))
        time.sleep(0.3)
        t0 = time.time()
        c.stop()
        print("stopped by its stop signal", c.wait()["StatusCode"], time.time() - t0 < 4)

    # next-exit across a kill and a start
    with container(client, ["sh", "-c", "sleep 30"]) as c:
        box = {}
        w = threading.Thread(target=lambda: box.setdefault("r", c.wait(condition="next-exit", timeout=20)))
        w.start()
        time.sleep(0.5)
        c.kill()
        w.join(20)
        c.start()
        c.reload()
        print("next-exit", box.get("r", {}).get("StatusCode"), c.status)

    # update the restart policy, then see it act
    with container(client, ["sh", "-c", "sleep 0.5; exit 3"]) as c:
        print("update", c.update(restart_policy={"Name": "on-failure", "MaximumRetryCount": 1}))
        c.reload()
        print("policy", c.attrs["HostConfig"]["RestartPolicy"])
        deadline = time.time() + 20
        while time.time() < deadline:
            c.reload()
            if c.attrs["RestartCount"] >= 1 and c.status == "exited":
                break
            time.sleep(0.2)
        print("restarted once", c.attrs["RestartCount"], c.status, c.attrs["State"]["ExitCode"])

    # rename and find by the new name
    with container(client, ["sleep", "30"], name="clibdocker-test-ph09-a-" + tag) as c:
        c.rename("clibdocker-test-ph09-b-" + tag)
        print("renamed", client.containers.get("clibdocker-test-ph09-b-" + tag).id == c.id)
        try:
            client.containers.get("clibdocker-test-ph09-a-" + tag)
        except NotFound:
            print("old name gone")
        try:
            c.rename("clibdocker-test-ph09-b-" + tag)
        except APIError as e:
            print("rename to itself", type(e).__name__, e.status_code)

        # detached execs, watched through exec_inspect
        with docker.APIClient(version="auto") as api:
            ex = api.exec_create(c.id, ["sh", "-c", "sleep 0.5; exit 6"], workdir="/tmp", user="nobody")
            print("exec detach", api.exec_start(ex["Id"], detach=True))
            info = api.exec_inspect(ex["Id"])
            print("exec running", info["Running"], info["ExitCode"], info["ProcessConfig"]["user"],
                  sorted(k for k in info if k in ("CanRemove", "ContainerID", "DetachKeys", "ExitCode", "ID",
                                                  "OpenStderr", "OpenStdin", "OpenStdout", "Pid",
                                                  "ProcessConfig", "Running")))
            for _ in range(100):
                info = api.exec_inspect(ex)
                if not info["Running"]:
                    break
                time.sleep(0.1)
            print("exec finished", info["Running"], info["ExitCode"], info["ContainerID"] == c.id)
            print("container execs", ex["Id"] in (api.inspect_container(c.id)["ExecIDs"] or []))
print("left", len(docker.from_env().containers.list(all=True, filters={"label": "ph09=" + tag})))
