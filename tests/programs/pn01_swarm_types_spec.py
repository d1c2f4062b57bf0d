"""A stack-file translator (the kind that turns a YAML service description into
docker.types objects): every swarm type built in every form it accepts, its
dict printed as JSON (what such a tool logs or diffs), the types' validation
errors, then one service created from the fullest spec (ContainerSpec with
mounts, healthcheck, privileges, init, sysctls, cap_add/cap_drop, DriverConfig,
secret/config file modes, NetworkAttachmentConfig, generic resources,
placement) and the spec the engine stored.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import json
import os
import subprocess
import time
import uuid

import docker
from docker import types
from docker.errors import APIError, InvalidArgument, NotFound, DockerException

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
LABELS = {"clibdocker-test": "1"}
client = docker.from_env()
tag = uuid.uuid4().hex[:8]


def show(what, obj):
    print(what, type(obj).__name__, isinstance(obj, dict), json.dumps(obj, sort_keys=True))


def attempt(what, fn):
    try:
        show(what, fn())
    except (InvalidArgument, DockerException) as e:
        print(what, type(e).__name__, str(e))
    except (TypeError, ValueError) as e:
        print(what, type(e).__name__, str(e))


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


# --- the types alone (no engine) ---
for mode, kw in [("replicated", {}), ("replicated", {"replicas": 3}), ("global", {}),
                 ("replicated-job", {}), ("replicated-job", {"replicas": 4, "concurrency": 2}),
                 ("global-job", {}), ("global-job", {"concurrency": 1})]:
    try:
        m = types.ServiceMode(mode, **kw)
        print("mode", mode, kw, json.dumps(m, sort_keys=True), m.mode, m.replicas)
    except (InvalidArgument, DockerException) as e:
        print("mode", mode, kw, type(e).__name__, str(e))
attempt("mode global replicas", lambda: types.ServiceMode("global", replicas=2))
attempt("mode bogus", lambda: types.ServiceMode("daemonset"))
attempt("mode replicated concurrency", lambda: types.ServiceMode("replicated", concurrency=2))

show("update default", types.UpdateConfig())
show("update full", types.UpdateConfig(parallelism=2, delay=5 * 10**9, failure_action="rollback",
                                       monitor=10**10, max_failure_ratio=0.25, order="start-first"))
show("update pause", types.UpdateConfig(failure_action="pause", max_failure_ratio=1))
attempt("update action", lambda: types.UpdateConfig(failure_action="retry"))
attempt("update monitor float", lambda: types.UpdateConfig(monitor=1.5))
attempt("update ratio", lambda: types.UpdateConfig(max_failure_ratio=2))
attempt("update ratio str", lambda: types.UpdateConfig(max_failure_ratio="half"))
attempt("update order", lambda: types.UpdateConfig(order="random"))
show("rollback default", types.RollbackConfig())
show("rollback full", types.RollbackConfig(parallelism=0, delay=0, failure_action="continue",
                                           monitor=2 * 10**9, max_failure_ratio=0.0, order="stop-first"))
attempt("rollback action rollback", lambda: types.RollbackConfig(failure_action="rollback"))
attempt("rollback action bad", lambda: types.RollbackConfig(failure_action="undo"))

show("restart default", types.RestartPolicy())
for cond in ("none", "on-failure", "any", docker.types.services.RestartConditionTypesEnum.ON_FAILURE):
    show("restart " + cond, types.RestartPolicy(condition=cond, delay=10**9, max_attempts=5, window=3 * 10**9))
attempt("restart bad", lambda: types.RestartPolicy(condition="always"))

show("resources", types.Resources(cpu_limit=10**9, mem_limit=128 * 2**20, cpu_reservation=25 * 10**7,
                                  mem_reservation=2**20))
show("resources generic dict", types.Resources(generic_resources={"gpu": 2, "ssd": "fast-1", "fpga": 1}))
show("resources generic list", types.Resources(generic_resources=[
    {"DiscreteResourceSpec": {"Kind": "gpu", "Value": 1}}]))
attempt("resources generic float", lambda: types.Resources(generic_resources={"gpu": 1.5}))
attempt("resources generic str", lambda: types.Resources(generic_resources="gpu=1"))
show("resources empty", types.Resources())

show("placement", types.Placement(constraints=["node.role==manager", "node.labels.zone!=x"],
                                  preferences=[("spread", "node.labels.zone"),
                                               types.PlacementPreference("spread", "node.labels.rack")],
                                  platforms=[("x86_64", "linux"), ("arm64", "linux")], maxreplicas=3))
show("placement empty", types.Placement())
attempt("preference bad", lambda: types.PlacementPreference("binpack", "node.id"))
attempt("preference tuple short", lambda: types.Placement(preferences=[("spread",)]))

for what, ports in [("int", {8080: 80}), ("tuple1", {8081: (81,)}), ("tuple2", {8082: (82, "udp")}),
                    ("tuple2 none", {8083: (83, None)}), ("tuple3", {8084: (84, "tcp", "host")}),
                    ("sctp", {8085: (85, "sctp", "ingress")}), ("multi", {1: 2, 3: (4, "udp")}),
                    ("list", [{"PublishedPort": 9000, "TargetPort": 90, "Protocol": "tcp"}]),
                    ("none published", {None: 86})]:
    attempt("ports " + what, lambda: types.EndpointSpec(mode="vip", ports=ports))
attempt("ports tuple4", lambda: types.EndpointSpec(ports={1: (2, "tcp", "host", "x")}))
attempt("ports str", lambda: types.EndpointSpec(ports="80:80"))
show("endpoint dnsrr", types.EndpointSpec(mode="dnsrr"))
show("endpoint empty", types.EndpointSpec())

show("driver", types.DriverConfig("local", {"type": "tmpfs", "device": "tmpfs"}))
show("driver bare", types.DriverConfig("local"))
show("mount volume", types.Mount("/data", "pn01-vol", labels={"a": "b"}, no_copy=True,
                                 driver_config=types.DriverConfig("local", {"o": "size=1m"})))
show("mount bind", types.Mount("/host", "/tmp", type="bind", read_only=True, propagation="rslave",
                               consistency="cached"))
show("mount tmpfs", types.Mount("/scratch", None, type="tmpfs", tmpfs_size=2**20, tmpfs_mode=0o1777))
show("mount npipe", types.Mount("/p", "pipe", type="npipe"))
attempt("mount bad type", lambda: types.Mount("/x", "y", type="nfs"))
attempt("mount bind opts on volume", lambda: types.Mount("/x", "y", propagation="rshared"))
attempt("mount volume opts on bind", lambda: types.Mount("/x", "/y", type="bind", no_copy=True))
attempt("mount tmpfs opts on volume", lambda: types.Mount("/x", "y", tmpfs_size=1))
for s in ("/host:/ctr", "/host:/ctr:ro", "vol:/ctr:rw", "/ctr", "vol:/ctr:z", "a:b:c:d"):
    attempt("parse " + s, lambda: types.Mount.parse_mount_string(s))

show("secret ref", types.SecretReference("sid", "sname"))
show("secret ref full", types.SecretReference("sid", "sname", filename="f", uid="1000", gid="1001", mode=0o400))
show("config ref", types.ConfigReference("cid", "cname", filename="/etc/c", uid="0", gid="0", mode=0o644))
show("nac", types.NetworkAttachmentConfig("netid", aliases=["a", "b"], options={"k": "v"}))
show("nac bare", types.NetworkAttachmentConfig("netid"))
show("privileges", types.Privileges(selinux_disable=False, selinux_user="u", selinux_role="r",
                                    selinux_type="t", selinux_level="s0"))
show("privileges cred", types.Privileges(credentialspec_file="spec.json"))
show("privileges none", types.Privileges())
show("dns", types.DNSConfig(nameservers=["1.1.1.1"], search=["a.b"], options=["ndots:1"]))
show("health", types.Healthcheck(test="true", interval=10**9, timeout=10**9, retries=2, start_period=10**9))
show("health list", types.Healthcheck(test=["CMD-SHELL", "true"]))
show("health none", types.Healthcheck(test=["NONE"]))

cs = types.ContainerSpec(
    IMAGE, command=["sh", "-c", "sleep 300"], args=None, hostname="pn01-{{.Task.Slot}}",
    env={"A": "1", "B": None}, workdir="/tmp", user="root", labels=LABELS,
    mounts=["/tmp:/hosttmp:ro", types.Mount("/scratch", None, type="tmpfs", tmpfs_size=2**20)],
    stop_grace_period=2 * 10**9, tty=True, groups=["wheel"], open_stdin=True, read_only=False,
    stop_signal="SIGINT", healthcheck=types.Healthcheck(test=["CMD", "true"], interval=10**9),
    hosts={"h1": "10.1.1.1"}, dns_config=types.DNSConfig(nameservers=["9.9.9.9"]),
    privileges=types.Privileges(selinux_disable=True), isolation="default", init=True,
    cap_add=["NET_ADMIN"], cap_drop=["MKNOD"], sysctls={"net.ipv4.ip_forward": "1"})
show("container spec", cs)
print("container spec props", cs.__class__.__name__, sorted(k for k in dir(cs) if not k.startswith("_") and not hasattr(dict, k)))
attempt("container spec env list", lambda: types.ContainerSpec(IMAGE, env=["X=1"], command="echo hi"))
tt = types.TaskTemplate(cs, resources=types.Resources(mem_limit=2**26), restart_policy=types.RestartPolicy("any"),
                        placement=types.Placement(constraints=["node.role==manager"]),
                        log_driver={"Name": "json-file", "Options": {"max-size": "1m"}},
                        networks=["n1", {"Target": "n2", "Aliases": ["x"]}], force_update=3)
show("task template", tt)
print("task template props", tt.container_spec is cs, tt.resources, tt.restart_policy, tt.placement)
attempt("task template placement list", lambda: types.TaskTemplate(cs, placement=["node.role==worker"]))
attempt("task template bad spec", lambda: types.TaskTemplate({"Image": IMAGE}, resources="big"))

# --- the engine side ---
state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if created:
    client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    wait(lambda: client.info()["Swarm"].get("ControlAvailable"))
    wait(ingress_ready, 60)
services, secrets, configs, nets = [], [], [], []
try:
    net = client.networks.create("pn01-net-" + tag, driver="overlay", attachable=True, labels=LABELS)
    nets.append(net)
    sec = client.secrets.create(name="pn01-sec-" + tag, data=b"pn01-secret", labels=LABELS)
    secrets.append(sec)
    cfg = client.configs.create(name="pn01-cfg-" + tag, data=b"pn01-config\n", labels=LABELS)
    configs.append(cfg)
    svc = client.services.create(
        IMAGE, ["sh", "-c", "cat /run/secrets/pn01; echo; cat /etc/pn01.conf; stat -c %a /run/secrets/pn01 /etc/pn01.conf;"
                " sysctl -n net.ipv4.ip_forward; sleep 300"],
        name="pn01-full-" + tag, labels=dict(LABELS, app="pn01"), container_labels=LABELS,
        env={"MODE": "full"}, hostname="pn01-{{.Task.Slot}}", workdir="/tmp", user="root",
        mounts=["/tmp:/hosttmp:ro", types.Mount("/scratch", None, type="tmpfs", tmpfs_size=2**20, tmpfs_mode=0o700),
                types.Mount("/vol", "pn01-vol-" + tag, labels=LABELS,
                            driver_config=types.DriverConfig("local", {"type": "tmpfs", "device": "tmpfs"}))],
        healthcheck=types.Healthcheck(test=["CMD-SHELL", "test -d /scratch"], interval=10**9, timeout=10**9,
                                      retries=2, start_period=10**9),
        privileges=types.Privileges(selinux_disable=True), init=True, cap_add=["NET_ADMIN"], cap_drop=["MKNOD"],
        sysctls={"net.ipv4.ip_forward": "1"}, isolation="default", stop_signal="SIGTERM", read_only=False,
        secrets=[types.SecretReference(sec.id, sec.name, filename="pn01", uid="0", gid="0", mode=0o400)],
        configs=[types.ConfigReference(cfg.id, cfg.name, filename="/etc/pn01.conf", mode=0o640)],
        networks=[types.NetworkAttachmentConfig(net.name, aliases=["pn01-alias"], options={"x": "y"})],
        resources=types.Resources(cpu_limit=5 * 10**8, mem_limit=64 * 2**20, mem_reservation=8 * 2**20),
        restart_policy=types.RestartPolicy(condition="on-failure", delay=10**9, max_attempts=2, window=5 * 10**9),
        constraints=["node.role==manager"], preferences=[("spread", "node.labels.zone")], maxreplicas=2,
        endpoint_spec=types.EndpointSpec(mode="vip", ports={18301: 80, 18302: (81, "udp"), 18303: (82, "tcp", "ingress")}),
        mode=types.ServiceMode("replicated", replicas=1),
        update_config=types.UpdateConfig(parallelism=1, delay=10**9, failure_action="rollback", monitor=2 * 10**9,
                                         max_failure_ratio=0.5, order="stop-first"),
        rollback_config=types.RollbackConfig(parallelism=1, failure_action="continue", order="stop-first"),
        log_driver="json-file", log_driver_options={"max-size": "1m"})
    services.append(svc)
    sp = client.services.get(svc.id).attrs["Spec"]
    tts = sp["TaskTemplate"]
    c = tts["ContainerSpec"]
    print("stored env", c["Env"], c["Hostname"], c["Dir"], c["User"], c["Labels"])
    print("stored mounts", json.dumps(sorted(c["Mounts"], key=lambda m: m["Target"]), sort_keys=True).replace(tag, "TAG"))
    print("stored health", c["Healthcheck"])
    print("stored privileges", c.get("Privileges"), c.get("Init"), c.get("Isolation"), c.get("StopSignal"))
    print("stored caps", c.get("CapabilityAdd"), c.get("CapabilityDrop"), c.get("Sysctls"))
    print("stored secrets", [(r["File"]["Name"], r["File"]["UID"], r["File"]["GID"], oct(r["File"]["Mode"]),
                              r["SecretName"] == sec.name) for r in c["Secrets"]])
    print("stored configs", [(r["File"]["Name"], r["File"]["UID"], r["File"]["GID"], oct(r["File"]["Mode"]),
                              r["ConfigName"] == cfg.name) for r in c["Configs"]])
    print("stored nets", [(n["Target"] == net.id, n.get("Aliases"), n.get("DriverOpts")) for n in tts["Networks"]])
    print("stored resources", tts["Resources"])
    print("stored restart", tts["RestartPolicy"])
    print("stored placement", json.dumps(tts["Placement"], sort_keys=True))
    print("stored log driver", tts.get("LogDriver"))
    print("stored endpoint", json.dumps(sp["EndpointSpec"], sort_keys=True))
    print("stored update", sp["UpdateConfig"], "rollback", sp["RollbackConfig"])
    print("stored mode", sp["Mode"], sp["Labels"])

    def logged():
        out = b"".join(svc.logs(stdout=True, stderr=True))
        return out if b"pn01-config" in out and out.count(b"\n") >= 5 else None
    out = wait(logged, 60) or b""
    print("service sees", [l.split(b"|", 1)[-1].strip() for l in out.splitlines() if l.strip()])

    def healthy():
        for ctr in client.containers.list(filters={"label": "com.docker.swarm.service.id=" + svc.id}):
            return ctr.attrs["State"].get("Health", {}).get("Status") == "healthy" and ctr
        return None
    ctr = wait(healthy, 60)
    if ctr:
        hc = ctr.attrs["HostConfig"]
        print("container", ctr.attrs["Config"]["Hostname"], hc.get("Init"), hc.get("CapAdd"), hc.get("CapDrop"),
              hc.get("Sysctls"), hc.get("LogConfig"), ctr.attrs["State"]["Health"]["Status"])
    else:
        print("container not healthy")

    # a generic resource the node does not advertise: accepted, never scheduled
    gpu = client.services.create(IMAGE, ["sleep", "300"], name="pn01-gpu-" + tag, labels=LABELS,
                                 resources=types.Resources(generic_resources={"gpu": 1, "ssd": "fast-1"}),
                                 mode=types.ServiceMode("replicated", replicas=1))
    services.append(gpu)
    print("generic stored", json.dumps(client.services.get(gpu.id).attrs["Spec"]["TaskTemplate"]["Resources"], sort_keys=True))

    def pending():
        ts = gpu.tasks()
        return ts and ts[0]["Status"]["State"] == "pending" and ts[0]["Status"].get("Err")
    print("generic task", wait(pending, 30))

    # a replicated job and a global job
    job = client.services.create(IMAGE, ["echo", "pn01-job"], name="pn01-job-" + tag, labels=LABELS,
                                 mode=types.ServiceMode("replicated-job", replicas=2, concurrency=1),
                                 restart_policy=types.RestartPolicy(condition="none"))
    gjob = client.services.create(IMAGE, ["echo", "pn01-gjob"], name="pn01-gjob-" + tag, labels=LABELS,
                                  mode=types.ServiceMode("global-job"),
                                  restart_policy=types.RestartPolicy(condition="none"))
    services += [job, gjob]
    print("job modes", client.services.get(job.id).attrs["Spec"]["Mode"], client.services.get(gjob.id).attrs["Spec"]["Mode"])
    print("job done", wait(lambda: len([t for t in job.tasks() if t["Status"]["State"] == "complete"]) == 2, 60),
          wait(lambda: [t["Status"]["State"] for t in gjob.tasks()] == ["complete"], 60))
    print("job status", json.dumps((client.services.get(job.id).attrs.get("JobStatus") or {}).get("JobIteration") is not None))
    try:
        job.scale(3)
    except (InvalidArgument, APIError) as e:
        print("job scale", type(e).__name__, getattr(e, "status_code", None), getattr(e, "explanation", str(e)))
finally:
    for svc in services:
        try:
            print("remove", svc.remove())
        except NotFound:
            pass
    for svc in services:
        wait(lambda: not client.containers.list(all=True, sparse=True,
                                                filters={"label": "com.docker.swarm.service.id=" + svc.id}), 30)
        for ctr in client.containers.list(all=True, filters={"label": "com.docker.swarm.service.id=" + svc.id}):
            try:
                ctr.remove(force=True)
            except NotFound:
                pass
    for x in secrets + configs:
        x.remove()
    for v in client.volumes.list(filters={"name": "pn01-vol-" + tag}):
        v.remove(force=True)
    for n in nets:
        for _ in range(40):
            try:
                n.remove()
                break
            except NotFound:
                break
            except APIError:
                time.sleep(0.5)
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
