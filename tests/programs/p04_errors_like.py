"""Exceptions docker-py programs catch."""
import io
import os

import docker
import docker.errors
from docker.errors import (APIError, BuildError, ContainerError, DockerException,
                           ImageNotFound, NotFound)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
for fn, arg in [(client.images.get, "clibdocker-test/no-such-image:1"),
                (client.containers.get, "clibdocker-test-no-such"),
                (client.networks.get, "clibdocker-test-no-such"),
                (client.volumes.get, "clibdocker-test-no-such")]:
    try:
        fn(arg)
    except ImageNotFound as e:
        print("ImageNotFound", e.status_code, isinstance(e, NotFound))
    except NotFound as e:
        print("NotFound", e.status_code, isinstance(e, APIError), isinstance(e, DockerException))
try:
    client.containers.run(IMAGE, ["sh", "-c", "echo boom >&2; exit 7"], remove=True,
                          labels={"clibdocker-test": "1"})
except ContainerError as e:
    print("ContainerError", e.exit_status, e.stderr, e.image == IMAGE)
try:
    client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN exit 5\n".encode()), rm=True, forcerm=True,
                        labels={"clibdocker-test": "1"})
except BuildError as e:
    print("BuildError", "returned a non-zero code: 5" in str(e), type(e.build_log).__name__ != "NoneType")
print("api error classes", issubclass(docker.errors.NotFound, docker.errors.APIError))
try:
    client.api.inspect_image("clibdocker-test/no-such-image:1")
except docker.errors.ImageNotFound as e:
    print("low-level ImageNotFound", e.response.status_code, e.explanation is not None)
print("done")
