"""Error handling across the API as docker-py programs write it: exception
classes, status codes, explanations, response objects, str(e)."""
import io
import os
import uuid

import docker
import docker.errors
from docker.errors import (APIError, BuildError, ContainerError, DockerException,
                           ImageNotFound, NotFound)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]


KNOWN = ("ImageNotFound", "NotFound", "APIError", "DockerException")


def kind(e):
    # the docker-py class the exception is (a program's except clauses)
    return next(c.__name__ for c in type(e).__mro__ if c.__name__ in KNOWN)


def show(what, e):
    resp = getattr(e, "response", None)
    print(what, kind(e), getattr(e, "status_code", None),
          resp.status_code if resp is not None else None,
          e.is_client_error() if isinstance(e, APIError) else None,
          e.is_server_error() if isinstance(e, APIError) else None,
          isinstance(e, NotFound), isinstance(e, APIError), isinstance(e, DockerException))


print("hierarchy", [issubclass(c, DockerException) for c in (
    docker.errors.APIError, docker.errors.NotFound, docker.errors.ImageNotFound,
    docker.errors.ContainerError, docker.errors.BuildError, docker.errors.InvalidVersion,
    docker.errors.InvalidRepository, docker.errors.InvalidConfigFile, docker.errors.InvalidArgument,
    docker.errors.TLSParameterError, docker.errors.NullResource, docker.errors.DeprecatedMethod,
    docker.errors.StreamParseError, docker.errors.ContextException, docker.errors.ContextNotFound,
    docker.errors.ImageLoadError, docker.errors.MissingContextParameter,
    docker.errors.ContextAlreadyExists)])
print("notfound chain", [c.__name__ for c in ImageNotFound.__mro__ if issubclass(c, DockerException)])
print("runtime", issubclass(docker.errors.StreamParseError, RuntimeError))
print("container error base", ContainerError.__mro__[1].__name__, BuildError.__mro__[1].__name__)
print("is exception", issubclass(DockerException, Exception))

# 404s: message and explanation
name = "clibdocker-test-ps03-" + tag
try:
    client.containers.get(name)
except docker.errors.NotFound as e:
    show("container get", e)
    print("  explanation", e.explanation == f"No such container: {name}")
    print("  str has message", f"No such container: {name}" in str(e), str(e).startswith("404 Client Error"))
try:
    client.api.inspect_container(name)
except NotFound as e:
    show("inspect_container", e)
try:
    client.images.get("clibdocker-test/ps03-missing:" + tag)
except ImageNotFound as e:
    show("image get", e)
    print("  explanation", "No such image" in e.explanation)
try:
    client.api.remove_image("clibdocker-test/ps03-missing:" + tag)
except ImageNotFound as e:
    show("remove_image", e)
except NotFound as e:
    show("remove_image nf", e)
try:
    client.volumes.get("clibdocker-test-ps03-" + tag)
except NotFound as e:
    show("volume get", e)
    print("  explanation", "no such volume" in e.explanation.lower())
try:
    client.networks.get("clibdocker-test-ps03-" + tag)
except NotFound as e:
    show("network get", e)
try:
    client.containers.run("clibdocker-test/ps03-missing:" + tag, "true", labels={"clibdocker-test": "1"})
except ImageNotFound as e:
    show("run missing image", e)
except APIError as e:
    show("run missing image (api)", e)
try:
    client.images.pull("127.0.0.1:5000/clibdocker-test/ps03-missing", tag="nope")
except ImageNotFound as e:
    show("pull missing", e)
except NotFound as e:
    show("pull missing nf", e)
except APIError as e:
    show("pull missing api", e)

# 409 and 400
c = client.containers.create(IMAGE, "sleep 30", name=name, labels={"clibdocker-test": "1"})
try:
    try:
        client.containers.create(IMAGE, "true", name=name, labels={"clibdocker-test": "1"})
    except APIError as e:
        show("name conflict", e)
        print("  in use", "is already in use" in str(e), "Conflict" in str(e))
    c.start()
    try:
        c.remove()
    except APIError as e:
        show("remove running", e)
        print("  explanation", "stop the container before removing" in e.explanation.lower()
              or "cannot remove a running container" in e.explanation.lower())
    try:
        client.api.exec_create(c.id, [])
    except APIError as e:
        show("exec empty", e)
    except DockerException as e:
        print("exec empty", "DockerException")
    try:
        client.containers.create(IMAGE, "true", labels={"clibdocker-test": "1"}, mem_limit="1k")
    except APIError as e:
        show("bad mem", e)
        print("  minimum", "Minimum memory limit" in str(e))
    try:
        client.networks.create("clibdocker-test-ps03-" + tag, driver="no-such-driver-" + tag,
                               labels={"clibdocker-test": "1"})
    except NotFound as e:
        show("bad driver nf", e)
    except APIError as e:
        show("bad driver", e)
    c.stop(timeout=0)
    try:
        c.exec_run("true")
    except APIError as e:
        show("exec stopped", e)
        print("  not running", "is not running" in str(e))
    try:
        c.kill()
    except APIError as e:
        show("kill stopped", e)
finally:
    c.remove(force=True)
try:
    c.reload()
except NotFound as e:
    show("reload removed", e)

# ContainerError and BuildError
try:
    client.containers.run(IMAGE, ["sh", "-c", "echo out; echo bad >&2; exit 3"], remove=True,
                          labels={"clibdocker-test": "1"})
except ContainerError as e:
    print("ContainerError", e.exit_status, e.stderr, e.command, e.image == IMAGE,
          "returned non-zero exit status 3" in str(e), type(e.container).__name__)
try:
    client.containers.run(IMAGE, "sh -c 'exit 4'", remove=True, stderr=False, labels={"clibdocker-test": "1"})
except ContainerError as e:
    print("ContainerError str cmd", e.exit_status, e.stderr, e.command)
try:
    client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo building && exit 9\n".encode()),
                        rm=True, forcerm=True, labels={"clibdocker-test": "1"})
except BuildError as e:
    log = list(e.build_log)
    print("BuildError", e.msg == str(e), "non-zero code: 9" in e.msg,
          any("building" in (x.get("stream") or "") for x in log), "error" in log[-1])
try:
    client.images.build(fileobj=io.BytesIO(b"FROMM nothing\n"), rm=True)
except BuildError as e:
    print("BuildError syntax", type(e).__name__)
except APIError as e:
    show("build syntax", e)
try:
    client.images.build(fileobj=io.BytesIO(b"FROM clibdocker-test/ps03-missing:" + tag.encode() + b"\n"), pull=False)
except BuildError as e:
    print("BuildError missing base", bool(e.msg), isinstance(e.build_log, (list, tuple)) or hasattr(e.build_log, "__iter__"))
except APIError as e:
    show("build missing base", e)
print("done")
