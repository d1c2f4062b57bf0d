"""``import docker`` resolving to clibdocker (clibdocker.compat): each way in,
in a fresh interpreter, against the real engine; docker-py stays untouched
where the alias is not asked for."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = textwrap.dedent("""
    import sys
    import docker
    import docker.errors
    from docker.errors import NotFound, APIError
    import docker.models.containers
    import clibdocker
    assert docker.errors is clibdocker.errors, "one errors module"
    assert docker.models.containers is clibdocker.models.containers
    assert sys.modules["docker.errors"] is sys.modules["clibdocker.errors"]
    assert clibdocker.errors.__spec__.name == "clibdocker.errors"
    assert docker.APIClient is clibdocker.APIClient
    client = docker.from_env()
    assert client.ping() is True
    try:
        client.containers.get("clibdocker-test-no-such-container")
    except NotFound as e:
        assert isinstance(e, APIError) and e.status_code == 404
    else:
        raise SystemExit("no NotFound")
    import docker._version   # docker-py's generated version file
    assert docker._version.__version_tuple__ == (7, 2, 0) == docker._version.version_tuple
    print("OK", docker.__version__, docker.version.__version__, clibdocker.__version__)
""")


def _env(**extra: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [p for p in [extra.pop("PREPEND", ""), str(ROOT / "python"), env.get("PYTHONPATH", "")] if p])
    env.update(extra)
    return env


def _run(args: list, env: dict, cwd: Path) -> str:
    proc = subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _check(out: str) -> None:
    line = [x for x in out.splitlines() if x.startswith("OK ")][-1]
    _, top, ver, own = line.split()
    assert top == ver == "7.2.0"
    import clibdocker
    assert own == clibdocker.__version__


def test_runner_runs_a_docker_py_script(tmp_path: Path) -> None:
    prog = tmp_path / "prog.py"
    prog.write_text(PROGRAM)
    _check(_run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path))


def test_runner_runs_a_module(tmp_path: Path) -> None:
    (tmp_path / "progmod.py").write_text(PROGRAM)
    _check(_run(["-m", "clibdocker.compat", "-m", "progmod"], _env(PREPEND=str(tmp_path)), tmp_path))


def test_pythonpath_shim(tmp_path: Path) -> None:
    shim = _run(["-m", "clibdocker.compat", "--pythonpath"], _env(), tmp_path).strip()
    assert (Path(shim) / "docker" / "__init__.py").is_file()
    _check(_run(["-c", PROGRAM], _env(PREPEND=shim), tmp_path))


CHILDREN = textwrap.dedent("""
    import multiprocessing as mp
    import subprocess
    import sys


    def alias(_=None):
        import docker
        return getattr(docker, "__clibdocker_alias__", False)


    if __name__ == "__main__":
        print("parent", alias())
        for method in ("spawn", "forkserver", "fork"):
            with mp.get_context(method).Pool(1) as pool:
                print(method, pool.map(alias, [0])[0])
        code = "import docker; print(getattr(docker, '__clibdocker_alias__', False))"
        print("subprocess", subprocess.run([sys.executable, "-c", code], capture_output=True,
                                           text=True, check=True).stdout.strip())
