"""docker-py's ``docker.credentials`` and ``docker.auth`` as
``clibdocker.credentials`` / ``clibdocker.auth``: the same credential helper
programs driven through both give the same results and the same exceptions;
the same config.json (auths, credsStore, credHelpers) resolves to the same
credentials; a login on the real registry shows in get_config_header."""
from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import textwrap
import warnings

import pytest

from clibdocker import auth, credentials, errors
from clibdocker.credentials import constants, store as store_mod, utils as cred_utils
from clibdocker.credentials import errors as cred_errors
from conftest import REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, unique

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers")

# A helper speaking the whole protocol (store, get, erase, list) over a JSON
# file named by $H2_CREDS; "fail" in a server name makes it fail like a
# broken keychain; "pass:" servers answer empty credentials (as
# docker-credential-pass does).
FULL_HELPER = textwrap.dedent("""\
    #!/usr/bin/env python3
    import json, os, sys
    path = os.environ["H2_CREDS"]
    verb, data = sys.argv[1], sys.stdin.read().strip()
    creds = json.load(open(path)) if os.path.exists(path) else {}
    def save():
        json.dump(creds, open(path, "w"))
    if verb == "store":
        req = json.loads(data)
        if "fail" in req["ServerURL"]:
            print("error storing credentials: keychain locked"); sys.exit(1)
        creds[req["ServerURL"]] = [req["Username"], req["Secret"]]; save()
    elif verb == "get":
        if "fail" in data:
            print("error getting credentials: keychain locked"); sys.exit(1)
        if data.startswith("pass:"):
            print(json.dumps({"ServerURL": data, "Username": "", "Secret": ""})); sys.exit(0)
        if data not in creds:
            print("credentials not found in native keychain"); sys.exit(1)
        u, s = creds[data]
        print(json.dumps({"ServerURL": data, "Username": u, "Secret": s}))
    elif verb == "erase":
        if data not in creds:
            print("credentials not found in native keychain"); sys.exit(1)
        del creds[data]; save()
    elif verb == "list":
        print(json.dumps({k: v[0] for k, v in creds.items()}))
    else:
        print("unknown verb " + verb); sys.exit(1)
""")


@pytest.fixture
def dockerpy():
    import docker
    import docker.auth
    import docker.credentials
    import docker.credentials.errors
    import docker.credentials.utils
    import docker.errors
    assert docker.errors is not errors, "docker must be docker-py here"
    return docker


