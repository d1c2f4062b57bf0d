#!/usr/bin/env python3
"""Save/load throughput (MB/s) and peak RSS growth for a large image through
clibdocker (C and Python) and docker-py, in the same run.

    python3 benchmarks/bench_images.py [--size-mb 320] [--keep]

Builds a test image holding SIZE MB of random data (FROM the local test
image), then, each in a fresh process: saves it to a file and loads that file
back (C: dk_image_get + dk_stream_copy_fd, dk_image_load from a descriptor;
Python: save_image / get_image chunks, load_image from a file object;
docker-py: get_image chunks, load_image from a file object). Peak RSS growth
is the process's peak RSS after the transfer minus its peak before.
Targets: Python RSS growth < 64 MB, throughput >= 2x docker-py.
Needs the C library built in ./build (cmake) and the extension in place
(scripts/dev-build.sh).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")


def _rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def one(kind: str, op: str, image: str, path: str) -> dict:
    """Run one transfer in this process; returns the measurements."""
    if kind == "clibdocker":
        sys.path.insert(0, os.path.join(ROOT, "python"))
        import clibdocker
        c = clibdocker.APIClient(timeout=None)
        c.ping()
    elif kind == "clibdocker-chunks":
        sys.path.insert(0, os.path.join(ROOT, "python"))
        import clibdocker
        c = clibdocker.APIClient(timeout=None)
        c.ping()
    else:
        import docker
        c = docker.APIClient(timeout=600)
        c.ping()
    base = _rss_kb()
    t0 = time.monotonic()
    if op == "save":
        if kind == "clibdocker":
            n = c.save_image(image, path)
        else:
            n = 0
            with open(path, "wb") as f:
                for chunk in c.get_image(image):
                    f.write(chunk)
                    n += len(chunk)
    else:
        with open(path, "rb") as f:
            for _ in c.load_image(f, quiet=True):
                pass
            n = os.path.getsize(path)
    dt = time.monotonic() - t0
    return {"seconds": dt, "bytes": n, "base_rss_kb": base, "peak_rss_kb": _rss_kb()}


def run_sub(args: list) -> dict:
    out = subprocess.run(args, check=True, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))).stdout
    return json.loads(out.strip().splitlines()[-1])


def build_c() -> str:
    exe = os.path.join(ROOT, "build", "bench_images_c")
    lib = os.path.join(ROOT, "build", "libclibdocker_static.a")
    if not os.path.exists(lib):
        raise SystemExit("build the C library first: cmake -S . -B build && cmake --build build")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libcurl", "json-c", "zlib"],
                           check=True, capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(ROOT, "benchmarks", "bench_images_c.c"),
                    "-I", os.path.join(ROOT, "include"), lib, *flags, "-lpthread"], check=True)
    return exe


def make_image(size_mb: int) -> str:
    tag = f"clibdocker-test/bench-images:{size_mb}m"
    df = (f"FROM {TEST_IMAGE}\nRUN head -c {size_mb}m /dev/urandom > /big\n"
          "LABEL clibdocker-test=1\n")
    subprocess.run(["docker", "build", "-q", "-t", tag, "-"], input=df.encode(), check=True,
                   capture_output=True)
    return tag


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=320)
    ap.add_argument("--keep", action="store_true", help="keep the test image")
    ap.add_argument("--one", nargs=4, metavar=("KIND", "OP", "IMAGE", "PATH"),
                    help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(*a.one)))
        return 0
    exe = build_c()
    tag = make_image(a.size_mb)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as d:
            for kind in ("c", "clibdocker", "clibdocker-chunks", "docker-py"):
                path = os.path.join(d, f"{kind}.tar")
                for op in ("save", "load"):
                    if kind == "clibdocker-chunks" and op == "load":
                        continue
                    if kind == "c":
                        r = run_sub([exe, op, tag, path])
                    else:
                        r = run_sub([sys.executable, __file__, "--one", kind, op, tag, path])
                    mb = r["bytes"] / 1e6
                    rows.append({"client": kind, "op": op, "MB": round(mb, 1),
                                 "MB/s": round(mb / r["seconds"], 1),
                                 "rss_growth_MB": round((r["peak_rss_kb"] - r["base_rss_kb"]) / 1024, 1)})
                if os.path.exists(path):
                    os.unlink(path)
    finally:
        if not a.keep:
            subprocess.run(["docker", "rmi", tag], capture_output=True)
    print(f"{'client':20} {'op':5} {'MB':>8} {'MB/s':>8} {'RSS growth MB':>14}")
    for r in rows:
        print(f"{r['client']:20} {r['op']:5} {r['MB']:8} {r['MB/s']:8} {r['rss_growth_MB']:14}")
    by = {(r["client"], r["op"]): r for r in rows}
    for op in ("save", "load"):
        ours, theirs = by[("clibdocker", op)], by[("docker-py", op)]
        print(f"{op}: clibdocker/docker-py throughput x{ours['MB/s'] / theirs['MB/s']:.2f}; "
              f"Python RSS growth {ours['rss_growth_MB']} MB (target < 64)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
