#!/usr/bin/env python3
"""Image save/load benchmark: throughput (MB/s), client CPU per MB and peak
RSS growth for a large image through clibdocker (C and Python) and docker-py
7.1, in the same run, against two servers:

- ``engine``: the real engine (unix:///var/run/docker.sock). dockerd is the
  bottleneck here, so beside the clients a ``raw`` row shows the *engine
  ceiling*: the fastest any client can go, a plain blocking unix-socket HTTP
  client without a library (benchmarks/bench_images_c.c ``raw-save`` /
  ``raw-load``: for save, the chunked answer received in 256 KiB pieces and
  each payload run written to the file; for load, the file sent with
  ``sendfile`` under a Content-Length, then the answer read and checked).
  ``raw-py`` is the same client in Python (``recv_into`` a preallocated
  buffer, one ``writev`` per receive; ``sendfile``). Every row shows its
  throughput as a fraction of the ceiling, and the client's own CPU time per
  MB (user+sys of the client process over the transfer, getrusage): what a
  client controls against a real engine.
- ``replay``: a replay server in a separate process (unix socket, SO_SNDBUF
  4 MiB) that answers ``/_ping``, ``/version``, ``GET
  /v1.41/images/<name>/get`` with the tar saved from the engine (from memory,
  in 32 KiB HTTP chunks like dockerd, the whole framed answer in one
  ``sendall``) and ``POST /v1.41/images/load`` by consuming the body (chunked
  or Content-Length, ``recv_into`` a 4 MiB buffer) and answering
  ``{"stream":"Loaded image: ...\\n"}`` like dockerd; it reports the bytes of
  each transfer, which are checked. The client is the bottleneck; the
  ``raw`` row is the server's own ceiling.

Clients, each run in a fresh process, interleaved repetitions (3 against the
engine, 5 against the replay server; median MB/s and CPU, largest RSS
growth):

- ``raw``, ``raw-py``: the ceiling clients above (C, Python; no library);
- ``c``: benchmarks/bench_images_c.c: dk_image_get + dk_stream_copy_fd,
  dk_image_load from dk_read_fd;
- ``py``: clibdocker ``save_image(name, path)``, ``load_image(file object)``;
- ``py-chunks``: clibdocker ``get_image`` chunks written to the file (save only);
- ``docker-py``: ``get_image`` chunks written to the file, ``load_image(file
  object)``.

Engine saves go to a file in a temporary directory on tmpfs (/dev/shm if
writable, else the default temporary directory; a disk file would make the
client's CPU time depend on dirty-page writeback), each checked against the
raw client's tar (size; sha256 in the first repetition); engine and replay
loads read the raw client's tar from there; replay saves write to /dev/null
(the bytes counted by the client and by the server, checked).
Every client is pinned to API 1.41. Peak RSS growth = VmHWM after the
transfer minus VmRSS before it (the peak is reset first via
/proc/self/clear_refs).

Targets (exit status 1 if one fails): Python RSS growth < 64 MB on the real
engine (save and load); replay throughput >= 2x docker-py (C and Python,
save and load). Real-engine ratios and CPU-per-MB ratios are printed for
information.

    python3 benchmarks/bench_images.py [--size-mb 320] [--reps 3] [--keep]
                                       [--json FILE]

It builds the C side itself (Release, in build-bench-images/) and the
in-place Python extension (scripts/dev-build.sh).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYDIR = os.path.join(ROOT, "python")
BUILD = os.path.join(ROOT, "build-bench-images")
TEST_IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
ENGINE_SOCK = "/var/run/docker.sock"
API = "1.41"
BUF = 4 << 20          # the replay server's receive buffer
SAVE_BUF = 256 << 10   # the raw save client's (fits in L2: the copy to the file is cheap)
CHUNK = 32 << 10       # dockerd's HTTP chunk size for image save (measured)
SNDBUF = 4 << 20       # the raw load client's and the replay server's SO_SNDBUF
                       # (the kernel caps it at net.core.wmem_max)
CLIENTS = ("raw", "raw-py", "c", "py", "py-chunks", "docker-py")


# --- measuring one transfer in this process -------------------------------------

def status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def reset_hwm() -> bool:
    """Reset the peak RSS (VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Meter:
    """Wall time, CPU time and peak RSS growth of the enclosed block."""

    def __enter__(self) -> "Meter":
        hwm0 = status_kb("VmHWM")
        self.base = status_kb("VmRSS") if reset_hwm() else hwm0
        self.c0 = cpu_s()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = cpu_s() - self.c0
        self.hwm = status_kb("VmHWM")

    def result(self, nbytes: int) -> Dict[str, Any]:
        return {"wall": self.wall, "cpu": self.cpu, "bytes": nbytes,
                "rss_growth_kb": self.hwm - self.base, "hwm_kb": self.hwm}


# --- the raw (ceiling) client ---------------------------------------------------

def sock_path(url: str) -> str:
    assert url.startswith("unix://")
    return url[len("unix://"):]


def read_head(s: socket.socket, buf: bytearray) -> Tuple[int, Dict[str, str], bytes]:
    """Read an HTTP answer's head: (status, headers lower-cased, bytes after it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        n = s.recv_into(buf)
        if not n:
            raise ConnectionError("connection closed before the answer's head")
        data += buf[:n]
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), hdrs, rest


def writeall(fd: int, mv: memoryview) -> None:
    while mv:
        mv = mv[os.write(fd, mv):]


def writevall(fd: int, segs: List[memoryview]) -> None:
    while segs:
        n = os.writev(fd, segs[:1024])
        while n and segs:
            if n >= len(segs[0]):
                n -= len(segs.pop(0))
            else:
                segs[0] = segs[0][n:]
                n = 0


def read_chunked(s: socket.socket, buf: bytearray, pre: bytes, fd: Optional[int]) -> int:
    """Decode a chunked body: the payload goes to ``fd`` (or nowhere), one
    writev per receive; returns the payload bytes. Reads into ``buf``
    (preallocated) with recv_into."""
    mv = memoryview(buf)
    n = len(pre)
    buf[:n] = pre
    skip = crlf = total = 0
    line = bytearray()
    segs: List[memoryview] = []
    while True:
        i = 0
        while i < n:
            if skip:
                take = min(skip, n - i)
                if fd is not None:
                    segs.append(mv[i:i + take])
                i += take
                skip -= take
                total += take
                if not skip:
                    crlf = 2
                continue
            if crlf:
                take = min(crlf, n - i)
                i += take
                crlf -= take
                continue
            j = buf.find(b"\n", i, n)
            if j < 0:
                line += mv[i:n]
                break
            line += mv[i:j]
            i = j + 1
            size = int(bytes(line).split(b";")[0].strip(), 16)
            line.clear()
            if size == 0:
                if segs and fd is not None:
                    writevall(fd, segs)
                return total
            skip = size
        if segs and fd is not None:
            writevall(fd, segs)
            segs = []
        n = s.recv_into(mv)
        if not n:
            raise ConnectionError("connection closed mid-body")


def read_rest(s: socket.socket, buf: bytearray, pre: bytes) -> bytes:
    out = [pre]
    while True:
        n = s.recv_into(buf)
        if not n:
            return b"".join(out)
        out.append(bytes(buf[:n]))


def raw_save(url: str, image: str, dest: str) -> int:
    buf = bytearray(SAVE_BUF)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock_path(url))
        s.sendall(f"GET /v{API}/images/{urllib.parse.quote(image, safe='/:')}/get HTTP/1.1\r\n"
                  f"Host: docker\r\nConnection: close\r\n\r\n".encode())
        status, hdrs, rest = read_head(s, buf)
        if status != 200:
            raise RuntimeError(f"raw save: {status} {read_rest(s, buf, rest)[:200]!r}")
        if "chunked" in hdrs.get("transfer-encoding", ""):
            return read_chunked(s, buf, rest, fd)
        writeall(fd, memoryview(rest))    # close-delimited or Content-Length
        total = len(rest)
        while True:
            n = s.recv_into(buf)
            if not n:
                return total
            writeall(fd, memoryview(buf)[:n])
            total += n
    finally:
        s.close()
        os.close(fd)


def raw_load(url: str, src: str) -> int:
    buf = bytearray(1 << 16)
    size = os.path.getsize(src)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(sock_path(url))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
        s.sendall(f"POST /v{API}/images/load?quiet=1 HTTP/1.1\r\nHost: docker\r\n"
                  f"Content-Type: application/x-tar\r\nContent-Length: {size}\r\n"
                  f"Connection: close\r\n\r\n".encode())
        with open(src, "rb") as f:
            off = 0
            while off < size:
                n = os.sendfile(s.fileno(), f.fileno(), off, size - off)
                if not n:
                    raise RuntimeError("raw load: the file shrank")
                off += n
        status, _, rest = read_head(s, buf)
        body = read_rest(s, buf, rest)
        if status != 200 or b"Loaded image" not in body or b'"error' in body:
            raise RuntimeError(f"raw load: {status} {body[:300]!r}")
        return size
    finally:
        s.close()


# --- one client, one transfer (in a fresh process) ------------------------------

def worker(kind: str, url: str, op: str, image: str, path: str) -> Dict[str, Any]:
    if kind == "raw-py":
        with Meter() as m:
            n = raw_save(url, image, path) if op == "save" else raw_load(url, path)
        return m.result(n)
    if kind in ("py", "py-chunks"):
        sys.path.insert(0, PYDIR)
        import clibdocker
        c: Any = clibdocker.APIClient(base_url=url, version=API, timeout=None)
    else:
        import docker  # type: ignore[import-untyped]
        c = docker.APIClient(base_url=url, version=API, timeout=600)
    c.ping()
    # bound before the clock starts: clibdocker's APIClient imports its API
    # areas beyond System on first use (~10 ms, a start-up cost, not a
    # transfer cost)
    save_image: Any = getattr(c, "save_image", None)    # docker-py has none
    get_image, load_image = c.get_image, c.load_image
    with Meter() as m:
        if op == "save" and kind == "py":
            n = save_image(image, path)
        elif op == "save":
            n = 0
            with open(path, "wb") as f:
                for chunk in get_image(image):
                    f.write(chunk)
                    n += len(chunk)
        else:
            with open(path, "rb") as f:
                for msg in load_image(f, quiet=True):
                    if "error" in msg:
                        raise RuntimeError(f"load: {msg}")
                n = f.tell()
    return m.result(n)


def run_one(kind: str, url: str, op: str, image: str, path: str, c_exe: str) -> Dict[str, Any]:
    if kind == "c":
        cmd = [c_exe, url, op, image, path]
    elif kind == "raw":
        cmd = [c_exe, url, "raw-" + op, image, path]
    else:
        cmd = [sys.executable, __file__, "--worker", kind, url, op, image, path]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                         env=dict(os.environ, PYTHONPATH=PYDIR))
    if res.returncode:
        raise RuntimeError(f"{kind} {op} against {url} failed: {res.stderr.strip()[-800:]}")
    out: Dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


# --- the replay server (run in its own process) ---------------------------------

def serve(path: str, tar: str, image: str) -> None:
    """Serve the engine's save answer for ``image`` (from memory, 32 KiB
    chunks) and consume loads; print ``get N`` / ``load N`` per transfer."""
    with open(tar, "rb") as f:
        payload = f.read()
    framed = bytearray()
    mv = memoryview(payload)
    for i in range(0, len(mv), CHUNK):
        piece = mv[i:i + CHUNK]
        framed += b"%x\r\n" % len(piece)
        framed += piece
        framed += b"\r\n"
    framed += b"0\r\n\r\n"
    del payload, mv
    body = bytes(framed)
    del framed
    size = os.path.getsize(tar)
    report = threading.Lock()

    def say(text: str) -> None:
        with report:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def answer(conn: socket.socket, status: str, data: bytes, ctype: str,
               close: bool) -> None:
        conn.sendall(f"HTTP/1.1 {status}\r\nApi-Version: {API}\r\nContent-Type: {ctype}\r\n"
                     f"Server: replay\r\nContent-Length: {len(data)}\r\n"
                     f"{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n"
                     .encode() + data)

    def consume(conn: socket.socket, hdrs: Dict[str, str], pre: bytes, buf: bytearray) -> int:
        if "chunked" in hdrs.get("transfer-encoding", "").lower():
            return read_chunked(conn, buf, pre, None)
        left = int(hdrs.get("content-length", "0")) - len(pre)
        got = len(pre)
        mvb = memoryview(buf)
        while left > 0:
            n = conn.recv_into(mvb[:min(left, len(buf))])
            if not n:
                raise ConnectionError("connection closed mid-body")
            left -= n
            got += n
        return got

    def handle(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
        buf = bytearray(BUF)
        data = b""
        try:
            while True:
                while b"\r\n\r\n" not in data:
                    n = conn.recv_into(buf, 65536)
                    if not n:
                        return
                    data += buf[:n]
                head, data = data.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, target = lines[0].split(" ")[:2]
                hdrs = {}
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    hdrs[k.strip().lower()] = v.strip()
                close = hdrs.get("connection", "").lower() == "close"
                p = urllib.parse.unquote(target.split("?")[0])
                if method == "POST" and p.endswith("/images/load"):
                    n = consume(conn, hdrs, data, buf)
                    data = b""
                    say(f"load {n}")
                    msg = json.dumps({"stream": f"Loaded image: {image}\n"}).encode() + b"\r\n"
                    conn.sendall(f"HTTP/1.1 200 OK\r\nApi-Version: {API}\r\n"
                                 f"Content-Type: application/json\r\nServer: replay\r\n"
                                 f"Transfer-Encoding: chunked\r\n"
                                 f"{'Connection: close' + chr(13) + chr(10) if close else ''}"
                                 f"\r\n".encode()
                                 + b"%x\r\n" % len(msg) + msg + b"\r\n0\r\n\r\n")
                elif method == "GET" and p.endswith(f"/images/{image}/get"):
                    conn.sendall(f"HTTP/1.1 200 OK\r\nApi-Version: {API}\r\n"
                                 f"Content-Type: application/x-tar\r\nServer: replay\r\n"
                                 f"Transfer-Encoding: chunked\r\n"
                                 f"{'Connection: close' + chr(13) + chr(10) if close else ''}"
                                 f"\r\n".encode())
                    conn.sendall(body)
                    say(f"get {size}")
                elif p.endswith("/_ping"):
                    answer(conn, "200 OK", b"OK", "text/plain; charset=utf-8", close)
                elif p.endswith("/version"):
                    answer(conn, "200 OK", json.dumps(
                        {"ApiVersion": API, "MinAPIVersion": "1.12", "Version": "replay",
                         "Os": "linux", "Arch": "amd64"}).encode(), "application/json", close)
                else:
                    answer(conn, "404 Not Found", json.dumps(
                        {"message": f"replay: no route for {method} {p}"}).encode(),
                        "application/json", close)
                if close:
                    return
        except OSError:
            return
        finally:
            conn.close()

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    say("ready")
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


class Replay:
    """The replay server subprocess."""

    def __init__(self, tmp: str, tar: str, image: str) -> None:
        self.path = os.path.join(tmp, "replay.sock")
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", self.path, tar, image],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"replay server did not start: {line!r}")
        self.url = f"unix://{self.path}"

    def last(self) -> str:
        """The server's report of the transfer just done."""
        assert self.proc.stdout
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# --- the run --------------------------------------------------------------------

