"""Push and pull against the real local registry (127.0.0.1:5000, htpasswd
auth; reachable from the main engine only), with explicit credentials and
with credentials found as the docker CLI finds them: config.json `auths`,
`credsStore` and `credHelpers` through a test credential helper."""
from __future__ import annotations

import base64
import json
import os

import pytest

from clibdocker import errors
from conftest import (LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE,
                      docker_cli, unique)

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")
GOOD = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}
BAD_PASSWORD = "wrong-" + unique("pw")
BAD = {"username": REGISTRY_USER, "password": BAD_PASSWORD, "serveraddress": REGISTRY}


@pytest.fixture
def repo(client):
    """A fresh repository on the local registry; local tags removed after."""
    name = f"{REGISTRY}/clibdocker-test/{unique('img')}"
    yield name
    for img in client.images(name=name):
        for t in img.get("RepoTags") or []:
            if t.startswith(name + ":"):
                try:
                    client.remove_image(t)
                except errors.NotFound:
                    pass
    for img in client.images(filters={"reference": name}, digests=True):
        for d in img.get("RepoDigests") or []:
            if d.startswith(name + "@"):
                try:
                    client.remove_image(d)
                except errors.NotFound:
                    pass


@pytest.fixture
def docker_config(tmp_path, monkeypatch):
    """An empty $DOCKER_CONFIG and the test credential helper on PATH."""
    cfg = tmp_path / "dockercfg"
    cfg.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    monkeypatch.setenv("PATH", HELPERS + os.pathsep + os.environ.get("PATH", ""))
    creds = tmp_path / "creds.json"
    monkeypatch.setenv("CLIBDOCKER_TEST_CREDS", str(creds))
    return cfg, creds


def _pushed_digest(messages):
    for m in messages:
        aux = m.get("aux") if isinstance(m, dict) else None
        if aux and aux.get("Digest"):
            return aux["Digest"]
    return None


def _push_test_image(client, repo, tag, auth_config=GOOD):
    assert client.tag(TEST_IMAGE, repo, tag) is True
    msgs = list(client.push(repo, tag, stream=True, decode=True, auth_config=auth_config))
    assert all(isinstance(m, dict) for m in msgs)
    digest = _pushed_digest(msgs)
    assert digest and digest.startswith("sha256:")
    return digest


@pytest.mark.op("ImagePush")
@pytest.mark.op("ImageCreate")
def test_push_then_pull_back_by_digest(client, repo):
    digest = _push_test_image(client, repo, "v1")
    want_id = client.inspect_image(TEST_IMAGE)["Id"]
    client.remove_image(f"{repo}:v1")
    with pytest.raises(errors.ImageNotFound):
        client.inspect_image(f"{repo}:v1")
    # by digest, through the repository argument
    text = client.pull(f"{repo}@{digest}", auth_config=GOOD)
    assert isinstance(text, str) and digest in text
    img = client.inspect_image(f"{repo}@{digest}")
    assert img["Id"] == want_id
    assert f"{repo}@{digest}" in img["RepoDigests"]
    # by tag, as a decoded stream
    msgs = list(client.pull(repo, tag="v1", stream=True, decode=True, auth_config=GOOD))
    assert any("Digest: " + digest in (m.get("status") or "") for m in msgs)
    assert client.inspect_image(f"{repo}:v1")["Id"] == want_id


@pytest.mark.op("ImageCreate")
def test_pull_all_tags(client, repo):
    _push_test_image(client, repo, "a")
    _push_test_image(client, repo, "b")
    client.remove_image(f"{repo}:a")
    client.remove_image(f"{repo}:b")
    out = client.pull(repo, all_tags=True, auth_config=GOOD)
    assert "a" in out and "b" in out
    tags = {t for i in client.images(name=repo) for t in i["RepoTags"] or []}
    assert {f"{repo}:a", f"{repo}:b"} <= tags


