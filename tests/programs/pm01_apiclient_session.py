"""A plugin for a test runner (pytest-docker / testcontainers style) talks to
the engine through docker-py's APIClient as the requests.Session it is: it
reads base_url, api_version, _version, headers, timeout and credstore_env,
builds URLs with _url(), sends _get/_post/_put/_delete/_post_json and the
Session's own get/post/head/request, reads the responses (status, reason,
headers, json, text, content, iter_lines), and turns errors into docker's
exceptions with _raise_for_status / _result."""
import json
import os
import uuid

import docker
import requests
from docker import errors
from docker.constants import DEFAULT_USER_AGENT

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
tag = uuid.uuid4().hex[:8]
LABELS = {"clibdocker-test": "1", "pm01": tag}


KNOWN = ("ImageNotFound", "NotFound", "APIError", "DockerException")
scrub = [tag]


def clean(text):
    for s in scrub:
        text = text.replace(s, "X")
    return text


def attempt(label, fn):
    try:
        r = fn()
        print(label, "->", r)
    except Exception as e:  # noqa: BLE001 - the plugin reports whatever comes
        names = list(dict.fromkeys(c.__name__ for c in type(e).__mro__ if c.__name__ in KNOWN))
        print(label, "!!", type(e).__name__, names, getattr(e, "status_code", None),
              clean(str(getattr(e, "explanation", "") or ""))[:70])


client = docker.from_env(timeout=42)
api = client.api
print("base_url", api.base_url)
print("api_version", api.api_version == api._version, api._version >= "1.24")
print("timeout", api.timeout, client.api.timeout)
api.timeout = 17
print("timeout set", api.timeout)
api.timeout = (5, 30)   # requests' (connect, read)
print("timeout pair", api.timeout, client.ping())
api.timeout = 42
print("credstore_env", api.credstore_env)
print("user agent", api.headers["User-Agent"] == DEFAULT_USER_AGENT,
      api.headers.get("user-agent") == api.headers["User-Agent"])
print("verify cert", api.verify, api.cert)
api.headers["X-Pm01-Session"] = tag
print("header added", api.headers.get("x-pm01-session") == tag, "X-PM01-SESSION" in api.headers)
print("ping", client.ping())

# URLs as the plugin builds them
v = api._version
print("_url", api._url("/containers/{0}/json", "abc").replace(v, "V"))
print("_url quoted", api._url("/images/{0}/json", "reg:5000/a b/c#d?e").replace(v, "V"))
print("_url two", api._url("/containers/{0}/archive?path={1}", "x", "/etc/hosts").replace(v, "V"))
print("_url unversioned", api._url("/_ping", versioned_api=False))
print("_url unicode", api._url("/volumes/{0}", "caf\u00e9").replace(v, "V"))
attempt("_url int", lambda: api._url("/containers/{0}/json", 42))
attempt("_url None", lambda: api._url("/containers/{0}/json", None))

# plain requests on the session
r = api._get(api._url("/_ping"))
print("_get ping", r.status_code, r.reason, r.ok, r.text, r.headers.get("Content-Type", "").split(";")[0],
      "Api-Version" in r.headers, r.headers["api-version"] == r.headers["API-VERSION"])
r = api.get(api._url("/version", versioned_api=False))
print("get version", r.status_code, sorted(k for k in r.json() if k in ("ApiVersion", "Os", "Arch")))
r = api.head(api._url("/_ping"))
print("head ping", r.status_code, r.content)
r = api.request("GET", api._url("/info"), params={"x": 1})
print("request info", r.status_code, type(r.json()).__name__, "Containers" in r.json())
r = api._get(api._url("/containers/json"), params={"all": True, "filters": json.dumps({"label": [f"pm01={tag}"]})})
print("_get list", r.status_code, r.json())
print("_result json", api._result(r, json=True), "| text", api._result(r).strip())
print("_result binary", api._result(r, binary=True).strip())
attempt("_result both", lambda: api._result(r, json=True, binary=True))

