"""Programs written for docker-py (tests/programs/, in the style of
testcontainers, Airflow's docker provider, dockerspawner, molecule...) run
unmodified twice: with docker-py itself, and with ``import docker`` resolving
to clibdocker (``python -m clibdocker.compat``). Both must succeed and print
the same lines."""
from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from conftest import _engine_objects, describe_leftovers, engine_leftovers, strict_cleanup

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = sorted((ROOT / "tests" / "programs").glob("p*.py"))
# programs that make the main engine a swarm manager (and leave it) run one at
# a time with every other swarm user of that engine
SWARM_LOCK = "/tmp/clibdocker-swarm.lock"


def _ancestors() -> set[int]:
    pids: set[int] = set()
    pid = os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _held_by_ancestor(fd: int) -> bool:
    """The whole run is already under ``flock SWARM_LOCK`` (a parent holds it):
    taking it again here would wait for ourselves."""
    st = os.fstat(fd)
    ino = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    mine = _ancestors()
    try:
        with open("/proc/locks") as f:
            for line in f:
                parts = line.split()
                if "FLOCK" in parts and ino in parts:
                    pid = int(parts[parts.index(ino) - 1])
                    if pid in mine:
                        return True
    except (OSError, ValueError):
        pass
    return False


@contextlib.contextmanager
def _swarm_lock(program: Path) -> Iterator[None]:
    if "swarm" not in program.name:
        yield
        return
    with open(SWARM_LOCK, "a") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if _held_by_ancestor(f.fileno()):
                yield
                return
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _run(args: list, with_clibdocker: bool, cwd: Path) -> str:
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if with_clibdocker:
        paths.insert(0, str(ROOT / "python"))
        args = ["-m", "clibdocker.compat", *args]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    proc = subprocess.run([sys.executable, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    who = "clibdocker" if with_clibdocker else "docker-py"
    assert proc.returncode == 0, f"{who} run failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_runs_the_same_on_clibdocker(program: Path, tmp_path: Path) -> None:
    pytest.importorskip("docker")
    # where leftovers fail the run (CI), each program is checked on its own,
    # so that the failure names the program that left them
    before = _engine_objects() if strict_cleanup() else None
    with _swarm_lock(program):
        expected = _run([str(program)], False, tmp_path).splitlines()
        got = _run([str(program)], True, tmp_path).splitlines()
        left = engine_leftovers(before) if before is not None else {}
    assert got == expected
    assert not left, f"{program.name} left objects on the engine: {describe_leftovers(left)}"