""")


def test_runner_gives_the_alias_to_the_programs_python_processes(tmp_path: Path) -> None:
    """``python -m clibdocker.compat prog.py``: the program's multiprocessing
    workers (spawn and forkserver import its modules afresh, with the
    parent's sys.path) and its ``sys.executable`` subprocesses also get
    clibdocker for ``import docker`` (found by program pq06: its spawned
    workers ran docker-py)."""
    pytest.importorskip("docker")
    prog = tmp_path / "prog.py"
    prog.write_text(CHILDREN)
    out = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path).split()
    assert out == ["parent", "True", "spawn", "True", "forkserver", "True", "fork", "True",
                   "subprocess", "True"]


def test_shim_in_an_interpreter_without_clibdocker_loads_its_docker(tmp_path: Path) -> None:
    """The shim on PYTHONPATH reaches subprocesses that run another Python
    (which cannot import this clibdocker): there ``import docker`` is that
    interpreter's own docker package, not an ImportError (simulated by
    making clibdocker unimportable)."""
    pytest.importorskip("docker")
    shim = _run(["-m", "clibdocker.compat", "--pythonpath"], _env(), tmp_path).strip()
    code = ("import sys\nsys.modules['clibdocker'] = None\n"
            "import docker, docker.errors\n"
            "print(hasattr(docker, '__clibdocker_alias__'), docker.errors.NotFound.__module__)\n")
    out = _run(["-c", code], _env(PREPEND=shim), tmp_path).split()
    assert out == ["False", "docker.errors"]


def test_docker_py_7_refuses_arguments_it_dropped(tmp_path: Path) -> None:
    """docker-py 7.2's TLSConfig has no ssl_version / assert_hostname /
    assert_fingerprint and its kwargs_from_env no use_ssh_client /
    ssl_version / assert_hostname: a program's ``try: <6.x call> except
    TypeError: <7.x call>`` takes the 7.x branch there, and under the
    alias too (found by pq06); clibdocker's own API accepts and ignores
    them."""
    docker = pytest.importorskip("docker")
    import clibdocker
    code = textwrap.dedent("""
        import docker
        from docker.tls import TLSConfig
        from docker.utils import kwargs_from_env
        calls = [lambda: TLSConfig(assert_hostname=False), lambda: TLSConfig(ssl_version=2),
                 lambda: TLSConfig(assert_fingerprint="ab"), lambda: TLSConfig(verify=False),
                 lambda: kwargs_from_env(use_ssh_client=True), lambda: kwargs_from_env(ssl_version=2),
                 lambda: kwargs_from_env(environment={"DOCKER_HOST": "tcp://h:1"}, assert_hostname=None),
                 lambda: kwargs_from_env(environment={"DOCKER_HOST": "tcp://h:1"})]
        for call in calls:
            try:
                r = call()
                print("ok", sorted(r) if isinstance(r, dict) else type(r).__name__)
            except TypeError as e:
                print("TypeError", e)
    """)
    prog = tmp_path / "prog.py"
    prog.write_text(code)
    theirs = _run([str(prog)], dict(os.environ), tmp_path)
    ours = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path)
    assert ours == theirs
    assert theirs.count("TypeError") == 6
    assert "TLSConfig.__init__() got an unexpected keyword argument 'assert_hostname'" in ours
    # clibdocker's own API: accepted, ignored
    assert clibdocker.tls.TLSConfig(assert_hostname=False, ssl_version=2).assert_hostname is False
    assert clibdocker.utils.kwargs_from_env(environment={"DOCKER_HOST": "ssh://h"},
                                            use_ssh_client=True) == \
        {"base_url": "ssh://h", "use_ssh_client": True}
    assert docker.__name__ == "docker"


def test_install_after_docker_py_was_imported(tmp_path: Path) -> None:
    pytest.importorskip("docker")
    code = "import docker, docker.errors\nassert not hasattr(docker, '__clibdocker_alias__')\n" \
           "import clibdocker.compat; clibdocker.compat.install()\n" + PROGRAM
    _check(_run(["-c", code], _env(), tmp_path))


def test_sys_modules_assignment_gives_one_module_per_name(tmp_path: Path) -> None:
    code = ("import sys, clibdocker\nsys.modules['docker'] = clibdocker\n"
            "import docker.errors, docker.models.images\n"
            "assert sys.modules['docker.errors'] is clibdocker.errors\n"
            "assert sys.modules['docker.models.images'] is sys.modules['clibdocker.models.images']\n"
            "print('fine')\n")
    assert "fine" in _run(["-c", code], _env(), tmp_path)


def test_docker_py_untouched_without_the_alias(tmp_path: Path) -> None:
    pytest.importorskip("docker")
    code = ("import clibdocker, clibdocker.errors\nimport docker, docker.errors\n"
            "assert docker.__name__ == 'docker' and docker.__file__ != clibdocker.__file__\n"
            "assert not hasattr(docker, '__clibdocker_alias__')\n"
            "assert docker.errors is not clibdocker.errors\nprint('fine')\n")
    assert "fine" in _run(["-c", code], _env(), tmp_path)


def test_missing_module_fails_as_usual(tmp_path: Path) -> None:
    code = ("import clibdocker.compat; clibdocker.compat.install()\n"
            "try:\n    import docker.no_such_module\nexcept ModuleNotFoundError as e:\n"
            "    print('fine', e.name)\n")
    assert "fine docker.no_such_module" in _run(["-c", code], _env(), tmp_path)


def test_transport_stand_ins(tmp_path: Path) -> None:
    code = ("import clibdocker.compat; clibdocker.compat.install()\n"
            "import docker\nfrom docker.transport import UnixHTTPAdapter\n"
            "api = docker.APIClient()\na = api.get_adapter(api.base_url)\n"
            "assert isinstance(a, UnixHTTPAdapter), a\nprint('fine', a.socket_path)\n")
    out = _run(["-c", code], _env(DOCKER_HOST="unix:///var/run/docker.sock"), tmp_path)
    assert "fine /var/run/docker.sock" in out


NAMES = textwrap.dedent("""
    import uuid
    import docker
    from docker.errors import APIError
    client = docker.from_env()
    name = "clibdocker-test-names-" + uuid.uuid4().hex[:8]
    c = client.containers.create("%s", "true", name=name, labels={"clibdocker-test": "1"})
    out = []
    try:
        for call in (lambda: client.containers.create("%s", "true", name=name,
                                                      labels={"clibdocker-test": "1"}),
                     lambda: c.rename("x"),
                     lambda: client.images.get("%s").tag("Bad Repo")):
            try:
                call()
            except APIError as e:
                out.append((type(e).__name__, e.status_code))
    finally:
        c.remove()
    print(out)
