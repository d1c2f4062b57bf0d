"""Build a benchmark's C client against a Release static clibdocker (shared
by the bench_*.py scripts)."""
from __future__ import annotations

import os
import subprocess
from typing import List, Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def static_libs() -> List[str]:
    """The link flags libclibdocker_static.a needs (OpenSSL when the
    library was built with it: the TLS close_notify of hijacked connections)."""
    mods = ["libcurl", "json-c", "zlib"]
    if subprocess.run(["pkg-config", "--exists", "openssl"]).returncode == 0:
        mods.append("openssl")
    return subprocess.run(["pkg-config", "--libs", *mods], check=True,
                          capture_output=True, text=True).stdout.split()


def build_bench_c(build_dir: str, source: str, exe: str, cflags: Sequence[str] = ()) -> str:
    """Configure ``build_dir`` (Release, no tests), build the static library,
    and compile ``benchmarks/<source>`` into ``exe`` linked against it.
    Raises subprocess.CalledProcessError / FileNotFoundError on failure."""
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                        "-DCLIBDOCKER_TESTS=OFF"], check=True, capture_output=True)
    subprocess.run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2),
                    "--target", "clibdocker_static"], check=True, capture_output=True)
    libs = static_libs()
    subprocess.run(["cc", "-O2", "-Wall", *cflags, "-I", os.path.join(ROOT, "include"),
                    "-o", exe, os.path.join(ROOT, "benchmarks", source),
                    os.path.join(build_dir, "libclibdocker_static.a"), *libs, "-lpthread"],
                   check=True, capture_output=True)
    return exe
