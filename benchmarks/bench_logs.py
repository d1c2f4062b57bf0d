#!/usr/bin/env python3
"""Benchmark: container logs throughput, clibdocker (C and Python) against
docker-py 7.1, demultiplexed (stdout and stderr apart).

Two sources of the same bytes:

- ``replay``: a *stream replay server* on a unix socket serves multiplexed
  log bytes captured from the real engine (or generated in the same format
  with ``--synthetic``) straight from memory, chunked like the engine, so the
  client is the only thing measured;
- ``engine``: the real engine (dockerd's own log reading included): a
  separate exited container that wrote ``--engine-mb`` MB (default 200) to
  stdout and stderr, read once per client without follow.

A ``plain`` baseline (benchmarks/bench_logs_c.c ``plain``: its own unix
socket, a hand-written GET, minimal chunked decoding, 8-byte frame headers
demultiplexed, every payload byte summed) runs against both sources. Then
container inspect calls/s against the real engine (C, Python, docker-py).
The run ends with PASS/FAIL per target:

- (a) engine: clibdocker C and Python >= docker-py MB/s and >= 0.9x plain;
- (b) replay: Python per frame >= 10x docker-py per frame; C >= 0.7x plain.

Each client runs in its own process (this script with ``--worker``, or
benchmarks/bench_logs_c.c built against the checkout), reading every byte
of a container's logs; the result is checked (byte counts per stream) and
reported as MB/s (wall), client CPU seconds and CPU µs per frame.

    bash scripts/dev-build.sh
    python3 benchmarks/bench_logs.py [--mb 50] [--frame 100] [--engine-mb 200]
                                     [--synthetic] [--no-engine] [--json FILE]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYDIR = os.path.join(ROOT, "python")
BUILD = os.path.join(ROOT, "build-bench-logs")
IMAGE = "clibdocker-test/busybox:latest"
ENGINE = "unix:///var/run/docker.sock"


# --- the stream replay server ---------------------------------------------------------

class ReplayServer:
    """Serves ``GET /v1.41/containers/<id>/logs`` with the captured bytes
    (multiplexed frames) from memory over a unix socket, in 32 KiB HTTP
    chunks; also ``/_ping``, ``/version`` and the container inspect the
    clients ask first. One thread per connection."""

    def __init__(self, payload: bytes, path: str) -> None:
        self.payload = payload
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(16)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._conn, args=(conn,), daemon=True).start()

    @staticmethod
    def _answer(conn: socket.socket, status: str, body: bytes, ctype: str) -> None:
        conn.sendall(f"HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nContent-Type: {ctype}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

    def _conn(self, conn: socket.socket) -> None:
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, buf = buf.split(b"\r\n\r\n", 1)
                line = head.split(b"\r\n", 1)[0].decode()
                path = line.split(" ")[1].split("?")[0]
                if path.endswith("/_ping"):
                    self._answer(conn, "200 OK", b"OK", "text/plain")
                elif path.endswith("/version"):
                    self._answer(conn, "200 OK", json.dumps(
                        {"ApiVersion": "1.41", "Version": "replay"}).encode(), "application/json")
                elif path.endswith("/json"):
                    self._answer(conn, "200 OK", json.dumps(
                        {"Id": "replay", "Config": {"Tty": False}}).encode(), "application/json")
                elif path.endswith("/logs"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n"
                                 b"Content-Type: application/vnd.docker.raw-stream\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n")
                    mv = memoryview(self.payload)
                    step = 32768
                    for i in range(0, len(mv), step):
                        piece = mv[i:i + step]
                        conn.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
                    conn.sendall(b"0\r\n\r\n")
                else:
                    self._answer(conn, "404 Not Found", b'{"message":"no route"}',
                                 "application/json")
        except OSError:
            return
        finally:
            conn.close()

    def close(self) -> None:
        self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def synthetic(mb: int, frame: int) -> Tuple[bytes, int, int]:
    """Multiplexed frames of `frame` bytes (lines), 9 stdout : 1 stderr."""
    out = bytearray()
    n_out = n_err = 0
    body = b"x" * (frame - 9)
    i = 0
    while len(out) < mb << 20:
        sid = 2 if i % 10 == 9 else 1
        data = b"%08d" % i + body + b"\n"
        out += struct.pack(">BxxxL", sid, len(data)) + data
        if sid == 1:
            n_out += len(data)
        else:
            n_err += len(data)
        i += 1
    return bytes(out), n_out, n_err


def capture(mb: int, frame: int) -> Tuple[bytes, int, int, str]:
    """Run a container writing `mb` MB of `frame`-byte lines (9 stdout : 1
    stderr) and capture its raw multiplexed logs from the engine."""
    script = awk_script(mb, frame)
    name = f"clibdocker-bench-{uuid.uuid4().hex[:10]}"
    cid = subprocess.run(["docker", "run", "-d", "--label", "clibdocker-test=1", "--name", name,
                          IMAGE, "sh", "-c", script], check=True, capture_output=True,
                         text=True).stdout.strip()
    subprocess.run(["docker", "wait", cid], check=True, capture_output=True)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/var/run/docker.sock")
    s.sendall(f"GET /v1.41/containers/{cid}/logs?stdout=1&stderr=1 HTTP/1.0\r\n"
              f"Host: docker\r\n\r\n".encode())
    chunks = []
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        chunks.append(d)
    s.close()
    raw = b"".join(chunks)
    payload = raw.split(b"\r\n\r\n", 1)[1]
    n_out = n_err = 0
    off = 0
    while off < len(payload):
        sid, n = struct.unpack_from(">BxxxL", payload, off)
        off += 8 + n
        if sid == 1:
            n_out += n
        else:
            n_err += n
    return payload, n_out, n_err, cid


def awk_script(mb: int, frame: int) -> str:
    lines = (mb << 20) // frame
    body = "x" * (frame - 9)
    return (f"awk 'BEGIN{{for(i=0;i<{lines};i++) if (i%10==9) printf \"%08d{body}\\n\", i "
            f"> \"/dev/stderr\"; else printf \"%08d{body}\\n\", i}}'")


def start_engine_container(mb: int, frame: int) -> str:
    """Start (detached) the container of the engine part: `mb` MB of
    `frame`-byte lines, 9 stdout : 1 stderr."""
    name = f"clibdocker-bench-{uuid.uuid4().hex[:10]}"
    return subprocess.run(["docker", "run", "-d", "--label", "clibdocker-test=1", "--name", name,
                           IMAGE, "sh", "-c", awk_script(mb, frame)], check=True,
                          capture_output=True, text=True).stdout.strip()


def expected_engine(mb: int, frame: int) -> Tuple[int, int, int, int]:
    """(stdout bytes, stderr bytes, frames, byte sum of all payloads) of the
    lines awk_script() writes, computed here independently."""
    lines = (mb << 20) // frame
    n_err = lines // 10
    n_out = lines - n_err
    digits = 0
    for i in range(lines):
        digits += sum(b"%08d" % i)
    total = digits + lines * ((frame - 9) * ord("x") + ord("\n"))
    return n_out * frame, n_err * frame, lines, total


# --- workers --------------------------------------------------------------------

def worker(kind: str, url: str, cid: str) -> Dict[str, Any]:
    if kind.startswith("py"):
        sys.path.insert(0, PYDIR)
        import clibdocker
        client = clibdocker.APIClient(base_url=url, version="1.41")
    else:
        import docker
        client = docker.APIClient(base_url=url, version="1.41")
    client.ping()
    if kind.endswith("-inspect"):
        n = int(os.environ.get("BENCH_INSPECT_N", "300"))
        client.inspect_container(cid)
        t0 = time.perf_counter()
        c0 = time.process_time()
        for _ in range(n):
            client.inspect_container(cid)
        return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, "calls": n}
    out = err = pieces = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    if kind == "py-frames":           # docker-py's shape: a tuple per frame
        for o, e in client.logs(cid, stream=True, demux=True, tty=False):
            if o is not None:
                out += len(o)
            else:
                err += len(e)
            pieces += 1
    elif kind == "py-chunks":         # merged runs per stream
        for sid, data in client.logs(cid, stream=True, tty=False).chunks():
            if sid == 2:
                err += len(data)
            else:
                out += len(data)
            pieces += 1
    elif kind == "py-all":            # everything at once, demuxed
        o, e = client.logs(cid, demux=True, tty=False)
        out, err, pieces = len(o or b""), len(e or b""), 1
    # docker-py has no demultiplexed logs: its frames come mixed
    elif kind == "dockerpy-stream":   # logs(stream=True): a payload per frame
        for data in client.logs(cid, stream=True, follow=False):
            out += len(data)
            pieces += 1
    elif kind == "dockerpy-all":      # logs(): bytes, streams mixed
        out = len(client.logs(cid))
        pieces = 1
    return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "stdout": out, "stderr": err, "pieces": pieces,
            "maxrss_kb": hwm_kib()}


def hwm_kib() -> int:
    """Peak RSS of this process image (ru_maxrss would include the parent's
    peak: Linux keeps it across exec)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def build_c() -> Optional[str]:
    from _cbuild import build_bench_c
    try:
        return build_bench_c(BUILD, "bench_logs_c.c", os.path.join(BUILD, "bench_logs_c"))
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        print(f"(C benchmark not built: {e})", file=sys.stderr)
        return None


