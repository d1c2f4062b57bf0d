"""Start-up: ``import clibdocker; clibdocker.APIClient().ping()`` loads only
what that ping needs -- no typing, re, json, enum, threading, and not even
clibdocker.errors while nothing fails -- and every public name is still
there when asked for (module ``__getattr__``). Each case runs in a new
interpreter: what an import loads is only visible once per process.
benchmarks/bench_startup.py measures the time."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import clibdocker
from clibdocker import compat

# what the first ping may add to `python -c pass`: clibdocker's own modules on
# the path, cffi's backend, and __future__ (`from __future__ import
# annotations` is a real import)
ALLOWED = {"__future__", "_cffi_backend", "clibdocker", "clibdocker._alias", "clibdocker._lazy",
           "clibdocker._binding", "clibdocker._native", "clibdocker._native.lib",
           "clibdocker.api", "clibdocker.api._base", "clibdocker.api.client",
           "clibdocker.api.system"}


def run_fresh(code: str, env_extra: dict[str, str] | None = None) -> str:
    env = dict(os.environ)
    env.update(env_extra or {})
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout


def added_modules(code: str, env_extra: dict[str, str] | None = None) -> set[str]:
    out = run_fresh("import sys\nbefore = set(sys.modules)\n" + code
                    + "\nprint(' '.join(sorted(set(sys.modules) - before)))", env_extra)
    return set(out.split())


def test_ping_loads_only_what_it_needs():
    added = added_modules("import clibdocker\nassert clibdocker.APIClient().ping() is True")
    assert added - ALLOWED == set(), f"the ping path loads more: {sorted(added - ALLOWED)}"
    assert {"clibdocker._native", "clibdocker.api.system"} <= added


def test_ping_through_the_compat_shim_loads_no_more():
    added = added_modules("import docker\nassert docker.APIClient().ping() is True",
                          {"PYTHONPATH": os.pathsep.join(
                              [compat.shim_dir(),
                               os.path.dirname(os.path.dirname(clibdocker.__file__))])})
    extra = added - ALLOWED - {"docker", "clibdocker.compat"}
    assert extra == set(), f"import docker (shim) loads more: {sorted(extra)}"


def test_from_env_ping_loads_only_what_it_needs(tmp_path):
    # no DOCKER_HOST: from_env resolves the CLI's current context (C reads
    # config.json and the context store; no json module in Python)
    (tmp_path / "config.json").write_text('{"auths": {}}')
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    env["DOCKER_CONFIG"] = str(tmp_path)
    res = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import sys
        before = set(sys.modules)
        import clibdocker
        with clibdocker.from_env() as dc:
            assert dc.ping() is True
        print(' '.join(sorted(set(sys.modules) - before)))
    """)], capture_output=True, text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    extra = set(res.stdout.split()) - ALLOWED - {"clibdocker.client", "clibdocker.context",
                                                 "clibdocker.tls"}
    assert extra == set(), f"from_env().ping() loads more: {sorted(extra)}"


def test_errors_load_with_the_first_error():
    out = run_fresh("""
        import sys, clibdocker
        clibdocker.APIClient().ping()
        print("clibdocker.errors" in sys.modules)
        c = clibdocker.APIClient("unix:///nonexistent/clibdocker-test.sock")
        try:
            c.ping()
        except clibdocker.errors.TransportError as e:
            print(type(e) is sys.modules["clibdocker.errors"].TransportError,
                  isinstance(e, ConnectionError))
        try:
            clibdocker.APIClient().inspect_image("clibdocker-test/no-such-image:none")
        except clibdocker.errors.ImageNotFound as e:
            print(e.status_code)
        from clibdocker.api.client import DockerException
        print(DockerException is clibdocker.errors.DockerException)
    """)
    assert out.split() == ["False", "True", "True", "404", "True"]


def test_every_public_name_is_there_in_a_new_process():
    # dir() lists the lazy names too (the module's __dir__)
    names = sorted({n for n in dir(clibdocker) if not n.startswith("_")} | set(clibdocker.__all__))
    out = run_fresh(f"""
        import clibdocker
        for name in {names!r}:
            exec(f"from clibdocker import {{name}}")
            assert getattr(clibdocker, name) is not None, name
        assert set({names!r}) <= set(dir(clibdocker))
        import clibdocker.errors, clibdocker.utils, clibdocker.types, clibdocker.models
        from clibdocker.api.client import (TLSConfig, DockerException, InvalidVersion,
                                           TLSParameterError, create_api_error_from_http_exception)
        from clibdocker.utils import convert_filters, time_param, parse_host
        print("ok")
    """)
    assert out.strip() == "ok"
