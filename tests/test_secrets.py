"""Secrets never in the open: registry passwords, identity tokens and the
X-Registry-Auth / X-Registry-Config header values (base64url of AuthConfig
JSON) must not appear in exception messages or reprs (``str``, ``repr``,
``args``, ``explanation``, ``response.content``, the formatted traceback),
in anything printed (stdout/stderr at the file-descriptor level, so also the
credential helper's and the C core's output) or logged, in ``repr()`` of the
client or of what calls return, nor in any field of the trace hook's
records (URL, error, request headers and bodies, response bodies).

Exercised against the real engine and registry (127.0.0.1:5000, htpasswd):
login (good, bad), pull/push with explicit ``auth_config`` (good, bad,
identity token), with a config.json ``auths`` entry and with a credential
helper (``tests/helpers/docker-credential-clibdockertest``), and builds that
send X-Registry-Config. The exact header values are taken from the wire
with the recording server of tests/fault_server.py."""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import traceback
from typing import Any, Dict, Iterable, List

import pytest

import clibdocker
from clibdocker import auth, errors
from conftest import REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE, unique
from fault_server import FaultServer

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")
BAD_PASSWORD = "wrong-" + unique("pw")
TOKEN = "idtok-" + unique("tok")
GOOD = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD, "serveraddress": REGISTRY}
BAD = {"username": REGISTRY_USER, "password": BAD_PASSWORD, "serveraddress": REGISTRY}
WITH_TOKEN = {"identitytoken": TOKEN, "serveraddress": REGISTRY}


def _b64_variants(data: bytes) -> List[str]:
    out = []
    for enc in (base64.b64encode, base64.urlsafe_b64encode):
        s = enc(data).decode()
        out += [s, s.rstrip("=")]
    return out


class Exposure:
    """Everything a user or a log could see, as text."""

    def __init__(self) -> None:
        self.texts: List[str] = []
        self.records: List[Any] = []

    def hook(self, rec: Any) -> None:
        self.records.append(rec)

    def add(self, obj: Any) -> None:
        self.texts.append(repr(obj))
        self.texts.append(str(obj))
        if isinstance(obj, BaseException):
            self.texts.append(repr(obj.args))
            self.texts.append("".join(traceback.format_exception(type(obj), obj,
                                                                 obj.__traceback__)))
            for attr in ("explanation", "response"):
                v = getattr(obj, attr, None)
                if v is not None:
                    self.texts.append(repr(v))
            resp = getattr(obj, "response", None)
            if resp is not None:
                self.texts.append(repr(getattr(resp, "content", b"")))
                self.texts.append(getattr(resp, "url", None) or "")

    def add_records(self) -> None:
        for r in self.records:
            self.texts.append(repr(r))
            for slot in type(r).__slots__:
                self.texts.append(repr(getattr(r, slot, None)))

    def call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        """fn(...), its result (consumed if an iterator) and any
        DockerException recorded; returns the result or the exception."""
        try:
            res = fn(*args, **kw)
            if hasattr(res, "__next__"):
                self.add(res)
                res = list(res)
            self.add(res)
            return res
        except errors.DockerException as e:
            self.add(e)
            return e


def _auth_failed(res: Any) -> bool:
    """A registry's refusal of credentials: raised (a pull: the engine answers
    500) or handed over inside the stream (a push or a build: 200, then the
    error message, as docker-py hands it over)."""
    if isinstance(res, Exception):
        return isinstance(res, errors.Unauthorized)
    if isinstance(res, (str, bytes)):
        text = res.decode() if isinstance(res, bytes) else res
        items = [json.loads(x) for x in text.splitlines() if x.strip()]
    else:
        items = [json.loads(x) if isinstance(x, (str, bytes)) else x for x in res]
    last = items[-1] if items else {}
    msg = last.get("error") or (last.get("errorDetail") or {}).get("message") or ""
    return "authentication required" in msg or "unauthorized" in msg