@pytest.fixture
def helpers(tmp_path, monkeypatch):
    """PATH with the repo's test helper (docker-credential-clibdockertest)
    and a full-protocol one (docker-credential-h2full); returns the files
    they read."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    full = bindir / "docker-credential-h2full"
    full.write_text(FULL_HELPER)
    full.chmod(full.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", os.pathsep.join([str(bindir), HELPERS, os.environ["PATH"]]))
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps({
        "https://index.docker.io/v1/": {"Username": "hubuser", "Secret": "hubsecret"},
        "127.0.0.1:5000": {"Username": REGISTRY_USER, "Secret": REGISTRY_PASSWORD},
        "tok.example.com": {"Username": "<token>", "Secret": "an-identity-token"},
        "https://helped.example.com": {"Username": "helped", "Secret": "helped-secret"},
    }))
    monkeypatch.setenv("CLIBDOCKER_TEST_CREDS", str(creds))
    monkeypatch.setenv("H2_CREDS", str(tmp_path / "full.json"))
    return creds, tmp_path / "full.json"


def _both(ours_call, theirs_call):
    """Run both; return (result or exception) pairs, checking the exception
    class names and messages agree."""
    out = []
    for call in (ours_call, theirs_call):
        try:
            out.append(("ok", call()))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(("exc", e))
    (ko, vo), (kt, vt) = out
    assert ko == kt, (vo, vt)
    if ko == "exc":
        assert type(vo).__name__ == type(vt).__name__, (vo, vt)
        assert str(vo) == str(vt)
    return vo, vt


# --- docker.credentials ------------------------------------------------------

def test_constants_and_utils_as_docker_py(dockerpy, monkeypatch):
    theirs = dockerpy.credentials
    for n in ("PROGRAM_PREFIX", "DEFAULT_LINUX_STORE", "DEFAULT_OSX_STORE", "DEFAULT_WIN32_STORE"):
        assert getattr(credentials, n) == getattr(constants, n) == getattr(theirs, n)
    monkeypatch.setenv("H2_SOMETHING", "1")
    for overrides in (None, {}, {"H2_SOMETHING": "2", "NEW": "x"}):
        assert cred_utils.create_environment_dict(overrides) == \
            theirs.utils.create_environment_dict(overrides)
    assert issubclass(credentials.CredentialsNotFound, credentials.StoreError)
    assert issubclass(credentials.InitializationError, credentials.StoreError)
    assert issubclass(credentials.StoreError, RuntimeError)
    for output in (b"credentials not found in native keychain\n", b"something else", b""):
        e = subprocess.CalledProcessError(1, ["x"], output=output)
        ours = cred_errors.process_store_error(e, "docker-credential-x")
        theirs_e = theirs.errors.process_store_error(e, "docker-credential-x")
        assert type(ours).__name__ == type(theirs_e).__name__ and str(ours) == str(theirs_e)


def test_store_roundtrip_as_docker_py(dockerpy, helpers):
    ours, theirs = credentials.Store("h2full"), dockerpy.credentials.Store("h2full")
    assert ours.program == theirs.program == "docker-credential-h2full"
    assert ours.exe == theirs.exe
    assert ours.list() == theirs.list() == {}
    # docker-py stores, clibdocker reads, and the other way round
    theirs.store("https://a.example.com", "alice", "s3cret")
    ours.store("b.example.com", "bob", "hunter2")
    for server in ("https://a.example.com", "b.example.com", b"b.example.com"):
        o, t = _both(lambda: ours.get(server), lambda: theirs.get(server))
        assert o == t
    assert ours.get("b.example.com") == {"ServerURL": "b.example.com", "Username": "bob",
                                         "Secret": "hunter2"}
    assert ours.list() == theirs.list() == {"https://a.example.com": "alice",
                                            "b.example.com": "bob"}
    o, t = _both(lambda: ours.get("nowhere.example.com"), lambda: theirs.get("nowhere.example.com"))
    assert isinstance(o, credentials.CredentialsNotFound)
    o, t = _both(lambda: ours.get("pass:x"), lambda: theirs.get("pass:x"))   # empty answer
    assert isinstance(o, credentials.CredentialsNotFound)
    o, t = _both(lambda: ours.get("fail.example.com"), lambda: theirs.get("fail.example.com"))
    assert type(o) is credentials.StoreError and "keychain locked" in str(o)
    o, t = _both(lambda: ours.store("fail.example.com", "u", "p"),
                 lambda: theirs.store("fail.example.com", "u", "p"))
    assert isinstance(o, credentials.StoreError)
    assert ours.erase("b.example.com") is None
    o, t = _both(lambda: ours.erase("b.example.com"), lambda: theirs.erase("b.example.com"))
    assert isinstance(o, credentials.CredentialsNotFound)
    theirs.erase("https://a.example.com")
    assert ours.list() == theirs.list() == {}


def test_store_with_the_repo_test_helper_and_environment(dockerpy, helpers, monkeypatch):
    creds, _ = helpers
    monkeypatch.delenv("CLIBDOCKER_TEST_CREDS")
    env = {"CLIBDOCKER_TEST_CREDS": str(creds)}
    ours = credentials.Store("clibdockertest", environment=env)
    theirs = dockerpy.credentials.Store("clibdockertest", environment=env)
    o, t = _both(ours.list, theirs.list)
    assert o == t and o["127.0.0.1:5000"] == REGISTRY_USER
    o, t = _both(lambda: ours.get("127.0.0.1:5000"), lambda: theirs.get("127.0.0.1:5000"))
    assert o == t and o["Secret"] == REGISTRY_PASSWORD
    o, t = _both(lambda: ours.get("x.example.com"), lambda: theirs.get("x.example.com"))
    assert isinstance(o, credentials.CredentialsNotFound)
    # this helper has no "store" verb: it fails, as a StoreError with its message
    o, t = _both(lambda: ours.store("a", "b", "c"), lambda: theirs.store("a", "b", "c"))
    assert type(o) is credentials.StoreError and "unknown verb store" in str(o)
    # without the environment the helper cannot work (usage message, exit 2)
    bare = credentials.Store("clibdockertest")
    o, t = _both(bare.list, dockerpy.credentials.Store("clibdockertest").list)
    assert type(o) is credentials.StoreError


def test_missing_helper_as_docker_py(dockerpy):
    with pytest.warns(UserWarning, match="not installed or not available in PATH") as w:
        ours = credentials.Store("h2-no-such-helper")
    assert w[0].filename == __file__           # points at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = dockerpy.credentials.Store("h2-no-such-helper")
    assert ours.exe is None and theirs.exe is None
    for call in ("list", "get", "erase"):
        args = () if call == "list" else ("x",)
        o, t = _both(lambda: getattr(ours, call)(*args), lambda: getattr(theirs, call)(*args))
        assert type(o) is credentials.StoreError


def test_store_bad_input_is_refused_at_once(helpers):
    for bad in ("", "../h2full", "a/b", 42):
        with pytest.raises(errors.InvalidArgument):
            credentials.Store(bad)                   # type: ignore[arg-type]
    s = credentials.Store("h2full")
    with pytest.raises(errors.InvalidArgument):
        s.get(42)                                    # type: ignore[arg-type]
    with pytest.raises(errors.InvalidArgument):
        s.store("a", None, "c")                      # type: ignore[arg-type]
    assert store_mod.Store is credentials.Store


# --- docker.auth -------------------------------------------------------------

def test_auth_helpers_as_docker_py(dockerpy):
    theirs = dockerpy.auth
    for n in ("INDEX_NAME", "INDEX_URL", "TOKEN_USERNAME"):
        assert getattr(auth, n) == getattr(theirs, n)
    assert auth.log.name == "clibdocker.auth"
    for url in ("https://index.docker.io/v1/", "http://h:5000/v2/x", "h:5000", "h/x/y",
                "index.docker.io", "docker.io"):
        assert auth.convert_to_hostname(url) == theirs.convert_to_hostname(url)
        assert auth.resolve_index_name(url) == theirs.resolve_index_name(url)
    for name in ("busybox", "user/app", "127.0.0.1:5000/team/app", "localhost/app",
                 "registry.example.com/a/b:tag", "index.docker.io/library/x", "a.b/c",
                 "-bad.example.com/x", "bad-.example.com/x", "http://h/x", "ab:1/x"):
        _both(lambda: auth.split_repo_name(name), lambda: theirs.split_repo_name(name))
        o, t = _both(lambda: auth.resolve_repository_name(name),
                     lambda: theirs.resolve_repository_name(name))
        if isinstance(o, Exception):
            assert isinstance(o, errors.InvalidRepository)
        else:
            assert tuple(o) == tuple(t)
    for value in ("dXNlcjpwYXNz", b"dXNlcjpwYXNz", base64.b64encode(b"u:p:with:colons").decode(),
                  base64.b64encode("ü:ß".encode()).decode()):
        assert auth.decode_auth(value) == theirs.decode_auth(value)
    for bad in ("bm9jb2xvbg==", "!!!"):
        with pytest.raises(ValueError):
            theirs.decode_auth(bad)
        with pytest.raises(errors.InvalidArgument):
            auth.decode_auth(bad)
    for cfg in ({"username": "u", "password": "p"}, {"IdentityToken": "t"}, {}):
        assert auth.encode_header(cfg) == theirs.encode_header(cfg)
        assert isinstance(auth.encode_header(cfg), bytes)
    entries = {"a.example.com": {"auth": "dXNlcjpwYXNz", "email": "e@x"},
               "b.example.com": {"identitytoken": "tok", "auth": "dXNlcjpwYXNz"},
               "c.example.com": {}}
    assert auth.parse_auth(entries) == theirs.parse_auth(entries)
    assert auth.AuthConfig.parse_auth(entries) == theirs.AuthConfig.parse_auth(entries)
    assert auth.parse_auth({"x": "not a dict"}) == theirs.parse_auth({"x": "not a dict"}) == {}
    _both(lambda: auth.parse_auth({"x": "nope"}, True), lambda: theirs.parse_auth({"x": "nope"}, True))


def _write_config(d, conf):
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.json").write_text(json.dumps(conf))


def _compare_resolution(ours, theirs, registries):
    assert dict(ours) == dict(theirs)
    assert ours.auths == theirs.auths and ours.creds_store == theirs.creds_store
    assert ours.cred_helpers == theirs.cred_helpers and ours.is_empty == theirs.is_empty
    for reg in registries:
        o, t = _both(lambda: ours.resolve_authconfig(reg), lambda: theirs.resolve_authconfig(reg))
        assert o == t, reg
        assert ours.get_credential_store(reg) == theirs.get_credential_store(reg)
    o, t = _both(ours.get_all_credentials, theirs.get_all_credentials)
    if not isinstance(o, Exception):
        assert o == t


REGISTRIES = (None, "docker.io", "index.docker.io", "https://index.docker.io/v1/",
              "127.0.0.1:5000", "https://127.0.0.1:5000", "tok.example.com", "plain.example.com",
              "https://plain.example.com/v1/", "helped.example.com", "https://helped.example.com",
              "nowhere.example.com")


def test_config_json_resolves_as_docker_py(dockerpy, helpers, tmp_path, monkeypatch):
    theirs = dockerpy.auth
    cfgdir = tmp_path / "cfg"
    b64 = base64.b64encode(b"plainuser:plainpass").decode()
    _write_config(cfgdir, {
        "auths": {"https://plain.example.com/v1/": {"auth": b64, "email": "p@example.com"},
                  "idtok.example.com": {"identitytoken": "xyz"},
                  "127.0.0.1:5000": {}},
        "credsStore": "clibdockertest",
        "credHelpers": {"https://helped.example.com": "clibdockertest",
                        "broken.example.com": "h2-no-such-helper"},
        "currentContext": "whatever"})
    monkeypatch.setenv("DOCKER_CONFIG", str(cfgdir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, their = auth.load_config(), theirs.load_config()
        assert isinstance(ours, auth.AuthConfig) and isinstance(ours, dict)
        _compare_resolution(ours, their, REGISTRIES + ("idtok.example.com",))
        # a helper that is not installed: both raise DockerException alike
        o, t = _both(lambda: ours.resolve_authconfig("broken.example.com"),
                     lambda: their.resolve_authconfig("broken.example.com"))
        assert type(o) is errors.DockerException and "Credentials store error" in str(o)
    assert ours.resolve_authconfig("127.0.0.1:5000") == {
        "ServerAddress": "127.0.0.1:5000", "Username": REGISTRY_USER,
        "Password": REGISTRY_PASSWORD}
    assert ours.resolve_authconfig("tok.example.com") == {
        "ServerAddress": "tok.example.com", "IdentityToken": "an-identity-token"}
    assert "plainpass" not in repr(ours) and "hubsecret" not in repr(ours)
    # module-level forms, with credstore_env instead of the process environment
    creds, _ = helpers
    monkeypatch.delenv("CLIBDOCKER_TEST_CREDS")
    env = {"CLIBDOCKER_TEST_CREDS": str(creds)}
    raw = json.loads((cfgdir / "config.json").read_text())
    raw["credHelpers"].pop("broken.example.com")
    for reg in (None, "127.0.0.1:5000", "https://plain.example.com/v1/", "helped.example.com"):
        o, t = _both(lambda: auth.resolve_authconfig(dict(raw), reg, credstore_env=env),
                     lambda: theirs.resolve_authconfig(dict(raw), reg, credstore_env=env))
        assert o == t
        o, t = _both(lambda: auth.load_config(config_dict=dict(raw), credstore_env=env)
                     .resolve_authconfig(reg),
                     lambda: theirs.load_config(config_dict=dict(raw), credstore_env=env)
                     .resolve_authconfig(reg))
        assert o == t
        assert auth.resolve_authconfig(auth.load_config(credstore_env=env), reg) == o
        assert auth.get_credential_store(raw, reg) == theirs.get_credential_store(raw, reg)
    _compare_resolution(auth.load_config(credstore_env=env), theirs.load_config(credstore_env=env),
                        REGISTRIES)


def test_other_config_forms_as_docker_py(dockerpy, tmp_path, monkeypatch):
    theirs = dockerpy.auth
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    b64 = base64.b64encode(b"olduser:oldpass").decode()
    cases = {
        "bare.json": json.dumps({"old.example.com": {"auth": b64, "email": "o@x"}}),
        "legacy.cfg": f"auth = {b64}\nemail = legacy@example.com\n",
        "broken-legacy.cfg": "auth = nothing\n",
        "empty.json": "{}",
        "bad-auths.json": json.dumps({"auths": {"x.example.com": "nope"}}),
    }
    for fname, text in cases.items():
        p = tmp_path / fname
        p.write_text(text)
        o, t = _both(lambda: auth.load_config(str(p)), lambda: theirs.load_config(str(p)))
        if not isinstance(o, Exception):
            _compare_resolution(o, t, ("old.example.com", None))
    # a config that is not an object: docker-py fails with AttributeError, clibdocker
    # reads it as empty
    (tmp_path / "list.json").write_text("[1, 2]")
    assert dict(auth.load_config(str(tmp_path / "list.json"))) == {"auths": {}}
    # nothing anywhere: empty
    assert dict(auth.load_config()) == dict(theirs.load_config()) == {"auths": {}}
    assert auth.load_config().is_empty
    # ~/.docker/config.json when $DOCKER_CONFIG has none
    _write_config(tmp_path / "home" / ".docker", {"auths": {"h.example.com": {"auth": b64}}})
    assert dict(auth.load_config()) == dict(theirs.load_config())
    a = auth.AuthConfig({"credsStore": "x"})
    a.add_auth("new.example.com", {"username": "n"})
    t = theirs.AuthConfig({"credsStore": "x"})
    t.add_auth("new.example.com", {"username": "n"})
    assert dict(a) == dict(t) and a.creds_store == "x"
    with pytest.raises(errors.InvalidArgument):
        auth.AuthConfig("not a dict")                 # type: ignore[arg-type]


def test_config_header_of_a_client_as_docker_py(dockerpy, helpers, tmp_path, monkeypatch):
    """get_config_header(client, registry) from the client's config and its
    logins, the same bytes docker-py sends."""
    import clibdocker
    theirs = dockerpy.auth
    cfgdir = tmp_path / "cfg"
    b64 = base64.b64encode(b"plainuser:plainpass").decode()
    _write_config(cfgdir, {"auths": {"plain.example.com": {"auth": b64}},
                           "credHelpers": {"127.0.0.1:5000": "clibdockertest"}})
    monkeypatch.setenv("DOCKER_CONFIG", str(cfgdir))
    ours_c = clibdocker.APIClient()
    their_c = dockerpy.APIClient(version="1.41")
    try:
        for reg in ("plain.example.com", "127.0.0.1:5000", "nowhere.example.com", None):
            assert auth.get_config_header(ours_c, reg) == theirs.get_config_header(their_c, reg)
        h = auth.get_config_header(ours_c, "127.0.0.1:5000")
        assert json.loads(base64.urlsafe_b64decode(h))["Password"] == REGISTRY_PASSWORD
        # a login (real registry) is seen by both
        _write_config(cfgdir, {})
        ours_c.reload_config()
        their_c.reload_config()
        ours_c.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
        their_c.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
        o = json.loads(base64.urlsafe_b64decode(auth.get_config_header(ours_c, REGISTRY)))
        t = json.loads(base64.urlsafe_b64decode(theirs.get_config_header(their_c, REGISTRY)))
        assert {k: v for k, v in o.items() if v is not None} == \
            {k: v for k, v in t.items() if v is not None}
        assert auth.get_config_header(ours_c, "nowhere.example.com") is None
        # a docker-py-style AuthConfig on the client is read as docker-py reads it
        ours_c._auth_configs = auth.AuthConfig({"auths": {"z.example.com": {"username": "z"}}})
        assert json.loads(base64.urlsafe_b64decode(
            auth.get_config_header(ours_c, "z.example.com"))) == {"username": "z"}
    finally:
        ours_c.close()
        their_c.close()


def test_auth_config_from_a_store_is_accepted_by_pull(client, helpers, tmp_path, monkeypatch):
    """What resolve_authconfig gives (docker-py's capitalised keys from a
    credential store) is accepted as a call's auth_config."""
    _write_config(tmp_path / "cfg", {"credsStore": "clibdockertest"})
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "cfg"))
    conf = auth.resolve_authconfig(auth.load_config(), REGISTRY)
    assert conf and conf["Username"] == REGISTRY_USER
    name = f"{REGISTRY}/clibdocker-test/{unique('nope')}"
    with pytest.raises(errors.APIError) as ei:
        client.pull(name, tag="missing", auth_config=conf)
    assert "unauthorized" not in str(ei.value).lower()   # the credentials were good


