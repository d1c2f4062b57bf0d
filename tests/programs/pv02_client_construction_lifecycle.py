"""Client construction and lifecycle the way libraries built on docker-py do
it (an orchestration library's engine factory, a pytest plugin's session
client, a CLI that reads DOCKER_HOST from a file): DockerClient/APIClient
with every documented argument, unix URLs with two and three slashes,
pinned, automatic and mismatched API versions and what calls do then,
timeouts changed on a live client, `with APIClient(...)` and use after it,
close() twice, from_env(environment=...) with good, padded and unknown
hosts, copies and pickles of a client."""
import copy
import os
import pickle
import uuid

import docker
from docker import errors

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pv02": tag}
SOCK = "/var/run/docker.sock"


def describe(e):
    out = [type(e).__name__, isinstance(e, errors.DockerException), isinstance(e, ValueError)]
    if isinstance(e, errors.APIError):
        out += [e.status_code, e.is_client_error(), (e.explanation or "")[:38]]
    return out


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", r)
        return r
    except (errors.DockerException, ValueError, TypeError) as e:
        print(label, "!!", *describe(e))
    return None


def refused(label, fn):
    """Bad settings: the library catches both what docker-py raises at once and
    what it raises on the first request."""
    try:
        fn()
        print(label, "-> accepted")
    except (errors.DockerException, ValueError) as e:
        print(label, "!! refused", isinstance(e, (errors.DockerException, ValueError)),
              isinstance(e, errors.APIError))


def first_words(label, fn, n=4):
    """The factory shows the user the start of the error (the rest names the host)."""
    try:
        fn()
        print(label, "-> no error")
    except errors.DockerException as e:
        print(label, "!!", type(e).__name__, " ".join(str(e).split()[:n]))


main = docker.from_env(timeout=30)
print("main", main.api.base_url, main.api.timeout, main.api._version == main.api.api_version,
      main.api._version == main.version()["ApiVersion"])