@pytest.mark.op("ImagePush")
def test_push_text_result_and_raw_stream(client, repo):
    client.tag(TEST_IMAGE, repo, "raw")
    raw = list(client.push(repo, "raw", stream=True, auth_config=GOOD))
    assert raw and all(isinstance(r, bytes) for r in raw)
    assert any(b'"aux"' in r for r in raw)
    # as docker-py yields the engine's chunks: one message each, ending with \r\n
    assert all(r.endswith(b"}\r\n") and r.count(b"\r\n") == 1 for r in raw)
    text = client.push(f"{repo}:raw", auth_config=GOOD)
    assert "Digest" in text  # a second push: layers already exist
    assert all(json.loads(line) for line in text.splitlines() if line)
    assert text.endswith("}\r\n") and "\r\n\r\n" not in text
    pulled = list(client.pull(repo, "raw", stream=True, auth_config=GOOD))
    assert pulled and all(r.endswith(b"}\r\n") and r.count(b"\r\n") == 1 for r in pulled)


def push_error(text):
    """The error a push reported inside its stream ("" when none)."""
    for line in text.splitlines():
        if line.strip():
            msg = json.loads(line)
            if "error" in msg or "errorDetail" in msg:
                return msg.get("error") or msg["errorDetail"]["message"]
    return ""


def _assert_no_secret(exc, secret):
    assert secret not in str(exc)
    assert secret not in repr(exc)
    assert secret not in repr(exc.args)


@pytest.mark.op("ImagePush")
def test_wrong_credentials_push_and_pull(client, repo):
    seen = []
    client.set_trace_hook(seen.append)
    client.tag(TEST_IMAGE, repo, "x")
    # push: the engine answers 200, then reports the failure inside the
    # stream: a message, as docker-py hands it over (no exception)
    text = client.push(repo, "x", auth_config=BAD)
    assert "authentication required" in push_error(text)
    assert BAD_PASSWORD not in text
    msgs = list(client.push(repo, "x", stream=True, decode=True, auth_config=BAD))
    assert "authentication required" in msgs[-1]["errorDetail"]["message"]
    with pytest.raises(errors.Unauthorized) as ei:
        client.pull(repo, "x", auth_config=BAD)
    _assert_no_secret(ei.value, BAD_PASSWORD)
    # without any credentials
    with pytest.raises(errors.Unauthorized):
        client.pull(repo, "x", auth_config={})
    client.set_trace_hook(None)
    pushes = [r for r in seen if "/push" in r.url or "/images/create" in r.url]
    assert pushes
    for r in seen:
        assert BAD_PASSWORD not in r.request_headers
        assert BAD_PASSWORD.encode() not in (r.request_body or b"")
        enc = base64.urlsafe_b64encode(json.dumps(BAD).encode()).decode()
        assert enc not in r.request_headers
    assert any("X-Registry-Auth: <redacted>" in r.request_headers for r in pushes)


def test_login_credentials_are_used(client, repo):
    client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    client.tag(TEST_IMAGE, repo, "login")
    text = client.push(repo, "login")
    assert "Digest" in text


def test_config_auths(client, repo, docker_config):
    cfg, _ = docker_config
    enc = base64.b64encode(f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()).decode()
    (cfg / "config.json").write_text(json.dumps({"auths": {f"http://{REGISTRY}": {"auth": enc}}}))
    client.tag(TEST_IMAGE, repo, "cfg")
    assert "Digest" in client.push(repo, "cfg")
    client.remove_image(f"{repo}:cfg")
    client.pull(repo, "cfg")
    assert client.inspect_image(f"{repo}:cfg")["Id"] == client.inspect_image(TEST_IMAGE)["Id"]
    # wrong credentials in the config: a clear auth error
    bad = base64.b64encode(f"{REGISTRY_USER}:{BAD_PASSWORD}".encode()).decode()
    (cfg / "config.json").write_text(json.dumps({"auths": {REGISTRY: {"auth": bad}}}))
    text = client.push(repo, "cfg")
    assert "authentication required" in push_error(text)
    assert BAD_PASSWORD not in text


