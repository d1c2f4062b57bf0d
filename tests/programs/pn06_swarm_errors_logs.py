"""A stack linter/doctor (validates a stack by creating it and reports what
the engine says, then inspects and tails what runs): the APIError of every
refused service spec (str, explanation, status, client/server error), the
NotFound of missing services/tasks/logs, services.list filters and status,
insert_defaults, service logs (TTY and not, follow then close, since, tail,
timestamps) and a global service's tasks.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, NotFound, InvalidArgument, DockerException
from docker.types import (ContainerSpec, EndpointSpec, Healthcheck, Mount, Resources, RestartPolicy,
                          ServiceMode, TaskTemplate)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
client = docker.from_env()
api = client.api
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


ids = {}


def in_sequence(svc, fn):
    """Reload and retry an update the swarm refuses as "update out of
    sequence" (a rolling update still writing its status), as deploy scripts do."""
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


def clean(text):
    text = text.replace(tag, "TAG")
    for k, v in ids.items():
        text = text.replace(v, k)
    return text


def report(what, fn):
    try:
        r = fn()
        print(what, "accepted", type(r).__name__)
        return r
    except NotFound as e:
        print(what, "NotFound", e.status_code, clean(e.explanation or ""))
    except APIError as e:
        print(what, "APIError", e.status_code, e.is_client_error(), e.is_server_error(),
              e.response.status_code if e.response is not None else None, clean(e.explanation or ""))
        if what.startswith("create"):
            print("  str", clean(str(e)))
    except (InvalidArgument, DockerException, TypeError, ValueError) as e:
        print(what, type(e).__name__, clean(str(e)))
    return None


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services = []
try:
    web = client.services.create(IMAGE, ["sh", "-c", "echo out-1; echo err-1 >&2; sleep 300"], name="pn06-web-" + tag,
                                 labels=dict(LABELS, tier="web"), endpoint_spec=EndpointSpec(ports={18401: 80}),
                                 mode=ServiceMode("replicated", replicas=1), stop_grace_period=10**9)
    services.append(web)
    ids["WEBID"] = web.id
    tty = client.services.create(IMAGE, ["sh", "-c", "echo tty-line; echo tty-err >&2; sleep 300"],
                                 name="pn06-tty-" + tag, labels=dict(LABELS, tier="tty"), tty=True,
                                 stop_grace_period=10**9)
    services.append(tty)
    agent = client.services.create(IMAGE, ["sh", "-c", "echo agent; sleep 300"], name="pn06-agent-" + tag,
                                   labels=dict(LABELS, tier="agent"), mode=ServiceMode("global"),
                                   stop_grace_period=10**9)
    services.append(agent)

    # --- the refused specs ---
    bad = [
        ("create port taken", lambda: client.services.create(IMAGE, ["true"], name="pn06-p-" + tag, labels=LABELS,
                                                             endpoint_spec=EndpointSpec(ports={18401: 81}))),
        ("create bad constraint", lambda: client.services.create(IMAGE, ["true"], name="pn06-c-" + tag, labels=LABELS,
                                                                 constraints=["node.role~manager"])),
        ("create small memory", lambda: client.services.create(IMAGE, ["true"], name="pn06-m-" + tag, labels=LABELS,
                                                               resources=Resources(mem_limit=1024))),
        ("create relative bind", lambda: client.services.create(IMAGE, ["true"], name="pn06-b-" + tag, labels=LABELS,
                                                                mounts=[Mount("/x", "rel/path", type="bind")])),
        ("create bad image", lambda: client.services.create("Bad Image::x", ["true"], name="pn06-i-" + tag,
                                                            labels=LABELS)),
        ("create bad name", lambda: client.services.create(IMAGE, ["true"], name="pn06_bad name", labels=LABELS)),
        ("create long name", lambda: client.services.create(IMAGE, ["true"], name="pn06-" + "x" * 70, labels=LABELS)),
        ("create missing net", lambda: client.services.create(IMAGE, ["true"], name="pn06-n-" + tag, labels=LABELS,
                                                              networks=["pn06-none-" + tag])),
        ("create dup name", lambda: client.services.create(IMAGE, ["true"], name=web.name, labels=LABELS)),
        ("create negative delay", lambda: client.services.create(IMAGE, ["true"], name="pn06-d-" + tag, labels=LABELS,
                                                                 restart_policy=RestartPolicy("any", delay=-5))),
        ("create bad health", lambda: client.services.create(IMAGE, ["true"], name="pn06-h-" + tag, labels=LABELS,
                                                             healthcheck=Healthcheck(test=["CMD"], interval=1000))),
        ("create port mode", lambda: client.services.create(IMAGE, ["true"], name="pn06-pm-" + tag, labels=LABELS,
                                                            endpoint_spec=EndpointSpec(ports={18409: (80, "tcp", "weird")}))),
        ("create dnsrr ports", lambda: client.services.create(IMAGE, ["true"], name="pn06-dn-" + tag, labels=LABELS,
                                                              endpoint_spec=EndpointSpec(mode="dnsrr", ports={18410: 80}))),
        ("create low-level no image", lambda: api.create_service(TaskTemplate(ContainerSpec("")), name="pn06-e-" + tag)),
        ("create low-level raw dict", lambda: api.create_service({"ContainerSpec": {"Image": IMAGE, "Command": "true"}},
                                                                 name="pn06-r-" + tag)),
        ("create low-level bad mode", lambda: api.create_service(TaskTemplate(ContainerSpec(IMAGE)), name="pn06-bm-" + tag,
                                                                 mode={"Replicated": {"Replicas": "two"}})),
        ("create unknown kwarg", lambda: client.services.create(IMAGE, ["true"], name="pn06-k-" + tag, replicas=2)),
        ("create no image", lambda: client.services.create(None, ["true"], name="pn06-ni-" + tag)),
    ]
    for what, fn in bad:
        r = report(what, fn)
        if r is not None:
            services.append(r if hasattr(r, "remove") else client.services.get(r["ID"]))

    # --- what is missing ---
    for what, fn in [
        ("get missing", lambda: client.services.get("pn06-none-" + tag)),
        ("remove missing", lambda: api.remove_service("pn06-none-" + tag)),
        ("inspect task missing", lambda: api.inspect_task("pn06nosuchtask" + tag)),
        ("logs missing", lambda: list(api.service_logs("pn06-none-" + tag, stdout=True))),
        ("logs missing tty given", lambda: list(api.service_logs("pn06-none-" + tag, stdout=True, is_tty=False))),
        ("tasks of missing", lambda: client.api.tasks(filters={"service": "pn06-none-" + tag})),
        ("list bad filter", lambda: client.services.list(filters={"colour": "red"})),
        ("list bad mode", lambda: client.services.list(filters={"mode": "sometimes"})),
        ("tasks bad filter", lambda: api.tasks(filters={"colour": "red"})),
        ("get ambiguous", lambda: client.services.get("pn06-")),
        ("inspect no id", lambda: api.inspect_service()),
        ("logs no id", lambda: api.service_logs()),
        ("inspect node no id", lambda: api.inspect_node()),
        ("remove secret no id", lambda: api.remove_secret()),
    ]:
        r = report(what, fn)
        if isinstance(r, list):
            print("  ", len(r))

    # what a doctor prints of those refusals: docker-py's whole error text
    for what, fn in [("get missing defaults", lambda: client.services.get("pn06-none-" + tag, insert_defaults=True)),
                     ("logs missing full", lambda: list(api.service_logs("pn06-none-" + tag, stdout=True, tail=5,
                                                                         timestamps=True, is_tty=False))),
                     ("list status bad filter", lambda: client.services.list(filters={"colour": "red"}, status=True))]:
        try:
            fn()
            print(what, "no error")
        except APIError as e:
            print(what, clean(str(e)))
            print("  url", clean(e.response.url))

    # --- lists and inspection ---
    mine = lambda xs: sorted(x.name.replace("-" + tag, "") for x in xs if tag in x.name)  # noqa: E731
    print("list all", mine(client.services.list()))
    print("list label", mine(client.services.list(filters={"label": "tier=web"})))
    print("list label key", mine(client.services.list(filters={"label": "tier"})))
    print("list global", mine(client.services.list(filters={"mode": "global"})))
    print("list replicated", mine(client.services.list(filters={"mode": "replicated"})))
    print("list name", mine(client.services.list(filters={"name": "pn06-tty"})))
    print("list id", mine(client.services.list(filters={"id": agent.id})))
    wait(lambda: all(x["ServiceStatus"]["RunningTasks"] == x["ServiceStatus"]["DesiredTasks"] >= 1
                     for x in api.services(filters={"label": "tier"}, status=True) if tag in x["Spec"]["Name"]), 60)
    st = {x.name.replace("-" + tag, ""): x.attrs.get("ServiceStatus")
          for x in client.services.list(filters={"label": "tier"}, status=True) if tag in x.name}
    print("list status", sorted(st.items()))
    print("list no status", [("ServiceStatus" in x.attrs) for x in client.services.list(filters={"id": web.id})])
    d = client.services.get(web.id, insert_defaults=True).attrs["Spec"]
    print("defaults", d["UpdateConfig"], d["RollbackConfig"], d["TaskTemplate"]["RestartPolicy"],
          d["TaskTemplate"]["ContainerSpec"].get("Isolation"), d["EndpointSpec"]["Mode"])
    print("no defaults", sorted(client.services.get(web.id).attrs["Spec"]))
    print("get prefix", client.services.get(web.id[:8]).id == web.id, client.services.get(web.name).id == web.id)
    wait(lambda: (web.reload() or True) and web.attrs["Endpoint"].get("Ports"), 20)
    print("endpoint", [(p["PublishedPort"], p["TargetPort"], p["PublishMode"]) for p in web.attrs["Endpoint"]["Ports"]],
          "VirtualIPs" in web.attrs["Endpoint"])

    # --- what a model update keeps and what it resets (docker-py sends an empty Placement) ---
    pl = client.services.create(IMAGE, ["sleep", "300"], name="pn06-placed-" + tag, labels=LABELS,
                                constraints=["node.role==manager"], preferences=[("spread", "node.id")], maxreplicas=3,
                                resources=Resources(mem_limit=64 * 2**20), log_driver="json-file",
                                log_driver_options={"max-file": "2"}, env={"K": "v"}, hostname="placed",
                                stop_grace_period=10**9)
    services.append(pl)
    pl.reload()
    print("placed", pl.attrs["Spec"]["TaskTemplate"]["Placement"], pl.attrs["Spec"]["TaskTemplate"].get("LogDriver"))
    report("update labels", lambda: in_sequence(pl, lambda: pl.update(labels=dict(LABELS, v="2"))))
    pl.reload()
    t = pl.attrs["Spec"]["TaskTemplate"]
    print("after model update", t.get("Placement"), t.get("Resources"), t.get("LogDriver"),
          t["ContainerSpec"].get("Env"), t["ContainerSpec"].get("Hostname"), pl.attrs["Spec"]["Labels"])
    report("update constraints", lambda: in_sequence(pl, lambda: pl.update(constraints=["node.role!=worker"])))
    pl.reload()
    print("after constraints", pl.attrs["Spec"]["TaskTemplate"].get("Placement"))
    report("update force False", lambda: in_sequence(pl, lambda: pl.update(force_update=False)))
    pl.reload()
    report("update force str", lambda: pl.update(force_update="1"))
    report("update env dict", lambda: in_sequence(pl, lambda: pl.update(env={"K": "w", "N": None})))
    pl.reload()
    print("env dict", pl.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Env"))
    report("update mounts str", lambda: in_sequence(pl, lambda: pl.update(mounts=["/tmp:/t:ro"])))
    pl.reload()
    print("mounts", pl.attrs["Spec"]["TaskTemplate"]["ContainerSpec"].get("Mounts"))
    report("low-level merge", lambda: in_sequence(pl, lambda: api.update_service(
        pl.id, pl.version, task_template=TaskTemplate(ContainerSpec(IMAGE, env=["M=1"]), resources=Resources(cpu_limit=10**8)),
        fetch_current_spec=True)))
    pl.reload()
    t = pl.attrs["Spec"]["TaskTemplate"]
    print("merged", t["ContainerSpec"].get("Env"), t["ContainerSpec"].get("Command"), t["ContainerSpec"].get("Mounts"),
          t.get("Resources"), t.get("Placement"), t.get("LogDriver"))
    report("low-level no fetch", lambda: in_sequence(pl, lambda: api.update_service(
        pl.id, pl.version, task_template=TaskTemplate(ContainerSpec(IMAGE, command=["sleep", "301"])), labels=LABELS)))
    pl.reload()
    t = pl.attrs["Spec"]["TaskTemplate"]
    print("replaced", t["ContainerSpec"].get("Env"), t["ContainerSpec"].get("Command"), t.get("Resources"),
          pl.attrs["Spec"].get("Mode"), pl.attrs["Spec"].get("Labels"), pl.attrs["Spec"]["Name"] == pl.name)

    # --- a global service's tasks ---
    gt = agent.tasks(filters={"desired-state": "running"})
    print("global tasks", len(gt), "Slot" in gt[0], gt[0]["NodeID"] == client.nodes.list()[0].id)
    f = {"desired-state": "running"}
    agent.tasks(filters=f)
    print("caller filters", sorted(f))

    # --- logs ---
    def all_logs(svc, **kw):
        return wait(lambda: b"".join(svc.logs(**kw)), 30) or b""
    print("logs both", sorted(all_logs(web, stdout=True, stderr=True).split()))
    print("logs out", all_logs(web, stdout=True, stderr=False).split())
    print("logs err", all_logs(web, stdout=False, stderr=True).split())
    print("logs tty", sorted(all_logs(tty, stdout=True, stderr=True).split()))
    print("logs tty low-level", sorted(b"".join(api.service_logs(tty.id, stdout=True, stderr=True, is_tty=True)).split()))
    print("logs agent", all_logs(agent, stdout=True).split())
    ts = all_logs(web, stdout=True, timestamps=True)
    print("logs timestamps", [l.split(b" ", 1)[1] for l in ts.splitlines()], ts[:2].isdigit())
    print("logs since", b"".join(web.logs(stdout=True, since=int(time.time()) + 600)))
    print("logs since float", all_logs(web, stdout=True, since=1.5).split())
    print("logs tail 0", b"".join(web.logs(stdout=True, stderr=True, tail=0)))
    print("logs tail str", sorted(all_logs(web, stdout=True, stderr=True, tail="all").split()))
    stream = web.logs(stdout=True, stderr=True, follow=True)
    first = next(iter(stream))
    print("follow first", type(first).__name__, first.strip() in (b"out-1", b"err-1"))
    close = getattr(stream, "close", None)
    print("follow close", close is not None and (close() or True))
    print("logs kwarg", report("logs bad kwarg", lambda: list(web.logs(stdout=True, colour=True))))

    # --- removal ---
    print("remove", web.remove())
    services.remove(web)
    report("remove again", web.remove)
    report("reload removed", web.reload)
    report("update removed", lambda: web.update(labels=LABELS))
    report("logs removed", lambda: list(web.logs(stdout=True)))
    report("tasks removed", web.tasks)
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
