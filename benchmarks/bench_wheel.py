"""What the way libcurl is linked costs: wheel size, shared libraries loaded,
and the time to load the extension, for wheels built both ways by
scripts/build-wheel.sh (static: libcurl/json-c built small from Debian's
sources and linked in; system: Debian's shared libcurl and json-c bundled by
auditwheel with everything they pull in).

    python3 benchmarks/bench_wheel.py dist/clibdocker-*.whl /tmp/dist-system/clibdocker-*.whl

Each wheel goes into a fresh plain venv (python3 -I -m venv, cffi from
PyPI). Whole processes, interleaved, median of N (default 21):
  base:   python -c 'import _cffi_backend'
  load:   the same, then the extension module alone (no clibdocker package code)
  ping:   import clibdocker; clibdocker.APIClient().ping()
and, with valgrind, the instructions of `load` minus `base` (the steady figure).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

LOAD = ("import importlib.util as u, sys, os;"
        "d = os.path.join(sys.argv[1], 'clibdocker');"
        "f = [x for x in os.listdir(d) if x.startswith('_native')][0];"
        "s = u.spec_from_file_location('clibdocker._native', os.path.join(d, f));"
        "m = u.module_from_spec(s);"
        "n = [l.split()[-1] for l in open('/proc/self/maps') if '.so' in l.split()[-1]];"
        "print(len(set(n)))")
BASE = "import _cffi_backend, importlib.util, sys, os"
PING = "import clibdocker; clibdocker.APIClient().ping()"


def venv_with(wheel: str, where: str) -> tuple[str, str]:
    subprocess.run([sys.executable, "-I", "-m", "venv", where], check=True)
    py = os.path.join(where, "bin", "python")
    subprocess.run([py, "-I", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel],
                   check=True, stderr=subprocess.DEVNULL)
    site = subprocess.run([py, "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    return py, site


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - t) * 1000


def instructions(cmd: list[str]) -> int:
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        r = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                           capture_output=True, text=True)
        for line in r.stderr.splitlines():
            if "Collected" in line:
                return int(line.split(":")[-1].strip().replace(",", ""))
    raise RuntimeError(r.stderr[-400:])


def main() -> int:
    wheels = [a for a in sys.argv[1:] if a.endswith(".whl")]
    n = int(os.environ.get("BENCH_N", "21"))
    if not wheels:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        envs = []
        for i, w in enumerate(wheels):
            py, site = venv_with(w, os.path.join(tmp, f"v{i}"))
            libs = subprocess.run([py, "-I", "-c", LOAD, site], check=True, capture_output=True,
                                  text=True).stdout.strip()
            with zipfile.ZipFile(w) as z:
                so = sum(x.file_size for x in z.infolist() if ".so" in x.filename)
                files = sum(1 for x in z.infolist() if ".so" in x.filename)
            envs.append({"wheel": os.path.join(os.path.basename(os.path.dirname(os.path.abspath(w))),
                                                 os.path.basename(w)), "py": py, "site": site, "libs": libs,
                         "size": os.path.getsize(w), "so": so, "sofiles": files,
                         "base": [], "load": [], "ping": []})
        for _ in range(n):               # interleaved rounds
            for e in envs:
                e["base"].append(wall([e["py"], "-I", "-c", BASE]))
                e["load"].append(wall([e["py"], "-I", "-c", LOAD, e["site"]]))
                e["ping"].append(wall([e["py"], "-I", "-c", PING]))
        print(f"{'wheel':<58} {'whl KiB':>8} {'.so files':>9} {'.so KiB':>8} {'libs':>5} "
              f"{'load ms':>8} {'ping ms':>8} {'load Minstr':>11}")
        for e in envs:
            ins = None
            try:
                ins = (instructions([e["py"], "-I", "-c", LOAD, e["site"]])
                       - instructions([e["py"], "-I", "-c", BASE])) / 1e6
            except (OSError, RuntimeError):
                pass
            load = statistics.median(e["load"]) - statistics.median(e["base"])
            print(f"{e['wheel']:<58} {e['size'] // 1024:>8} {e['sofiles']:>9} {e['so'] // 1024:>8} "
                  f"{e['libs']:>5} {load:>8.2f} {statistics.median(e['ping']):>8.1f} "
                  f"{'' if ins is None else f'{ins:.1f}':>11}")
        print(f"(median of {n} whole processes each; load = extension load over "
              f"'import _cffi_backend'; libs = shared objects mapped after the load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