""")


def test_exception_class_names_under_the_alias_are_docker_pys(tmp_path: Path) -> None:
    """A program written for docker-py prints ``type(e).__name__``: under the
    alias a 409 (clibdocker's Conflict) and an argument refused before the
    request (InvalidArgument/InvalidRepository, also the engine's APIError)
    are named APIError, as docker-py's are; the same program run with
    docker-py prints the same."""
    from conftest import TEST_IMAGE
    prog = tmp_path / "names.py"
    prog.write_text(NAMES % (TEST_IMAGE, TEST_IMAGE, TEST_IMAGE))
    ours = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path)
    theirs = _run([str(prog)], dict(os.environ), tmp_path)
    assert ours == theirs == "[('APIError', 409), ('APIError', 400), ('APIError', 500)]\n"
    # without the alias, clibdocker's own (more specific) classes keep their names
    import clibdocker
    from clibdocker import errors
    with clibdocker.from_env() as cl:
        try:
            cl.images.get(TEST_IMAGE).tag("Bad Repo")
        except errors.APIError as e:
            assert type(e).__name__ == "InvalidRepository"


EMPTY_VOLUME = textwrap.dedent("""
    import docker
    client = docker.from_env()
    for call in (lambda: client.volumes.get(""), lambda: client.api.remove_volume(""),
                 lambda: client.volumes.get(None)):
        try:
            call()
        except docker.errors.NotFound as e:
            print(type(e).__name__, e.status_code, isinstance(e, docker.errors.APIError))
        except ValueError as e:
            print(type(e).__name__)
""")


def test_empty_volume_name_under_the_alias_is_named_not_found(tmp_path: Path) -> None:
    """An empty volume name: docker-py sends it and gets the engine's 404;
    clibdocker refuses it before the request, and under the alias the
    refusal is named NotFound, as docker-py's is (found by pu01)."""
    prog = tmp_path / "emptyvol.py"
    prog.write_text(EMPTY_VOLUME)
    ours = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path)
    theirs = _run([str(prog)], dict(os.environ), tmp_path)
    assert ours == theirs == "NotFound 404 True\nNotFound 404 True\nValueError\n"


STAR = textwrap.dedent("""
    from docker import *
    from docker.utils import *
    print(version.__version__, utils.__name__.split(".")[-1], constants.DEFAULT_TIMEOUT_SECONDS,
          errors.NotFound.__name__, types.Mount.__name__, api.APIClient.__name__, auth.INDEX_NAME,
          parse_bytes("1k"), split_command("a 'b c'"), sorted(kwargs_from_env(environment={})))
""")


def test_star_imports_under_the_alias_give_docker_pys_names(tmp_path: Path) -> None:
    """``from docker import *`` and ``from docker.utils import *`` as
    programs written for docker-py use them: the same names work."""
    prog = tmp_path / "star.py"
    prog.write_text(STAR)
    ours = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path)
    theirs = _run([str(prog)], dict(os.environ), tmp_path)
    assert ours == theirs