def run(kind: str, url: str, cid: str, c_exe: Optional[str], n: int = 300) -> Dict[str, Any]:
    if kind == "plain":
        assert c_exe
        cmd = [c_exe, url, cid, "plain"]
    elif kind == "c-inspect":
        assert c_exe
        cmd = [c_exe, url, cid, "inspect", str(n)]
    elif kind.startswith("c-"):
        assert c_exe
        cmd = [c_exe, url, cid, kind[2:]]
    else:
        cmd = [sys.executable, __file__, "--worker", kind, url, cid]
    res = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900,
                         env=dict(os.environ, BENCH_INSPECT_N=str(n)))
    return json.loads(res.stdout.strip().splitlines()[-1])


def show(src: str, kind: str, r: Dict[str, Any], want: Tuple[int, int, Optional[int]],
         frames: int) -> Dict[str, Any]:
    """Print one row; check the bytes (per stream where the client
    demultiplexes, and the plain loop's byte sum)."""
    n_out, n_err, total = want
    mixed = kind in ("dockerpy-stream", "dockerpy-all")
    ok = (r["stdout"] + r["stderr"] == n_out + n_err) if mixed else \
        (r["stdout"] == n_out and r["stderr"] == n_err)
    if "sum" in r and total is not None:     # plain and the C clients

        ok = ok and r["sum"] == total
    mbps = (n_out + n_err) / r["wall"] / 1e6
    per = r["cpu"] / frames * 1e6
    rss = r.get("maxrss_kb", 0) / 1024
    print(f"[{src}] {kind:<18} {mbps:8.1f} {r['cpu']:7.2f} {per:13.3f} "
          f"{rss:7.1f}  {'ok' if ok else 'WRONG BYTES'}", flush=True)
    return {"source": src, "client": kind, "mb_per_s": mbps, "cpu_s": r["cpu"],
            "cpu_us_per_frame": per, "ok": ok, **r}


