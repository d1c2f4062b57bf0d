#!/usr/bin/env python3
"""Start-up benchmark: a whole ``python -c 'import clibdocker;
clibdocker.APIClient().ping()'`` process against ``python -c pass`` and
docker-py's ``import docker; docker.APIClient().ping()``, in a PLAIN venv.

Why a fresh venv: a Python whose site-packages holds ``.pth`` start-up hooks
(this sandbox's base Python has one that imports ``typing``, ``certifi``, …)
loads modules in every process, ``python -c pass`` included, which hides what
a package's import costs. A venv made with ``python3 -I -m venv`` (no system
site-packages) has no such hooks; the script checks that ``python -c pass``
there loads neither ``typing`` nor ``re``.

    python3 benchmarks/bench_startup.py                      # in-place build (scripts/dev-build.sh)
    python3 benchmarks/bench_startup.py --wheel dist/clibdocker-*.whl
    python3 benchmarks/bench_startup.py --source             # pip install this source tree
    python3 benchmarks/bench_startup.py --python /path/venv/bin/python   # what that venv has
    python3 benchmarks/bench_startup.py --python /path/venv/bin/python --inplace

What is measured: ``--runs`` (11) rounds, each running every command once as
its own process (interleaved, so drift on this shared machine hits all
commands alike); wall time (spawn to exit, seen from here) and CPU time
(user+sys of the child, ``os.wait4``); medians, and each command's difference
from ``python -c pass``. Then the instructions of one process of each command
(callgrind; ``perf stat -e instructions`` where the CPU exposes the counter)
as the figure that does not move with the machine's load. The engine is the
main test engine (``DOCKER_HOST`` or ``unix:///var/run/docker.sock``).
See benchmarks/README.md, section "Start-up".
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYDIR = os.path.join(ROOT, "python")
DOCKER_PY = "docker==7.2.0"

COMMANDS = {
    "python -c pass": "pass",
    "clibdocker": "import clibdocker; clibdocker.APIClient().ping()",
    "docker-py": "import docker; docker.APIClient().ping()",
}
EXTRA = {
    "clibdocker import only": "import clibdocker",
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(argv: List[str], check: bool = True,
        **kw: object) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    p = subprocess.run(argv, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if check and p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stdout[-2000:]}"
                         f"{p.stderr[-3000:]}")
    return p  # type: ignore[no-any-return]


def base_python() -> str:
    """A Python that is not itself a venv's (a venv of a venv is still plain,
    but name the real interpreter in the report)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def make_venv(where: str) -> str:
    log(f"creating a plain venv in {where} (python3 -I -m venv)")
    run([base_python(), "-I", "-m", "venv", where])
    return os.path.join(where, "bin", "python")


def pip(py: str, *args: str) -> None:
    run([py, "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
        timeout=1800)


def child_env(pythonpath: Optional[str]) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def loaded_modules(py: str, code: str, env: Dict[str, str]) -> List[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    return str(run([py, "-c", probe], env=env).stdout).split()


def once(argv: List[str], env: Dict[str, str]) -> Tuple[float, float]:
    """(wall s, CPU s = user+sys of the child) of one whole process."""
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed: {argv}")
    return wall, ru.ru_utime + ru.ru_stime


def perf_instructions_supported() -> bool:
    if not shutil.which("perf"):
        return False
    p = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "true"],
                       capture_output=True, text=True)
    return p.returncode == 0 and "<not supported>" not in p.stderr \
        and "<not counted>" not in p.stderr


