"""docker-py's ``docker.context`` (ContextAPI, Context, context.config) as
``clibdocker.context``: contexts written by clibdocker are listed and
inspected by the real docker CLIs (/usr/bin/docker and the one on PATH) and
read identically by docker-py; contexts written by the CLI are read by
clibdocker with the fields docker-py gives; clients built from contexts
reach the real engines (plain and through the TLS proxy of test_tls)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.context import Context, ContextAPI
from clibdocker.context import config as ctxconfig
from clibdocker.tls import TLSConfig
from conftest import ENGINE2, unique
from test_tls import _make_pki, tls_engine  # noqa: F401  (the socat TLS fixture)

CLIS = [c for c in dict.fromkeys(["/usr/bin/docker", shutil.which("docker") or ""])
        if c and os.path.exists(c)]


@pytest.fixture
def dockerpy():
    """docker-py itself (the venv's ``docker`` package), to compare with."""
    import docker
    import docker.context
    import docker.errors
    assert docker.errors is not errors, "docker must be docker-py here"
    return docker


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    """A fresh $DOCKER_CONFIG with an empty config.json (docker-py needs the
    file to find the context store there)."""
    d = tmp_path / "docker-config"
    d.mkdir()
    (d / "config.json").write_text("{}")
    monkeypatch.setenv("DOCKER_CONFIG", str(d))
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    return str(d)


def _cli(cli: str, cfg: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    env["DOCKER_CONFIG"] = cfg
    return subprocess.run([cli, *args], check=check, capture_output=True, text=True,
                          env=env, timeout=60)


def _cli_ls(cli: str, cfg: str) -> dict:
    out = _cli(cli, cfg, "context", "ls", "--format", "{{json .}}").stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {r["Name"]: r for r in rows}


def _cli_inspect(cli: str, cfg: str, name: str) -> dict:
    return json.loads(_cli(cli, cfg, "context", "inspect", name).stdout)[0]


def _cli_current(cli: str, cfg: str) -> str:
    """The current context as the CLI sees it (``context show`` is newer than 20.10)."""
    return _cli(cli, cfg, "context", "inspect", "--format", "{{.Name}}").stdout.strip()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """Real certificates (the CLI checks them): ca.pem, cert.pem, key.pem."""
    d = tmp_path_factory.mktemp("ctx-pki")
    _make_pki(str(d))
    return d


def _same_tls(ours, theirs):
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert ours.ca_cert == theirs.ca_cert and tuple(ours.cert) == tuple(theirs.cert)


def _same_context(ours, theirs):
    """Every field docker-py gives, equal."""
    assert (ours is None) == (theirs is None)
    if ours is None:
        return
    assert repr(ours) == repr(theirs)
    assert ours.Name == theirs.Name and ours.Host == theirs.Host
    assert ours.Orchestrator == theirs.Orchestrator
    assert ours.Metadata == theirs.Metadata
    assert ours.TLSMaterial == theirs.TLSMaterial and ours.Storage == theirs.Storage
    assert ours.inspect() == theirs.inspect() == ours() == json.loads(str(ours))
    assert ours.is_docker_host() == theirs.is_docker_host()
    assert ours.endpoints == theirs.endpoints and ours.context_type == theirs.context_type
    _same_tls(ours.TLSConfig, theirs.TLSConfig)


def test_config_paths_as_docker_py(cfg, dockerpy):
    from docker.context import config as theirs
    assert ctxconfig.METAFILE == theirs.METAFILE == "meta.json"
    for name in ("abc", "my-ctx", "ünï"):
        assert ctxconfig.get_context_id(name) == theirs.get_context_id(name)
        assert ctxconfig.get_meta_dir(name) == theirs.get_meta_dir(name)
        assert ctxconfig.get_meta_file(name) == theirs.get_meta_file(name)
        assert ctxconfig.get_tls_dir(name) == theirs.get_tls_dir(name)
        assert ctxconfig.get_tls_dir(name, "docker") == theirs.get_tls_dir(name, "docker")
    assert ctxconfig.get_context_dir() == theirs.get_context_dir() == os.path.join(cfg, "contexts")
    assert ctxconfig.get_meta_dir() == theirs.get_meta_dir()
    assert ctxconfig.get_tls_dir() == theirs.get_tls_dir()
    assert ctxconfig.get_current_context_name() == theirs.get_current_context_name() == "default"
    for host in (None, "", "tcp://127.0.0.1:2375", "127.0.0.1:2375", ":2375",
                 "unix:///var/run/docker.sock", "ssh://me@host", "https://h:1", "http://h:1",
                 "tcp://[::1]:2375", "npipe:////./pipe/x", "unix://"):
        for tls in (False, True):
            assert ctxconfig.get_context_host(host, tls) == theirs.get_context_host(host, tls)
    for bad in ("tcp://h", "fd://", "bogus://x", "tcp://", "ssh://h/p", "tcp://h:1?x=1"):
        with pytest.raises(dockerpy.errors.DockerException) as theirs_e:
            theirs.get_context_host(bad)
        with pytest.raises(errors.DockerException) as ours_e:
            ctxconfig.get_context_host(bad)
        assert str(ours_e.value) == str(theirs_e.value)
    # beyond docker-py: a unix socket other than the default stays unix:// (the CLI's form)
    assert ctxconfig.get_context_host("unix:///tmp/x.sock") == "unix:///tmp/x.sock"


def test_clibdocker_context_is_listed_by_the_cli_and_read_by_docker_py(cfg, dockerpy, pki):
    plain, tls = unique("ctx"), unique("ctx-tls")
    a = ContextAPI.create_context(plain, host="tcp://127.0.0.1:2375", skip_tls_verify=True)
    assert a.Host == "http://127.0.0.1:2375" and a.TLSConfig is None
    tlscfg = TLSConfig(client_cert=(str(pki / "cert.pem"), str(pki / "key.pem")),
                       ca_cert=str(pki / "ca.pem"), verify=True)
    b = ContextAPI.create_context(tls, host="tcp://127.0.0.1:2376", tls_cfg=tlscfg)
    assert b.Host == "https://127.0.0.1:2376" and b.TLSConfig is tlscfg
    tls_dir = os.path.join(ctxconfig.get_tls_dir(tls), "docker")
    assert sorted(os.listdir(tls_dir)) == ["ca.pem", "cert.pem", "key.pem"]
    assert oct(os.stat(os.path.join(tls_dir, "key.pem")).st_mode & 0o777) == "0o600"
    for cli in CLIS:
        ls = _cli_ls(cli, cfg)
        assert ls[plain]["DockerEndpoint"] == "http://127.0.0.1:2375"
        assert ls[tls]["DockerEndpoint"] == "https://127.0.0.1:2376"
        assert ls["default"]["Current"] is True
        ins = _cli_inspect(cli, cfg, tls)
        assert ins["Name"] == tls
        assert ins["Endpoints"]["docker"] == {"Host": "https://127.0.0.1:2376",
                                              "SkipTLSVerify": False}
        assert sorted(ins["TLSMaterial"]["docker"]) == ["ca.pem", "cert.pem", "key.pem"]
        assert ins["Storage"]["MetadataPath"] == ctxconfig.get_meta_dir(tls)
        assert ins["Storage"]["TLSPath"] == ctxconfig.get_tls_dir(tls).rstrip("/")
    for name in (plain, tls):
        ours, theirs = ContextAPI.get_context(name), dockerpy.context.ContextAPI.get_context(name)
        _same_context(ours, theirs)
        assert ContextAPI.inspect_context(name) == dockerpy.context.ContextAPI.inspect_context(name)
    assert ContextAPI.get_context(tls).TLSConfig.verify is True
    assert [c.Name for c in ContextAPI.contexts()] == ["default"] + sorted([plain, tls])
    assert sorted(c.Name for c in dockerpy.context.ContextAPI.contexts()) == \
        sorted(c.Name for c in ContextAPI.contexts())


@pytest.mark.parametrize("cli", CLIS)
def test_cli_context_read_as_docker_py_reads_it(cfg, dockerpy, pki, cli):
    plain, tls, skip, unix = (unique("cli"), unique("cli-tls"), unique("cli-skip"),
                              unique("cli-unix"))
    _cli(cli, cfg, "context", "create", plain, "--description", "made by the CLI",
         "--docker", "host=tcp://127.0.0.1:2375")
    _cli(cli, cfg, "context", "create", tls, "--docker",
         f"host=tcp://127.0.0.1:2376,ca={pki}/ca.pem,cert={pki}/cert.pem,key={pki}/key.pem")
    _cli(cli, cfg, "context", "create", skip, "--docker",
         f"host=tcp://127.0.0.1:2376,ca={pki}/ca.pem,cert={pki}/cert.pem,key={pki}/key.pem,"
         "skip-tls-verify=true")
    _cli(cli, cfg, "context", "create", unix, "--docker", "host=unix:///var/run/docker.sock")
    for name in (plain, tls, skip, unix):
        ours, theirs = ContextAPI.get_context(name), dockerpy.context.ContextAPI.get_context(name)
        _same_context(ours, theirs)
        assert isinstance(ours, Context)
    assert ContextAPI.get_context(plain).Host == "tcp://127.0.0.1:2375"
    t = ContextAPI.get_context(tls).TLSConfig
    assert t.verify is True and t.ca_cert.endswith("/docker/ca.pem")
    assert t.cert[0].endswith("/docker/cert.pem") and t.cert[1].endswith("/docker/key.pem")
    # docker-py leaves verify None there; clibdocker says False
    assert ContextAPI.get_context(skip).TLSConfig.verify is False
    assert ContextAPI.kwargs_from_context(plain) == {"base_url": "tcp://127.0.0.1:2375"}
    kw, theirs_kw = (ContextAPI.kwargs_from_context(tls),
                     dockerpy.context.ContextAPI.kwargs_from_context(tls))
    assert kw["base_url"] == theirs_kw["base_url"] == "tcp://127.0.0.1:2376"
    _same_tls(kw["tls"], theirs_kw["tls"])
    assert [c.Name for c in ContextAPI.contexts()] == ["default"] + sorted(
        [plain, tls, skip, unix])


def test_current_context_as_the_cli_sees_it(cfg, dockerpy):
    from docker.context import config as theirs
    name = unique("cur")
    ContextAPI.create_context(name, host="unix:///var/run/docker.sock")
    ContextAPI.set_current_context(name)
    conf = json.load(open(os.path.join(cfg, "config.json")))
    assert conf["currentContext"] == name
    assert ctxconfig.get_current_context_name() == theirs.get_current_context_name() == name
    for cli in CLIS:
        assert _cli_current(cli, cfg) == name
        assert _cli_ls(cli, cfg)[name]["Current"] is True
    assert ContextAPI.get_current_context().Name == name
    assert dockerpy.context.ContextAPI.get_current_context().Name == name
    # the CLI switches back; clibdocker follows
    _cli(CLIS[0], cfg, "context", "use", "default")
    assert ContextAPI.get_current_context() is ContextAPI.DEFAULT_CONTEXT
    ContextAPI.set_current_context(name)
    ContextAPI.set_current_context("default")      # removes the key, as docker-py
    assert "currentContext" not in json.load(open(os.path.join(cfg, "config.json")))
    # other config.json keys survive
    with open(os.path.join(cfg, "config.json"), "w") as f:
        json.dump({"auths": {"example.com": {}}, "detachKeys": "ctrl-x"}, f)
    ContextAPI.set_current_context(name)
    conf = json.load(open(os.path.join(cfg, "config.json")))
    assert conf == {"auths": {"example.com": {}}, "detachKeys": "ctrl-x", "currentContext": name}
    # removing the current context resets it, and the CLI no longer lists it
    ContextAPI.remove_context(name)
    assert "currentContext" not in json.load(open(os.path.join(cfg, "config.json")))
    assert not os.path.exists(ctxconfig.get_meta_dir(name))
    assert ContextAPI.get_context(name) is None
    for cli in CLIS:
        assert name not in _cli_ls(cli, cfg)
        assert _cli_current(cli, cfg) == "default"


def test_write_context_name_creates_config_json(tmp_path, monkeypatch):
    d = tmp_path / "fresh"
    monkeypatch.setenv("DOCKER_CONFIG", str(d))
    assert ctxconfig.write_context_name_to_docker_config("someone") is None
    assert json.load(open(d / "config.json")) == {"currentContext": "someone"}
    assert ctxconfig.get_current_context_name() == "someone"
    assert ctxconfig.write_context_name_to_docker_config(None) is None
    assert json.load(open(d / "config.json")) == {}
    (d / "config.json").write_text("{not json")
    err = ctxconfig.write_context_name_to_docker_config("x")
    assert isinstance(err, ValueError)
    assert ctxconfig.get_current_context_name() == "default"


def test_remove_context_made_by_the_cli(cfg, dockerpy):
    name = unique("rm")
    _cli(CLIS[-1], cfg, "context", "create", name, "--docker", "host=tcp://127.0.0.1:2375")
    _cli(CLIS[-1], cfg, "context", "use", name)
    ContextAPI.remove_context(name)
    assert ContextAPI.get_context(name) is None
    assert dockerpy.context.ContextAPI.get_context(name) is None
    assert _cli_current(CLIS[-1], cfg) == "default"
    assert _cli(CLIS[-1], cfg, "context", "inspect", name, check=False).returncode != 0


def test_errors_as_docker_py(cfg, dockerpy):
    theirs_api, de = dockerpy.context.ContextAPI, dockerpy.errors
    name = unique("err")
    ContextAPI.create_context(name)
    theirs_api.create_context(name + "-py")

    def both(call, *args):
        with pytest.raises(errors.DockerException) as ours:
            getattr(ContextAPI, call)(*args)
        with pytest.raises(de.DockerException) as theirs:
            getattr(theirs_api, call)(*args)
        assert type(ours.value).__name__ == type(theirs.value).__name__
        return ours.value, theirs.value

    ours, theirs = both("create_context", name)
    assert isinstance(ours, errors.ContextAlreadyExists) and str(ours) == str(theirs)
    ours, theirs = both("create_context", name + "-py")   # docker-py's context, seen by us
    assert isinstance(ours, errors.ContextAlreadyExists)
    ours, theirs = both("create_context", "default")
    assert isinstance(ours, errors.ContextException) and str(ours) == str(theirs)
    assert ours.msg == theirs.msg
    ours, theirs = both("create_context", "")
    assert isinstance(ours, errors.MissingContextParameter) and ours.param == theirs.param
    assert str(ours) == str(theirs)
    ours, theirs = both("remove_context", "")
    assert isinstance(ours, errors.MissingContextParameter)
    for call in ("remove_context", "set_current_context", "inspect_context"):
        ours, theirs = both(call, "no-such-context")
        assert isinstance(ours, errors.ContextNotFound) and str(ours) == str(theirs)
    ours, theirs = both("remove_context", "default")
    assert isinstance(ours, errors.ContextException) and str(ours) == str(theirs)
    assert ContextAPI.get_context("no-such-context") is None
    assert ContextAPI.kwargs_from_context("no-such-context") == \
        theirs_api.kwargs_from_context("no-such-context") == {}
    assert ContextAPI.inspect_context() == theirs_api.inspect_context()
    assert ContextAPI.inspect_context("default") == theirs_api.DEFAULT_CONTEXT()
    # bad input: at once, clear
    with pytest.raises(errors.InvalidArgument):
        ContextAPI.create_context(name + "-2", host="bogus://x")
    assert ContextAPI.get_context(name + "-2") is None
    with pytest.raises(errors.InvalidArgument):
        ContextAPI.get_context(42)              # type: ignore[arg-type]
    with pytest.raises(errors.InvalidArgument):
        ContextAPI.create_context(name + "-3", tls_cfg="not a TLSConfig")
    # a corrupt meta.json
    bad = unique("bad")
    os.makedirs(ctxconfig.get_meta_dir(bad))
    with open(ctxconfig.get_meta_file(bad), "w") as f:
        f.write("{broken")
    with pytest.raises(errors.ContextException):
        ContextAPI.get_context(bad)
    with pytest.raises(errors.ContextException):
        ContextAPI.contexts()
    with pytest.raises(errors.MissingContextParameter):
        Context("")
    with pytest.raises(errors.ContextException):
        Context("x", endpoints={"docker": "not a dict"})


def test_context_object_in_memory_as_docker_py(cfg, dockerpy):
    theirs_cls = dockerpy.context.Context
    for args, kwargs in ((("a",), {}), (("a", "swarm"), {}), (("a", "kubernetes"), {}),
                         (("a",), {"host": "tcp://1.2.3.4:5", "tls": True}),
                         (("a",), {"endpoints": {"docker": {"Host": "ssh://me@h"}}}),
                         (("a",), {"endpoints": {"docker": {}, "other": {"x": 1}}})):
        ours, theirs = Context(*args, **kwargs), theirs_cls(*args, **kwargs)
        _same_context(ours, theirs)
        for ctx in (ours, theirs):
            ctx.set_endpoint("docker", "tcp://9.9.9.9:1", None, skip_tls_verify=False,
                             def_namespace="ns")
        assert ours.endpoints == theirs.endpoints
        assert ours.Host == theirs.Host
    assert ContextAPI.DEFAULT_CONTEXT() == dockerpy.context.ContextAPI.DEFAULT_CONTEXT()


def test_client_from_context_pings_the_engines(cfg, dockerpy):
    local, second = unique("local"), unique("second")
    ContextAPI.create_context(local, host="unix:///var/run/docker.sock")
    ContextAPI.create_context(second, host=ENGINE2)
    kw = ContextAPI.kwargs_from_context(local)
    assert kw == {"base_url": "unix:///var/run/docker.sock"}
    with clibdocker.APIClient(**kw) as c:
        assert c.ping() is True and c.api_version == "1.41"
    with clibdocker.APIClient(**ContextAPI.kwargs_from_context(
            environment={"DOCKER_CONTEXT": second})) as c:
        assert c.ping() is True and c.api_version == "1.45"
    # docker-py builds the same kwargs and reaches the same engine
    theirs = dockerpy.context.ContextAPI.kwargs_from_context(second)
    assert theirs == ContextAPI.kwargs_from_context(second)
    # the CLI agrees on where the context leads
    out = _cli(CLIS[-1], cfg, "--context", second, "version", "--format",
               "{{.Server.APIVersion}}").stdout.strip()
    assert out == "1.45"
    # the current context, as kwargs_from_context() finds it
    ContextAPI.set_current_context(second)
    with clibdocker.APIClient(**ContextAPI.kwargs_from_context()) as c:
        assert c.api_version == "1.45"
    # ... and DockerClient.from_env follows it too (the C resolution)
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg}) as dc:
        assert dc.api.api_version == "1.45"


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is installed by setup.sh")
def test_tls_context_made_by_clibdocker_reaches_the_tls_engine(cfg, tls_engine):  # noqa: F811
    url, pki = tls_engine
    name = unique("ctx-tls")
    tls = TLSConfig(client_cert=(f"{pki}/cert.pem", f"{pki}/key.pem"), ca_cert=f"{pki}/ca.pem",
                    verify=True)
    ctx = ContextAPI.create_context(name, host=url, tls_cfg=tls)
    port = url.rsplit(":", 1)[1]
    assert ctx.Host == f"https://127.0.0.1:{port}"
    kw = ContextAPI.kwargs_from_context(name)
    assert kw["tls"].verify is True and kw["tls"].ca_cert.startswith(cfg)
    with clibdocker.APIClient(**kw) as c:
        assert c.ping() is True
    for cli in CLIS:     # the CLI reads the copied material and speaks TLS with it
        out = _cli(cli, cfg, "--context", name, "version", "--format",
                   "{{.Server.APIVersion}}").stdout.strip()
        assert out == "1.41"
