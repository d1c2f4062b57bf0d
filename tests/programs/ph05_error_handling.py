"""Error handling the way deployment scripts and CLI wrappers around
docker-py write it: user-supplied names, image references and restart
policies passed straight through, APIError caught and inspected
(status_code, explanation, response.status_code, is_client_error /
is_server_error), NotFound / ImageNotFound subclass checks, exit codes
chosen from the error."""
import os
import sys
import uuid

import docker
from docker import errors
from docker.errors import APIError, ImageNotFound, NotFound, DockerException

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
client = docker.from_env()
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "ph05": tag}


def classify(e):
    if isinstance(e, ImageNotFound):
        return "image-missing"
    if isinstance(e, NotFound):
        return "missing"
    if isinstance(e, APIError):
        if e.is_client_error():
            return "bad-request"
        if e.is_server_error():
            return "engine-error"
        return "api"
    if isinstance(e, DockerException):
        return "docker"
    return "other"


def attempt(what, fn):
    try:
        r = fn()
        print(what, "ok", type(r).__name__)
        return r
    except APIError as e:
        print(what, type(e).__name__, classify(e), e.status_code, e.response.status_code == e.status_code,
              type(e.explanation).__name__, e.is_error(), isinstance(e, DockerException))
    except DockerException as e:
        print(what, "docker-exception", type(e).__name__, classify(e))
    return None


made = []
try:
    c = client.containers.run(IMAGE, ["sleep", "60"], detach=True, labels=LABELS)
    made.append(c)
    # names a user typed in
    for n in ("web-1", "web_1.x", "a", "bad name", "-leading", "ok"):
        r = attempt("create name %r" % n, lambda: client.containers.create(IMAGE, "true", name="%s-%s" % (n, tag)
                                                                          if n in ("web-1", "web_1.x", "ok") else n,
                                                                          labels=LABELS))
        if r is not None:
            made.append(r)
    attempt("rename to 'x'", lambda: c.rename("x"))
    attempt("rename ok", lambda: c.rename("clibdocker-test-ph05-" + tag))
    c.reload()
    # restart policies from a config file
    for pol in ({"Name": "always"}, {"Name": "on-failure", "MaximumRetryCount": 3}, {"Name": "bogus"}):
        r = attempt("restart %s" % pol["Name"], lambda: client.containers.create(IMAGE, "true", labels=LABELS,
                                                                                  restart_policy=pol))
        if r is not None:
            made.append(r)
    # image references
    for ref in ("clibdocker-test/busybox:latest", "Clibdocker/Upper", "bad ref", "ok/but-missing-%s:v1" % tag,
                "127.0.0.1:5000/clibdocker-test/missing-%s" % tag):
        attempt("get %s" % ref.replace(tag, "TAG"), lambda: client.images.get(ref))
    attempt("tag bad repo", lambda: client.images.get(IMAGE).tag("Bad Repo"))
    attempt("tag bad tag", lambda: client.images.get(IMAGE).tag("clibdocker-test/ph05", "bad tag!"))
    attempt("pull bad", lambda: client.images.pull("Bad/Repo"))
    attempt("pull bad tag", lambda: client.images.pull("busybox", tag="no good"))
    attempt("commit bad repo", lambda: c.commit("Bad Repo"))
    attempt("create missing image", lambda: client.containers.create("clibdocker-test/missing-%s" % tag, labels=LABELS))
    attempt("remove missing image", lambda: client.images.remove("clibdocker-test/missing-%s" % tag))
    attempt("missing container", lambda: client.containers.get("missing-%s" % tag))
    attempt("missing volume", lambda: client.volumes.get("missing-%s" % tag))
    attempt("missing network", lambda: client.networks.get("missing-%s" % tag))
    attempt("kill bad signal", lambda: c.kill(signal="SIGNOPE"))
    attempt("exec on created", lambda: client.containers.create(IMAGE, "true", labels=LABELS).exec_run("true"))
    attempt("network bad driver", lambda: client.networks.create("clibdocker-test-ph05-" + tag, driver="nope" + tag))
    attempt("volume bad name", lambda: client.volumes.create("bad name", labels=LABELS))
    attempt("conflict name", lambda: client.containers.create(IMAGE, "true", name=c.name, labels=LABELS))
    attempt("remove running", lambda: c.remove())
    # exit codes like a CLI: 1 for engine errors, 2 for bad input
    code = 0
    try:
        client.containers.run(IMAGE, "true", name="bad name", labels=LABELS)
    except APIError as e:
        code = 2 if e.is_client_error() else 1
    print("cli exit code", code)
    # errors module names used in except tuples
    try:
        client.api.inspect_container("missing-" + tag)
    except (errors.NotFound, errors.APIError) as e:
        print("tuple except", type(e).__name__, e.status_code, "No such container" in str(e),
              "No such container" in e.explanation)
finally:
    for x in made:
        try:
            x.remove(force=True)
        except NotFound:
            pass
    for x in client.containers.list(all=True, filters={"label": "ph05=" + tag}):
        x.remove(force=True)
    # an engine that commits before it checks the repository name keeps the
    # image it committed, untagged (it carries the container's labels)
    for im in client.images.list(all=True, filters={"label": "ph05=" + tag}):
        client.images.remove(im.id, force=True)
print("left", len(client.containers.list(all=True, filters={"label": "ph05=" + tag})))
client.close()
sys.exit(0)