def count_instructions(argv: List[str], env: Dict[str, str], tool: str) -> int:
    if tool == "perf":
        p = run(["perf", "stat", "-x,", "-e", "instructions:u"] + argv, env=env)
        for line in p.stderr.splitlines():
            fields = line.split(",")
            if len(fields) > 2 and fields[2].startswith("instructions"):
                return int(fields[0])
        raise SystemExit("no instruction count in: " + p.stderr[-500:])
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        env = dict(env, PYTHONHASHSEED="0")   # repeatable counts
        run(["valgrind", "--tool=callgrind", "--dump-instr=no",
             "--callgrind-out-file=" + out] + argv, env=env, timeout=900)
        with open(out, encoding="utf-8") as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    raise SystemExit("no callgrind total")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", help="use this (venv's) Python instead of making a venv")
    ap.add_argument("--wheel", help="install this clibdocker wheel")
    ap.add_argument("--source", action="store_true",
                    help="pip install this source tree (builds the extension: minutes)")
    ap.add_argument("--inplace", action="store_true",
                    help="this checkout's python/ on PYTHONPATH (scripts/dev-build.sh); the "
                         "default without --python, --wheel or --source")
    ap.add_argument("--venv", help="make the venv here (kept); default: a temporary one")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--no-docker-py", action="store_true")
    ap.add_argument("--no-instructions", action="store_true")
    ap.add_argument("--extra", action="store_true",
                    help="also time `import clibdocker` alone")
    ap.add_argument("--compare", action="append", default=[], metavar="LABEL=PYTHON[:PATH]",
                    help="also time the clibdocker command with another venv's Python (of "
                         "the same base interpreter), optionally with PATH on PYTHONPATH "
                         "(e.g. another tree's python/); repeatable, interleaved with the rest")
    a = ap.parse_args()

    tmp = None
    if a.python:
        py = a.python
    else:
        where = a.venv or tempfile.mkdtemp(prefix="clibdocker-startup-")
        tmp = None if a.venv else where
        py = make_venv(where)
    try:
        return bench(a, py)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def bench(a: argparse.Namespace, py: str) -> int:
    pythonpath = None
    if a.wheel:
        log(f"installing {a.wheel}")
        pip(py, a.wheel)
        what = f"wheel {os.path.basename(a.wheel)}"
    elif a.source:
        log(f"installing the source tree {ROOT} (pip builds the extension)")
        pip(py, ROOT)
        what = f"source tree {ROOT} installed with pip"
    elif a.python and not a.inplace:
        what = "the package installed in that Python"
    else:
        so = [f for f in os.listdir(os.path.join(PYDIR, "clibdocker")) if f.startswith("_native")
              and f.endswith(".so")]
        if not so:
            raise SystemExit("no in-place extension: run scripts/dev-build.sh, or pass "
                             "--wheel/--source")
        pip(py, "cffi>=1.17")
        # pip byte-compiles what it installs; do the same for the checkout
        # (PYTHONDONTWRITEBYTECODE would otherwise recompile every run)
        run([py, "-m", "compileall", "-q", os.path.join(PYDIR, "clibdocker")],
            env=child_env(None))
        pythonpath = PYDIR
        what = f"in-place build {PYDIR} (PYTHONPATH)"
    commands = dict(COMMANDS)
    if a.no_docker_py:
        del commands["docker-py"]
    elif run([py, "-c", "import importlib.metadata as m; print(m.version('docker'))"],
             check=False).stdout.strip() != DOCKER_PY.split("==")[1]:
        pip(py, DOCKER_PY)
    if a.extra:
        commands.update(EXTRA)
    env = child_env(pythonpath)

    base = loaded_modules(py, "pass", env)
    hooked = [m for m in ("typing", "re", "certifi") if m in base]
    if hooked:
        raise SystemExit(f"`{py} -c pass` already loads {hooked}: not a plain venv "
                         "(a .pth start-up hook?); results would hide import costs")
    added = sorted(set(loaded_modules(py, COMMANDS["clibdocker"], env)) - set(base))
    ver = run([py, "-c", "import sys, clibdocker; print(sys.version.split()[0], "
               "clibdocker.__file__)"], env=env).stdout.split()
    print(f"Python {ver[0]} ({py}); clibdocker from {what} ({ver[1]}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"modules `import clibdocker; APIClient().ping()` adds to `python -c pass` "
          f"({len(added)}): {' '.join(added)}")

    rows: Dict[str, Tuple[List[str], Dict[str, str]]] = {
        k: ([py, "-c", code], env) for k, code in commands.items()}
    for spec in a.compare:
        label, _, rest = spec.partition("=")
        other, _, path = rest.partition(":")
        rows[f"clibdocker ({label})"] = ([other, "-c", COMMANDS["clibdocker"]],
                                         child_env(path or None))
        if path:   # byte-compile that tree too
            run([other, "-m", "compileall", "-q", os.path.join(path, "clibdocker")],
                env=child_env(None))
    for argv, e in rows.values():
        once(argv, e)                         # warm the page cache
    walls: Dict[str, List[float]] = {k: [] for k in rows}
    cpus: Dict[str, List[float]] = {k: [] for k in rows}
    for _ in range(a.runs):
        for k, (argv, e) in rows.items():
            w, c = once(argv, e)
            walls[k].append(w * 1e3)
            cpus[k].append(c * 1e3)

    tool = None
    if not a.no_instructions:
        tool = "perf" if perf_instructions_supported() else (
            "callgrind" if shutil.which("valgrind") else None)
    instr = {k: count_instructions(argv, e, tool) for k, (argv, e) in rows.items()} if tool else {}

    wb, cb = statistics.median(walls["python -c pass"]), statistics.median(cpus["python -c pass"])
    ib = instr.get("python -c pass")
    print(f"\nmedian of {a.runs} interleaved runs per command; Δ = minus `python -c pass`"
          + (f"; instructions: one run under {tool}" if tool else ""))
    print(f"  {'command':<28} {'wall ms':>8} {'Δ wall':>8} {'CPU ms':>8} {'Δ CPU':>8}"
          + (f" {'instr M':>9} {'Δ instr M':>10}" if instr else ""))
    for k in rows:
        w, c = statistics.median(walls[k]), statistics.median(cpus[k])
        line = f"  {k:<28} {w:8.1f} {w - wb:+8.1f} {c:8.1f} {c - cb:+8.1f}"
        if instr:
            line += f" {instr[k] / 1e6:9.1f} {(instr[k] - (ib or 0)) / 1e6:+10.1f}"
        print(line)
    print(f"\n  wall ms, all runs: " + "; ".join(
        f"{k}: {' '.join(f'{x:.0f}' for x in walls[k])}" for k in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