# create / start / inspect / remove with the helpers
cid = None
try:
    r = api._post_json(api._url("/containers/create"),
                       data={"Image": IMAGE, "Cmd": ["sh", "-c", "echo one; echo two >&2; echo three"],
                             "Labels": LABELS, "Env": None, "Tty": False},
                       params={"name": "clibdocker-test-pm01-" + tag})
    print("create", r.status_code, r.reason, sorted(r.json()))
    cid = r.json()["Id"]
    scrub += [cid, cid[:12]]
    r = api._post(api._url("/containers/{0}/start", cid))
    print("start", r.status_code, r.reason, repr(r.text), r.content)
    r = api._post(api._url("/containers/{0}/wait", cid), timeout=30)
    print("wait", r.status_code, r.json()["StatusCode"])
    r = api._get(api._url("/containers/{0}/json", cid))
    print("inspect", r.json()["Config"]["Labels"]["pm01"] == tag, r.json()["State"]["Status"])
    r = api._get(api._url("/containers/{0}/logs", cid), params={"stdout": 1, "stderr": 1})
    print("logs multiplexed", sorted(api._multiplexed_buffer_helper(r)))
    r = api._get(api._url("/containers/{0}/logs", cid), params={"stdout": 1, "stderr": 0}, stream=True)
    print("logs stream", b"".join(api._multiplexed_response_stream_helper(r)))
    r = api._get(api._url("/containers/{0}/logs", cid), params={"stdout": 1}, stream=True)
    print("logs get_result_tty", api._get_result_tty(False, r, False))
    r = api._post(api._url("/containers/{0}/rename", cid), params={"name": "clibdocker-test-pm01b-" + tag})
    print("rename", r.status_code)
    r = api._get(api._url("/containers/{0}/json", "clibdocker-test-pm01b-" + tag))
    print("by new name", r.ok, r.json()["Name"] == "/clibdocker-test-pm01b-" + tag)
    r = api._post(api._url("/containers/{0}/update", cid), data=json.dumps({"Memory": 64 * 1024 * 1024,
                                                                            "MemorySwap": -1}),
                  headers={"Content-Type": "application/json"})
    print("update", r.status_code, r.json())
    r = api.post(api._url("/containers/{0}/update", cid), json={"CpuShares": 512})
    print("update json=", r.status_code, r.json())
    print("cpu shares", api.inspect_container(cid)["HostConfig"]["CpuShares"])
    r = api._put(api._url("/containers/{0}/archive", cid), params={"path": "/nonexistent-pm01"}, data=b"")
    print("put archive missing dir", r.status_code, r.ok)
    attempt("put archive raise", lambda: api._raise_for_status(r))

    # errors from responses
    r = api._get(api._url("/containers/{0}/json", "clibdocker-test-pm01-missing-" + tag))
    print("missing", r.status_code, r.reason, r.ok, bool(r), r.json()["message"].startswith("No such container"))
    try:
        api._raise_for_status(r)
    except errors.NotFound as e:
        print("raise NotFound", type(e).__name__, e.status_code, e.response.status_code, e.is_client_error(),
              e.is_server_error(), e.explanation == r.json()["message"], e.response is r)
        print("  str", str(e).replace(v, "V").replace(tag, "T"))
    try:
        r.raise_for_status()
    except requests.exceptions.HTTPError as e:
        print("response.raise_for_status", e.response.status_code, e.response is r)
    r = api._get(api._url("/images/{0}/json", "clibdocker-test/pm01-missing:" + tag))
    attempt("missing image", lambda: api._result(r, True))
    r = api._post_json(api._url("/containers/create"), data={"Image": IMAGE, "Labels": LABELS},
                       params={"name": "clibdocker-test-pm01b-" + tag})
    print("conflict", r.status_code, r.reason)
    attempt("conflict result", lambda: api._result(r))
    r = api._post_json(api._url("/containers/create"), data={"Image": IMAGE, "Labels": LABELS,
                                                             "HostConfig": {"Memory": 1}})
    attempt("bad memory", lambda: api._result(r, json=True))
    r = api._delete(api._url("/containers/{0}", cid), params={"v": False})
    print("delete", r.status_code, r.reason, r.text == "")
    cid = None
    r = api._delete(api._url("/containers/{0}", "clibdocker-test-pm01b-" + tag))
    print("delete again", r.status_code)
    attempt("delete again raise", lambda: api._raise_for_status(r))
    r = api._get(api._url("/no/such/endpoint"))
    print("unknown endpoint", r.status_code, r.ok)
    attempt("unknown endpoint raise", lambda: api._result(r))
    r = api._get(api._url("/info", versioned_api=False).replace("/info", "/v1.12/info"))
    print("too old", r.status_code, r.ok)

    # streamed reads
    r = api._get(api._url("/events"), params={"since": 0, "until": 1,
                                              "filters": json.dumps({"label": [f"pm01={tag}"]})}, stream=True)
    print("events stream", list(api._stream_helper(r, decode=True)))
    r = api._get(api._url("/images/json"), params={"filters": json.dumps({"reference": [IMAGE]})}, stream=True)
    print("stream helper whole", [len(x) for x in api._stream_helper(r, decode=True)])
    r = api._get(api._url("/version"))
    print("iter_lines", len(list(r.iter_lines())), "iter_content", b"".join(r.iter_content(7)) == r.content)
    with api._get(api._url("/_ping"), stream=True) as r:
        print("with response", r.status_code, r.raw.read(2))
finally:
    if cid:
        api.remove_container(cid, force=True)
    for c in api.containers(all=True, filters={"label": f"pm01={tag}"}):
        api.remove_container(c["Id"], force=True)
print("left", api.containers(all=True, filters={"label": f"pm01={tag}"}))

# the same helpers on a hand-made APIClient and on an engine that is not there
a = docker.APIClient(version="1.41", timeout=5, credstore_env={"PASSWORD_STORE_DIR": "/nonexistent"})
print("pinned", a._version, a.api_version, a.timeout, a.credstore_env, a.base_url)
print("pinned _url", a._url("/containers/json"))
print("pinned info", a._result(a._get(a._url("/info")), True)["ID"] == client.info()["ID"])
a._version = "1.40"   # pinned lower after the fact, as some plugins do
print("re-pinned", a._version, a.api_version, a._url("/info"), a.version(api_version=False)["ApiVersion"] >= "1.40")
r = a.options(a._url("/_ping"))
print("options", r.status_code, r.history, r.is_redirect, r.request.method, r.request.path_url)
a.close()
print("after close", a._get(a._url("/_ping")).text)
dead = docker.APIClient(base_url="unix:///nonexistent-pm01.sock", version="1.41")
print("dead base_url", dead.base_url, dead._url("/_ping"))
try:
    dead._get(dead._url("/_ping"))
    print("dead: no error")
except requests.exceptions.ConnectionError as e:
    print("dead", type(e).__name__, isinstance(e, errors.APIError))
client.close()
print("done")
