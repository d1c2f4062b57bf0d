#!/usr/bin/env python3
"""Benchmark: clibdocker's C API, clibdocker's Python API and docker-py,
sequential calls against the real engine (unix:///var/run/docker.sock).

Measures, per client and operation (ping, version, info, image inspect):
calls/s (wall), client CPU per call (user+sys of the process over the loop),
and instructions per call from callgrind ((Ir(N) - Ir(N0)) / (N - N0), so
start-up cancels out). Also the start-up of a whole ``python3 -c "import X;
X.APIClient().ping()"`` process (CPU of the child, median of several runs).
Then checks the targets of the foundation issue and prints PASS/FAIL.

    bash scripts/dev-build.sh          # the in-place extension
    python3 benchmarks/bench_system.py [--quick] [--json FILE]

Each measurement runs in its own process (this script with ``--worker``, or
benchmarks/bench_c.c built against build-bench/libclibdocker_static.a).
See benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYDIR = os.path.join(ROOT, "python")
BUILD = os.path.join(ROOT, "build-bench")
BENCH_C = os.path.join(BUILD, "bench_c")
URL = "unix:///var/run/docker.sock"
API = "1.41"
IMAGE = "clibdocker-test/busybox:latest"
OPS = ["ping", "version", "info", "image"]
CLIENTS = ["c", "py", "dockerpy"]
LABEL = {"c": "clibdocker C", "py": "clibdocker Python", "dockerpy": "docker-py 7.1"}
OP_LABEL = {"ping": "ping  GET /_ping", "version": "version GET /version",
            "info": "info  GET /info", "image": "inspect_image"}


def use_checkout() -> bool:
    """Import clibdocker from this checkout's python/ when its extension is
    built there (scripts/dev-build.sh); else the installed package."""
    if glob.glob(os.path.join(PYDIR, "clibdocker", "_native*.so")):
        if PYDIR not in sys.path:
            sys.path.insert(0, PYDIR)
        return True
    try:
        import clibdocker  # noqa: F401
    except ImportError:
        sys.path.insert(0, PYDIR)
        return True
    return False


def child_env() -> Dict[str, str]:
    env = dict(os.environ)
    if use_checkout():
        env["PYTHONPATH"] = PYDIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONHASHSEED"] = "0"  # repeatable instruction counts
    return env


# --- the worker: one client, one operation, N calls --------------------------

def worker(client: str, op: str, n: int) -> None:
    import resource
    fn: Callable[[], Any]
    if client == "py":
        use_checkout()
        import clibdocker
        c = clibdocker.APIClient(URL, version=API)
        if op == "image":
            if not hasattr(c, "inspect_image"):
                print(json.dumps({"client": client, "op": op, "skip":
                                  "clibdocker.APIClient has no inspect_image yet"}))
                return
            fn = lambda: c.inspect_image(IMAGE)  # noqa: E731
        else:
            fn = getattr(c, op)
    else:
        import docker
        d = docker.APIClient(URL, version=API)
        fn = (lambda: d.inspect_image(IMAGE)) if op == "image" else getattr(d, op)  # noqa: E731
    r = fn()  # opens the connection; also checks the answer's shape
    assert (r is True) if op == "ping" else isinstance(r, dict), r
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(json.dumps({"client": client, "op": op, "n": n, "wall_s": wall, "cpu_s": cpu,
                      "calls_per_s": n / wall, "cpu_us_per_call": cpu / n * 1e6}))


def worker_cmd(client: str, op: str, n: int) -> List[str]:
    if client == "c":
        return [BENCH_C, str(n), op, URL]
    return [sys.executable, os.path.abspath(__file__), "--worker", client, op, str(n)]


def run_worker(client: str, op: str, n: int) -> Dict[str, Any]:
    p = subprocess.run(worker_cmd(client, op, n), env=child_env(), capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError(f"{client} {op}: exit {p.returncode}: {p.stderr.strip()[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- build ---------------------------------------------------------------------

def build_c() -> Tuple[bool, str]:
    """Build the static library (Release) and bench_c. Returns (has image
    inspect, note)."""
    if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", ROOT, "-B", BUILD, "-DCMAKE_BUILD_TYPE=Release"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", BUILD, "-j", str(os.cpu_count() or 2),
                    "--target", "clibdocker_static"], check=True, stdout=subprocess.DEVNULL)
    from _cbuild import static_libs
    libs = static_libs()
    base = ["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-I", os.path.join(ROOT, "include"),
            "-o", BENCH_C, os.path.join(ROOT, "benchmarks", "bench_c.c")]
    tail = [os.path.join(BUILD, "libclibdocker_static.a")] + libs + ["-lpthread"]
    headers = ""
    for h in glob.glob(os.path.join(ROOT, "include", "clibdocker", "*.h")):
        with open(h, encoding="utf-8") as f:
            headers += f.read()
    if re.search(r"\bdk_image_inspect\s*\(", headers):
        p = subprocess.run(base + ["-DDK_BENCH_HAVE_IMAGE_INSPECT"] + tail,
                           capture_output=True, text=True)
        if p.returncode == 0:
            return True, ""
        note = "dk_image_inspect() exists but bench_c.c did not compile against it: " \
            + p.stderr.strip().splitlines()[0]
    else:
        note = "the C library has no dk_image_inspect() yet"
    subprocess.run(base + tail, check=True)
    return False, note


# --- callgrind -------------------------------------------------------------------

def callgrind_ir(cmd: List[str], env: Optional[Dict[str, str]] = None) -> int:
    """Total instructions (Ir) of one run of `cmd` under callgrind."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        p = subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no",
                            "--callgrind-out-file=" + out] + cmd,
                           env=child_env() if env is None else env, capture_output=True,
                           text=True, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"callgrind {cmd}: exit {p.returncode}: {p.stderr[-2000:]}")
        with open(out, encoding="utf-8") as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    m = re.search(r"Collected\s*:\s*([\d,]+)", p.stderr)
    if not m:
        raise RuntimeError("no callgrind total in: " + p.stderr[-500:])
    return int(m.group(1).replace(",", ""))


