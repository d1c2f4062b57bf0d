"""Programs written for docker-py (tests/programs/, in the style of
testcontainers, Airflow's docker provider, dockerspawner, molecule...) run
unmodified twice: with docker-py itself, and with ``import docker`` resolving
to clibdocker (``python -m clibdocker.compat``). Both must succeed and print
the same lines."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = sorted((ROOT / "tests" / "programs").glob("p*.py"))


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
    expected = _run([str(program)], False, tmp_path).splitlines()
    got = _run([str(program)], True, tmp_path).splitlines()
    assert got == expected
