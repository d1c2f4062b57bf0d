"""How projects handle docker.errors beyond "except NotFound": a CI
orchestrator that builds docker errors by hand in its own layers and tests
(APIError with and without a response, ContainerError, BuildError, the
context errors), converts requests' HTTPError with
create_api_error_from_http_exception, logs e.response (url, reason,
headers, json, request method), passes errors between processes (pickle, as
multiprocessing does), re-raises with chaining, and reads ContainerError /
BuildError fields from real failures."""
import io
import json
import os
import pickle
import uuid

import docker
import requests
from docker import errors
from docker.errors import (APIError, BuildError, ContainerError, DockerException, ImageNotFound, NotFound)

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm05": tag}
scrub = [tag]


def clean(text):
    text = str(text)
    for s in scrub:
        text = text.replace(s, "X")
    return text


def describe(label, e):
    resp = getattr(e, "response", None)
    print(label, type(e).__name__, clean(e), getattr(e, "status_code", None),
          e.is_client_error() if isinstance(e, APIError) else "-",
          e.is_server_error() if isinstance(e, APIError) else "-",
          e.is_error() if isinstance(e, APIError) else "-",
          clean(getattr(e, "explanation", "-")), resp is None)


def fake_response(status, body, url="http+docker://localhost/v1.41/containers/x/json", reason=None):
    r = requests.Response()
    r.status_code = status
    r._content = body
    r.url = url
    r.reason = reason
    r.headers["Content-Type"] = "application/json"
    return r


# --- by hand, as a project's own layer raises them
describe("plain", APIError("something broke"))
describe("with explanation", APIError("something broke", None, "because"))
describe("404 response", NotFound("ignored", response=fake_response(404, b'{"message": "gone"}', reason="Not Found"),
                                  explanation="gone"))
describe("500 response", APIError("x", response=fake_response(500, b"{}", reason="Internal Server Error")))
describe("503 no reason", APIError("x", response=fake_response(503, b"")))
describe("302 response", APIError("redirect", response=fake_response(302, b"", reason="Found")))
describe("image not found", ImageNotFound("No such image: a:b"))
describe("docker exception", DockerException("generic"))
print("args", APIError("m").args, DockerException("a", "b").args, NotFound("n", None, "e").args)
for resp in (fake_response(404, b'{"message": "No such image: busybox:nope"}'),
             fake_response(404, b'{"message": "No such container: c1"}'),
             fake_response(409, b'{"message": "conflict"}', reason="Conflict"),
             fake_response(500, b"plain text error\n", reason="Internal Server Error"),
             fake_response(404, b'{"message": "pull access denied for x, repository does not exist"}')):
    http = requests.exceptions.HTTPError("boom", response=resp)
    try:
        errors.create_api_error_from_http_exception(http)
    except APIError as e:
        describe("converted", e)
        print("  cause", e.__cause__ is http, e.response is resp)

ce = ContainerError("the-container", 3, ["sh", "-c", "exit 3"], "busybox", b"oops\n")
print("ContainerError", str(ce), ce.exit_status, ce.command, ce.image, ce.stderr, ce.container)
print("ContainerError no stderr", str(ContainerError(None, 1, "false", "img", None)))
be = BuildError("step failed", [{"stream": "Step 1/2"}, {"error": "step failed"}])
print("BuildError", str(be), be.msg, be.build_log, be.args)
print("ImageLoadError", str(errors.ImageLoadError("bad tar")), issubclass(errors.ImageLoadError, DockerException))
spe = errors.StreamParseError("bad json")
print("StreamParseError", spe.msg, str(spe), isinstance(spe, RuntimeError), isinstance(spe, DockerException))
print("TLSParameterError", str(errors.TLSParameterError("cert missing")), errors.TLSParameterError("m").msg)
print("NullResource", str(errors.NullResource("no id")), isinstance(errors.NullResource("x"), ValueError))
print("context errors", str(errors.MissingContextParameter("host")), errors.MissingContextParameter("host").param,
      str(errors.ContextAlreadyExists("ctx")), errors.ContextAlreadyExists("ctx").name,
      str(errors.ContextException("bad ctx")), errors.ContextException("bad ctx").msg,
      str(errors.ContextNotFound("nope")), errors.ContextNotFound("nope").name)
print("other classes", [str(c("m")) for c in (errors.InvalidVersion, errors.InvalidRepository, errors.InvalidConfigFile,
                                               errors.InvalidArgument, errors.DeprecatedMethod)])
te = errors.create_unexpected_kwargs_error("run", {"b": 1, "a": 2})
print("unexpected kwargs", type(te).__name__, str(te), str(errors.create_unexpected_kwargs_error("f", {"x": 1})))
print("subclass checks", issubclass(NotFound, APIError), issubclass(ImageNotFound, NotFound),
      issubclass(ContainerError, DockerException), issubclass(BuildError, DockerException),
      issubclass(errors.ContextNotFound, DockerException), issubclass(errors.NullResource, ValueError))

