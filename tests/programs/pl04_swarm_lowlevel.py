"""Low-level swarm management in the style of orchestration libraries built on
docker.APIClient (raw dict task templates, explicit versions): init_swarm with
create_swarm_spec, update_swarm, nodes/inspect_node/update_node, configs and
secrets by id, create_service with plain dicts, inspect_service defaults,
update_service(version, fetch_current_spec), tasks filters, service_logs, and
the version / spec errors. Run only under flock /tmp/clibdocker-swarm.lock."""
import base64
import os
import subprocess
import time
import uuid

import docker
from docker import APIClient
from docker.errors import APIError, InvalidVersion, NotFound, DockerException

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
cli = APIClient(base_url="unix:///var/run/docker.sock", version="1.41", timeout=60)
L = {"clibdocker-test": "1"}
tag = uuid.uuid4().hex[:8]


def wait(fn, timeout=40.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.3)


def net(name):
    for n in cli.networks(names=[name]):
        if n["Name"] == name:
            return cli.inspect_network(n["Id"])
    return None


created = cli.info()["Swarm"]["LocalNodeState"] == "inactive"
had_gwbridge = net("docker_gwbridge") is not None
spec = cli.create_swarm_spec(task_history_retention_limit=3, snapshot_interval=4000, keep_old_snapshots=1,
                             log_entries_for_slow_followers=600, heartbeat_tick=1, election_tick=10,
                             dispatcher_heartbeat_period=6000000000, node_cert_expiry=7776000000000000,
                             name="default", labels={"clibdocker-test": "1"}, autolock_managers=False)
print("swarm spec", sorted(spec), spec["Raft"], spec["Orchestration"])
if created:
    nid = cli.init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377", swarm_spec=spec)
    print("init_swarm", type(nid).__name__)
    wait(lambda: cli.info()["Swarm"].get("ControlAvailable"))