def build() -> str:
    from _cbuild import build_bench_c
    exe = build_bench_c(BUILD, "bench_images_c.c", os.path.join(BUILD, "bench_images_c"))
    subprocess.run(["bash", os.path.join(ROOT, "scripts", "dev-build.sh")], check=True,
                   capture_output=True)
    return exe


def make_image(size_mb: int) -> str:
    tag = f"clibdocker-test/bench-images:{size_mb}m-{os.getpid()}"
    df = (f"FROM {TEST_IMAGE}\nRUN head -c {size_mb}m /dev/urandom > /big\n"
          "LABEL clibdocker-test=1\n")
    subprocess.run(["docker", "build", "-q", "-t", tag, "-"], input=df.encode(), check=True,
                   capture_output=True)
    return tag


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            d = f.read(1 << 20)
            if not d:
                return h.hexdigest()
            h.update(d)


def summarize(src: str, op: str, kind: str, runs: List[Dict[str, Any]], ok: bool,
              note: str) -> Dict[str, Any]:
    mbps = [r["bytes"] / r["wall"] / 1e6 for r in runs]
    cpu_mb = [r["cpu"] / (r["bytes"] / 1e6) * 1e3 for r in runs]
    return {"source": src, "op": op, "client": kind, "MB": runs[0]["bytes"] / 1e6,
            "mb_per_s": statistics.median(mbps), "mb_per_s_all": mbps,
            "cpu_ms_per_mb": statistics.median(cpu_mb),
            "cpu_s": statistics.median(r["cpu"] for r in runs),
            "rss_growth_mb": max(r["rss_growth_kb"] for r in runs) / 1024,
            "ok": ok, "note": note, "runs": runs}