# pickled between processes (multiprocessing hands exceptions back this way)
for e in (APIError("m", None, "x"), NotFound("n"), ContainerError("c", 2, "cmd", "img", b"err"),
          BuildError("r", [{"error": "r"}]), errors.TLSParameterError("t"), errors.ContextNotFound("c"),
          errors.NullResource("n"), errors.InvalidVersion("v")):
    try:
        back = pickle.loads(pickle.dumps(e))
        print("pickle", type(back).__name__, str(back) == str(e), getattr(back, "explanation", None),
              getattr(back, "exit_status", None), getattr(back, "build_log", None))
    except Exception as x:  # noqa: BLE001 - some do not survive, in docker-py too
        print("pickle", type(e).__name__, "!!", type(x).__name__)


# --- from the engine, as the orchestrator logs them
client = docker.from_env()
v = client.api._version
try:
    try:
        client.containers.get("clibdocker-test-pm05-missing-" + tag)
    except NotFound as e:
        r = e.response
        print("engine 404", r.status_code, r.reason, r.ok, clean(r.url).replace(v, "V"),
              r.headers["Content-Type"].split(";")[0], clean(r.json()), clean(r.text.strip()), type(r.content).__name__)
        print("  request", r.request.method, clean(r.request.url).replace(v, "V"), clean(r.request.path_url).replace(v, "V"))
        print("  raise_for_status", end=" ")
        try:
            r.raise_for_status()
        except requests.exceptions.HTTPError as again:
            print(again.response.status_code, isinstance(again, requests.exceptions.RequestException))
        try:
            raise RuntimeError("lookup failed") from e
        except RuntimeError as chained:
            print("  chained", type(chained.__cause__).__name__, chained.__cause__.status_code)
        back = pickle.loads(pickle.dumps(e))
        print("  pickled", type(back).__name__, back.status_code, clean(back.explanation), clean(str(back)).replace(v, "V"))
    try:
        client.images.get("clibdocker-test/pm05-missing:" + tag)
    except ImageNotFound as e:
        print("engine image", e.status_code, e.response.reason, clean(e.explanation), e.response.request.method)
    try:
        client.api.kill("clibdocker-test-pm05-missing-" + tag, signal="SIGKILL")
    except NotFound as e:
        print("engine kill", e.response.request.method, e.response.status_code)
    try:
        client.networks.create("clibdocker-test-pm05-" + tag, driver="bridge", labels=LABELS,
                               ipam=docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet="not-a-subnet")]))
    except APIError as e:
        print("engine bad subnet", e.status_code, e.is_client_error(), e.is_server_error(), e.response.request.method)

    # real ContainerError / BuildError fields
    try:
        client.containers.run(IMAGE, ["sh", "-c", "echo to-out; echo to-err >&2; exit 5"],
                              name="clibdocker-test-pm05-" + tag, labels=LABELS)
    except ContainerError as e:
        print("run failed", e.exit_status, e.command, e.image, e.stderr, type(e.container).__name__,
              e.container.name == "clibdocker-test-pm05-" + tag, e.container.status)
        print("  str", clean(e))
        e.container.remove()
    try:
        client.containers.run(IMAGE, "sh -c 'exit 6'", remove=True, labels=LABELS)
    except ContainerError as e:
        print("run failed str cmd", e.exit_status, e.command, e.stderr)
    try:
        client.images.build(fileobj=io.BytesIO(f"FROM {IMAGE}\nRUN echo step-out && false\n".encode()), rm=True, forcerm=True,
                            labels=LABELS, tag="clibdocker-test/pm05:" + tag)
    except BuildError as e:
        log = list(e.build_log)
        print("build failed", clean(e.msg), str(e) == e.msg, type(e.build_log).__name__ in ("list", "generator", "tuple"),
              [sorted(x) for x in log if "error" in x][:1], any("step-out" in x.get("stream", "") for x in log))
    try:
        client.images.build(path="/nonexistent-pm05-" + tag)
    except (TypeError, OSError, DockerException) as e:  # docker-py: the context walk fails
        print("build bad path", isinstance(e, (TypeError, OSError, DockerException)))
finally:
    for c in client.containers.list(all=True, filters={"label": f"pm05={tag}"}):
        c.remove(force=True)
    for n in client.networks.list(filters={"label": f"pm05={tag}"}):
        n.remove()
print("left", client.containers.list(all=True, filters={"label": f"pm05={tag}"}),
      client.images.list(name="clibdocker-test/pm05"))
client.close()
print("json", json.dumps({"err": str(APIError("x", None, "y"))}))
print("done")
