"""A compose-like orchestrator on the high-level client: a project's default
and backend networks, services started in dependency order with
containers.run(network=..., networking_config={...: EndpointConfig}),
service aliases resolved round-robin for scaled services, healthchecks
awaited, network_mode="container:...", a late connect, project listing
by labels and network, and `down` (containers, then networks by prune)."""
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import EndpointConfig, Healthcheck

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
project = "pl06" + uuid.uuid4().hex[:8]
PL = {"com.docker.compose.project": project, "clibdocker-test": "1"}


def labels(service, n=1):
    return dict(PL, **{"com.docker.compose.service": service, "com.docker.compose.container-number": str(n)})


def wait_healthy(c, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c.reload()
        h = c.attrs["State"].get("Health", {}).get("Status")
        if h in ("healthy", "unhealthy"):
            return h
        time.sleep(0.3)
    return "timeout"


def retry_exec(c, cmd):
    for _ in range(15):
        r = c.exec_run(cmd)
        if r.exit_code == 0:
            return r
        time.sleep(0.3)
    return r


nets = {}
try:
    for short in ("default", "backend"):
        nets[short] = client.networks.create(f"{project}_{short}", driver="bridge", labels=dict(
            PL, **{"com.docker.compose.network": short}), internal=(short == "backend"))
    print("networks", sorted(n.name.split("_", 1)[1] for n in client.networks.list(
        filters={"label": "com.docker.compose.project=" + project})))

    # db: backend only, healthcheck, fixed alias
    db = client.containers.run(
        IMAGE, ["sh", "-c", "touch /tmp/ready; sleep 300"], detach=True, name=f"{project}_db_1",
        labels=labels("db"), network=nets["backend"].name,
        networking_config={nets["backend"].name: EndpointConfig(client.api._version, aliases=["db", "database"])},
        healthcheck=Healthcheck(test=["CMD", "test", "-f", "/tmp/ready"], interval=300000000, retries=5,
                                timeout=1000000000),
        hostname="db")
    print("db health", wait_healthy(db))
    db.reload()
    ep = db.attrs["NetworkSettings"]["Networks"][nets["backend"].name]
    print("db aliases", sorted(a for a in ep["Aliases"] if a in ("db", "database")), sorted(db.attrs["NetworkSettings"]["Networks"]) == [nets["backend"].name])

    # api x2: default network at run, backend connected before start with the service alias
    apis = []
    for i in (1, 2):
        c = client.containers.create(IMAGE, ["sleep", "300"], name=f"{project}_api_{i}", labels=labels("api", i),
                                     network=nets["default"].name,
                                     networking_config={nets["default"].name: EndpointConfig(
                                         client.api._version, aliases=["api", f"api-{i}"])})
        nets["backend"].connect(c, aliases=["api"])
        c.start()
        apis.append(c)
    for c in apis:
        c.reload()
    print("api nets", [sorted(k.split("_", 1)[1] for k in c.attrs["NetworkSettings"]["Networks"]) for c in apis])
    print("api aliases", [sorted(a for a in c.attrs["NetworkSettings"]["Networks"][nets["default"].name]["Aliases"]
                                 if a.startswith("api")) for c in apis])

    # the db sees both api replicas under one name
    r = retry_exec(db, ["nslookup", "api"])
    addrs = sorted(l for l in r.output.decode().splitlines() if l.startswith("Address") and "#" not in l and ":53" not in l)
    print("api resolves", r.exit_code, len(addrs))
    print("api-1 from db", db.exec_run(["ping", "-c1", "-W1", "api-1"]).exit_code != 0)
    print("db from api", retry_exec(apis[0], ["ping", "-c1", "-W2", "database"]).exit_code)

    # a sidecar sharing the network namespace of api_1
    side = client.containers.run(IMAGE, ["sleep", "300"], detach=True, name=f"{project}_sidecar_1",
                                 labels=labels("sidecar"), network_mode=f"container:{apis[0].id}")
    side.reload()
    print("sidecar mode", side.attrs["HostConfig"]["NetworkMode"] == f"container:{apis[0].id}",
          side.attrs["NetworkSettings"]["Networks"])
    print("sidecar sees db", retry_exec(side, ["ping", "-c1", "-W2", "db"]).exit_code)
    try:
        client.containers.run(IMAGE, ["true"], detach=True, labels=labels("bad"), network=nets["default"].name,
                              networking_config={"other": EndpointConfig(client.api._version, aliases=["x"])},
                              name=f"{project}_bad_1")
        print("mismatched networking_config accepted")
    except APIError as e:
        print("mismatch", type(e).__name__, e.status_code)
    for c in client.containers.list(all=True, filters={"name": f"{project}_bad_1"}):
        c.remove(force=True)
    try:
        client.containers.run(IMAGE, ["true"], detach=True, networking_config={"x": {}}, labels=labels("bad"))
    except Exception as e:  # docker-py refuses networking_config without network
        print("networking_config alone", type(e).__name__, "network" in str(e))

    # ps: by project, by service, by network
    ps = client.containers.list(filters={"label": "com.docker.compose.project=" + project})
    print("ps", sorted(c.name.split("_", 1)[1] for c in ps))
    print("ps api", sorted(c.name.split("_", 1)[1] for c in client.containers.list(
        filters={"label": ["com.docker.compose.project=" + project, "com.docker.compose.service=api"]})))
    print("ps backend", sorted(c.name.split("_", 1)[1] for c in client.containers.list(
        filters={"network": nets["backend"].name})))
    sparse = client.containers.list(sparse=True, filters={"network": nets["default"].id})
    print("ps sparse", sorted(c.id for c in sparse) == sorted(c.id for c in apis), sorted(c.attrs["Labels"]["com.docker.compose.service"] for c in sparse))
    nets["backend"].reload()
    print("backend containers", sorted(c.name.split("_", 1)[1] for c in nets["backend"].containers))
    g = client.networks.list(filters={"label": "com.docker.compose.network=backend", "driver": "bridge"}, greedy=True)
    print("greedy", [(n.name == nets["backend"].name, len(n.containers)) for n in g if project in n.name])

    # scale down api: disconnect and remove api_2
    nets["backend"].disconnect(apis[1])
    nets["default"].disconnect(apis[1].id, force=True)
    apis[1].reload()
    print("api_2 nets", apis[1].attrs["NetworkSettings"]["Networks"])
    r = retry_exec(db, ["nslookup", "api"])
    print("api resolves after", len([l for l in r.output.decode().splitlines()
                                     if l.startswith("Address") and ":53" not in l]))

    # down
    for c in client.containers.list(all=True, filters={"label": "com.docker.compose.project=" + project}):
        c.stop(timeout=0)
        c.remove(v=True)
    p = client.networks.prune(filters={"label": "com.docker.compose.project=" + project})
    print("down", sorted(n.split("_", 1)[1] for n in p["NetworksDeleted"]))
    for n in nets.values():
        try:
            n.reload()
        except NotFound as e:
            print("gone", n.name.split("_", 1)[1], e.status_code)
    nets = {}
finally:
    for c in client.containers.list(all=True, filters={"label": "com.docker.compose.project=" + project}):
        c.remove(force=True)
    for n in nets.values():
        try:
            n.remove()
        except APIError:
            pass
print("left", len(client.networks.list(filters={"label": "com.docker.compose.project=" + project})))