def measure(src: str, url: str, image: str, ref_tar: Optional[str], tmp: str, reps: int,
            c_exe: str, replay: Optional[Replay], size: int) -> List[Dict[str, Any]]:
    """All clients, both ops, `reps` interleaved repetitions. Engine saves go
    to files under `tmp` (the first raw save becomes `ref_tar` when None);
    replay saves to /dev/null."""
    runs: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    notes: Dict[Tuple[str, str], List[str]] = {}
    for rep in range(reps):
        for op in ("save", "load"):
            # each repetition starts with another client (no order effect);
            # the engine's first save is the raw client's (the reference tar)
            order = CLIENTS[rep % len(CLIENTS):] + CLIENTS[:rep % len(CLIENTS)]
            for kind in order:
                if op == "load" and kind == "py-chunks":
                    continue
                key = (op, kind)
                if op == "save":
                    dest = os.devnull if replay else os.path.join(tmp, f"{kind}.tar")
                    r = run_one(kind, url, op, image, dest, c_exe)
                    bad = []
                    if replay:
                        got = replay.last()
                        if got != f"get {size}" or r["bytes"] != size:
                            bad.append(f"server {got!r}, client {r['bytes']} B")
                    elif ref_tar is None:
                        ref_tar = os.path.join(tmp, "ref.tar")
                        os.rename(dest, ref_tar)
                    else:
                        fs = os.path.getsize(dest)
                        if r["bytes"] != fs or fs != os.path.getsize(ref_tar):
                            bad.append(f"{r['bytes']} B reported, {fs} B in the file")
                        elif rep == 0 and sha256(dest) != sha256(ref_tar):
                            bad.append("sha256 differs from the raw client's tar")
                        os.unlink(dest)
                else:
                    assert ref_tar
                    r = run_one(kind, url, op, image, ref_tar, c_exe)
                    bad = []
                    if replay:
                        got = replay.last()
                        if got != f"load {os.path.getsize(ref_tar)}":
                            bad.append(f"server got {got!r}")
                    if r["bytes"] != os.path.getsize(ref_tar):
                        bad.append(f"client read {r['bytes']} B")
                runs.setdefault(key, []).append(r)
                notes.setdefault(key, []).extend(bad)
                print(f"  [{src}] rep {rep + 1} {op} {kind:<10} "
                      f"{r['bytes'] / r['wall'] / 1e6:8.1f} MB/s  cpu {r['cpu']:.2f} s  "
                      f"rss +{r['rss_growth_kb'] / 1024:.1f} MB{'  ' + '; '.join(bad) if bad else ''}",
                      file=sys.stderr, flush=True)
    return [summarize(src, op, kind, rs, not notes[(op, kind)], "; ".join(notes[(op, kind)]))
            for (op, kind), rs in runs.items()]


