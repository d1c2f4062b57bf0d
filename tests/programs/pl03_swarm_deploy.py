"""A swarm deploy script (the kind CI pipelines run to roll out a stack):
swarm.init with address pools and task history, token rotation, secrets and
configs from str and bytes, a replicated service with health check, hosts,
DNS config, update/rollback policies, a global service, host-mode ports,
force_update / image updates, scale refusals, and the errors a bad spec gets.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import base64
import os
import subprocess
import time
import uuid

import docker
from docker.errors import APIError, InvalidArgument, NotFound, DockerException
from docker.types import (ConfigReference, DNSConfig, EndpointSpec, Healthcheck, RestartPolicy,
                          RollbackConfig, SecretReference, ServiceMode, UpdateConfig)

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


def settled(svc):
    """A deploy script waits for a rolling update to finish before the next."""
    def done():
        svc.reload()
        st = (svc.attrs.get("UpdateStatus") or {}).get("State")
        return st in (None, "completed", "rollback_completed", "paused", "rollback_paused")
    return wait(done, 60)


def in_sequence(svc, fn):
    """A deploy script's retry: the swarm may still write the service (the
    rolling update's status) after it looked settled, and an update with the
    version read before that is refused as "update out of sequence"."""
    for _ in range(10):
        svc.reload()
        try:
            return fn()
        except APIError as e:
            if "out of sequence" not in str(e):
                raise
            time.sleep(0.5)
    return fn()


def running(svc):
    return len([t for t in svc.tasks(filters={"desired-state": "running"}) if t["Status"]["State"] == "running"])


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    nid = client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377", force_new_cluster=False,
                            default_addr_pool=["10.231.0.0/16"], subnet_size=26,
                            task_history_retention_limit=2, snapshot_interval=5000,
                            dispatcher_heartbeat_period=5000000000, name="default",
                            labels={"clibdocker-test": "1"})
    print("init", type(nid).__name__, len(nid) > 10)
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
    a = client.swarm.attrs
    print("pool", a.get("DefaultAddrPool"), a.get("SubnetSize"))
    print("orchestration", a["Spec"]["Orchestration"], a["Spec"]["Raft"]["SnapshotInterval"],
          a["Spec"]["Dispatcher"]["HeartbeatPeriod"], a["Spec"]["Labels"])
    try:
        client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    except APIError as e:
        print("init twice", type(e).__name__, e.status_code, "already part of a swarm" in str(e))
secrets, configs, services, nets = [], [], [], []
try:
    client.swarm.reload()
    s = client.swarm
    print("swarm", type(s).__name__, s.id == s.attrs["ID"], isinstance(s.version, int))
    old = dict(s.attrs["JoinTokens"])
    print("update rotate", s.update(rotate_worker_token=True, rotate_manager_token=True))
    s.reload()
    print("rotated", s.attrs["JoinTokens"]["Worker"] != old["Worker"], s.attrs["JoinTokens"]["Manager"] != old["Manager"])
    key = s.get_unlock_key()
    print("unlock key", sorted(key), key["UnlockKey"] in ("", None) or isinstance(key["UnlockKey"], str))

    # secrets and configs as a deploy script makes them
    sec_s = client.secrets.create(name="pl03-db-pass-" + tag, data="p4ss-w0rd", labels=dict(LABELS, app="pl03"))
    sec_b = client.secrets.create(name="pl03-tls-" + tag, data=b"\x00\x01binary", labels=LABELS)
    secrets += [sec_s, sec_b]
    print("secret", repr(sec_s).startswith("<Secret: "), sec_s.name == "pl03-db-pass-" + tag, sorted(sec_s.attrs)[:3])
    print("secret get", client.secrets.get(sec_s.id).attrs["Spec"]["Labels"])
    print("secret list label", sorted(x.name.split("-" + tag)[0] for x in client.secrets.list(filters={"label": "app=pl03"})
                                      if tag in x.name))
    cfg = client.configs.create(name="pl03-nginx-" + tag, data=b"server { listen 80; }\n", labels=LABELS)
    cfg2 = client.configs.create(name="pl03-env-" + tag, data="MODE=prod\n", labels=dict(LABELS, kind="env"))
    configs += [cfg, cfg2]
    print("config", repr(cfg).startswith("<Config: "), base64.b64decode(client.configs.get(cfg2.id).attrs["Spec"]["Data"]))
    print("config list", sorted(x.name.split("-" + tag)[0] for x in client.configs.list(filters={"name": "pl03-"})
                                if tag in x.name))
    try:
        client.configs.get("pl03-none-" + tag)
    except NotFound as e:
        print("config missing", type(e).__name__, e.status_code)

    net = client.networks.create("pl03-back-" + tag, driver="overlay", attachable=True, labels=LABELS,
                                 options={"encrypted": ""} if False else None)
    nets.append(net)
    # right after init the allocator can be a moment late with the subnet
    wait(lambda: (net.reload() or True) and net.attrs["IPAM"]["Config"], 20)
    print("overlay", net.attrs["Driver"], net.attrs["Scope"], net.attrs["Attachable"],
          [c["Subnet"].startswith("10.231.") for c in net.attrs["IPAM"]["Config"]])

    web = client.services.create(
        IMAGE, ["sh", "-c", "cat /run/secrets/db; echo; cat /etc/nginx.conf; grep -c db.local /etc/hosts; sleep 300"],
        name="pl03-web-" + tag, labels=dict(LABELS, tier="web"), container_labels=LABELS,
        mode=ServiceMode("replicated", replicas=2),
        endpoint_spec=EndpointSpec(mode="vip", ports={18181: 80, 18182: (81, "udp")}),
        healthcheck=Healthcheck(test=["CMD", "true"], interval=1000000000, timeout=1000000000, retries=3,
                                start_period=1000000000),
        hosts={"db.local": "10.0.0.5"}, dns_config=DNSConfig(nameservers=["8.8.8.8"], search=["svc.local"],
                                                             options=["ndots:2"]),
        secrets=[SecretReference(sec_s.id, sec_s.name, filename="db", mode=0o400)],
        configs=[ConfigReference(cfg.id, cfg.name, filename="/etc/nginx.conf")],
        update_config=UpdateConfig(parallelism=1, delay=100000000, failure_action="rollback", monitor=1000000000,
                                   max_failure_ratio=0.5, order="start-first"),
        rollback_config=RollbackConfig(parallelism=2, delay=0, failure_action="pause", order="stop-first"),
        restart_policy=RestartPolicy(condition="any", delay=500000000),
        networks=[net.name], stop_signal="SIGTERM", stop_grace_period=1000000000, read_only=False,
        tty=False, init=True, groups=["1234"], user="root", env={"ROLE": "web"} if False else ["ROLE=web"])
    services.append(web)
    print("service", repr(web).startswith("<Service: "), web.name == "pl03-web-" + tag)
    sp = client.services.get(web.id).attrs["Spec"]
    cs = sp["TaskTemplate"]["ContainerSpec"]
    print("healthcheck", cs["Healthcheck"])
    print("hosts", cs["Hosts"], "dns", cs["DNSConfig"])
    print("secret file", [(r["File"]["Name"], r["File"]["Mode"]) for r in cs["Secrets"]])
    print("config file", [r["File"]["Name"] for r in cs["Configs"]])
    print("cs misc", cs.get("StopSignal"), cs.get("StopGracePeriod"), cs.get("Init"), cs.get("Groups"), cs.get("User"),
          cs.get("Env"), cs.get("ReadOnly"), cs.get("TTY"))
    print("update", sp["UpdateConfig"])
    print("rollback", sp["RollbackConfig"])
    print("restart", sp["TaskTemplate"]["RestartPolicy"])
    print("endpoint", sp["EndpointSpec"]["Mode"],
          sorted((p["TargetPort"], p["PublishedPort"], p["Protocol"], p.get("PublishMode")) for p in sp["EndpointSpec"]["Ports"]))
    print("nets", [n.get("Target") == net.id for n in sp["TaskTemplate"].get("Networks") or sp.get("Networks") or []])
    print("insert defaults", sorted(k for k in client.services.get(web.id, insert_defaults=True).attrs["Spec"]
                                    if k in ("UpdateConfig", "RollbackConfig", "EndpointSpec")))
    print("list status", [("ServiceStatus" in x.attrs) for x in client.services.list(filters={"name": web.name}, status=True)])
    print("running", wait(lambda: running(web) == 2, 60))

    def logged():
        out = b"".join(web.logs(stdout=True, stderr=True))
        return out if out.count(b"server {") >= 2 else None
    logs = wait(logged, 30) or b""
    print("logs", sorted(set(l for l in logs.split(b"\n") if l)))
    t0 = web.tasks()
    print("tasks", len(t0), sorted({t["DesiredState"] for t in t0}), all(t["ServiceID"] == web.id for t in t0))
    print("tasks filter", len(web.tasks(filters={"desired-state": "running"})))

    # force_update / update(image=...) / update(force_update=True)
    web.reload()
    v0 = web.version
    print("force_update", in_sequence(web, web.force_update))
    settled(web)
    print("force bumped", web.attrs["Spec"]["TaskTemplate"]["ForceUpdate"], web.version > v0)
    in_sequence(web, lambda: web.update(force_update=5, labels=dict(LABELS, tier="web", rev="2")))
    settled(web)
    print("force 5", web.attrs["Spec"]["TaskTemplate"]["ForceUpdate"], web.attrs["Spec"]["Labels"].get("rev"))
    in_sequence(web, lambda: web.update(image=IMAGE, args=["sleep", "301"], env=["ROLE=web2"]))
    settled(web)
    cs = web.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]
    print("image update", cs["Image"].split("@")[0] == IMAGE, cs.get("Args"), cs.get("Command"), cs.get("Env"))
    print("secrets kept", len(cs.get("Secrets") or []), "hosts kept", cs.get("Hosts"))

    # a global service with host-mode ports
    glob = client.services.create(IMAGE, ["sleep", "300"], name="pl03-agent-" + tag, labels=LABELS,
                                  mode=ServiceMode("global"),
                                  endpoint_spec=EndpointSpec(ports={18183: (8080, "tcp", "host")}))
    services.append(glob)
    gs = client.services.get(glob.id).attrs["Spec"]
    print("global", gs["Mode"], [(p["PublishMode"], p["PublishedPort"]) for p in gs["EndpointSpec"]["Ports"]])
    try:
        glob.scale(3)
    except InvalidArgument as e:
        print("scale global", type(e).__name__, str(e))
    print("global running", wait(lambda: running(glob) == 1, 60))

    # bad specs
    for what, fn in [
        ("mode", lambda: ServiceMode("sometimes")),
        ("mode replicas", lambda: ServiceMode("global", replicas=2)),
        ("update failure_action", lambda: UpdateConfig(failure_action="explode")),
        ("rollback order", lambda: RollbackConfig(order="sideways")),
        ("restart condition", lambda: RestartPolicy(condition="maybe")),
        ("dup name", lambda: client.services.create(IMAGE, ["true"], name=web.name, labels=LABELS)),
        ("bad kwarg", lambda: client.services.create(IMAGE, ["true"], name="pl03-x-" + tag, frobnicate=1)),
        ("missing secret", lambda: client.services.create(
            IMAGE, ["true"], name="pl03-y-" + tag, labels=LABELS,
            secrets=[SecretReference("nonexistent0000000000000", "nope-" + tag)])),
        ("bad mount", lambda: client.services.create(IMAGE, ["true"], name="pl03-z-" + tag, labels=LABELS,
                                                     mounts=["relative:/x:rw"])),
    ]:
        try:
            r = fn()
            print(what, "accepted", type(r).__name__)
            if hasattr(r, "remove"):
                services.append(r)
        except TypeError as e:
            print(what, "TypeError", "unexpected keyword" in str(e) or str(e))
        except (APIError, InvalidArgument, DockerException) as e:
            print(what, type(e).__name__, getattr(e, "status_code", None))
finally:
    for svc in services:
        try:
            print("remove service", svc.remove())
        except NotFound:
            pass
    for svc in services:
        try:
            wait(lambda: not client.containers.list(all=True, sparse=True,
                                                    filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
        except APIError:
            pass
    for x in secrets + configs:
        for _ in range(20):
            try:
                x.remove()
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)
    for n in nets:
        for _ in range(40):
            try:
                n.remove()
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)
    print("secrets left", len([x for x in client.secrets.list() if tag in x.name]),
          "configs left", len([x for x in client.configs.list() if tag in x.name]))
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
