"""Docker CLI contexts: contexts made by the real docker CLI
(`docker context create`) resolve to the right engine, from C and Python, in
the CLI's order (DOCKER_CONTEXT, DOCKER_HOST, currentContext), TLS
material included."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.context import get_context
from conftest import ENGINE2, unique
from test_tls import tls_engine  # noqa: F401  (the socat TLS fixture)

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "tests", "c",
                       "example_ping")


def _cli(cfg: str, *args: str) -> str:
    return subprocess.run(["docker", "--config", cfg, *args], check=True, capture_output=True,
                          text=True, timeout=60).stdout


@pytest.fixture
def cfg(tmp_path):
    d = tmp_path / "docker-config"
    d.mkdir()
    return str(d)


def test_cli_made_context_resolves_to_engine2(cfg):
    name = unique("ctx")
    _cli(cfg, "context", "create", name, "--docker", f"host={ENGINE2}")
    ctx = get_context(name, cfg)
    assert ctx.name == name and ctx.host == ENGINE2 and ctx.tls is None
    env = {"DOCKER_CONTEXT": name, "DOCKER_CONFIG": cfg}
    with clibdocker.from_env(environment=env) as dc:
        assert dc.api.api_version == "1.45"          # really the second engine
        assert dc.version()["Version"].startswith("26.")


def test_current_context_and_the_clis_order(cfg):
    name = unique("ctx")
    _cli(cfg, "context", "create", name, "--docker", f"host={ENGINE2}")
    _cli(cfg, "context", "use", name)
    assert json.load(open(os.path.join(cfg, "config.json")))["currentContext"] == name
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg}) as dc:
        assert dc.api.api_version == "1.45"
    # DOCKER_HOST beats currentContext ...
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg,
                                          "DOCKER_HOST": "unix:///var/run/docker.sock"}) as dc:
        assert dc.api.api_version == "1.41"
    # ... and DOCKER_CONTEXT beats DOCKER_HOST
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg, "DOCKER_CONTEXT": name,
                                          "DOCKER_HOST": "unix:///var/run/docker.sock"}) as dc:
        assert dc.api.api_version == "1.45"
    # "default" is the local engine
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg,
                                          "DOCKER_CONTEXT": "default"}) as dc:
        assert dc.api.api_version == "1.41"


@pytest.mark.skipif(not os.path.exists(EXAMPLE), reason="built by scripts/test.sh")
def test_c_library_follows_contexts(cfg):
    name = unique("ctx")
    _cli(cfg, "context", "create", name, "--docker", f"host={ENGINE2}")
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    out = subprocess.run([EXAMPLE], env=dict(env, DOCKER_CONFIG=cfg, DOCKER_CONTEXT=name),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "API 1.45" in out.stdout
    out = subprocess.run([EXAMPLE], env=dict(env, DOCKER_CONFIG=cfg, DOCKER_CONTEXT="nope"),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and "does not exist" in out.stderr


def test_unknown_context_is_not_found(cfg):
    with pytest.raises(errors.NotFound) as ei:
        get_context("no-such-context", cfg)
    assert "does not exist" in str(ei.value)
    with pytest.raises(errors.NotFound):
        clibdocker.from_env(environment={"DOCKER_CONFIG": cfg, "DOCKER_CONTEXT": "nope"})


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is installed by setup.sh")
def test_context_with_tls_material(cfg, tls_engine):  # noqa: F811
    url, pki = tls_engine
    name = unique("ctx-tls")
    _cli(cfg, "context", "create", name, "--docker",
         f"host={url},ca={pki}/ca.pem,cert={pki}/cert.pem,key={pki}/key.pem")
    ctx = get_context(name, cfg)
    assert ctx.host == url and set(ctx.tls or {}) == {"CA", "Cert", "Key"}
    with clibdocker.from_env(environment={"DOCKER_CONFIG": cfg, "DOCKER_CONTEXT": name}) as dc:
        assert dc.ping()
        assert dc.api.docker_host == url