def test_constructors_ask_the_engine_under_the_alias_as_docker_pys_do(tmp_path: Path) -> None:
    # docker-py's constructor fetches the API version: a program checks
    # "is docker running?" around from_env(); a fixed version asks nothing.
    # With `import clibdocker` (no alias) construction stays lazy.
    prog = tmp_path / "dead.py"
    prog.write_text(textwrap.dedent("""
        import docker
        dead = "unix:///nonexistent-clibdocker-test.sock"
        for make in (lambda: docker.from_env(environment={"DOCKER_HOST": dead}),
                     lambda: docker.DockerClient(base_url=dead),
                     lambda: docker.APIClient(base_url=dead, version="auto"),
                     lambda: docker.APIClient(base_url=dead, version="1.41"),
                     lambda: docker.from_env(version="1.41", environment={"DOCKER_HOST": dead})):
            try:
                c = make()
                print("made", type(c).__name__)
            except docker.errors.DockerException as e:
                print("raised", type(e).__name__,
                      str(e).startswith("Error while fetching server API version: "))
        c = docker.from_env()
        print("live", c.api._version == c.version()["ApiVersion"])
    """))
    out = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path).splitlines()
    assert out == ["raised DockerException True", "raised DockerException True",
                   "raised DockerException True", "made APIClient", "made DockerClient",
                   "live True"]
    lazy = _run(["-c", "import clibdocker\n"
                 "c = clibdocker.APIClient(base_url='unix:///nonexistent-clibdocker-test.sock')\n"
                 "print('made')"], _env(), tmp_path)
    assert lazy.split() == ["made"]


def test_submodules_are_attributes_after_a_bare_import(tmp_path: Path) -> None:
    """docker-py imports its model, API-area and types modules with the
    package: after a bare ``import docker`` a program may write
    ``docker.models.containers.Container`` or ``docker.types.containers.Ulimit``.
    Under the alias each loads on first use of the attribute (one module
    object per name), and nothing else is attribute-reachable that was not."""
    code = ("import sys, clibdocker.compat; clibdocker.compat.install()\nimport docker\n"
            "assert 'clibdocker.models.containers' not in sys.modules\n"
            "C = docker.models.containers.Container\n"
            "assert C is sys.modules['clibdocker.models.containers'].Container\n"
            "import docker.models.containers as dmc\nassert dmc.Container is C\n"
            "assert docker.models.images.Image.__name__ == 'Image'\n"
            "assert docker.models.resource.Model is docker.models.containers.Model\n"
            "assert docker.types.containers.Ulimit is docker.types.Ulimit\n"
            "assert docker.types.healthcheck.Healthcheck is docker.types.Healthcheck\n"
            "assert docker.api.container.ContainerApiMixin.__name__ == 'ContainerApiMixin'\n"
            "assert docker.api.exec_api is sys.modules['clibdocker.api.exec_api']\n"
            "assert 'containers' in dir(docker.models) and 'container' in dir(docker.api)\n"
            "for mod, name in ((docker.models, 'nosuch'), (docker.api, 'client2'), (docker.types, 'nosuch')):\n"
            "    try:\n        getattr(mod, name)\n    except AttributeError:\n        pass\n"
            "    else:\n        raise SystemExit(name)\n"
            "print('fine')\n")
    assert "fine" in _run(["-c", code], _env(), tmp_path)


def test_read_timeout_text_is_docker_pys_under_the_alias(tmp_path: Path) -> None:
    """``wait(timeout=)`` running out (after the engine's headers): docker-py
    raises requests' ConnectionError reading ``UnixHTTPConnectionPool(host=
    'localhost', port=None): Read timed out.``; a program under the alias
    prints the same (clibdocker's own message otherwise)."""
    from conftest import LABELS, TEST_IMAGE
    code = ("import docker, requests\nc = docker.from_env()\n"
            f"x = c.containers.run({TEST_IMAGE!r}, 'sleep 30', detach=True, labels={dict(LABELS)!r})\n"
            "try:\n    x.wait(timeout=0.3)\nexcept requests.exceptions.ConnectionError as e:\n"
            "    print('caught', type(e).__name__, str(e))\n"
            "finally:\n    x.remove(force=True)\n")
    prog = tmp_path / "prog.py"
    prog.write_text(code)
    theirs = _run([str(prog)], dict(os.environ), tmp_path)
    ours = _run(["-m", "clibdocker.compat", str(prog)], _env(), tmp_path)
    assert theirs.startswith("caught ConnectionError") and "Read timed out." in theirs
    assert ours == theirs
    import clibdocker
    with clibdocker.APIClient() as c:
        cid = c.create_container(TEST_IMAGE, "sleep 30", labels=dict(LABELS))["Id"]
        try:
            c.start(cid)
            with pytest.raises(clibdocker.errors.DockerTimeout) as ei:
                c.wait(cid, timeout=0.3)
            assert "Read timed out" not in str(ei.value)     # without the alias: our words
        finally:
            c.remove_container(cid, force=True)