def header(src: str) -> None:
    print(f"\n[{src}] {'client':<18} {'MB/s':>8} {'CPU s':>7} {'CPU µs/frame':>13} "
          f"{'RSS MB':>7}  check", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--mb", type=int, default=50, help="MB of logs for the replay (default 50)")
    ap.add_argument("--frame", type=int, default=100, help="bytes per log line (default 100)")
    ap.add_argument("--engine-mb", type=int, default=200,
                    help="MB the engine container writes (default 200)")
    ap.add_argument("--inspect-n", type=int, default=300,
                    help="container inspect calls per client and repetition (default 300)")
    ap.add_argument("--synthetic", action="store_true",
                    help="generate the replayed frames instead of capturing them from the engine")
    ap.add_argument("--no-engine", action="store_true", help="only the replay server")
    ap.add_argument("--json", help="write the results to this file")
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(*a.worker)))
        return 0

    cids: List[str] = []
    results: List[Dict[str, Any]] = []
    inspect: Dict[str, float] = {}
    tmp = tempfile.mkdtemp(prefix="clibdocker-replay-")
    server = None
    t_start = time.monotonic()
    try:
        eng = None
        if not a.no_engine:    # writing 200 MB takes a while: start it first
            eng = start_engine_container(a.engine_mb, a.frame)
            cids.append(eng)
        if a.synthetic:
            payload, n_out, n_err = synthetic(a.mb, a.frame)
        else:
            payload, n_out, n_err, cap = capture(a.mb, a.frame)
            cids.append(cap)
        c_exe = build_c()
        server = ReplayServer(payload, os.path.join(tmp, "replay.sock"))
        frames, total = n_frames(payload)
        print(f"{len(payload) / 1e6:.1f} MB of multiplexed logs, {frames} frames of ~{a.frame} B "
              f"(stdout {n_out} B, stderr {n_err} B), "
              f"{'synthetic' if a.synthetic else 'captured from the engine'}")
        cs = ["plain", "c-batch", "c-frames"] if c_exe else []
        header("replay")
        for kind in cs + ["py-chunks", "py-frames", "py-all", "dockerpy-stream",
                          "dockerpy-all"]:
            results.append(show("replay", kind, run(kind, server.url, "replay", c_exe),
                                 (n_out, n_err, total), frames))
        if eng:
            subprocess.run(["docker", "wait", eng], check=True, capture_output=True)
            e_out, e_err, e_frames, e_total = expected_engine(a.engine_mb, a.frame)
            print(f"\nengine container: exited, {(e_out + e_err) / 1e6:.1f} MB in {e_frames} "
                  f"lines (json-file), read once untimed (page cache), then once per client, "
                  f"no follow", flush=True)
            if c_exe:          # untimed: the json-file into the page cache for everyone
                run("plain", ENGINE, eng, c_exe)
            header("engine")
            for kind in cs + ["py-chunks", "py-frames", "dockerpy-stream"]:
                results.append(show("engine", kind, run(kind, ENGINE, eng, c_exe),
                                    (e_out, e_err, e_total), e_frames))
            print(f"\n[inspect] {'client':<18} {'calls/s':>8} {'CPU µs/call':>12}  "
                  f"(median of 3, {a.inspect_n} calls)", flush=True)
            kinds = (["c-inspect"] if c_exe else []) + ["py-inspect", "dockerpy-inspect"]
            reps: Dict[str, List[Dict[str, Any]]] = {k: [] for k in kinds}
            for _ in range(3):
                for kind in kinds:
                    reps[kind].append(run(kind, ENGINE, eng, c_exe, a.inspect_n))
            for kind in kinds:
                rs = sorted(reps[kind], key=lambda r: r["wall"])
                med = rs[1]
                inspect[kind] = a.inspect_n / med["wall"]
                print(f"[inspect] {kind:<18} {inspect[kind]:8.0f} "
                      f"{med['cpu'] / a.inspect_n * 1e6:12.1f}", flush=True)
    finally:
        if server:
            server.close()
        shutil.rmtree(tmp, ignore_errors=True)
        for cid in cids:
            subprocess.run(["docker", "rm", "-f", cid], capture_output=True)

    ok = all(r["ok"] for r in results)
    verdicts = targets(results)
    for name, good, detail in verdicts:
        print(f"{'PASS' if good else 'FAIL'}  {name}: {detail}")
    print(f"(whole run {time.monotonic() - t_start:.0f} s)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"frames": frames, "bytes": n_out + n_err, "results": results,
                       "inspect_calls_per_s": inspect,
                       "targets": [{"target": n, "pass": g, "detail": d}
                                   for n, g, d in verdicts]}, f, indent=1)
    return 0 if ok and all(g for _, g, _ in verdicts) else 1