def table(rows: List[Dict[str, Any]], src: str) -> None:
    by = {(r["op"], r["client"]): r for r in rows if r["source"] == src}
    print(f"\n[{src}] {'op':<5} {'client':<10} {'MB/s':>8} {'x raw':>6} {'x d-py':>7} "
          f"{'CPU s':>6} {'CPU ms/MB':>10} {'RSS+ MB':>8}  check")
    for r in rows:
        if r["source"] != src:
            continue
        raw = by[(r["op"], "raw")]["mb_per_s"]
        dp = by[(r["op"], "docker-py")]["mb_per_s"]
        print(f"[{src}] {r['op']:<5} {r['client']:<10} {r['mb_per_s']:8.1f} "
              f"{r['mb_per_s'] / raw:6.2f} {r['mb_per_s'] / dp:7.2f} {r['cpu_s']:6.2f} "
              f"{r['cpu_ms_per_mb']:10.2f} {r['rss_growth_mb']:8.1f}  "
              f"{'ok' if r['ok'] else 'WRONG: ' + r['note']}")


def targets(rows: List[Dict[str, Any]]) -> List[Tuple[str, str, str]]:
    """(PASS/FAIL/INFO, name, detail)."""
    by = {(r["source"], r["op"], r["client"]): r for r in rows}
    out: List[Tuple[str, str, str]] = []
    names = {"py": "save_image", "py-chunks": "get_image chunks"}
    for op, kind in (("save", "py"), ("save", "py-chunks"), ("load", "py")):
        r = by[("engine", op, kind)]
        g = r["rss_growth_mb"]
        what = names[kind] if op == "save" else "load_image(file)"
        out.append(("PASS" if g < 64 else "FAIL", f"engine {op}: Python {what} peak RSS growth < 64 MB",
                    f"{g:.1f} MB (worst of the repetitions, {r['MB']:.0f} MB image)"))
    for op in ("save", "load"):
        dp = by[("replay", op, "docker-py")]["mb_per_s"]
        for kind, label in (("c", "C"), ("py", "Python")):
            v = by[("replay", op, kind)]["mb_per_s"]
            out.append(("PASS" if v >= 2 * dp else "FAIL",
                        f"replay {op}: {label} throughput >= 2x docker-py",
                        f"{v:.0f} MB/s vs {dp:.0f} (x{v / dp:.2f})"))
    for op in ("save", "load"):
        dp = by[("replay", op, "docker-py")]["mb_per_s"]
        top = max(by[("replay", op, k)]["mb_per_s"] for k in ("raw", "raw-py"))
        out.append(("INFO", f"replay {op}: the fastest raw client (the server's ceiling) vs docker-py",
                    f"{top:.0f} MB/s vs {dp:.0f} (x{top / dp:.2f}): the server bounds what a "
                    f"client can show here near this"))
    dp = by[("replay", "save", "docker-py")]["mb_per_s"]
    v = by[("replay", "save", "py-chunks")]["mb_per_s"]
    out.append(("INFO", "replay save: Python get_image chunks vs docker-py",
                f"{v:.0f} MB/s vs {dp:.0f} (x{v / dp:.2f})"))
    for op in ("save", "load"):
        e = {k: by[("engine", op, k)] for k in CLIENTS if ("engine", op, k) in by}
        raw = e["raw"]["mb_per_s"]
        out.append(("INFO", f"engine {op}: MB/s (x engine ceiling)",
                    ", ".join(f"{k} {r['mb_per_s']:.0f} ({r['mb_per_s'] / raw:.2f})"
                              for k, r in e.items())))
        dp = e["docker-py"]
        out.append(("INFO", f"engine {op}: throughput clibdocker/docker-py",
                    ", ".join(f"{k} x{r['mb_per_s'] / dp['mb_per_s']:.2f}"
                              for k, r in e.items() if k in ("c", "py", "py-chunks"))))
        for src in ("engine", "replay"):
            dp = by[(src, op, "docker-py")]
            out.append(("INFO", f"{src} {op}: CPU per MB docker-py/clibdocker",
                        f"docker-py {dp['cpu_ms_per_mb']:.2f} ms/MB; " + ", ".join(
                            f"{k} {by[(src, op, k)]['cpu_ms_per_mb']:.2f} ms/MB "
                            f"(x{dp['cpu_ms_per_mb'] / by[(src, op, k)]['cpu_ms_per_mb']:.1f})"
                            for k in ("c", "py", "py-chunks") if (src, op, k) in by)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=int, default=320,
                    help="MiB of random data in the test image (default 320)")
    ap.add_argument("--reps", type=int, default=3,
                    help="repetitions per client against the engine (default 3)")
    ap.add_argument("--replay-reps", type=int, default=5,
                    help="repetitions per client against the replay server (default 5)")
    ap.add_argument("--keep", action="store_true", help="keep the test image")
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    ap.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print(json.dumps(worker(*a.worker)))
        return 0
    if a.serve:
        serve(*a.serve)
        return 0

    t_start = time.monotonic()
    engine = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                            capture_output=True, text=True).stdout.strip()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
          f"Linux {os.uname().release}; engine {engine} (API {API}); docker-py "
          f"{__import__('docker').__version__}; load average {os.getloadavg()[0]:.2f}",
          flush=True)
    c_exe = build()
    tag = make_image(a.size_mb)
    # files in memory (tmpfs) when there is one: a save to a disk file makes
    # the client's CPU time depend on the kernel's dirty-page writeback
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    tmp = tempfile.mkdtemp(prefix="clibdocker-bench-images-", dir=shm)
    replay = None
    rows: List[Dict[str, Any]] = []
    try:
        print(f"image {tag}: {a.size_mb} MiB of random data; {a.reps} repetitions per client "
              f"against the engine, {a.replay_reps} against the replay server; "
              f"engine saves to files in {tmp}, replay saves to /dev/null", flush=True)
        rows += measure("engine", f"unix://{ENGINE_SOCK}", tag, None, tmp, a.reps, c_exe,
                        None, 0)
        ref = os.path.join(tmp, "ref.tar")
        size = os.path.getsize(ref)
        replay = Replay(tmp, ref, tag)
        rows += measure("replay", replay.url, tag, ref, tmp, a.replay_reps, c_exe, replay, size)
    finally:
        if replay:
            replay.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if not a.keep:
            subprocess.run(["docker", "rmi", tag], capture_output=True)
    print(f"\n{size / 1e6:.1f} MB tar; MB/s and CPU: median of the repetitions; RSS+: worst; "
          f"x raw: fraction of the raw client (engine: the engine ceiling; replay: the "
          f"server's); x d-py: ratio to docker-py; CPU: user+sys of the client process")
    table(rows, "engine")
    table(rows, "replay")
    verdicts = targets(rows)
    print()
    for v, name, detail in verdicts:
        print(f"{v:<4}  {name}: {detail}")
    print(f"(whole run {time.monotonic() - t_start:.0f} s, load average {os.getloadavg()[0]:.2f})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows, "targets": verdicts}, f, indent=1)
    ok = all(r["ok"] for r in rows) and all(v != "FAIL" for v, _, _ in verdicts)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