def _assert_clean(exp: Exposure, capfd: Any, caplog: Any, secrets: Iterable[str]) -> None:
    exp.add_records()
    out, err = capfd.readouterr()
    corpus = "\n".join(exp.texts + [out, err, caplog.text])
    assert exp.records, "the trace hook saw nothing"
    for s in secrets:
        assert s and s not in corpus, f"a secret ({s[:6]}...) is exposed"


@pytest.fixture
def exposure(client, caplog):
    caplog.set_level(logging.DEBUG)
    e = Exposure()
    client.set_trace_hook(e.hook, body_cap=1 << 20)
    yield e
    client.set_trace_hook(None)


@pytest.fixture
def repo(client):
    name = f"{REGISTRY}/clibdocker-test/{unique('sec')}"
    yield name
    for img in client.images(name=name):
        for t in img.get("RepoTags") or []:
            try:
                client.remove_image(t, force=True)
            except errors.NotFound:
                pass


@pytest.fixture
def docker_config(tmp_path, monkeypatch):
    cfg = tmp_path / "dockercfg"
    cfg.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    monkeypatch.setenv("PATH", HELPERS + os.pathsep + os.environ.get("PATH", ""))
    creds = tmp_path / "creds.json"
    monkeypatch.setenv("CLIBDOCKER_TEST_CREDS", str(creds))
    return cfg, creds


def _wire_headers(tmp_path: Any, fn_name: str, *args: Any, **kw: Any) -> Dict[str, str]:
    """The X-Registry-* headers a call puts on the wire (recording server)."""
    d = tmp_path / unique("wire")
    d.mkdir()
    with FaultServer(d) as fs:
        c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=5)
        try:
            try:
                res = getattr(c, fn_name)(*args, **kw)
                if hasattr(res, "__next__"):
                    list(res)
            except errors.DockerException:
                pass
        finally:
            c.close()
        found = {}
        for head in fs.requests:
            for line in head.decode("latin-1").split("\r\n")[1:]:
                k, _, v = line.partition(":")
                if k.lower().startswith("x-registry-"):
                    found[k.lower()] = v.strip()
        return found


def _header_secrets(tmp_path: Any, auth_config: Dict[str, Any]) -> List[str]:
    h = _wire_headers(tmp_path, "pull", f"{REGISTRY}/x", tag="t", auth_config=auth_config)
    value = h["x-registry-auth"]
    # the wire value really is base64url of the AuthConfig JSON
    assert json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    return [value] + _b64_variants(json.dumps(auth_config).encode())


def test_header_value_on_the_wire_is_the_auth_json(tmp_path):
    """Sanity for the checks below: the secrets really are in the header
    on the wire (so their absence elsewhere means something)."""
    h = _wire_headers(tmp_path, "pull", f"{REGISTRY}/x", tag="t", auth_config=GOOD)
    raw = h["x-registry-auth"]
    decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert decoded["password"] == REGISTRY_PASSWORD
    assert auth.encode_header(json.dumps(GOOD)) in (raw, raw.rstrip("="))


def test_login_good_and_bad(client, exposure, capfd, caplog, tmp_path):
    res = exposure.call(client.login, REGISTRY_USER, BAD_PASSWORD, registry=REGISTRY,
                        reauth=True)
    assert isinstance(res, errors.APIError)
    res = exposure.call(client.login, REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY,
                        reauth=True)
    assert isinstance(res, dict) and "Login Succeeded" in res.get("Status", "")
    exposure.add(client)
    logins = [r for r in exposure.records if r.url.endswith("/auth")]
    assert len(logins) == 2
    # the body went out (redacted in the record), the password only on the wire
    assert all(b"<redacted>" in (r.request_body or b"") for r in logins)
    _assert_clean(exposure, capfd, caplog, [REGISTRY_PASSWORD, BAD_PASSWORD])