services, secrets, configs = [], [], []
try:
    sw = cli.inspect_swarm()
    print("inspect_swarm", sorted(k for k in sw if k in ("ID", "Spec", "JoinTokens", "Version", "CreatedAt")))
    if created:
        print("spec applied", sw["Spec"]["Orchestration"], sw["Spec"]["Raft"]["SnapshotInterval"],
              sw["Spec"]["Raft"]["KeepOldSnapshots"], sw["Spec"]["Dispatcher"], sw["Spec"]["CAConfig"].get("NodeCertExpiry"))
    old_w = sw["JoinTokens"]["Worker"]
    r = cli.update_swarm(version=sw["Version"]["Index"], swarm_spec=cli.create_swarm_spec(
        task_history_retention_limit=4, labels={"clibdocker-test": "1", "stage": "2"}), rotate_worker_token=True)
    print("update_swarm", r)
    sw2 = cli.inspect_swarm()
    print("updated", sw2["Spec"]["Orchestration"], sw2["Spec"]["Labels"], sw2["JoinTokens"]["Worker"] != old_w)
    try:
        cli.update_swarm(version=sw["Version"]["Index"], swarm_spec=cli.create_swarm_spec(task_history_retention_limit=5))
    except APIError as e:
        print("stale swarm version", type(e).__name__, e.status_code, "out of sequence" in str(e))
    print("unlock key", sorted(cli.get_unlock_key()))
    # nodes
    nodes = cli.nodes()
    print("nodes", len(nodes), sorted(nodes[0])[:4], nodes[0]["Spec"]["Role"], nodes[0]["Status"]["State"])
    print("nodes filter", len(cli.nodes(filters={"role": "manager"})), len(cli.nodes(filters={"role": "worker"})))
    node = cli.inspect_node(nodes[0]["ID"])
    print("inspect_node", node["ManagerStatus"]["Leader"], node["Spec"]["Availability"])
    nspec = dict(node["Spec"], Labels={"pl04": tag}, Availability="active")
    print("update_node", cli.update_node(node["ID"], node["Version"]["Index"], nspec))
    print("node labels", cli.inspect_node(node["ID"])["Spec"]["Labels"] == {"pl04": tag})
    try:
        cli.update_node(node["ID"], node["Version"]["Index"], nspec)
    except APIError as e:
        print("stale node", type(e).__name__, e.status_code)
    try:
        cli.inspect_node("nonexistentnode" + tag)
    except NotFound as e:
        print("missing node", type(e).__name__, e.status_code)
    n2 = cli.inspect_node(node["ID"])
    cli.update_node(node["ID"], n2["Version"]["Index"], dict(n2["Spec"], Labels={}))

    # secrets / configs by id
    s = cli.create_secret("pl04-s-" + tag, b"top secret", labels=L)
    secrets.append(s["ID"])
    print("create_secret", sorted(s))
    si = cli.inspect_secret(s["ID"])
    print("inspect_secret", si["Spec"]["Name"] == "pl04-s-" + tag, "Data" in si["Spec"], si["Spec"]["Labels"])
    print("secrets", [x["ID"] == s["ID"] for x in cli.secrets(filters={"name": "pl04-s-" + tag})])
    c = cli.create_config("pl04-c-" + tag, b"a=1\n", labels=L)
    configs.append(c["ID"])
    ci = cli.inspect_config(c["ID"])
    print("inspect_config", base64.b64decode(ci["Spec"]["Data"]), ci["Spec"]["Labels"])
    print("configs", len(cli.configs(filters={"label": "clibdocker-test", "name": "pl04-c-" + tag})))
    for what, fn in [("inspect_secret missing", lambda: cli.inspect_secret("pl04-none-" + tag)),
                     ("remove_config missing", lambda: cli.remove_config("pl04-none-" + tag)),
                     ("dup config", lambda: cli.create_config("pl04-c-" + tag, b"x", labels=L))]:
        try:
            fn()
            print(what, "no error")
        except APIError as e:
            print(what, type(e).__name__, e.status_code)

    # a service from plain dicts
    tt = {
        "ContainerSpec": {
            "Image": IMAGE, "Command": ["sh", "-c", "echo svc-$SVC; cat /run/secrets/s; echo; cat /c; sleep 300"],
            "Env": ["SVC=raw"], "Labels": L,
            "Secrets": [{"SecretID": s["ID"], "SecretName": "pl04-s-" + tag,
                         "File": {"Name": "s", "UID": "0", "GID": "0", "Mode": 0o444}}],
            "Configs": [{"ConfigID": c["ID"], "ConfigName": "pl04-c-" + tag,
                         "File": {"Name": "/c", "UID": "0", "GID": "0", "Mode": 0o444}}],
        },
        "RestartPolicy": {"Condition": "on-failure", "MaxAttempts": 2},
        "Resources": {"Limits": {"MemoryBytes": 64 * 1024 * 1024}},
        "Placement": {"Constraints": ["node.role==manager"]},
    }
    svc = cli.create_service(tt, name="pl04-svc-" + tag, labels=L, mode={"Replicated": {"Replicas": 1}},
                             update_config={"Parallelism": 1, "Order": "stop-first"},
                             endpoint_spec={"Mode": "dnsrr"})
    services.append(svc["ID"])
    print("create_service", sorted(k for k in svc if k == "ID"), svc.get("Warnings") in (None, []) or type(svc["Warnings"]).__name__)
    si = cli.inspect_service(svc["ID"])
    sp = si["Spec"]
    print("spec", sp["Mode"], sp["UpdateConfig"], sp["EndpointSpec"], sp["TaskTemplate"]["RestartPolicy"],
          sp["TaskTemplate"]["Resources"], sp["TaskTemplate"]["Placement"])
    cs = sp["TaskTemplate"]["ContainerSpec"]
    print("container spec", cs["Env"], [x["File"]["Mode"] for x in cs["Secrets"]], [x["File"]["Name"] for x in cs["Configs"]])
    d = cli.inspect_service(svc["ID"], insert_defaults=True)["Spec"]
    print("defaults", sorted(d["TaskTemplate"]["ContainerSpec"])[:3], "RollbackConfig" in d)
    ok = wait(lambda: [t for t in cli.tasks(filters={"service": svc["ID"]}) if t["Status"]["State"] == "running"], 60)
    print("running", len(ok))
    ts = cli.tasks(filters={"service": "pl04-svc-" + tag, "desired-state": "running"})
    print("tasks", len(ts), sorted(ts[0])[:5], ts[0]["Spec"]["ContainerSpec"]["Env"])
    print("tasks by node", len(cli.tasks(filters={"node": node["ID"], "service": svc["ID"]})))
    print("inspect_task", cli.inspect_task(ts[0]["ID"])["ServiceID"] == svc["ID"])

    def logs():
        out = b"".join(cli.service_logs(svc["ID"], stdout=True, stderr=True, follow=False))
        return out if b"a=1" in out else None
    print("service_logs", (wait(logs, 30) or b"").split())
    print("service_logs details", b"com.docker.swarm" in b"".join(cli.service_logs(svc["ID"], stdout=True, details=True)))

    # update_service: the version from inspect, fetch_current_spec keeps the rest
    v = si["Version"]["Index"]
    r = cli.update_service(svc["ID"], v, labels=dict(L, rev="2"), fetch_current_spec=True,
                           mode={"Replicated": {"Replicas": 2}})
    print("update_service", sorted(r))
    sp = cli.inspect_service(svc["ID"])["Spec"]
    print("after", sp["Labels"], sp["Mode"], sp["TaskTemplate"]["ContainerSpec"]["Env"], sp["EndpointSpec"])
    try:
        cli.update_service(svc["ID"], v, labels=L)
    except APIError as e:
        print("stale version", type(e).__name__, e.status_code, "out of sequence" in str(e))
    try:
        cli.update_service(svc["ID"], None, labels=L)
    except (APIError, DockerException, TypeError) as e:
        print("no version", type(e).__name__)
    print("services", [x["Spec"]["Name"] == "pl04-svc-" + tag for x in cli.services(filters={"label": "clibdocker-test=1", "name": "pl04-svc-" + tag})])
    print("services mode filter", len(cli.services(filters={"mode": "replicated", "id": svc["ID"]})))
    try:
        cli.create_service({"ContainerSpec": {"Image": ""}}, name="pl04-bad-" + tag)
    except APIError as e:
        print("empty image", type(e).__name__, e.status_code)
    try:
        cli.create_service(tt, name="pl04-svc-" + tag)
    except APIError as e:
        print("dup service", type(e).__name__, e.status_code)

    # version gates on an old API version
    old = APIClient(base_url="unix:///var/run/docker.sock", version="1.24")
    for what, fn in [
        ("rollback_config 1.24", lambda: old.create_service(tt, name="x", rollback_config={"Parallelism": 1})),
        ("configs 1.24", lambda: old.configs()),
        ("create_config 1.24", lambda: old.create_config("x", b"y")),
        ("insert_defaults 1.24", lambda: old.inspect_service(svc["ID"], insert_defaults=True)),
        ("service_logs details 1.24", lambda: list(old.service_logs(svc["ID"], stdout=True))),
    ]:
        try:
            fn()
            print(what, "no error")
        except InvalidVersion as e:
            # the message differs (docs/migrating-from-docker-py.md); the class and the version do not
            print(what, "InvalidVersion", isinstance(e, DockerException), "1.24" in str(e) or "< 1." in str(e))
        except APIError as e:
            print(what, type(e).__name__, e.status_code)
finally:
    for sid in services:
        try:
            print("remove_service", cli.remove_service(sid))
        except NotFound:
            pass
    for sid in services:
        wait(lambda: not cli.containers(all=True, filters={"label": "com.docker.swarm.service.id=" + sid}), 30)
    for x in secrets:
        print("remove_secret", cli.remove_secret(x))
    for x in configs:
        print("remove_config", cli.remove_config(x))
    if created:
        print("leave", cli.leave_swarm(force=True))
        wait(lambda: cli.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
        wait(lambda: net("ingress") is None, 30)
        if not had_gwbridge:
            wait(lambda: not (net("docker_gwbridge") or {}).get("Containers"), 30)
            subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True, timeout=60)
print("done")
