#!/usr/bin/env python3
"""BuildKit build benchmark: a large context (default 200 MB in 1 MB files
plus one 1 KB file), built twice: a first build, then a rebuild after
changing the 1 KB file. The Dockerfile copies both (``COPY data /data``,
``COPY small.txt /small.txt``), so the rebuild reuses the data layer and
only the small file's layer changes. Per client, a fresh context of new
random bytes (no client benefits from another's cache):

- ``clibdocker-bk``: ``APIClient.build(buildkit=True)`` (the session serves
  the context incrementally); bytes = HTTP/2 bytes we wrote on the session
  (all of it: frames, stats, file content), and the file content alone;
- ``clibdocker``: ``APIClient.build`` with the classic builder (the context
  sent as a tar every time); bytes = the tar's size, read from the trace hook;
- ``docker-py``: docker-py 7.2's ``APIClient.build`` (classic; a tar built in
  memory each time); bytes = the context tar size (same as above);
- ``docker-cli-bk``: ``DOCKER_BUILDKIT=1 /usr/bin/docker build`` (the Go
  CLI 20.10 with its own session); bytes = what the engine reports for
  "transferring context" (--progress=plain).

Wall time covers the whole build from the client's call to the image id.
Usage: bench_buildkit.py [MB] [--runs N] [--json]. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

import clibdocker  # noqa: E402

IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")


def image_of(tag: str) -> str:
    """The id the tag names now (each rebuild moves the tag: the ids are
    collected and all removed at the end, so nothing is left dangling)."""
    return str(clibdocker.APIClient().inspect_image(tag)["Id"])


def make_context(root: str, mb: int) -> None:
    os.makedirs(os.path.join(root, "data"))
    for i in range(mb):
        with open(os.path.join(root, "data", f"blob{i:04d}.bin"), "wb") as f:
            f.write(os.urandom(1 << 20))
    with open(os.path.join(root, "small.txt"), "wb") as f:
        f.write(b"a" * 1024)
    with open(os.path.join(root, "Dockerfile"), "w") as f:
        f.write(f"FROM {IMAGE}\nLABEL clibdocker-test=1\nCOPY data /data\n"
                "COPY small.txt /small.txt\n")


def context_tar_size(root: str) -> int:
    n = 1024
    for d, _, files in os.walk(root):
        for name in files:
            sz = os.path.getsize(os.path.join(d, name))
            n += 512 + (sz + 511) // 512 * 512
    return n


def run_clibdocker_bk(ctx: str, tag: str) -> tuple[float, int, int]:
    api = clibdocker.APIClient()
    t0 = time.perf_counter()
    st = api.build(path=ctx, tag=tag, buildkit=True, decode=True)
    image = None
    for m in st:
        if m.get("id") == "moby.image.id":
            image = m["aux"]["ID"]
        if "errorDetail" in m:
            raise RuntimeError(m)
    dt = time.perf_counter() - t0
    assert image, "no image"
    s = st.session_stats
    return dt, s["bytes_sent"], s["file_bytes"]


def run_clibdocker_classic(ctx: str, tag: str) -> tuple[float, int, int]:
    api = clibdocker.APIClient()
    t0 = time.perf_counter()
    for m in api.build(path=ctx, tag=tag, decode=True, rm=True, forcerm=True):
        if "errorDetail" in m:
            raise RuntimeError(m)
    dt = time.perf_counter() - t0
    n = context_tar_size(ctx)
    return dt, n, n


def run_dockerpy(ctx: str, tag: str) -> tuple[float, int, int]:
    import docker
    api = docker.APIClient(version="1.41")
    t0 = time.perf_counter()
    for m in api.build(path=ctx, tag=tag, decode=True, rm=True, forcerm=True):
        if "errorDetail" in m:
            raise RuntimeError(m)
    dt = time.perf_counter() - t0
    api.close()
    n = context_tar_size(ctx)
    return dt, n, n


_SIZE = re.compile(r"transferring context: ([0-9.]+)([kMG]?B)")
_UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def run_cli_bk(ctx: str, tag: str) -> tuple[float, int, int]:
    env = dict(os.environ, DOCKER_BUILDKIT="1")
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/docker", "build", "--progress=plain", "-t", tag, ctx],
                       env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if p.returncode:
        raise RuntimeError(p.stderr[-2000:])
    sizes = [float(v) * _UNITS[u] for v, u in _SIZE.findall(p.stderr)]
    n = int(max(sizes)) if sizes else -1
    return dt, n, n


CLIENTS = {
    "clibdocker-bk": run_clibdocker_bk,
    "docker-cli-bk": run_cli_bk,
    "clibdocker": run_clibdocker_classic,
    "docker-py": run_dockerpy,
}


def fmt_bytes(n: int) -> str:
    if n < 0:
        return "?"
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / 1024:.1f} KiB"
    return f"{n} B"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mb", nargs="?", type=int, default=200)
    ap.add_argument("--runs", type=int, default=1, help="rebuilds per client (median)")
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = []
    api = clibdocker.APIClient()
    for name in a.clients.split(","):
        built: list = []
        fn = CLIENTS[name]
        tmp = tempfile.mkdtemp(prefix="bench-bk-")
        tag = f"clibdocker-bench/bk-{name}:{os.getpid()}"
        try:
            make_context(tmp, a.mb)
            first = fn(tmp, tag)
            built = [image_of(tag)]
            rebuilds = []
            for i in range(a.runs):
                with open(os.path.join(tmp, "small.txt"), "wb") as f:
                    f.write(bytes([98 + i % 20]) * 1024)
                rebuilds.append(fn(tmp, tag))
                built.append(image_of(tag))
            rb_t = statistics.median(r[0] for r in rebuilds)
            rb = rebuilds[len(rebuilds) // 2]
            rows.append({"client": name, "first_s": first[0], "first_sent": first[1],
                         "first_files": first[2], "rebuild_s": rb_t, "rebuild_sent": rb[1],
                         "rebuild_files": rb[2]})
            print(f"{name}: first {first[0]:.2f}s, rebuild {rb_t:.2f}s, "
                  f"rebuild sent {fmt_bytes(rb[1])}", file=sys.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            for ref in [tag] + list(reversed(built)):
                try:
                    api.remove_image(ref, force=True)
                except (clibdocker.errors.NotFound, clibdocker.errors.Conflict):
                    pass
    if a.json:
        print(json.dumps(rows, indent=1))
        return 0
    ctx = a.mb << 20
    cli = next((r for r in rows if r["client"] == "docker-cli-bk"), None)
    print(f"| client | first build | rebuild (1 file changed) | rebuild vs Go CLI | "
          f"bytes sent on rebuild | % of the {a.mb} MB context |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r['rebuild_s'] / cli['rebuild_s']:.2f}x" if cli else "-"
        print(f"| {r['client']} | {r['first_s']:.2f} s | {r['rebuild_s']:.2f} s | {ratio} | "
              f"{fmt_bytes(r['rebuild_sent'])} (files {fmt_bytes(r['rebuild_files'])}) | "
              f"{100 * r['rebuild_sent'] / ctx:.3f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