def test_pull_push_explicit_auth(client, exposure, capfd, caplog, tmp_path, repo):
    secrets = [REGISTRY_PASSWORD, BAD_PASSWORD, TOKEN]
    for cfg in (GOOD, BAD, WITH_TOKEN):
        secrets += _header_secrets(tmp_path, cfg)
    client.tag(TEST_IMAGE, repo, "s")
    assert not isinstance(exposure.call(client.push, repo, "s", auth_config=GOOD),
                          Exception)
    for stream in (False, True):
        e = exposure.call(client.push, repo, "s", stream=stream, decode=stream,
                          auth_config=BAD)
        assert _auth_failed(e), e
        e = exposure.call(client.pull, repo, "s", stream=stream, auth_config=BAD)
        assert isinstance(e, errors.Unauthorized), e
        e = exposure.call(client.pull, repo, "s", stream=stream, auth_config=WITH_TOKEN)
        assert isinstance(e, errors.DockerException), e
    assert not isinstance(exposure.call(client.pull, repo, "s", auth_config=GOOD), Exception)
    e = exposure.call(client.inspect_distribution, f"{repo}:s", auth_config=BAD)
    assert isinstance(e, errors.DockerException)
    exposure.add(client)
    headers = [r.request_headers for r in exposure.records if "X-Registry-Auth" in
               r.request_headers]
    assert headers and all("X-Registry-Auth: <redacted>" in h for h in headers)
    _assert_clean(exposure, capfd, caplog, secrets)


def test_config_json_and_credential_helper(client, exposure, capfd, caplog, tmp_path, repo,
                                           docker_config):
    cfg, creds = docker_config
    userpass_good = f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()
    userpass_bad = f"{REGISTRY_USER}:{BAD_PASSWORD}".encode()
    secrets = [REGISTRY_PASSWORD, BAD_PASSWORD] + _b64_variants(userpass_good) + \
        _b64_variants(userpass_bad)
    client.tag(TEST_IMAGE, repo, "c")
    # auths entry, good then bad
    (cfg / "config.json").write_text(json.dumps(
        {"auths": {REGISTRY: {"auth": base64.b64encode(userpass_good).decode()}}}))
    secrets += list(_wire_headers(tmp_path, "push", repo, "c").values())
    assert not isinstance(exposure.call(client.push, repo, "c"), Exception)
    (cfg / "config.json").write_text(json.dumps(
        {"auths": {REGISTRY: {"auth": base64.b64encode(userpass_bad).decode()}}}))
    secrets += list(_wire_headers(tmp_path, "push", repo, "c").values())
    assert _auth_failed(exposure.call(client.push, repo, "c"))
    assert isinstance(exposure.call(client.pull, repo, "c"), errors.Unauthorized)
    # a malformed auths entry: an error that does not quote it
    (cfg / "config.json").write_text(json.dumps(
        {"auths": {REGISTRY: {"auth": "!" + REGISTRY_PASSWORD}}}))
    e = exposure.call(client.pull, repo, "c")
    assert isinstance(e, errors.DockerException)
    # the credential helper, good then bad
    (cfg / "config.json").write_text(json.dumps({"credHelpers": {REGISTRY: "clibdockertest"}}))
    creds.write_text(json.dumps({REGISTRY: {"Username": REGISTRY_USER,
                                            "Secret": REGISTRY_PASSWORD}}))
    secrets += list(_wire_headers(tmp_path, "push", repo, "c").values())
    assert not isinstance(exposure.call(client.push, repo, "c"), Exception)
    assert not isinstance(exposure.call(client.pull, repo, "c"), Exception)
    creds.write_text(json.dumps({REGISTRY: {"Username": REGISTRY_USER, "Secret": BAD_PASSWORD}}))
    secrets += list(_wire_headers(tmp_path, "push", repo, "c").values())
    assert _auth_failed(exposure.call(client.push, repo, "c"))
    # an identity token from the helper
    creds.write_text(json.dumps({REGISTRY: {"Username": "<token>", "Secret": TOKEN}}))
    secrets += [TOKEN] + list(_wire_headers(tmp_path, "pull", repo, "c").values())
    assert isinstance(exposure.call(client.pull, repo, "c"), errors.DockerException)
    exposure.add(client)
    assert len(secrets) > 10
    _assert_clean(exposure, capfd, caplog, secrets)