def test_config_creds_store_helper(client, repo, docker_config):
    cfg, creds = docker_config
    creds.write_text(json.dumps({REGISTRY: {"Username": REGISTRY_USER,
                                            "Secret": REGISTRY_PASSWORD}}))
    (cfg / "config.json").write_text(json.dumps({"credsStore": "clibdockertest"}))
    client.tag(TEST_IMAGE, repo, "store")
    assert "Digest" in client.push(repo, "store")
    log = (creds.parent / (creds.name + ".log")).read_text()
    assert f"get {REGISTRY}" in log
    # the helper knows nothing for this registry: no credentials, auth error
    creds.write_text(json.dumps({}))
    assert "no basic auth credentials" in push_error(client.push(repo, "store"))


def test_config_cred_helpers_and_failing_helper(client, repo, docker_config):
    cfg, creds = docker_config
    creds.write_text(json.dumps({REGISTRY: {"Username": REGISTRY_USER,
                                            "Secret": REGISTRY_PASSWORD}}))
    (cfg / "config.json").write_text(json.dumps(
        {"credsStore": "does-not-exist", "credHelpers": {REGISTRY: "clibdockertest"}}))
    client.tag(TEST_IMAGE, repo, "helper")
    assert "Digest" in client.push(repo, "helper")
    # a helper that cannot run: a clear error naming it, before any request
    (cfg / "config.json").write_text(json.dumps({"credHelpers": {REGISTRY: "does-not-exist"}}))
    with pytest.raises(errors.Unauthorized) as ei:
        client.push(repo, "helper")
    assert "docker-credential-does-not-exist" in str(ei.value)


@pytest.mark.op("DistributionInspect")
def test_inspect_distribution(client, repo):
    digest = _push_test_image(client, repo, "dist")
    d = client.inspect_distribution(f"{repo}:dist", auth_config=GOOD)
    assert d["Descriptor"]["digest"] == digest
    assert d["Descriptor"]["mediaType"].startswith("application/vnd.docker.distribution")
    assert any(p.get("architecture") for p in d["Platforms"])
    with pytest.raises(errors.Unauthorized):
        client.inspect_distribution(f"{repo}:dist", auth_config=BAD)
    with pytest.raises(errors.InvalidRepository):
        client.inspect_distribution("Not A Reference")


@pytest.mark.op("ImageSearch")
def test_search_error_path_and_request_shape(client):
    seen = []
    client.set_trace_hook(seen.append)
    with pytest.raises(errors.APIError) as ei:
        client.search(f"{REGISTRY}/clibdocker-test", limit=5)
    # the local registry has no v1 search API: the engine reports its 404
    assert "404" in ei.value.explanation
    assert ei.value.status_code == 500
    url = seen[-1].url
    assert "/images/search?" in url and "term=127.0.0.1%3A5000%2Fclibdocker-test" in url
    assert "limit=5" in url
    with pytest.raises(errors.InvalidArgument):
        client.search("")


def test_invalid_references_refused_before_request(client):
    seen = []
    client.set_trace_hook(seen.append)
    client.api_version  # negotiate first
    n = len(seen)
    for bad in ("UPPER/case", "a b", "x:tag with space", "-leading", "repo:" + "t" * 200):
        with pytest.raises(errors.InvalidRepository):
            client.pull(bad)
        with pytest.raises(errors.InvalidRepository):
            client.push(bad)
    with pytest.raises(errors.InvalidRepository):
        client.tag(TEST_IMAGE, "ok/name", "bad tag")
    assert len(seen) == n


def test_credstore_env_reaches_the_helper(repo, docker_config, monkeypatch):
    """docker-py's credstore_env: extra environment for docker-credential-*
    processes (here the only place the helper learns where its store is)."""
    import clibdocker
    cfg, creds = docker_config
    creds.write_text(json.dumps({REGISTRY: {"Username": REGISTRY_USER,
                                            "Secret": REGISTRY_PASSWORD}}))
    (cfg / "config.json").write_text(json.dumps({"credsStore": "clibdockertest"}))
    monkeypatch.delenv("CLIBDOCKER_TEST_CREDS")
    with clibdocker.APIClient(credstore_env={"CLIBDOCKER_TEST_CREDS": str(creds)}) as c:
        c.tag(TEST_IMAGE, repo, "env")
        assert "Digest" in c.push(repo, "env")
        # builds get every credential through the same helper and env
        registries = json.loads(c._all_auth_json() or "{}")
        assert registries[REGISTRY]["password"] == REGISTRY_PASSWORD
    log = (creds.parent / (creds.name + ".log")).read_text()
    assert f"get {REGISTRY}" in log
    # without it the helper cannot find its store: a clear auth error naming it
    with clibdocker.APIClient() as c:
        with pytest.raises(errors.Unauthorized) as ei:
            c.push(repo, "env")
        assert "docker-credential-clibdockertest" in str(ei.value)
    # an entry that is not NAME=value text is refused before anything runs
    with clibdocker.APIClient(credstore_env={"A=B": "x"}) as c:
        with pytest.raises(errors.InvalidArgument):
            c.push(repo, "env")
    with pytest.raises(errors.InvalidArgument):
        clibdocker.APIClient(credstore_env=["CLIBDOCKER_TEST_CREDS=x"])  # type: ignore[arg-type]


