"""A scheduler's reaper and resource monitor (in the style of the
cleanup/metrics loops of CI agents and Airflow's docker hooks): streams
opened before the container vanishes and read inside try blocks, every
model operation on stopped and removed containers with the error classes,
status codes, explanations and response attributes, and the wait/stop/kill
edge answers."""
import os
import re
import time
import uuid

import docker
import requests
from docker.errors import APIError, NotFound, DockerException

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pj07": tag}


def clean(text):
    return re.sub("[0-9a-f]{64}", "<id>", str(text)).replace(tag, "T")


def err(label, e):
    r = getattr(e, "response", None)
    print(label, type(e).__name__, isinstance(e, APIError), isinstance(e, requests.exceptions.HTTPError),
          getattr(e, "status_code", None), clean(getattr(e, "explanation", None)),
          r is not None and r.status_code, r is not None and clean(r.reason),
          e.is_client_error() if isinstance(e, APIError) else None,
          e.is_server_error() if isinstance(e, APIError) else None)
    print(label, "str", clean(str(e)))


def op(label, fn):
    try:
        r = fn()
        if hasattr(r, "__next__") or type(r).__name__ in ("generator", "RawStream", "CancellableStream"):
            r = ("stream", [type(x).__name__ for x in list(r)[:1]])
        print(label, "ok", clean(r))
    except (APIError, DockerException, requests.exceptions.RequestException) as e:
        err(label, e)


try:
    c = client.containers.run(IMAGE, ["sh", "-c", "sleep 0.5; exit 3"], detach=True, labels=LABELS, name="clibdocker-test-pj07-" + tag)
    stats = c.stats(decode=True)
    exported = c.export()
    print("wait", c.wait(timeout=10))
    c.reload()
    print("state", c.status, c.attrs["State"]["ExitCode"], c.attrs["State"]["OOMKilled"], c.attrs["State"]["Error"])
    # operations on a stopped container
    op("exec stopped", lambda: c.exec_run("true"))
    op("top stopped", lambda: c.top())
    op("pause stopped", lambda: c.pause())
    op("unpause stopped", lambda: c.unpause())
    op("kill stopped", lambda: c.kill())
    op("stop stopped", lambda: c.stop())
    op("stats stopped", lambda: sorted(c.stats(stream=False))[:3])
    op("resize stopped", lambda: client.api.resize(c.id, 10, 10))
    op("attach_socket stopped", lambda: type(c.attach_socket()).__name__ != "")
    op("wait next-exit stopped", lambda: c.wait(condition="next-exit", timeout=1))
    op("update stopped", lambda: c.update(mem_limit="64m"))
    op("update too small", lambda: c.update(mem_limit="1m"))
    op("rename same", lambda: c.rename("clibdocker-test-pj07-" + tag))
    try:
        c.rename("x y")
    except APIError as e:
        print("rename bad", isinstance(e, APIError), e.status_code, e.is_client_error())
    op("get_archive stopped", lambda: c.get_archive("/etc/hostname")[1]["name"])
    op("diff stopped", lambda: type(c.diff()).__name__)
    op("restart stopped", lambda: c.restart(timeout=0))
    op("running again", lambda: c.wait(timeout=10)["StatusCode"])
    # gone while streams were open
    n = 0
    for chunk in exported:
        n += len(chunk)
    print("export read", n > 0)
    c.remove(force=True)
    try:
        first = next(stats)
        print("stats after remove", type(first).__name__)
        for _ in stats:
            pass
        print("stats ended")
    except APIError as e:
        err("stats gone", e)
    stats.close()
    late = c.export()
    try:
        for chunk in late:
            pass
        print("export gone ok")
    except NotFound as e:
        err("export gone", e)
    late_stats = c.stats(decode=True)
    try:
        print("stats gone", next(late_stats))
    except NotFound as e:
        err("stats gone late", e)
    try:
        print(c.stats(stream=False))
    except NotFound as e:
        err("stats once gone", e)
    for label, fn in (("reload", c.reload), ("start", c.start), ("stop", c.stop), ("kill", c.kill), ("pause", c.pause),
                      ("logs", c.logs), ("top", c.top), ("diff", c.diff), ("remove", c.remove),
                      ("exec_run", lambda: c.exec_run("true")), ("wait", lambda: c.wait(timeout=2)),
                      ("rename", lambda: c.rename("clibdocker-test-pj07-x-" + tag)), ("restart", c.restart),
                      ("update", lambda: c.update(cpu_shares=10)), ("commit", lambda: c.commit("clibdocker-test/pj07-" + tag)),
                      ("get_archive", lambda: c.get_archive("/")), ("put_archive", lambda: c.put_archive("/", b"")),
                      ("attach", lambda: c.attach()), ("logs stream", lambda: c.logs(stream=True)),
                      ("get", lambda: client.containers.get(c.id)), ("api inspect", lambda: client.api.inspect_container(c.id)),
                      ("api remove force", lambda: client.api.remove_container(c.id, force=True)),
                      ("api port", lambda: client.api.port(c.id, 80)), ("api wait", lambda: client.api.wait(c.id, condition="removed"))):
        op("gone " + label, fn)
    print("status after gone", c.status)

    # a container that exits 137 (killed) and one that is OOM killed, and a failing start
    k = client.containers.run(IMAGE, "sleep 30", detach=True, labels=LABELS)
    k.kill(signal="SIGKILL")
    print("killed", k.wait(timeout=10), k.attrs["State"]["Status"])
    k.reload()
    print("killed state", k.status, k.attrs["State"]["ExitCode"])
    try:
        client.containers.run(IMAGE, ["sh", "-c", "kill -9 $$"], labels=LABELS)
    except docker.errors.ContainerError as e:
        print("self kill", e.exit_status, e.stderr, clean(str(e)))
    bad = client.containers.create(IMAGE, "/no/binary", labels=LABELS)
    op("bad start", bad.start)
    bad.reload()
    print("bad state", bad.status, bad.attrs["State"]["ExitCode"], "no such file" in bad.attrs["State"]["Error"])
    op("bad wait", lambda: bad.wait(timeout=5))
finally:
    for x in client.containers.list(all=True, filters={"label": "pj07=" + tag}):
        x.remove(force=True)
print("left", len(client.containers.list(all=True, filters={"label": "pj07=" + tag})))
client.close()
