"""A cluster bootstrap script: what the swarm calls answer before the node is
a manager, swarm.init with an autolocked spec, the unlock key and its
rotation, unlock refusals, swarm.update (tokens, task history, raft,
dispatcher, CA expiry, log driver, labels, autolock off again: every update
replaces the whole spec), client.swarm read fresh vs reload, and the refusals
of leave/init/join on a manager.
Run only under flock /tmp/clibdocker-swarm.lock; leaves the engine as it was."""
import os
import subprocess
import time

import docker
from docker.errors import APIError, InvalidArgument, DockerException
from docker.types import SwarmExternalCA, SwarmSpec

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


def err(what, e):
    if isinstance(e, APIError):
        print(what, "APIError", e.status_code, e.explanation)
    elif isinstance(e, AttributeError):  # docker-py's words are its own ('NoneType' object ...)
        print(what, "AttributeError")
    else:
        print(what, type(e).__name__, str(e))


def attempt(what, fn):
    try:
        print(what, "ok", fn())
    except (APIError, InvalidArgument, DockerException, AttributeError, TypeError) as e:
        err(what, e)


def spec_view(s):
    sp = s["Spec"]
    return (sp.get("Name"), sp.get("Labels"), sp.get("Orchestration"), sp.get("Raft"), sp.get("Dispatcher"),
            {k: v for k, v in (sp.get("CAConfig") or {}).items() if k in ("NodeCertExpiry", "ExternalCAs")},
            sp.get("EncryptionConfig"), sp.get("TaskDefaults"))


state = client.info()["Swarm"]["LocalNodeState"]
created = state == "inactive"
had_gwbridge = net_exists("docker_gwbridge")
if not created:
    print("engine already in a swarm: nothing to bootstrap")
    print("done")
    raise SystemExit(0)

# --- before the node is a manager ---
sw = client.swarm
print("inactive attrs", sw.attrs, sw.id, type(sw).__name__)
attempt("inactive reload", sw.reload)
attempt("inactive unlock key", sw.get_unlock_key)
attempt("inactive update", lambda: sw.update(task_history_retention_limit=1))
attempt("inactive leave", lambda: sw.leave())
attempt("inactive leave force", lambda: sw.leave(force=True))
attempt("inactive unlock", lambda: sw.unlock("SWMKEY-1-nope"))
attempt("inactive nodes", lambda: client.nodes.list())
attempt("inactive services", lambda: client.services.list())
attempt("inactive secrets", lambda: client.secrets.list())
attempt("inactive join bad token", lambda: sw.join(remote_addrs=["127.0.0.1:2399"], join_token="SWMTKN-1-bad",
                                                    listen_addr="127.0.0.1:2377", advertise_addr="127.0.0.1"))
try:
    client.swarm.join(remote_addrs="127.0.0.1:2399", join_token="SWMTKN-1-bad")
    print("inactive join str addrs ok")
except APIError as e:  # docker-py sends the str, the engine cannot decode it
    print("inactive join str addrs APIError", e.status_code, e.is_client_error())
