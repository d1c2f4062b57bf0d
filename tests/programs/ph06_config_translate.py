"""A compose-file translator in the style of small in-house deploy tools:
star imports of docker.utils and docker.types, the helpers turning a
service description into create() arguments (parse_bytes, split_command,
format_environment, split_port/build_port_bindings, Mount.parse_mount_string,
convert_volume_binds), the types built from it, the container created and
read back."""
import os
import uuid

import docker
from docker.types import *  # noqa: F401,F403
from docker.utils import *  # noqa: F401,F403
from docker.utils.ports import build_port_bindings, split_port
from docker.errors import APIError, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]

SERVICE = {
    "image": IMAGE,
    "command": "sh -c 'echo \"$GREETING\"; sleep 60'",
    "environment": {"GREETING": "hello world", "EMPTY": "", "FLAG": None, "N": 3},
    "ports": ["8080", "127.0.0.1::9090", "7070/udp"],
    "volumes": ["data-%s:/data:ro" % tag, "/tmp:/hosttmp"],
    "mem_limit": "64m",
    "shm_size": "8m",
    "ulimits": {"nofile": {"soft": 1024, "hard": 4096}, "nproc": 512},
    "logging": {"driver": "json-file", "options": {"max-size": "1m", "max-file": "2"}},
    "healthcheck": {"test": "true", "interval": "1s", "retries": 2},
    "restart": "on-failure:3",
    "labels": ["clibdocker-test=1", "ph06=" + tag, "role"],
    "extra_hosts": ["db.local:10.9.8.7"],
    "devices": ["/dev/null:/dev/xnull:r"],
}


def seconds(text):
    units = {"ms": 1e-3, "s": 1, "m": 60}
    for u in ("ms", "s", "m"):
        if text.endswith(u):
            return float(text[:-len(u)]) * units[u]
    return float(text)


def translate(svc):
    kw = {}
    kw["command"] = split_command(svc["command"])
    kw["environment"] = format_environment(svc["environment"])
    internal, external = [], []
    for p in svc["ports"]:
        i, e = split_port(p)
        internal.extend(i)
        external.extend(e or [None] * len(i))
    print("split ports", internal, external)
    bindings = build_port_bindings(svc["ports"])
    print("port bindings", sorted(bindings.items()))
    kw["ports"] = {k if "/" in k else k + "/tcp": (v[0] if len(v) == 1 else v) for k, v in bindings.items()}
    mounts = [Mount.parse_mount_string(v) for v in svc["volumes"]]
    print("mounts", [(m["Type"], m["Source"].replace(tag, "TAG"), m["Target"], m["ReadOnly"]) for m in mounts])
    kw["mounts"] = mounts
    kw["mem_limit"] = parse_bytes(svc["mem_limit"])
    kw["shm_size"] = svc["shm_size"]
    kw["ulimits"] = [Ulimit(name=k, soft=v["soft"], hard=v["hard"]) if isinstance(v, dict)
                     else Ulimit(name=k, soft=v, hard=v) for k, v in svc["ulimits"].items()]
    kw["log_config"] = LogConfig(type=svc["logging"]["driver"], config=svc["logging"]["options"])
    hc = svc["healthcheck"]
    kw["healthcheck"] = Healthcheck(test=hc["test"], interval=int(seconds(hc["interval"]) * 1e9),
                                    retries=hc["retries"])
    name, _, count = svc["restart"].partition(":")
    kw["restart_policy"] = {"Name": name, "MaximumRetryCount": int(count or 0)}
    kw["labels"] = svc["labels"]
    kw["extra_hosts"] = dict(h.split(":", 1) for h in svc["extra_hosts"])
    kw["devices"] = svc["devices"]
    return kw


client = docker.from_env()
made = []
try:
    print("parse_bytes", [parse_bytes(x) for x in ("64m", "1g", "512k", "100", "2b")])
    print("split_command", split_command(SERVICE["command"]))
    print("format_environment", format_environment(SERVICE["environment"]))
    print("version helpers", version_gte(client.api.api_version, "1.25"), version_lt("1.9", "1.10"),
          compare_version("1.41", "1.24"))
    print("convert_volume_binds", convert_volume_binds({"/a": {"bind": "/b", "mode": "ro"}, "/c": "/d"}))
    print("normalize_links", normalize_links({"web": "w", "db": None}))
    print("format_extra_hosts", format_extra_hosts({"a": "1.2.3.4"}))
    print("parse_devices", parse_devices(SERVICE["devices"]))
    print("parse_repository_tag", parse_repository_tag(IMAGE), parse_repository_tag("127.0.0.1:5000/x"))
    print("convert_filters", convert_filters({"label": ["a=b", "c"], "dangling": True}))
    print("kwargs_from_env", kwargs_from_env(environment={"DOCKER_HOST": "tcp://10.0.0.1:2375"}))
    print("parse_host", parse_host("unix:///var/run/docker.sock"), parse_host("tcp://10.0.0.1:2376", tls=True))
    print("types", Ulimit(name="nofile", soft=1, hard=2), LogConfig(type="json-file", config={"a": "b"}),
          RestartPolicy(condition="on-failure", max_attempts=2), DeviceRequest(count=-1, capabilities=[["gpu"]]))
    kw = translate(SERVICE)
    vol = client.volumes.create("data-" + tag, labels={"clibdocker-test": "1"})
    made.append(vol)
    c = client.containers.run(SERVICE["image"], detach=True, name="clibdocker-test-ph06-" + tag, **kw)
    made.insert(0, c)
    c.reload()
    a = c.attrs
    hc, cfg = a["HostConfig"], a["Config"]
    print("cmd", cfg["Cmd"])
    print("env", sorted(e for e in cfg["Env"] if not e.startswith("PATH=")))
    # docker-py: a list of labels gives keys with empty values ("k=v" is a key)
    print("labels", sorted((k.replace(tag, "TAG"), v) for k, v in cfg["Labels"].items()))
    print("exposed", sorted(cfg["ExposedPorts"]))
    print("bindings", sorted((k, [b["HostIp"] for b in v]) for k, v in hc["PortBindings"].items()))
    print("mounts", sorted((m["Type"], m["Target"], m.get("ReadOnly", False)) for m in hc["Mounts"]))
    print("mem", hc["Memory"], "shm", hc["ShmSize"])
    print("ulimits", sorted((u["Name"], u["Soft"], u["Hard"]) for u in hc["Ulimits"]))
    print("log", hc["LogConfig"]["Type"], sorted(hc["LogConfig"]["Config"].items()))
    print("health", cfg["Healthcheck"])
    print("restart", hc["RestartPolicy"])
    print("extra hosts", hc["ExtraHosts"])
    print("devices", hc["Devices"])
    for _ in range(50):
        if c.logs():
            break
        import time
        time.sleep(0.1)
    print("output", c.logs())
    print("mount ro", c.exec_run("touch /data/x").exit_code != 0, c.exec_run("ls -d /hosttmp").exit_code)
    try:
        client.containers.run(IMAGE, "true", detach=True, labels={"clibdocker-test": "1", "ph06": tag},
                              device_requests=[DeviceRequest(driver="nvidia-" + tag, count=-1,
                                                             capabilities=[["gpu"]])])
    except APIError as e:
        print("device request refused", e.is_server_error() or e.is_client_error())
    finally:
        for x in client.containers.list(all=True, filters={"label": "ph06=" + tag}):
            x.remove(force=True)
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
print("left", len(client.containers.list(all=True, filters={"label": "ph06=" + tag})))
client.close()
