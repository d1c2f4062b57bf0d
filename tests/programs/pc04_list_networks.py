"""containers.get/list (filters, all, limit, sparse, before/since) and
networks used by containers (connect with aliases, containers on a network,
disconnect), as pytest-docker-tools and testcontainers' network helpers do;
attach_socket on the model; prune."""
import os
import time
import uuid

import docker
from docker.errors import APIError, DockerException, NotFound, NullResource

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pc04": tag}
made = []
net = client.networks.create("clibdocker-test-pc04-" + tag, driver="bridge", labels={"clibdocker-test": "1"},
                             internal=False, attachable=True)
try:
    for i, role in enumerate(["db", "web", "worker"]):
        x = client.containers.run(IMAGE, ["sleep", "60"], detach=True, name=f"clibdocker-test-pc04-{role}-{tag}",
                                  labels={**LABELS, "role": role, "idx": str(i)}, network=net.name if role != "worker" else None)
        made.append(x)
    ex = client.containers.create(IMAGE, ["true"], labels={**LABELS, "role": "created"})
    made.append(ex)
    q = {"label": "pc04=" + tag}
    print("list running", sorted(c.labels["role"] for c in client.containers.list(filters=q)))
    print("list all", sorted(c.labels["role"] for c in client.containers.list(all=True, filters=q)))
    print("list status", [c.labels["role"] for c in client.containers.list(filters={**q, "status": "created"})])
    print("list role", [c.name.split("-")[3] for c in client.containers.list(filters={"label": ["pc04=" + tag, "role=web"]})])
    print("list name", len(client.containers.list(filters={"name": "pc04-db-" + tag})))
    print("list id", len(client.containers.list(all=True, filters={"id": made[0].id})))
    print("list limit", len(client.containers.list(all=True, limit=2, filters=q)))
    print("list before", sorted(c.labels["role"] for c in client.containers.list(all=True, before=made[2].id, filters=q)))
    print("list since", sorted(c.labels["role"] for c in client.containers.list(all=True, since=made[1].id, filters=q)))
    print("list network", sorted(c.labels["role"] for c in client.containers.list(filters={"network": net.name})))
    sp = client.containers.list(all=True, sparse=True, filters=q)
    print("sparse", len(sp), sorted(sp[0].attrs)[:5], all(isinstance(c.id, str) for c in sp),
          sorted(c.attrs["Labels"]["role"] for c in sp), sorted(c.status for c in sp))
    for c in sp:
        c.reload()
    print("sparse reload", sorted(c.name.split("-")[3] for c in sp if c.labels["role"] != "created"))
    full = client.containers.list(filters=q)[0]
    print("full attrs", "HostConfig" in full.attrs, "NetworkSettings" in full.attrs, "Config" in full.attrs)
    g = client.containers.get(made[0].name)
    print("get by name", g.id == made[0].id, g.labels["role"], g.attrs["Config"]["Image"])
    print("get by short id", client.containers.get(made[0].short_id).name == made[0].name)
    print("get by prefix", client.containers.get(made[0].id[:20]).id == made[0].id)
    try:
        client.containers.get("clibdocker-test-pc04-none-" + tag)
    except NotFound as e:
        print("get missing", e.status_code, "No such container" in e.explanation)
    try:
        client.containers.get("")
    except NullResource as e:
        print("get empty", e, isinstance(e, ValueError), isinstance(e, DockerException))

    db, web, worker = made[:3]
    net.reload()
    print("net containers", sorted(c.labels["role"] for c in net.containers))
    print("net attrs", sorted(net.attrs["Containers"][db.id]) if db.id in net.attrs["Containers"] else None)
    net.connect(worker, aliases=["w1", "w2"], links=[(db.name, "dblink")])
    worker.reload()
    nw = worker.attrs["NetworkSettings"]["Networks"]
    print("worker nets", sorted(k == net.name for k in nw), sorted(a for a in nw[net.name]["Aliases"] if a in ("w1", "w2")),
          nw[net.name]["Links"] and [l.split(":")[1].split("/")[-1] for l in nw[net.name]["Links"]])
    net.reload()
    print("net containers 2", sorted(c.labels["role"] for c in net.containers))
    r = web.exec_run(["sh", "-c", "ping -c1 -W2 w1 >/dev/null && echo ok-w1"])
    print("alias reachable", r.exit_code, r.output)
    ip = worker.attrs["NetworkSettings"]["Networks"][net.name]["IPAddress"]
    print("ip", ip.count(".") == 3)
    net.disconnect(worker.id, force=True)
    net.reload()
    print("net containers 3", sorted(c.labels["role"] for c in net.containers))
    try:
        net.disconnect(worker)
    except APIError as e:
        print("disconnect not connected", e.status_code)
    try:
        net.connect("clibdocker-test-nope-" + tag)
    except NotFound as e:
        print("connect missing", e.status_code)
    net.connect(ex.id)
    ex.reload()
    print("created connected", sorted(k == net.name for k in ex.attrs["NetworkSettings"]["Networks"]))
    print("networks list by id", [n.name == net.name for n in client.networks.list(ids=[net.id])])
    print("networks list filters", [n.name == net.name for n in client.networks.list(filters={"label": "clibdocker-test=1", "name": net.name})])
    nl = client.networks.list(names=[net.name], greedy=True)
    print("networks greedy", [sorted(c.labels["role"] for c in n.containers) for n in nl])

    s = web.attach_socket(params={"stdout": 1, "stderr": 1, "stream": 1, "logs": 1})
    print("attach_socket", hasattr(s, "read") or hasattr(s, "recv"), hasattr(s, "close"))
    s.close()

    for c in made[:3]:
        c.stop(timeout=0)
    pr = client.containers.prune(filters={"label": "pc04=" + tag})
    print("prune", sorted(pr), len(pr["ContainersDeleted"] or []), isinstance(pr["SpaceReclaimed"], int))
    print("after prune", len(client.containers.list(all=True, filters=q)))
finally:
    for c in made:
        try:
            c.remove(force=True)
        except NotFound:
            pass
    net.remove()
try:
    net.reload()
except NotFound as e:
    print("network gone", e.status_code)
client.close()