attempt("inactive join no addr", lambda: client.api.join_swarm([], "SWMTKN-1-bad"))
attempt("init bad advertise", lambda: client.swarm.init(advertise_addr="eth-nope-0", listen_addr="127.0.0.1:2377"))
print("still inactive", client.info()["Swarm"]["LocalNodeState"])
try:
    nid = client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377", autolock_managers=True,
                            task_history_retention_limit=3, snapshot_interval=8000, keep_old_snapshots=1,
                            log_entries_for_slow_followers=400, heartbeat_tick=1, election_tick=8,
                            dispatcher_heartbeat_period=4 * 10**9, node_cert_expiry=30 * 24 * 3600 * 10**9,
                            name="default", labels={"clibdocker-test": "1", "stage": "init"},
                            log_driver={"Name": "json-file", "Options": {"max-size": "2m"}})
    print("init", type(nid).__name__, wait(lambda: client.info()["Swarm"].get("ControlAvailable")))
    sw = client.swarm
    print("fresh model", client.swarm is not client.swarm, sw.id == sw.attrs["ID"], isinstance(sw.version, int))
    print("attrs keys", sorted(k for k in sw.attrs if k in ("ID", "Version", "CreatedAt", "UpdatedAt", "Spec",
                                                             "TLSInfo", "RootRotationInProgress", "JoinTokens",
                                                             "DataPathPort", "DefaultAddrPool", "SubnetSize")))
    print("init spec", spec_view(sw.attrs))
    print("data path", sw.attrs.get("DataPathPort"), sw.attrs.get("DefaultAddrPool"), sw.attrs.get("SubnetSize"))
    print("tls", sorted(sw.attrs["TLSInfo"]), sw.attrs["RootRotationInProgress"])
    print("info", client.info()["Swarm"]["LocalNodeState"], client.info()["Swarm"]["NodeID"] == nid,
          client.info()["Swarm"]["Cluster"]["ID"] == sw.id, client.info()["Swarm"]["Managers"])

    key = sw.get_unlock_key()
    print("unlock key", sorted(key), key["UnlockKey"].startswith("SWMKEY-1-"))
    print("unlock key low-level", client.api.get_unlock_key() == key)
    attempt("unlock not locked", lambda: sw.unlock(key["UnlockKey"]))
    attempt("unlock dict not locked", lambda: client.api.unlock_swarm({"UnlockKey": key["UnlockKey"]}))
    attempt("unlock bad dict", lambda: client.api.unlock_swarm({"Key": "x"}))

    # rotating the unlock key keeps autolock only if the spec says so again
    v0 = sw.version
    attempt("rotate unlock key", lambda: sw.update(rotate_manager_unlock_key=True, autolock_managers=True,
                                                    task_history_retention_limit=3))
    sw.reload()
    key2 = sw.get_unlock_key()
    print("rotated key", key2["UnlockKey"] != key["UnlockKey"], key2["UnlockKey"].startswith("SWMKEY-1-"),
          sw.version > v0)
    print("after rotate", spec_view(sw.attrs))

    tokens = dict(sw.attrs["JoinTokens"])
    attempt("rotate worker", lambda: sw.update(rotate_worker_token=True, autolock_managers=True))
    sw.reload()
    print("worker rotated", sw.attrs["JoinTokens"]["Worker"] != tokens["Worker"],
          sw.attrs["JoinTokens"]["Manager"] == tokens["Manager"], sw.attrs["JoinTokens"]["Worker"].startswith("SWMTKN-1-"))
    print("replaced spec", spec_view(sw.attrs))
    attempt("rotate manager", lambda: client.swarm.update(rotate_manager_token=True, task_history_retention_limit=6,
                                                           dispatcher_heartbeat_period=7 * 10**9,
                                                           node_cert_expiry=60 * 24 * 3600 * 10**9,
                                                           labels={"clibdocker-test": "1", "stage": "update"},
                                                           snapshot_interval=9000, election_tick=12, heartbeat_tick=2,
                                                           log_driver={"Name": "local"}, autolock_managers=False))
    sw.reload()
    print("manager rotated", sw.attrs["JoinTokens"]["Manager"] != tokens["Manager"])
    print("updated spec", spec_view(sw.attrs))
    print("key off", sw.get_unlock_key())

    # a spec built by hand, passed to the low-level call
    spec = client.api.create_swarm_spec(task_history_retention_limit=2, name="default",
                                        labels={"clibdocker-test": "1"},
                                        external_cas=[SwarmExternalCA("https://ca.example:8443", protocol="cfssl",
                                                                      options={"k": "v"})])
    print("spec type", type(spec).__name__, isinstance(spec, SwarmSpec), sorted(spec))
    attempt("update_swarm", lambda: client.api.update_swarm(version=client.api.inspect_swarm()["Version"]["Index"],
                                                            swarm_spec=spec))
    print("external ca spec", spec_view(client.api.inspect_swarm()))
    attempt("update_swarm no spec", lambda: client.api.update_swarm(
        version=client.api.inspect_swarm()["Version"]["Index"]))
    print("after empty spec", spec_view(client.api.inspect_swarm()))
    attempt("update_swarm stale", lambda: client.api.update_swarm(version=1, swarm_spec=spec))
    attempt("update bad raft", lambda: client.swarm.update(election_tick=1, heartbeat_tick=1))
    attempt("update bad expiry", lambda: client.swarm.update(node_cert_expiry=10**9))
    attempt("update bad dispatcher", lambda: client.swarm.update(dispatcher_heartbeat_period=-1))
    attempt("spec bad kwarg", lambda: client.api.create_swarm_spec(frobnicate=1))

    # refusals on a manager
    attempt("init again", lambda: client.swarm.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377"))
    attempt("join again", lambda: client.swarm.join(remote_addrs=["127.0.0.1:2377"],
                                                     join_token=sw.attrs["JoinTokens"]["Worker"]))
    attempt("leave manager", lambda: client.swarm.leave())
    print("reload", client.swarm.reload(), client.info()["Swarm"]["LocalNodeState"])
finally:
    attempt("leave", lambda: client.swarm.leave(force=True))
    wait(lambda: client.info()["Swarm"]["LocalNodeState"] == "inactive", 30)
    wait(lambda: not net_exists("ingress"), 30)
    print("left", client.info()["Swarm"]["LocalNodeState"], client.swarm.attrs)
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