def test_from_env_under_the_alias_ignores_contexts_and_api_version_as_docker_py(tmp_path: Path) -> None:
    # a CLI context pointing at a dead engine and DOCKER_API_VERSION, with no
    # config.json in DOCKER_CONFIG: docker-py's from_env finds no context
    # store (it looks next to the first config file it finds) and does not
    # read DOCKER_API_VERSION (the default socket, negotiated); clibdocker's
    # own from_env reads both, as the docker CLI does
    cfg = tmp_path / "cfg"
    subprocess.run(["docker", "--config", str(cfg), "context", "create", "clibdocker-test-dead",
                    "--docker", "host=unix:///nonexistent-clibdocker-test.sock"],
                   check=True, capture_output=True)
    env = {k: v for k, v in _env().items() if not k.startswith("DOCKER_")}
    env.update(DOCKER_CONFIG=str(cfg), DOCKER_CONTEXT="clibdocker-test-dead",
               DOCKER_API_VERSION="1.30")
    prog = tmp_path / "ctx.py"
    prog.write_text("import docker\nc = docker.from_env()\n"
                    "print(c.ping(), c.api._version == c.version()['ApiVersion'])\n")
    assert _run(["-m", "clibdocker.compat", str(prog)], env, tmp_path).split() == ["True", "True"]
    assert _run([str(prog)], {**env, "PYTHONPATH": ""}, tmp_path).split() == ["True", "True"]
    native = _run(["-c", "import clibdocker\nc = clibdocker.from_env()\n"
                   "print(c.api.docker_host, c.api.api_version)"], env, tmp_path)
    assert native.split() == ["unix:///nonexistent-clibdocker-test.sock", "1.30"]


FROM_ENV_CONTEXTS = textwrap.dedent("""
    import hashlib, json, os, sys
    import docker
    d, engine2 = sys.argv[1], sys.argv[2]
    name = "clibdocker-test-e2"
    meta = os.path.join(d, "contexts", "meta", hashlib.sha256(name.encode()).hexdigest())
    os.makedirs(meta)
    with open(os.path.join(meta, "meta.json"), "w") as f:
        json.dump({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": engine2}}}, f)
    def cfg(current):
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({"currentContext": current} if current else {}, f)
    def api(**kw):
        try:
            return docker.from_env(**kw).version()["ApiVersion"]
        except docker.errors.DockerException as e:
            return type(e).__name__
    os.environ["DOCKER_CONFIG"] = d
    os.environ.pop("DOCKER_HOST", None)
    cfg(name)
    print("current", api())
    print("use_context=False", api(use_context=False))
    print("env dict", api(environment={"A": "1"}))
    print("empty env dict", api(environment={}))
    os.environ["DOCKER_CONTEXT"] = "default"
    print("DOCKER_CONTEXT default", api())
    os.environ["DOCKER_CONTEXT"] = "clibdocker-test-unknown"
    print("unknown name", api())
    os.environ["DOCKER_CONTEXT"] = name
    cfg(None)
    print("DOCKER_CONTEXT", api())
    del os.environ["DOCKER_CONTEXT"]
    print("no current", api())
    os.environ["DOCKER_HOST"] = "unix:///var/run/docker.sock"
    cfg(name)
    print("DOCKER_HOST wins", api())
    del os.environ["DOCKER_HOST"]
    os.remove(os.path.join(d, "config.json"))
    os.environ["DOCKER_CONTEXT"] = name
    print("no config file", api())
""")


def test_from_env_under_the_alias_uses_contexts_as_docker_py_7_2(tmp_path: Path) -> None:
    """docker-py 7.2's from_env takes the CLI's current context when no
    DOCKER_HOST is set (found by pq04's two-engine checks: the alias left
    contexts out): DOCKER_CONTEXT, config.json's currentContext, an unknown
    name falling back to the local socket, use_context=False, an empty
    environment meaning os.environ, and no context store without a config
    file next to it."""
    pytest.importorskip("docker")
    from conftest import ENGINE2
    prog = tmp_path / "prog.py"
    prog.write_text(FROM_ENV_CONTEXTS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    outs = []
    for n, args in enumerate(([str(prog)], ["-m", "clibdocker.compat", str(prog)])):
        d = tmp_path / f"cfg{n}"
        run_env = dict(env) if n == 0 else {k: v for k, v in _env().items() if not k.startswith("DOCKER_")}
        outs.append(_run([*args, str(d), ENGINE2], run_env, tmp_path))
    assert outs[0] == outs[1]
    assert outs[0].splitlines() == [
        "current 1.45", "use_context=False 1.41", "env dict 1.45", "empty env dict 1.45",
        "DOCKER_CONTEXT default 1.41", "unknown name 1.41", "DOCKER_CONTEXT 1.45",
        "no current 1.41", "DOCKER_HOST wins 1.41", "no config file 1.41"]
