"""Transport failures the way programs guard against them: an engine that is
not there, short timeouts, requests' exception classes, bad base URLs."""
import os
import time
import uuid

import requests
import docker
from docker.errors import APIError, DockerException, NotFound

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
MISSING = "unix:///nonexistent.sock"


def classify(e):
    return (isinstance(e, DockerException), isinstance(e, requests.exceptions.ConnectionError),
            isinstance(e, requests.exceptions.RequestException), isinstance(e, APIError))


# testcontainers-style availability check: construct and ping, catch broadly
def engine_available(**kw):
    try:
        c = docker.APIClient(**kw)
        return c.ping()
    except (DockerException, requests.exceptions.ConnectionError):
        return False


print("missing socket available", engine_available(base_url=MISSING))
print("missing socket pinned available", engine_available(base_url=MISSING, version="1.41"))
print("real socket available", engine_available(base_url="unix:///var/run/docker.sock"))
print("tcp closed port available", engine_available(base_url="tcp://127.0.0.1:1", version="1.41", timeout=5))

# with a pinned version the client constructs; the first call fails
c = docker.APIClient(base_url=MISSING, version="1.41")
print("constructed", c.api_version, c.base_url)
for what, fn in [("ping", c.ping), ("version", c.version), ("containers", lambda: c.containers(all=True)),
                 ("inspect", lambda: c.inspect_container("x"))]:
    try:
        fn()
        print(what, "no error")
    except requests.exceptions.ConnectionError as e:
        print(what, "ConnectionError", isinstance(e, requests.exceptions.RequestException))

try:
    docker.DockerClient(base_url=MISSING, version="1.41").containers.list()
except requests.exceptions.ConnectionError:
    print("DockerClient list ConnectionError")

old = os.environ.get("DOCKER_HOST")
os.environ["DOCKER_HOST"] = MISSING
try:
    cl = docker.from_env(version="1.41")
    try:
        cl.ping()
    except requests.exceptions.ConnectionError:
        print("from_env ping ConnectionError")
    try:
        cl = docker.from_env()
        cl.ping()
        print("from_env auto: no error")
    except DockerException:
        print("from_env auto DockerException")
    except requests.exceptions.ConnectionError:
        print("from_env auto DockerException")
finally:
    if old is None:
        del os.environ["DOCKER_HOST"]
    else:
        os.environ["DOCKER_HOST"] = old

for bad in ("foo://bar", "tcp://", "http://[::1"):
    try:
        docker.APIClient(base_url=bad, version="1.41")
        print("bad url", bad, "accepted")
    except ValueError:
        print("bad url", bad, "ValueError")
    except DockerException as e:
        print("bad url", bad, "DockerException")

# short timeouts on a real engine
client = docker.from_env(timeout=30)
name = "clibdocker-test-ps04-" + uuid.uuid4().hex[:8]
ctr = client.containers.run(IMAGE, "sleep 30", name=name, detach=True, labels={"clibdocker-test": "1"})
try:
    t0 = time.time()
    try:
        ctr.wait(timeout=1)
        print("wait: no timeout")
    except requests.exceptions.ReadTimeout as e:
        print("wait ReadTimeout", True, time.time() - t0 < 10)
    except requests.exceptions.ConnectionError as e:
        print("wait ReadTimeout", True, time.time() - t0 < 10)
    try:
        client.api.wait(ctr.id, timeout=1)
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        print("low-level wait timeout caught")
    print("still usable", client.ping(), ctr.status in ("created", "running"))
    short = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto", timeout=1)
    try:
        short.stop(ctr.id, timeout=5)
        print("stop: no timeout")
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        print("stop with client timeout 1: timeout")
    print("short client still usable", short.ping())
    ctr.reload()
    print("after", ctr.status)
finally:
    ctr.remove(force=True)
try:
    client.containers.get(name)
except NotFound:
    print("gone")
print("done")
