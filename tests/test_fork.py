"""A client used on both sides of a fork (multiprocessing's fork workers, a
forking server): the child must not use the connections its parent pooled
-- the same sockets, which both would read and write at once. The child's
first call finds the fork (csrc/client.c) and opens its own connection;
the parent's stay its own. Exceptions raised in a worker pickle back to the
parent (multiprocessing), also those made for a program written for
docker-py."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import clibdocker

ROUNDS = 300


def _hammer(c: clibdocker.APIClient, rounds: int = ROUNDS) -> None:
    for _ in range(rounds):
        assert c.ping() is True
        info = c.info()
        assert isinstance(info, dict) and info["ID"]


def fork_and_hammer(c: clibdocker.APIClient, rounds: int = ROUNDS) -> None:
    """Parent and child call at the same time through one client whose
    connections were pooled before the fork."""
    _hammer(c, 1)
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery, just an exit code
        code = 1
        try:
            _hammer(c, rounds)
            code = 0
        except BaseException as e:  # noqa: BLE001 - reported through the exit code
            print(f"child: {type(e).__name__}: {e}", file=sys.stderr)
        finally:
            os._exit(code)
    try:
        _hammer(c, rounds)
    finally:
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the child's calls failed"
    _hammer(c, 1)  # the parent's pooled connections still work


def test_parent_and_forked_child_call_through_one_client_at_once(client):
    fork_and_hammer(client)


def test_a_forked_child_closes_its_inherited_unix_connections(client):
    client.ping()

    def sockets() -> set:
        out = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:"):
                out.add(target)
        return out

    before = sockets()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(r)
            client.ping()  # drops the inherited ones, opens its own
            os.write(w, " ".join(sorted(sockets())).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        child = set(f.read().decode().split())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    client.close()  # the parent's pooled connections: what closing them removes
    pooled = before - sockets()
    assert pooled, "the client pooled no connection"
    assert child and not (child & pooled), "the child kept its parent's connection"


def test_exceptions_from_fork_workers_pickle_back(tmp_path):
    # a program written for docker-py (import docker is clibdocker, requests
    # imported): its exceptions are classes made at run time
    prog = tmp_path / "pool.py"
    prog.write_text(textwrap.dedent("""
        import multiprocessing as mp
        import requests  # noqa: F401 - makes the exceptions requests' too
        import docker
        from docker.errors import APIError, NotFound

        client = docker.from_env()

        def work(name):
            try:
                client.containers.get(name)
            except NotFound as e:
                return e
            return None

        def bad(_):
            client.api.create_container("busybox", name="bad name!")

        if __name__ == "__main__":
            with mp.get_context("fork").Pool(2) as p:
                errs = p.map(work, ["clibdocker-test-nope-1", "clibdocker-test-nope-2"])
                print([(type(e).__name__, e.status_code, isinstance(e, NotFound)) for e in errs])
                try:
                    p.map(bad, [1])
                except APIError as e:
                    print(type(e).__name__, e.status_code, e.is_client_error())
    """))
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(clibdocker.__file__))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-m", "clibdocker.compat", str(prog)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["[('NotFound', 404, True), ('NotFound', 404, True)]",
                                       "APIError 400 True"]
