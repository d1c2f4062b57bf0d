"""A Jupyter-style spawner on the low-level APIClient: a per-hub network with
a fixed subnet, single-user containers created with networking_config
(create_networking_config / create_endpoint_config with a fixed address and
aliases), connect_container_to_network with links, disconnect with force,
inspect_network(verbose), containers(filters=network), network events read
with filters and until, and the errors a spawner handles."""
import os
import time
import uuid

import docker
from docker.errors import APIError, NotFound
from docker.types import IPAMConfig, IPAMPool

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
api = docker.APIClient(version="auto", timeout=60)
tag = uuid.uuid4().hex[:8]
L = {"clibdocker-test": "1", "pl05": tag}
HUB_NET = "clibdocker-test-pl05-hub-" + tag
made, nets = [], []

used = {cfg.get("Subnet", "") for n in api.networks() for cfg in (n.get("IPAM") or {}).get("Config") or []}
start = int(tag[:2], 16) % 40
octet = next(200 + (start + i) % 40 for i in range(40)
             if not any(u.startswith("172.%d." % (200 + (start + i) % 40)) for u in used))
since = int(time.time()) - 1
try:
    r = api.create_network(HUB_NET, driver="bridge", labels=L, check_duplicate=True, attachable=True,
                           ipam=IPAMConfig(pool_configs=[IPAMPool(subnet=f"172.{octet}.0.0/24",
                                                                  gateway=f"172.{octet}.0.1")]),
                           options={"com.docker.network.bridge.enable_ip_masquerade": "false"})
    nets.append(r["Id"])
    print("create_network", sorted(r), r.get("Warning") in ("", None))
    side = api.create_network("clibdocker-test-pl05-side-" + tag, labels=L, internal=True)
    nets.append(side["Id"])

    hub = api.create_container(IMAGE, ["sleep", "120"], name="clibdocker-test-pl05-hubc-" + tag, labels=L,
                               host_config=api.create_host_config(network_mode=HUB_NET),
                               networking_config=api.create_networking_config({
                                   HUB_NET: api.create_endpoint_config(aliases=["hub"], ipv4_address=f"172.{octet}.0.10")}))
    made.append(hub["Id"])
    api.start(hub)
    users = []
    for i, user in enumerate(["alice", "bob"]):
        ep = api.create_endpoint_config(aliases=["jupyter-" + user], ipv4_address=f"172.{octet}.0.{20 + i}",
                                        links=[("clibdocker-test-pl05-hubc-" + tag, "hubhost")])
        print("endpoint", user, sorted(ep), ep["Links"][0].split(":")[1])
        c = api.create_container(IMAGE, ["sleep", "120"], name=f"clibdocker-test-pl05-{user}-{tag}",
                                 labels=dict(L, user=user), environment={"JUPYTERHUB_USER": user},
                                 host_config=api.create_host_config(network_mode=HUB_NET, port_bindings={8888: None}),
                                 ports=[8888], networking_config=api.create_networking_config({HUB_NET: ep}))
        made.append(c["Id"])
        users.append(c["Id"])
        api.start(c)
        info = api.inspect_container(c)
        n = info["NetworkSettings"]["Networks"][HUB_NET]
        print("user net", user, n["IPAddress"] == f"172.{octet}.0.{20 + i}", "jupyter-" + user in n["Aliases"],
              [l.split(":")[1] for l in n["Links"] or []], info["HostConfig"]["NetworkMode"] == HUB_NET)
        print("port", user, [sorted(b) for b in api.port(c, 8888)], len(api.port(c, "8888/tcp")))

    # the hub reaches the users by alias
    for user in ("alice", "bob"):
        for _ in range(15):
            e = api.exec_create(hub, ["ping", "-c1", "-W2", "jupyter-" + user])
            out = api.exec_start(e)
            code = api.exec_inspect(e)["ExitCode"]
            if code == 0:
                break
            time.sleep(0.3)
        print("hub->", user, code, b"1 packets received" in out)

    # a side network: connect with aliases and links, disconnect with force
    api.connect_container_to_network(users[0], side["Id"], aliases=["a-side"],
                                     links={"clibdocker-test-pl05-hubc-" + tag: "h"})
    api.connect_container_to_network(hub["Id"], "clibdocker-test-pl05-side-" + tag, aliases=["hub-side"],
                                     link_local_ips=["169.254.7.7"])
    v = api.inspect_network(side["Id"], verbose=True)
    print("side", v["Internal"], sorted(c["Name"].split("-")[3] for c in v["Containers"].values()))
    print("containers(network)", sorted(c["Names"][0].split("-")[3] for c in api.containers(filters={"network": side["Id"]})))
    print("containers(network name)", len(api.containers(filters={"network": "clibdocker-test-pl05-side-" + tag,
                                                                   "label": "user=alice"})))
    api.disconnect_container_from_network(users[0], side["Id"], force=True)
    api.disconnect_container_from_network(hub["Id"], side["Id"])
    print("side after", api.inspect_network(side["Id"])["Containers"])
    try:
        api.disconnect_container_from_network(hub["Id"], side["Id"])
    except APIError as e:
        print("disconnect again", type(e).__name__, e.status_code)
    try:
        api.connect_container_to_network(users[1], HUB_NET)
    except APIError as e:
        print("connect twice", type(e).__name__, e.status_code)
    try:
        api.connect_container_to_network(users[1], side["Id"], ipv4_address="10.99.99.99")
    except APIError as e:
        print("address outside", type(e).__name__, e.status_code)
    try:
        api.connect_container_to_network("clibdocker-test-pl05-none-" + tag, side["Id"])
    except NotFound as e:
        print("connect missing", type(e).__name__, e.status_code)
    try:
        api.create_network(HUB_NET, check_duplicate=True, labels=L)
    except APIError as e:
        print("duplicate", type(e).__name__, e.status_code)
    print("networks", sorted(n["Name"].split("-")[3] for n in api.networks(filters={"label": "pl05=" + tag})),
          len(api.networks(names=[HUB_NET])), len(api.networks(ids=[side["Id"]])))
    print("inspect scope", api.inspect_network(HUB_NET, scope="local")["Scope"])

    # stop the users, remove them, the hub; the events of the hub network
    for c in users:
        api.stop(c, timeout=0)
        api.remove_container(c, v=True)
    api.remove_container(hub["Id"], force=True)
    made = []
    api.remove_network(side["Id"])
    api.remove_network(HUB_NET)
    nets = []
    until = int(time.time()) + 1
    time.sleep(1.2)
    evs = list(api.events(since=since, until=until, decode=True,
                          filters={"type": "network", "network": r["Id"]}))
    print("events", sorted({e["Action"] for e in evs}), {e["Type"] for e in evs})
    print("event shape", sorted(evs[0])[:4], sorted(evs[0]["Actor"]), sorted(evs[0]["Actor"]["Attributes"])[:2])
    ev2 = list(api.events(since=since, until=until, decode=True,
                          filters={"type": ["network"], "event": ["connect"], "label": "pl05=" + tag}))
    print("connect events", len(ev2), {e["Action"] for e in ev2})
    raw = list(api.events(since=since, until=until, filters={"type": "network", "network": side["Id"], "event": "destroy"}))
    print("raw events", len(raw), type(raw[0]).__name__, raw[0].endswith(b"\n") if isinstance(raw[0], bytes) else None)
finally:
    for c in made:
        try:
            api.remove_container(c, force=True)
        except NotFound:
            pass
    for n in nets:
        try:
            api.remove_network(n)
        except APIError:
            pass
print("left", len(api.containers(all=True, filters={"label": "pl05=" + tag})),
      len(api.networks(filters={"label": "pl05=" + tag})))