ENGINE_API = main.version()["ApiVersion"]
try:
    # -- unix URLs as users type them ----------------------------------------------
    for url in ("unix://" + SOCK, "unix:/" + SOCK, "unix://var/run/docker.sock", "http+unix://" + SOCK):
        c = docker.DockerClient(base_url=url)
        print("url", url.replace(SOCK, "SOCK"), c.api.base_url, c.ping(), c.api._version == ENGINE_API,
              c.containers.list(filters={"label": "pv02=" + tag}))
        c.close()

    # -- APIClient with every argument a library passes -------------------------
    for v in ("auto", "1.41", None, "1.30"):
        a = docker.APIClient(base_url="unix://" + SOCK, version=v, timeout=12, max_pool_size=3,
                             user_agent="mylib/2.1")
        print("APIClient version=%r" % (v,), a._version == (ENGINE_API if v in ("auto", None) else v),
              a.api_version == a._version, a.timeout, a.headers["User-Agent"], a.ping(),
              a.version(api_version=False)["ApiVersion"] == ENGINE_API)
        a.close()
    kw = dict(base_url="unix://" + SOCK, version="auto", timeout=9, max_pool_size=2, user_agent="lib/3",
              use_ssh_client=False, tls=False)
    dc = docker.DockerClient(**kw)
    print("DockerClient kwargs", dc.api.timeout, dc.api.headers["User-Agent"], dc.ping(), dc.api is dc.api)
    attempt("DockerClient unknown kwarg", lambda: docker.DockerClient(pool_size=4))
    attempt("from_env unknown kwarg", lambda: docker.from_env(pool_size=4))
    attempt("version float", lambda: docker.APIClient(version=1.41))
    attempt("version 1.23", lambda: docker.APIClient(version="1.23"))
    refused("version latest", lambda: docker.APIClient(version="latest").ping())
    refused("timeout as str", lambda: docker.APIClient(timeout="5").ping())
    refused("timeout as str pinned", lambda: docker.APIClient(timeout="5", version="1.41").ping())
    refused("timeout 0", lambda: docker.APIClient(timeout=0, version="1.41").ping())
    refused("timeout 0 auto", lambda: docker.from_env(timeout=0).ping())
    attempt("timeout None", lambda: (lambda a: (a.timeout, a.ping()))(docker.APIClient(timeout=None)))

    # -- timeouts changed on a live client --------------------------------------
    for t in (5, 2.5, None, (3, 20), 60):
        dc.api.timeout = t
        print("timeout set", t, dc.api.timeout == t, dc.ping(), len(dc.containers.list(all=True,
                                                                                      filters={"label": "pv02=" + tag})))

    def set_bad_and_ping():
        dc.api.timeout = "7"
        return dc.ping()

    refused("timeout set to a str then ping", set_bad_and_ping)
    dc.api.timeout = 30

    def set_zero_and_list():
        dc.api.timeout = 0     # meant as "no limit"
        return dc.containers.list()

    refused("timeout set to 0 then list", set_zero_and_list)
    dc.api.timeout = 30
    print("timeout restored", dc.api.timeout, dc.ping())

    # -- the context manager of the low-level client, and use after it ----------
    with docker.APIClient(base_url="unix://" + SOCK, version="1.41", timeout=11) as a:
        print("in with", a.base_url, a._version, a.ping(), type(a.containers(filters={"label": "pv02=" + tag})).__name__)
    print("after with", a.ping(), a.version()["ApiVersion"] == ENGINE_API,
          a.inspect_image(IMAGE)["RepoTags"].count(IMAGE))
    print("close after with", a.close(), a.close(), a.ping())
    # close() twice on a DockerClient, then use it again (the pool reconnects)
    c = docker.DockerClient(base_url="unix://" + SOCK, version="1.41")
    ctr = c.containers.create(IMAGE, "true", labels=LABELS, name="clibdocker-test-pv02-a-" + tag)
    print("close twice", c.close(), c.close())
    print("after close", c.ping(), c.containers.get(ctr.id).status, ctr.start(), ctr.wait()["StatusCode"])
    ctr.reload()
    print("model after close", ctr.status, ctr.client is c)
    c.close()

    # -- from_env(environment=...) as tools build it --------------------------
    for host in ("unix://" + SOCK, "unix://var/run/docker.sock", " unix://%s " % SOCK, "unix://%s\n" % SOCK,
                 "UNIX://" + SOCK, ""):
        e = docker.from_env(environment={"DOCKER_HOST": host}, timeout=30)
        print("from_env %r" % host.replace(SOCK, "SOCK"), e.api.base_url, e.api.timeout, e.ping())
        e.close()
    for host in ("ftp://x", "foo://bar:1", "tcp://127.0.0.1", "/var/run/docker.sock", "fd://",
                 "npipe:////./pipe/docker_engine", "tcp://"):
        first_words("from_env %r" % host, lambda: docker.from_env(environment={"DOCKER_HOST": host}))
    e = docker.from_env(version="1.41")
    print("from_env 1.41", e.version()["ApiVersion"], e.api._version, e.api.api_version)
    e.close()
    e = docker.from_env(environment={"DOCKER_HOST": "unix://" + SOCK, "DOCKER_TLS_VERIFY": ""}, version="auto")
    print("from_env empty tls verify", e.api.base_url, e.ping())
    e.close()

    # -- API version mismatches: an old pin and a pin the engine does not reach --
    old = docker.DockerClient(version="1.24")
    print("1.24", old.api._version, old.ping(), old.version()["ApiVersion"] == ENGINE_API)
    attempt("1.24 list", lambda: old.containers.list(filters={"label": "pv02=" + tag}))
    attempt("1.24 run", lambda: old.containers.run(IMAGE, "echo old", labels=LABELS, remove=True))
    attempt("1.24 create init", lambda: old.containers.create(IMAGE, "true", init=True, labels=LABELS))
    attempt("1.24 prune", lambda: old.containers.prune(filters={"label": "pv02=" + tag}))
    attempt("1.24 df", lambda: old.df())
    attempt("1.24 get missing", lambda: old.containers.get("clibdocker-test-pv02-missing-" + tag))
    attempt("1.24 wait condition", lambda: old.api.wait("clibdocker-test-pv02-missing-" + tag, condition="removed"))
    attempt("1.24 images", lambda: IMAGE in sum((i.tags for i in old.images.list(name=IMAGE.split(":")[0])), []))
    old.close()
    new = docker.DockerClient(version="1.43")
    print("1.43 pinned", new.api._version, new.api.api_version)
    for what, fn in (("ping", new.ping), ("list", new.containers.list), ("info", new.info),
                     ("get", lambda: new.containers.get("clibdocker-test-pv02-missing-" + tag)),
                     ("run", lambda: new.containers.run(IMAGE, "true", labels=LABELS)),
                     ("version", new.version)):
        attempt("1.43 " + what, fn)
    print("1.43 unversioned", new.version(api_version=False)["ApiVersion"] == ENGINE_API)
    new.api._version = ENGINE_API   # a library re-pins after reading the engine's version
    print("1.43 re-pinned", new.ping(), new.containers.list(filters={"label": "pv02=" + tag}))
    new.close()

    # -- copies and pickles, as frameworks try with objects they are handed ------
    cp = copy.copy(main)
    print("copy", type(cp).__name__, cp.api is main.api, cp.ping())
    cpa = copy.copy(main.api)
    print("copy api", type(cpa).__name__, cpa is main.api, cpa.base_url, cpa._version == ENGINE_API, cpa.ping())
    for what, obj in (("client", main), ("api", main.api)):
        try:
            copy.deepcopy(obj)
            print("deepcopy", what, "ok")
        except TypeError as e:
            print("deepcopy", what, "TypeError")
        try:
            pickle.dumps(obj)
            print("pickle", what, "ok")
        except (TypeError, AttributeError, pickle.PicklingError):
            print("pickle", what, "not picklable")
    print("main after copies", main.ping())
finally:
    for c in main.containers.list(all=True, filters={"label": "pv02=" + tag}):
        c.remove(force=True)
print("left", main.containers.list(all=True, filters={"label": "pv02=" + tag}))
main.close()
main.close()
print("done")
