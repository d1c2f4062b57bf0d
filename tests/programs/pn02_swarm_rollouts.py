"""A rollout tool for swarm services (what a CD job runs after a build):
rolling updates with start-first order and automatic rollback, a manual
rollback through the low-level request helpers (docker-py has no rollback
argument, so tools post ``?rollback=previous`` themselves) and through the
PreviousSpec, force updates, scaling up/down to zero, mode/name changes the
engine refuses, task filters and logs between versions.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, InvalidArgument, NotFound
from docker.types import (EndpointSpec, RestartPolicy, RollbackConfig, ServiceMode, TaskTemplate,
                          ContainerSpec, UpdateConfig)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
client = docker.from_env()
tag = uuid.uuid4().hex[:8]


def wait(fn, timeout=40.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.3)


def net_exists(name):
    return any(n.name == name for n in client.networks.list(names=[name]))


def ingress_ready():
    for n in client.networks.list(names=["ingress"]):
        if n.name == "ingress":
            n.reload()
            return "ingress-sbox" in (n.attrs.get("Containers") or {})
    return False


def update_state(svc):
    svc.reload()
    return (svc.attrs.get("UpdateStatus") or {}).get("State")


def settled(svc, timeout=90):
    """Wait until the rolling update (or rollback) just asked for has finished
    (the engine clears the status of the previous one when it takes an update)."""
    return wait(lambda: update_state(svc) in ("completed", "rollback_completed", "paused",
                                              "rollback_paused") and update_state(svc), timeout)


def in_sequence(svc, fn):
    """The swarm may still write the service (its update status) after it
    looked settled: an update with the version read before is refused as
    "update out of sequence"; reload and try again, as deploy scripts do."""
    for _ in range(10):
        svc.reload()
        try:
            return fn()
        except APIError as e:
            if "out of sequence" not in str(e):
                raise
            time.sleep(0.5)
    svc.reload()
    return fn()


def running(svc):
    return sorted(t["Spec"]["ContainerSpec"].get("Env", [""])[0] for t in svc.tasks(filters={"desired-state": "running"})
                  if t["Status"]["State"] == "running")


def env_of(svc):
    svc.reload()
    return svc.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Env")


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services = []
try:
    web = client.services.create(
        IMAGE, ["sh", "-c", "echo started $VERSION; sleep 300"], name="pn02-web-" + tag,
        labels=dict(LABELS, app="pn02"), container_labels=LABELS, env=["VERSION=1"],
        mode=ServiceMode("replicated", replicas=2),
        update_config=UpdateConfig(parallelism=1, delay=0, failure_action="rollback", monitor=3 * 10**9,
                                   max_failure_ratio=0, order="start-first"),
        rollback_config=RollbackConfig(parallelism=0, delay=0, failure_action="pause", monitor=10**9,
                                       order="stop-first"),
        restart_policy=RestartPolicy(condition="any", delay=10**9),
        endpoint_spec=EndpointSpec(mode="dnsrr"), stop_grace_period=10**9)
    services.append(web)
    print("created", web.name == "pn02-web-" + tag, update_state(web), "PreviousSpec" in web.attrs)
    print("v1 running", wait(lambda: running(web) == ["VERSION=1"] * 2, 60) and running(web))

    # a rolling update: new env, start-first
    v0 = web.version
    r = in_sequence(web, lambda: web.update(env=["VERSION=2"], labels=dict(LABELS, app="pn02", rev="2")))
    print("update result", type(r).__name__, sorted(r) if isinstance(r, dict) else r)
    print("v2 settled", settled(web), web.version > v0)
    print("v2 running", wait(lambda: running(web) == ["VERSION=2"] * 2, 60) and running(web))
    us = web.attrs.get("UpdateStatus") or {}
    print("update status", us.get("State"), us.get("Message"), "StartedAt" in us, "CompletedAt" in us)
    prev = web.attrs["PreviousSpec"]
    print("previous spec", prev["TaskTemplate"]["ContainerSpec"]["Env"], prev["Labels"].get("rev"))

    # a manual rollback the way tools do it with docker-py: post ?rollback=previous
    api = client.api
    resp = in_sequence(web, lambda: api._post_json(api._url("/services/{0}/update", web.id), data=web.attrs["Spec"],
                                                   params={"version": web.version, "rollback": "previous"}))
    res = api._result(resp, json=True)
    print("rollback posted", type(res).__name__, sorted(res))
    print("rollback settled", settled(web))
    print("after rollback", env_of(web), web.attrs["Spec"]["Labels"].get("rev"),
          web.attrs["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["Env"])
    print("v1 back", wait(lambda: running(web) == ["VERSION=1"] * 2, 60) and running(web))

    # rolling forward again with the PreviousSpec (the other way, no raw request)
    def forward():
        prev = web.attrs["PreviousSpec"]
        return api.update_service(web.id, web.version, task_template=prev["TaskTemplate"], name=prev["Name"],
                                  labels=prev["Labels"], mode=prev["Mode"], update_config=prev.get("UpdateConfig"),
                                  rollback_config=prev.get("RollbackConfig"), endpoint_spec=prev.get("EndpointSpec"))
    print("forward", sorted(in_sequence(web, forward)))
    print("forward settled", settled(web), env_of(web), web.attrs["Spec"]["Labels"].get("rev"))

    # a broken release: the new tasks die, the update rolls itself back
    in_sequence(web, lambda: web.update(command=["sh", "-c", "echo broken; exit 3"], env=["VERSION=broken"]))
    final = wait(lambda: update_state(web) in ("rollback_completed", "rollback_paused", "paused") and update_state(web), 120)
    print("broken release", final)
    print("broken message", (web.attrs.get("UpdateStatus") or {}).get("Message"))
    print("rolled back to", env_of(web))
    print("v2 back", wait(lambda: running(web) == ["VERSION=2"] * 2, 60) and running(web))

    # force updates (same spec, new tasks)
    web.reload()
    f0 = web.attrs["Spec"]["TaskTemplate"].get("ForceUpdate", 0)
    print("force_update", in_sequence(web, web.force_update))
    settled(web)
    print("forced", web.attrs["Spec"]["TaskTemplate"]["ForceUpdate"] - f0)
    in_sequence(web, lambda: web.update(force_update=True))
    settled(web)
    print("forced again", web.attrs["Spec"]["TaskTemplate"]["ForceUpdate"] - f0)
    in_sequence(web, lambda: web.update(force_update=10))
    settled(web)
    print("forced to", web.attrs["Spec"]["TaskTemplate"]["ForceUpdate"])

    # scaling
    print("scale 3", in_sequence(web, lambda: web.scale(3)))
    print("three", wait(lambda: len(running(web)) == 3, 60))
    web.reload()
    print("replicas", web.attrs["Spec"]["Mode"], web.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Env"))
    print("scale 0", in_sequence(web, lambda: web.scale(0)))
    print("none", wait(lambda: not running(web), 60))
    print("tasks running", len(web.tasks(filters={"desired-state": "running"})))
    print("scale 1", in_sequence(web, lambda: web.scale(1)))
    print("one", wait(lambda: len(running(web)) == 1, 60))
    try:
        web.scale(-1)
    except (APIError, InvalidArgument, ValueError) as e:
        print("scale -1", type(e).__name__)

    # task filters
    node_id = client.nodes.list()[0].id
    ts = web.tasks(filters={"desired-state": "running"})
    print("task fields", sorted(k for k in ts[0] if k in ("ID", "ServiceID", "NodeID", "Slot", "Spec", "Status",
                                                          "DesiredState", "Version")))
    print("task slot", [t["Slot"] for t in ts], ts[0]["NodeID"] == node_id, ts[0]["ServiceID"] == web.id)
    print("by node", len(web.tasks(filters={"node": node_id, "desired-state": "running"})))
    print("by id", len(web.tasks(filters={"id": ts[0]["ID"]})))
    print("by name", len(web.tasks(filters={"name": web.name, "desired-state": "running"})))
    print("by label", len(web.tasks(filters={"label": "nope=1"})))
    print("two states", len(web.tasks(filters={"desired-state": ["running", "shutdown"]})) > 1)
    try:
        web.tasks(filters="desired-state=running")  # a CLI-style filter string
    except (TypeError, ValueError) as e:
        print("tasks str filters", type(e).__name__, e)
    print("low-level by service name", len(api.tasks(filters={"service": web.name, "desired-state": "running"})))

    # logs across the versions
    def logged():
        out = b"".join(web.logs(stdout=True, stderr=True))
        return out if b"started 2" in out else None
    out = wait(logged, 30) or b""
    print("log current version", b"started 2" in out, all(b"|" in l for l in out.splitlines()))
    print("log tail", len(b"".join(web.logs(stdout=True, tail=1)).splitlines()) >= 1)
    print("log since future", b"".join(web.logs(stdout=True, since=int(time.time()) + 3600)))
    print("log stderr only", b"".join(web.logs(stdout=False, stderr=True)))
    print("log details", b"com.docker.swarm.node.id=" in b"".join(web.logs(stdout=True, details=True, tail=1)))

    # what the engine refuses
    for what, fn in [
        ("to global", lambda: web.update(mode=ServiceMode("global"))),
        ("to job", lambda: web.update(mode=ServiceMode("replicated-job"))),
        ("rename", lambda: web.update(name="pn02-other-" + tag)),
        ("no spec", lambda: api.update_service(web.id, web.version, labels=LABELS)),
        ("stale", lambda: api.update_service(web.id, 1, task_template=TaskTemplate(ContainerSpec(IMAGE)),
                                             name=web.name)),
        ("missing", lambda: api.update_service("pn02-none-" + tag, 1, task_template=TaskTemplate(ContainerSpec(IMAGE)))),
        ("bad update order", lambda: web.update(update_config={"Order": "sideways"})),
        ("bad port", lambda: web.update(endpoint_spec=EndpointSpec(ports={70000: 80}))),
    ]:
        try:
            web.reload()
            r = fn()
            print(what, "accepted", r)
        except NotFound as e:
            print(what, "NotFound", e.status_code, e.explanation.replace(tag, "TAG"))
        except APIError as e:
            print(what, type(e).__name__, e.status_code, e.explanation)
    web.reload()
    print("still", web.name == "pn02-web-" + tag, web.attrs["Spec"]["Mode"])
finally:
    for svc in services:
        try:
            print("remove", svc.remove())
        except NotFound:
            pass
    for svc in services:
        wait(lambda: not client.containers.list(all=True, sparse=True,
                                                filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
    if created:
        print("leave", client.swarm.leave(force=True))
        wait(lambda: client.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
        wait(lambda: not net_exists("ingress"), 30)
        if not had_gwbridge:
            def gw_unused():
                for n in client.networks.list(names=["docker_gwbridge"]):
                    if n.name == "docker_gwbridge":
                        n.reload()
                        return not n.attrs.get("Containers")
                return True
            wait(gw_unused, 30)
            subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True, timeout=60)
print("done")
