"""High-level swarm use: init a single-node swarm, services with the usual
ContainerSpec/TaskTemplate kwargs, secrets, configs, nodes, then leave.
Run only under flock /tmp/clibdocker-swarm.lock."""
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import (ConfigReference, EndpointSpec, Mount, Resources, RestartPolicy,
                          SecretReference, ServiceMode, UpdateConfig)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
client = docker.from_env()


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


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    node_id = client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    print("init returned str", isinstance(node_id, str))
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
tag = uuid.uuid4().hex[:8]
secret = config = service = net = None
try:
    client.swarm.reload()
    print("swarm attrs", sorted(k for k in ("ID", "Spec", "JoinTokens", "Version") if k in client.swarm.attrs))
    print("swarm id matches", client.swarm.id == client.swarm.attrs["ID"])
    old_limit = client.swarm.attrs["Spec"]["Orchestration"].get("TaskHistoryRetentionLimit")
    client.swarm.update(task_history_retention_limit=7)
    client.swarm.reload()
    print("history limit", client.swarm.attrs["Spec"]["Orchestration"]["TaskHistoryRetentionLimit"])

    nodes = client.nodes.list()
    print("nodes", len(nodes), [n.attrs["Spec"]["Role"] for n in nodes])
    node = client.nodes.get(nodes[0].id)
    print("node availability", node.attrs["Spec"]["Availability"])
    spec = dict(node.attrs["Spec"])
    spec["Labels"] = {"clibdocker-ps01": tag}
    print("node update", node.update(spec))
    node.reload()
    print("node label", node.attrs["Spec"]["Labels"] == {"clibdocker-ps01": tag})
    print("node filter", len(client.nodes.list(filters={"role": "manager"})))

    secret = client.secrets.create(name="ps01-sec-" + tag, data=b"s3cret", labels=LABELS)
    print("secret", type(secret).__name__, secret.name == "ps01-sec-" + tag)
    got = client.secrets.get(secret.id)
    print("secret get", got.name == secret.name, "Data" in got.attrs["Spec"])
    print("secret list", [s.name == secret.name for s in client.secrets.list(filters={"name": "ps01-sec-" + tag})])
    config = client.configs.create(name="ps01-cfg-" + tag, data="key=value\n", labels=LABELS)
    cfg = client.configs.get(config.id)
    import base64
    print("config data", base64.b64decode(cfg.attrs["Spec"]["Data"]))
    print("config list", len(client.configs.list(filters={"label": "clibdocker-test=1", "name": "ps01-cfg-" + tag})))

    net = client.networks.create("ps01-net-" + tag, driver="overlay", attachable=True, labels=LABELS)
    service = client.services.create(
        IMAGE, ["sh", "-c", "echo from-service; cat /run/secrets/mysecret; echo; cat /etc/app.conf; sleep 300"],
        name="ps01-svc-" + tag, env=["A=1", "B=two"], labels=LABELS,
        container_labels={"clibdocker-test": "1", "role": "worker"},
        mounts=[Mount(target="/data", source=None, type="tmpfs")],
        secrets=[SecretReference(secret.id, secret.name, filename="mysecret")],
        configs=[ConfigReference(config.id, config.name, filename="/etc/app.conf")],
        networks=[net.name],
        endpoint_spec=EndpointSpec(ports={18080: 80}),
        mode=ServiceMode("replicated", replicas=1),
        resources=Resources(cpu_limit=500000000, mem_limit=64 * 1024 * 1024),
        restart_policy=RestartPolicy(condition="on-failure", delay=1000000000, max_attempts=3),
        update_config=UpdateConfig(parallelism=1, delay=1000000000, order="stop-first"),
        workdir="/tmp", hostname="svc-host", stop_grace_period=2000000000)
    print("service", type(service).__name__, service.name == "ps01-svc-" + tag)
    s = client.services.get(service.id)
    ts = s.attrs["Spec"]["TaskTemplate"]
    cs = ts["ContainerSpec"]
    print("env", cs["Env"], "dir", cs["Dir"], "host", cs["Hostname"])
    print("labels", s.attrs["Spec"]["Labels"], cs["Labels"])
    print("mounts", [(m["Type"], m["Target"]) for m in cs["Mounts"]])
    print("secret ref", [(r["SecretName"] == secret.name, r["File"]["Name"]) for r in cs["Secrets"]])
    print("config ref", [(r["ConfigName"] == config.name, r["File"]["Name"]) for r in cs["Configs"]])
    print("resources", ts["Resources"])
    print("restart", ts["RestartPolicy"])
    print("update", s.attrs["Spec"]["UpdateConfig"])
    print("mode", s.attrs["Spec"]["Mode"])
    print("ports", [(p["TargetPort"], p["PublishedPort"], p["Protocol"]) for p in s.attrs["Spec"]["EndpointSpec"]["Ports"]])
    print("list by name", [x.name == s.name for x in client.services.list(filters={"name": s.name})])
    print("list by label", len(client.services.list(filters={"label": "clibdocker-test=1", "id": s.id})))

    running = wait(lambda: [t for t in s.tasks() if t["Status"]["State"] == "running"])
    print("running tasks", len(running))
    print("tasks desired", sorted({t["DesiredState"] for t in s.tasks(filters={"desired-state": "running"})}))

    def got_logs():
        out = b"".join(s.logs(stdout=True, stderr=True))
        return out if b"value" in out else None
    logs = wait(got_logs, 20) or b""
    print("logs", [l for l in logs.split(b"\n") if l])

    print("scale", s.scale(2))
    wait(lambda: len([t for t in s.tasks() if t["Status"]["State"] == "running"]) == 2)
    s.reload()
    print("replicas", s.attrs["Spec"]["Mode"]["Replicated"]["Replicas"])
    s.update(env=["A=2"], labels={"clibdocker-test": "1", "updated": "yes"})
    s.reload()
    cs = s.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
    print("after update", cs["Env"], s.attrs["Spec"]["Labels"], s.version > 0)
    print("image kept", cs["Image"].split("@")[0] == IMAGE)
    try:
        client.services.get("ps01-no-such-" + tag)
    except NotFound as e:
        print("missing service", type(e).__name__, e.status_code)
    try:
        client.secrets.create(name=secret.name, data=b"x", labels=LABELS)
    except APIError as e:
        print("duplicate secret", e.status_code, e.is_client_error())
finally:
    if service is not None:
        print("remove service", service.remove())
        wait(lambda: not client.containers.list(all=True, filters={"label": "com.docker.swarm.service.id=" + service.id}), 30)
    if secret is not None:
        print("remove secret", secret.remove())
    if config is not None:
        print("remove config", config.remove())
    if net is not None:
        for _ in range(40):
            try:
                net.remove()
                break
            except APIError:
                time.sleep(0.5)
    try:
        if not created:
            client.swarm.update(task_history_retention_limit=old_limit)
    except Exception:
        pass
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