def targets(results: List[Dict[str, Any]]) -> List[Tuple[str, bool, str]]:
    """The four targets, from the measured MB/s."""
    mb = {(r["source"], r["client"]): r["mb_per_s"] for r in results if r["ok"]}
    out: List[Tuple[str, bool, str]] = []
    if ("engine", "dockerpy-stream") in mb and ("engine", "plain") in mb:
        dp, pl = mb[("engine", "dockerpy-stream")], mb[("engine", "plain")]
        for lang, kinds in (("C", ("c-batch", "c-frames")), ("Python", ("py-chunks", "py-frames"))):
            for k in kinds:
                v = mb.get(("engine", k), 0.0)
                out.append((f"(a) engine {lang} {k} >= docker-py and >= 0.9x plain",
                            v >= dp and v >= 0.9 * pl,
                            f"{v:.1f} MB/s vs docker-py {dp:.1f}, plain {pl:.1f} "
                            f"({v / pl:.2f}x)"))
    elif any(r["source"] == "engine" for r in results):
        out.append(("(a) engine", False, "a client failed or was not run"))
    dp = mb.get(("replay", "dockerpy-stream"))
    if dp:
        for k in ("py-frames", "py-chunks"):
            v = mb.get(("replay", k), 0.0)
            out.append((f"(b) replay Python {k} >= 10x docker-py per frame", v >= 10 * dp,
                        f"{v:.1f} MB/s vs {dp:.1f} ({v / dp:.1f}x)"))
    else:
        out.append(("(b) replay Python", False, "docker-py failed"))
    pl = mb.get(("replay", "plain"))
    if pl:
        for k in ("c-batch", "c-frames"):
            v = mb.get(("replay", k), 0.0)
            out.append((f"(b) replay C {k} >= 0.7x plain read-and-demux", v >= 0.7 * pl,
                        f"{v:.1f} MB/s vs {pl:.1f} ({v / pl:.2f}x)"))
    else:
        out.append(("(b) replay C", False, "plain baseline failed or not built"))
    return out


def n_frames(payload: bytes) -> Tuple[int, int]:
    """(frames, byte sum of the frame payloads) of multiplexed bytes."""
    n = off = hsum = 0
    while off < len(payload):
        hsum += sum(payload[off:off + 8])
        off += 8 + struct.unpack_from(">BxxxL", payload, off)[1]
        n += 1
    return n, sum(payload) - hsum


if __name__ == "__main__":
    sys.exit(main())