def test_client_auth_configs_read_the_docker_config_as_docker_py(dockerpy, helpers, tmp_path,
                                                                 monkeypatch):
    """A client's ``_auth_configs`` and ``_general_configs`` as docker-py
    makes them from $DOCKER_CONFIG/config.json (found by program pq05):
    ``auths``/``cred_helpers``/``creds_store`` are the file's (clibdocker
    showed only what login() kept); ``_general_configs`` lacks the
    credential keys docker-py's loading takes out; ``resolve_authconfig``
    asks the registry's helper before the auths (kept entries too); login()
    keeps docker-py's four fields, and without reauth returns what
    resolves only when it names the user under ``username`` (a helper's
    ``Username`` does not: the engine is asked)."""
    import clibdocker
    cfgdir = tmp_path / "cfg"
    cfgdir.mkdir()
    (cfgdir / "config.json").write_text(json.dumps({
        "auths": {"other.example:5000": {"auth": base64.b64encode(b"someone:pw").decode()}},
        "credHelpers": {REGISTRY: "clibdockertest"},
        "HttpHeaders": {"X-A": "1"}, "detachKeys": "ctrl-x,x"}))
    monkeypatch.setenv("DOCKER_CONFIG", str(cfgdir))
    theirs = dockerpy.APIClient(base_url="unix:///var/run/docker.sock", version="1.41")
    with clibdocker.APIClient(base_url="unix:///var/run/docker.sock", version="1.41") as ours:
        assert sorted(ours._general_configs) == sorted(theirs._general_configs) == \
            ["HttpHeaders", "detachKeys"]
        for c in (ours, theirs):
            a = c._auth_configs
            assert sorted(a.auths) == ["other.example:5000"]
            assert a.cred_helpers == {REGISTRY: "clibdockertest"}
            assert a.creds_store is None and a.is_empty is False
        assert ours._auth_configs.resolve_authconfig(REGISTRY) == \
            theirs._auth_configs.resolve_authconfig(REGISTRY)
        assert ours._auth_configs.resolve_authconfig("other.example:5000") == \
            theirs._auth_configs.resolve_authconfig("other.example:5000")
        results = []
        for c in (ours, theirs):
            first = c.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY, reauth=True)
            kept = dict(c._auth_configs.auths[REGISTRY])
            again = c.login(REGISTRY_USER, REGISTRY_PASSWORD, registry=REGISTRY)
            resolved = c._auth_configs.resolve_authconfig(REGISTRY)
            creds = c._auth_configs.get_all_credentials()
            results.append((first["Status"], kept, sorted(again), sorted(resolved),
                            sorted(creds), creds[REGISTRY]))
        assert results[0] == results[1]
        assert results[0][1] == {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD,
                                 "email": None, "serveraddress": REGISTRY}
        assert results[0][2] == ["IdentityToken", "Status"]     # the engine answered