def ir_per_call(client: str, op: str, n0: int, n1: int) -> Dict[str, Any]:
    a = callgrind_ir(worker_cmd(client, op, n0))
    b = callgrind_ir(worker_cmd(client, op, n1))
    return {"ir_n0": a, "ir_n1": b, "n0": n0, "n1": n1, "ir_per_call": (b - a) / (n1 - n0)}


# --- start-up --------------------------------------------------------------------

STARTUP = {
    "clibdocker": "import clibdocker; clibdocker.APIClient().ping()",
    "docker-py version='1.41'": "import docker; docker.APIClient(version='1.41').ping()",
    "docker-py (negotiates)": "import docker; docker.APIClient().ping()",
}
BASELINE = "pass"


def startup_cmd(code: str, no_site: bool) -> Tuple[List[str], Dict[str, str]]:
    """The child's argv and environment. ``no_site`` runs ``python3 -S`` with
    site-packages on PYTHONPATH instead: the same modules, but no ``.pth``
    start-up hooks (this sandbox installs one that imports certifi)."""
    env = child_env()
    env.pop("PYTHONHASHSEED", None)
    argv = [sys.executable]
    if no_site:
        import sysconfig
        paths = [p for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])
                 if p]
        env["PYTHONPATH"] = os.pathsep.join(
            [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p] + paths)
        argv.append("-S")
    return argv + ["-c", code], env


def startup_once(code: str, no_site: bool) -> Tuple[float, float]:
    """(CPU s = user+sys of the child, wall s) of one whole process."""
    argv, env = startup_cmd(code, no_site)
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"start-up run failed: {argv}")
    return ru.ru_utime + ru.ru_stime, wall


def startup(runs: int, callgrind: bool) -> Dict[str, Dict[str, Any]]:
    """Median CPU and wall of `runs` runs of each start-up command (runs
    interleaved, so drift hits all alike), with and without site hooks, plus
    the instructions of one run under callgrind."""
    variants = [(k, code, ns) for ns in (False, True)
                for k, code in list(STARTUP.items()) + [("python3 -c pass", BASELINE)]]
    res: Dict[str, Dict[str, Any]] = {}
    for k, code, ns in variants:
        startup_once(code, ns)  # warm the page cache
        res[k + (" [-S]" if ns else "")] = {"code": code, "no_site": ns, "cpu": [], "wall": []}
    for _ in range(runs):
        for k, code, ns in variants:
            cpu, wall = startup_once(code, ns)
            r = res[k + (" [-S]" if ns else "")]
            r["cpu"].append(cpu)
            r["wall"].append(wall)
    for r in res.values():
        r["cpu_ms"] = statistics.median(r["cpu"]) * 1e3
        r["wall_ms"] = statistics.median(r["wall"]) * 1e3
    if callgrind:
        def ir(r: Dict[str, Any]) -> int:
            argv, env = startup_cmd(r["code"], r["no_site"])
            return callgrind_ir(argv, env)
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as ex:
            futs = {k: ex.submit(ir, r) for k, r in res.items()}
            for k, f in futs.items():
                res[k]["ir"] = f.result()
    return res


