"""In the style of Airflow's DockerSwarmOperator: low-level APIClient,
create_service(TaskTemplate(ContainerSpec)), poll tasks until the task has
terminated, service_logs, remove_service. Also update_service, services(),
inspect_service, a replicated job. Run only under flock /tmp/clibdocker-swarm.lock."""
import os
import subprocess
import time
import uuid

from docker import APIClient, types
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
cli = APIClient(base_url="unix://var/run/docker.sock", version="auto", timeout=60)


def wait(fn, timeout=40.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.3)


def network(name):
    for n in cli.networks(names=[name]):
        if n["Name"] == name:
            return cli.inspect_network(n["Id"])
    return None


st = cli.info()["Swarm"]
created = st["LocalNodeState"] == "inactive"
had_gwbridge = network("docker_gwbridge") is not None
if created:
    node_id = cli.init_swarm(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    print("init", isinstance(node_id, str))
    wait(lambda: cli.info()["Swarm"].get("ControlAvailable"))
    wait(lambda: "ingress-sbox" in ((network("ingress") or {}).get("Containers") or {}), 60)
print("inspect_swarm keys", sorted(k for k in cli.inspect_swarm() if k in ("ID", "Spec", "JoinTokens")))
tag = uuid.uuid4().hex[:8]
services = []
TERMINAL = ["complete", "failed", "shutdown", "rejected", "orphaned", "remove"]
try:
    secret = cli.create_secret("ps02-sec-" + tag, b"airflow-secret", labels={"clibdocker-test": "1"})
    print("secret keys", sorted(secret))
    svc = cli.create_service(
        types.TaskTemplate(
            container_spec=types.ContainerSpec(
                image=IMAGE, command=["sh", "-c", "echo start; echo $AIRFLOW_CTX; echo err >&2; cat /run/secrets/s; echo; echo end"],
                env={"AIRFLOW_CTX": "dag1"}, user="root", tty=False,
                secrets=[types.SecretReference(secret["ID"], "ps02-sec-" + tag, filename="s")],
                mounts=[types.Mount(target="/tmp/w", source=None, type="tmpfs")]),
            restart_policy=types.RestartPolicy(condition="none"),
            resources=types.Resources(mem_limit=64 * 1024 * 1024),
            placement=types.Placement(constraints=["node.role == manager"])),
        name="ps02-airflow-" + tag,
        labels={"clibdocker-test": "1", "com.docker.swarm.service.name": "ps02-airflow-" + tag},
        mode=types.ServiceMode("replicated", replicas=1))
    services.append(svc["ID"])
    print("create keys", sorted(k for k in svc if k == "ID"))

    def status():
        tasks = cli.tasks(filters={"service": svc["ID"]})
        return tasks[0]["Status"]["State"] if tasks else None
    final = wait(lambda: status() in TERMINAL and status(), 40)
    print("final state", final)
    t = cli.tasks(filters={"service": svc["ID"]})[0]
    print("exit code", t["Status"].get("ContainerStatus", {}).get("ExitCode"))
    logs = cli.service_logs(svc["ID"], follow=False, stdout=True, stderr=True, is_tty=False)
    lines = []
    for log in logs:
        try:
            log = log.decode()
        except UnicodeDecodeError:
            continue
        lines.append(log.strip())
    print("logs", sorted(l for l in lines if l))
    out_only = b"".join(cli.service_logs(svc["ID"], stdout=True, stderr=False))
    print("stdout only", out_only.split())
    tail = b"".join(cli.service_logs(svc["ID"], stdout=True, stderr=True, tail=1))
    print("tail lines", len(tail.splitlines()))
    with_ts = b"".join(cli.service_logs(svc["ID"], stdout=True, timestamps=True))
    print("timestamps", all(l[:4].isdigit() for l in with_ts.splitlines()))

    insp = cli.inspect_service(svc["ID"])
    spec = insp["Spec"]
    cs = spec["TaskTemplate"]["ContainerSpec"]
    print("spec", spec["Name"] == "ps02-airflow-" + tag, cs["Env"], cs["User"], spec["TaskTemplate"]["RestartPolicy"])
    print("resources", spec["TaskTemplate"]["Resources"], spec["TaskTemplate"]["Placement"])
    print("by name", cli.inspect_service("ps02-airflow-" + tag)["ID"] == svc["ID"])
    print("defaults", "UpdateConfig" in cli.inspect_service(svc["ID"], insert_defaults=True)["Spec"])
    print("services filter", [s["ID"] == svc["ID"] for s in cli.services(filters={"name": "ps02-airflow-" + tag})])
    print("services label", len(cli.services(filters={"label": "com.docker.swarm.service.name=ps02-airflow-" + tag})))
    print("services status", "ServiceStatus" in (cli.services(filters={"id": svc["ID"]}, status=True)[0]))

    version = insp["Version"]["Index"]
    tt = types.TaskTemplate(
        container_spec=types.ContainerSpec(image=IMAGE, command=["sh", "-c", "echo v2"], env=["X=2"]),
        restart_policy=types.RestartPolicy(condition="none"))
    r = cli.update_service(svc["ID"], version, task_template=tt, name="ps02-airflow-" + tag,
                           labels={"clibdocker-test": "1", "v": "2"},
                           mode=types.ServiceMode("replicated", replicas=1))
    print("update result", sorted(r))
    insp2 = cli.inspect_service(svc["ID"])
    print("updated", insp2["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"], insp2["Spec"]["Labels"].get("v"),
          insp2["Version"]["Index"] > version)
    try:
        cli.update_service(svc["ID"], version, task_template=tt, name="ps02-airflow-" + tag)
    except APIError as e:
        print("stale version", type(e).__name__ in ("APIError",), e.status_code, "out of sequence" in str(e))

    job = cli.create_service(
        types.TaskTemplate(container_spec=types.ContainerSpec(image=IMAGE, command=["echo", "job-done"]),
                           restart_policy=types.RestartPolicy(condition="none")),
        name="ps02-job-" + tag, labels={"clibdocker-test": "1"},
        mode=types.ServiceMode("replicated-job", concurrency=1, replicas=2))
    services.append(job["ID"])
    wait(lambda: len([t for t in cli.tasks(filters={"service": job["ID"]})
                      if t["Status"]["State"] == "complete"]) >= 2, 40)
    jt = cli.tasks(filters={"service": job["ID"]})
    print("job tasks complete", sorted(t["Status"]["State"] for t in jt))
    print("job mode", cli.inspect_service(job["ID"])["Spec"]["Mode"])
    print("job logs", sorted(b"".join(cli.service_logs(job["ID"], stdout=True)).split()))
finally:
    for sid in services:
        print("remove_service", cli.remove_service(sid))
    try:
        cli.remove_service("ps02-no-such-" + tag)
    except NotFound as e:
        print("remove missing", e.status_code, e.is_client_error())
    try:
        cli.remove_secret(secret["ID"])
        print("secret removed")
    except NameError:
        pass
    for sid in services:
        # a job's finished containers can outlive its service: remove them
        wait(lambda: not cli.containers(all=True, filters={"label": "com.docker.swarm.service.id=" + sid}), 5)
        for c in cli.containers(all=True, filters={"label": "com.docker.swarm.service.id=" + sid}):
            try:
                cli.remove_container(c["Id"], force=True)
            except NotFound:
                pass
    if created:
        print("leave", cli.leave_swarm(force=True))
        wait(lambda: cli.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
        wait(lambda: network("ingress") is None, 30)
        if not had_gwbridge:
            wait(lambda: not (network("docker_gwbridge") or {}).get("Containers"), 30)
            subprocess.run(["docker", "network", "rm", "docker_gwbridge"], capture_output=True, timeout=60)
print("done")