def test_reload_config_and_login_dockercfg_path(client, repo, tmp_path, docker_config):
    cfg, _ = docker_config            # $DOCKER_CONFIG: empty, no credentials
    other = tmp_path / "other"
    other.mkdir()
    enc = base64.b64encode(f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()).decode()
    (other / "config.json").write_text(json.dumps({"auths": {REGISTRY: {"auth": enc}}}))
    client.tag(TEST_IMAGE, repo, "rc")
    assert "no basic auth credentials" in push_error(client.push(repo, "rc"))
    client.reload_config(str(other / "config.json"))
    assert "Digest" in client.push(repo, "rc")
    client.reload_config()            # back to $DOCKER_CONFIG
    assert "no basic auth credentials" in push_error(client.push(repo, "rc"))
    client.reload_config(str(other))  # the directory works too
    assert "Digest" in client.push(repo, "rc")
    with pytest.raises(errors.InvalidArgument):
        client.reload_config(str(tmp_path / ".dockercfg"))
    # reload_config forgets what login() kept, as docker-py does
    client.reload_config()
    client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    assert "Digest" in client.push(repo, "rc")
    client.reload_config()
    assert "no basic auth credentials" in push_error(client.push(repo, "rc"))
    # login(dockercfg_path=...) points later calls at that config
    import clibdocker
    with clibdocker.APIClient() as c:
        # that config holds this registry and user: as docker-py's login,
        # its entry comes back without asking the engine (no reauth) ...
        got = c.login(REGISTRY_USER, BAD_PASSWORD, registry=REGISTRY,
                      dockercfg_path=str(other / "config.json"))
        assert got["username"] == REGISTRY_USER and got["password"] == REGISTRY_PASSWORD
        # ... and reauth asks it, which refuses the bad password
        with pytest.raises(errors.APIError):
            c.login(REGISTRY_USER, BAD_PASSWORD, registry=REGISTRY, reauth=True,
                    dockercfg_path=str(other / "config.json"))
        assert "Digest" in c.push(repo, "rc")


@pytest.mark.op("ImageCreate")
def test_import_image_from_image_pulls_and_tags(client, repo):
    digest = _push_test_image(client, repo, "src")
    client.remove_image(f"{repo}:src")
    target = f"clibdocker-test/{unique('fromimg')}"
    client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
    try:
        out = client.import_image_from_image(f"{repo}:src", repository=target, tag="t1")
        assert "src" in out or digest in out
        want = client.inspect_image(TEST_IMAGE)["Id"]
        assert client.inspect_image(f"{target}:t1")["Id"] == want
        assert client.inspect_image(f"{repo}:src")["Id"] == want
        # by digest, through import_image(image=...), default tag latest
        client.import_image(image=f"{repo}@{digest}", repository=target)
        assert client.inspect_image(f"{target}:latest")["Id"] == want
        with pytest.raises(errors.InvalidArgument):
            client.import_image_from_image(f"{repo}:src", target, "t2", changes=["CMD x"])
        with pytest.raises(errors.InvalidRepository):
            client.import_image_from_image(f"{repo}:src", "Bad Name", "t2")
    finally:
        for t in ("t1", "latest"):
            try:
                client.remove_image(f"{target}:{t}")
            except errors.NotFound:
                pass
