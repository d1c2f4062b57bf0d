"""In the style of docker-compose v1: utils helpers, contexts, kwargs_from_env."""
import os
import tempfile

import docker
from docker import ContextAPI
from docker.utils import (version_gte, version_lt, kwargs_from_env, parse_bytes, split_command,
                          format_environment, convert_volume_binds, parse_host)
from docker.utils.ports import split_port, build_port_bindings
from docker.utils.utils import convert_tmpfs_mounts
from docker.utils.config import home_dir
from docker.types import IPAMConfig, IPAMPool, Healthcheck

print("versions", version_gte("1.41", "1.24"), version_lt("1.24", "1.41"))
print("ports", split_port("127.0.0.1:8080:80/udp"), split_port("9000-9001:9000-9001"))
print("bindings", build_port_bindings(["8080:80", "127.0.0.1:9090:90"]))
print("tmpfs", convert_tmpfs_mounts(["/run:size=64m", "/tmp"]))
print("bytes", parse_bytes("512m"), parse_bytes("1g"))
print("cmd", split_command("sh -c 'echo hi'"))
print("env", sorted(format_environment({"A": "1", "B": None})))
print("binds", convert_volume_binds({"/h": {"bind": "/c", "mode": "ro"}}))
print("host", parse_host("tcp://127.0.0.1:2375"), parse_host(None))
print("home", home_dir() == os.path.expanduser("~"))
print("kwargs", kwargs_from_env(environment={"DOCKER_HOST": "tcp://127.0.0.1:2376"}))
print("ipam", IPAMConfig(pool_configs=[IPAMPool(subnet="10.99.0.0/24")]))
print("health", Healthcheck(test=["CMD", "true"], interval=1000000000))
with tempfile.TemporaryDirectory() as d:
    os.environ["DOCKER_CONFIG"] = d
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write("{}")
    ctx = ContextAPI.create_context("clibdocker-p08", host="unix:///var/run/docker.sock")
    print("ctx", ctx.Name, ctx.Host, [c.Name for c in ContextAPI.contexts()])
    print("current", ContextAPI.get_current_context().Name)
    ContextAPI.set_current_context("clibdocker-p08")
    print("current now", ContextAPI.get_current_context().Name)
    client = docker.DockerClient(base_url=ContextAPI.get_context("clibdocker-p08").Host)
    print("ping", client.ping())
    ContextAPI.set_current_context("default")
    ContextAPI.remove_context("clibdocker-p08")
    print("after", [c.Name for c in ContextAPI.contexts()])
print("done")