def compile_checkout() -> Optional[str]:
    """pip byte-compiles an installed package; a checkout run with
    PYTHONDONTWRITEBYTECODE=1 would recompile clibdocker's sources in every
    process. Compile them once so the start-up comparison is like for like."""
    if not use_checkout():
        return None
    import compileall
    compileall.compile_dir(os.path.join(PYDIR, "clibdocker"), quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return ("PYTHONDONTWRITEBYTECODE is set: byte-compiled python/clibdocker first "
                "(as pip does on install)")
    return None


# --- main ------------------------------------------------------------------------

def fmt(x: Optional[float], spec: str) -> str:
    return "-" if x is None else format(x, spec)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer iterations, no callgrind")
    ap.add_argument("--json", metavar="FILE", help="save the results as JSON")
    ap.add_argument("--worker", nargs=3, metavar=("CLIENT", "OP", "N"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.worker[0], a.worker[1], int(a.worker[2]))
        return 0

    t_start = time.time()
    from_checkout = use_checkout()
    import clibdocker
    import docker
    print(f"clibdocker {clibdocker.__version__} from {os.path.dirname(clibdocker.__file__)}"
          f" ({'this checkout' if from_checkout else 'installed'}); docker-py {docker.__version__};"
          f" Python {platform.python_version()}; {os.cpu_count()} CPUs; engine {URL}, API {API};"
          f" load average {os.getloadavg()[0]:.2f}")
    has_valgrind = shutil.which("valgrind") is not None
    c_image, c_note = build_c()
    notes: List[str] = []
    note = compile_checkout()
    if note:
        notes.append(note)

    # which (client, op) pairs run
    pairs = {(cl, op) for cl in CLIENTS for op in OPS}
    try:
        docker.APIClient(URL, version=API).inspect_image(IMAGE)
    except docker.errors.DockerException as e:
        notes.append(f"image inspect skipped for all clients: {IMAGE} not available ({e})")
        pairs -= {(cl, "image") for cl in CLIENTS}
    if ("c", "image") in pairs and not c_image:
        notes.append("inspect_image skipped for the C API: " + c_note)
        pairs.discard(("c", "image"))
    if ("py", "image") in pairs and not hasattr(clibdocker.APIClient, "inspect_image"):
        notes.append("inspect_image skipped for the Python API: "
                     "clibdocker.APIClient has no inspect_image yet")
        pairs.discard(("py", "image"))
    for note in notes:
        print("NOTE:", note)

    # --- timed loops: each in a fresh process, repetitions interleaved --------
    scale = 0.2 if a.quick else 1.0
    reps = 1 if a.quick else 3
    n_timed = {("c", "ping"): 10000, ("py", "ping"): 6000, ("dockerpy", "ping"): 1500}
    raw: Dict[Tuple[str, str], List[Dict[str, Any]]] = {p: [] for p in pairs}
    for _ in range(reps):
        for op in OPS:
            for cl in CLIENTS:
                if (cl, op) in pairs:
                    n = max(20, int(n_timed.get((cl, op), 150 if op != "image" else 600) * scale))
                    raw[(cl, op)].append(run_worker(cl, op, n))
    res: Dict[str, Dict[str, Dict[str, Any]]] = {op: {} for op in OPS}
    for (cl, op), runs in raw.items():
        res[op][cl] = {"calls_per_s": statistics.median(r["calls_per_s"] for r in runs),
                       "cpu_us_per_call": statistics.median(r["cpu_us_per_call"] for r in runs),
                       "runs": runs}

    # --- callgrind: instructions per call (2 at a time: counts do not care) ---
    if not a.quick and has_valgrind:
        cg_n = {"c": (100, 600), "py": (20, 140), "dockerpy": (20, 140)}
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as ex:
            futs = {(cl, op): ex.submit(ir_per_call, cl, op, *cg_n[cl]) for (cl, op) in pairs}
            for (cl, op), f in futs.items():
                cg = f.result()
                res[op][cl].update(cg)
    elif not a.quick:
        notes.append("valgrind not found: no instruction counts")

    st = startup(3 if a.quick else 9, not a.quick and has_valgrind)

    # --- report ----------------------------------------------------------------
    print()
    print(f"{'operation':<22}{'client':<19}{'calls/s':>9}{'CPU µs/call':>13}{'instr/call':>12}")
    for op in OPS:
        for cl in CLIENTS:
            r = res[op].get(cl)
            if r is None:
                print(f"{OP_LABEL[op]:<22}{LABEL[cl]:<19}{'(skipped)':>9}")
                continue
            print(f"{OP_LABEL[op]:<22}{LABEL[cl]:<19}{r['calls_per_s']:>9.0f}"
                  f"{r['cpu_us_per_call']:>13.1f}{fmt(r.get('ir_per_call'), ',.0f'):>12}")
    print()
    print("ratios (Python API vs docker-py: calls/s ×, CPU ÷, instr ÷; Python vs C: calls/s)")
    ratios: Dict[str, Dict[str, Optional[float]]] = {}
    for op in OPS:
        py, dp, c = res[op].get("py"), res[op].get("dockerpy"), res[op].get("c")
        if not py:
            continue
        r: Dict[str, Optional[float]] = {
            "py_vs_dockerpy_calls": py["calls_per_s"] / dp["calls_per_s"] if dp else None,
            "dockerpy_vs_py_cpu": dp["cpu_us_per_call"] / py["cpu_us_per_call"] if dp else None,
            "dockerpy_vs_py_instr": (dp["ir_per_call"] / py["ir_per_call"]
                                     if dp and "ir_per_call" in py and "ir_per_call" in dp else None),
            "py_vs_c_calls": py["calls_per_s"] / c["calls_per_s"] if c else None,
            "py_vs_c_instr": (py["ir_per_call"] / c["ir_per_call"]
                              if c and "ir_per_call" in py and "ir_per_call" in c else None),
        }
        ratios[op] = r
        print(f"  {op:<8} calls/s {fmt(r['py_vs_dockerpy_calls'], '.2f')}× docker-py,"
              f" CPU/call {fmt(r['dockerpy_vs_py_cpu'], '.1f')}× less,"
              f" instr/call {fmt(r['dockerpy_vs_py_instr'], '.1f')}× less;"
              f" Python/C calls/s {fmt(r['py_vs_c_calls'], '.2f')},"
              f" Python/C instr {fmt(r['py_vs_c_instr'], '.2f')}")
    print()
    print(f"start-up, whole process `{os.path.basename(sys.executable)} -c CODE`, CPU = user+sys"
          f" of the child, median of {len(next(iter(st.values()))['cpu'])} runs"
          " ([-S]: python3 -S, site-packages on PYTHONPATH, no .pth hooks):")
    print(f"  {'':<34}{'CPU ms':>8}{'wall ms':>9}{'instr (M)':>11}")
    for k, r in st.items():
        print(f"  {k:<34}{r['cpu_ms']:>8.1f}{r['wall_ms']:>9.1f}"
              f"{fmt(r['ir'] / 1e6 if 'ir' in r else None, '.1f'):>11}   {r['code']}")

    # --- targets ---------------------------------------------------------------
    print()
    targets: List[Dict[str, Any]] = []

    def target(name: str, value: Optional[float], ok: Optional[bool]) -> None:
        verdict = "SKIP" if ok is None else ("PASS" if ok else "FAIL")
        targets.append({"target": name, "value": value, "result": verdict})
        print(f"  {verdict}  {name}: {fmt(value, '.3g')}")

    pr = ratios.get("ping", {})
    print("targets (ping):")
    v = pr.get("py_vs_dockerpy_calls")
    target("Python API calls/s >= 4x docker-py's", v, None if v is None else v >= 4)
    v = pr.get("py_vs_c_calls")
    target("Python API calls/s >= 0.5x the C API's", v, None if v is None else v >= 0.5)
    v = pr.get("dockerpy_vs_py_instr")
    target("Python API instructions/call < 1/10 of docker-py's (docker-py ÷ Python > 10)",
           v, None if v is None else v > 10)
    print("targets (start-up):")
    for sfx in ("", " [-S]"):
        cd = st["clibdocker" + sfx]
        for k in ("docker-py version='1.41'", "docker-py (negotiates)"):
            v = st[k + sfx]["cpu_ms"] / cd["cpu_ms"]
            extra = (f"; instructions ratio {st[k + sfx]['ir'] / cd['ir']:.2f}"
                     if "ir" in cd else "")
            target(f"start-up CPU < 1/3 of {k}{sfx} (docker-py ÷ clibdocker > 3{extra})", v, v > 3)
    for note in notes:
        print("NOTE:", note)
    elapsed = time.time() - t_start
    print(f"\n({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {elapsed:.0f} s,"
          f" load average now {os.getloadavg()[0]:.2f})")

    if a.json:
        out = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "quick": a.quick,
               "machine": {"cpus": os.cpu_count(), "loadavg_end": os.getloadavg()[0],
                           "platform": platform.platform(),
                           "python": platform.python_version()},
               "clibdocker": clibdocker.__version__, "docker_py": docker.__version__,
               "results": res, "ratios": ratios, "startup": st, "targets": targets,
               "notes": notes, "elapsed_s": elapsed}
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
    return 1 if any(t["result"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