def test_build_with_registry_config(client, exposure, capfd, caplog, tmp_path, repo,
                                    docker_config):
    """A build whose FROM is on the private registry gets the credentials
    through X-Registry-Config (from config.json and from login)."""
    cfg, _ = docker_config
    client.tag(TEST_IMAGE, repo, "base")
    assert not isinstance(exposure.call(client.push, repo, "base", auth_config=GOOD),
                          Exception)
    client.remove_image(f"{repo}:base")
    userpass = f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()
    (cfg / "config.json").write_text(json.dumps(
        {"auths": {REGISTRY: {"auth": base64.b64encode(userpass).decode()}}}))
    df = f"FROM {repo}:base\nLABEL clibdocker-test=1\n".encode()
    tag = f"clibdocker-test/sec-build-{unique('b')}"
    wire = _wire_headers(tmp_path, "build", fileobj=io.BytesIO(df), rm=True)
    assert "x-registry-config" in wire
    raw = wire["x-registry-config"]
    decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert decoded[REGISTRY]["password"] == REGISTRY_PASSWORD
    secrets = [REGISTRY_PASSWORD, BAD_PASSWORD, raw] + _b64_variants(userpass) + \
        _b64_variants(json.dumps(decoded).encode())
    try:
        out = exposure.call(client.build, fileobj=io.BytesIO(df), tag=tag, rm=True,
                            pull=True, decode=True)
        assert not isinstance(out, Exception), out
        assert client.inspect_image(tag)["Config"]["Labels"]["clibdocker-test"] == "1"
        # wrong credentials: the build fails on the pull, no secret in the error
        bad = f"{REGISTRY_USER}:{BAD_PASSWORD}".encode()
        (cfg / "config.json").write_text(json.dumps(
            {"auths": {REGISTRY: {"auth": base64.b64encode(bad).decode()}}}))
        secrets += _b64_variants(bad)
        secrets += list(_wire_headers(tmp_path, "build", fileobj=io.BytesIO(df)).values())
        e = exposure.call(client.build, fileobj=io.BytesIO(df), rm=True, pull=True,
                          decode=True)
        assert _auth_failed(e), e
        # credentials kept by login also go into X-Registry-Config
        (cfg / "config.json").write_text("{}")
        client.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY, reauth=True)
        out = exposure.call(client.build, fileobj=io.BytesIO(df), rm=True, pull=True,
                            decode=True)
        assert not isinstance(out, Exception), out
    finally:
        try:
            client.remove_image(tag, force=True)
        except errors.NotFound:
            pass
    builds = [r for r in exposure.records if "/build" in r.url]
    assert builds and all("X-Registry-Config: <redacted>" in r.request_headers for r in builds)
    exposure.add(client)
    _assert_clean(exposure, capfd, caplog, secrets)


def test_auth_helpers_errors_do_not_quote_secrets(docker_config, capfd, caplog):
    """Lookup failures name the registry, never the stored value."""
    cfg, creds = docker_config
    exp = Exposure()
    (cfg / "config.json").write_text(json.dumps(
        {"auths": {REGISTRY: {"auth": "%%" + REGISTRY_PASSWORD}}}))
    with pytest.raises(errors.DockerException) as ei:
        auth.auth_json_for({}, f"{REGISTRY}/x")
    exp.add(ei.value)
    assert REGISTRY in str(ei.value)
    # a config.json that is not JSON (a password where the JSON should be)
    (cfg / "config.json").write_text(REGISTRY_PASSWORD)
    with pytest.raises(errors.DockerException) as ei:
        auth.auth_json_for({}, f"{REGISTRY}/x")
    exp.add(ei.value)
    out, err = capfd.readouterr()
    corpus = "\n".join(exp.texts + [out, err, caplog.text])
    assert REGISTRY_PASSWORD not in corpus
