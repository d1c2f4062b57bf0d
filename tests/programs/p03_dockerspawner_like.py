"""In the style of dockerspawner: APIClient(version='auto', **kwargs_from_env()),
methods called by name on a thread pool, exec with demux."""
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import docker
from docker.utils import kwargs_from_env
from docker.types import EndpointSpec, ContainerSpec  # noqa: F401  (imported as dockerspawner does)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
kw = kwargs_from_env()
print("kwargs keys", sorted(kw))
client = docker.APIClient(version="auto", **kw)
pool = ThreadPoolExecutor(4)


def call(method, *args, **kwargs):
    return pool.submit(getattr(client, method), *args, **kwargs).result()


name = "clibdocker-test-p03-" + uuid.uuid4().hex[:8]
host_config = client.create_host_config(port_bindings={8888: ("127.0.0.1",)}, mem_limit="64m")
c = call("create_container", IMAGE, ["sleep", "30"], name=name, host_config=host_config,
         ports=[8888], labels={"clibdocker-test": "1"})
try:
    call("start", c["Id"])
    info = call("inspect_container", name)
    print("state", info["State"]["Status"], info["HostConfig"]["Memory"])
    port = call("port", name, 8888)
    print("port", port[0]["HostIp"], port[0]["HostPort"].isdigit())
    ex = call("exec_create", name, ["sh", "-c", "echo out; echo err >&2"])
    print("exec_create", sorted(ex))
    out = call("exec_start", ex["Id"], demux=True)
    print("exec_start demux", out)
    print("exec_inspect", call("exec_inspect", ex["Id"])["ExitCode"])
    futs = [pool.submit(client.containers, filters={"name": name}) for _ in range(8)]
    print("parallel", [len(f.result()) for f in futs])
    call("stop", name, timeout=1)
finally:
    call("remove_container", name, force=True)
pool.shutdown()
print("done")
