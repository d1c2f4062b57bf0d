#!/usr/bin/env python3
"""Benchmark: clibdocker.aio.AsyncAPIClient against aiodocker (from PyPI, in
the same venv) on the real main engine (unix:///var/run/docker.sock).

1. ``inspect_image`` and ``ping`` with 1, 16, 64 and 256 calls in flight:
   calls/s (wall) and the client's CPU per call (user+sys of the process,
   ``resource.getrusage``), each measurement in its own process, rounds
   interleaved (ours, theirs, ours, ...), the median of the rounds reported
   with the ratios.
2. 1,000 followed streams in one process (events, and logs of one running
   container): RSS growth and CPU while they are open.

    bash scripts/dev-build.sh
    python3 benchmarks/bench_aio.py [--rounds 3] [--calls 4000] [--streams 1000]

The engine's CPU per call (dockerd's user+sys over the measurement) is
printed too, with the bound it sets: with client and engine on the same
cores and the cores the limit, calls/s <= cores / (engine + client CPU per
call), so our rate can be at most (engine + theirs) / (engine + ours) times
theirs.

A third client, the FLOOR, is measured in the same interleaved rounds: no
HTTP library at all, an asyncio Protocol per connection (one per call in
flight) that writes the request's bytes and reads Content-Length bytes of
answer, and json.loads it (for inspect). It is what any asyncio client
pays on this machine before doing anything of its own: its ratios to
aiodocker say how far the targets are reachable here at all.

Targets (issue #11): at 64 in flight >= 1.5x aiodocker's calls/s for inspect
and >= 2x for ping; client CPU per call <= half of aiodocker's at every
concurrency; 1,000 followed streams with RSS growth < 100 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from typing import Any, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYDIR = os.path.join(ROOT, "python")
URL = "unix:///var/run/docker.sock"
IMAGE = os.environ.get("CLIBDOCKER_TEST_IMAGE", "clibdocker-test/busybox:latest")
CONCS = (1, 16, 64, 256)
OPS = ("inspect", "ping")


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _engine_cpu() -> float:
    """CPU seconds (user+sys) the engine's process has used (0 if unknown):
    on a machine where client and engine share the cores, what the engine
    spends per call bounds the client's possible gain."""
    try:
        with open("/var/run/docker.pid") as f:
            pid = int(f.read().strip())
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _drive(call: Any, conc: int, n: int) -> Dict[str, float]:
    """n calls, `conc` at a time (conc workers taking from one counter)."""
    left = [n]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            await call()

    for _ in range(min(conc, 8)):
        await call()  # connections open, version negotiated
    e0, c0, t0 = _engine_cpu(), _cpu(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(conc)))
    wall, cpu, eng = time.perf_counter() - t0, _cpu() - c0, _engine_cpu() - e0
    return {"calls_s": n / wall, "cpu_us": cpu / n * 1e6, "engine_us": eng / n * 1e6}


async def _worker_calls(client: str, op: str, conc: int, n: int) -> Dict[str, float]:
    if client == "clibdocker":
        sys.path.insert(0, PYDIR)
        from clibdocker.aio import AsyncAPIClient
        async with AsyncAPIClient(URL, version="1.41") as c:
            if op == "inspect":
                fn = c.inspect_image

                async def call() -> Any:
                    return await fn(IMAGE)
            else:
                call = c.ping
            return await _drive(call, conc, n)
    import aiodocker
    d = aiodocker.Docker(URL, api_version="v1.41")
    try:
        if op == "inspect":
            async def call() -> Any:
                return await d.images.inspect(IMAGE)
        else:
            async def call() -> Any:
                # aiodocker has no ping method: GET /_ping as its own
                # client does it (docker.system has only info())
                async with d._query("_ping") as resp:  # noqa: SLF001
                    return await resp.read()
        return await _drive(call, conc, n)
    finally:
        await d.close()


async def _worker_streams(client: str, n: int, cid: str) -> Dict[str, float]:
    """n followed streams open at once: half events, half logs of `cid`."""
    rss0, c0 = _rss_mb(), _cpu()
    got = [0]
    if client == "clibdocker":
        sys.path.insert(0, PYDIR)
        from clibdocker.aio import AsyncAPIClient
        async with AsyncAPIClient(URL, version="1.41") as c:
            await c.ping()
            rss0, c0 = _rss_mb(), _cpu()
            # opened all at once, as aiodocker's tasks below open theirs
            streams = await asyncio.gather(*(
                c.events(decode=True, filters={"type": "volume", "label": "nothing=1"}) if i % 2
                else c.logs(cid, stream=True, follow=True, tail=0) for i in range(n)))

            async def consume(st: Any) -> None:
                async for _ in st:
                    got[0] += 1

            tasks = [asyncio.create_task(consume(st)) for st in streams]
            await asyncio.sleep(5)
            rss1, c1 = _rss_mb(), _cpu()
            for st in streams:
                st.close()
            await asyncio.gather(*tasks, return_exceptions=True)
    else:
        import aiodocker
        d = aiodocker.Docker(URL, api_version="v1.41")
        try:
            await d.system.info()
            rss0, c0 = _rss_mb(), _cpu()
            cont = d.containers.container(cid)

            async def consume_logs() -> None:
                async for _ in cont.log(stdout=True, follow=True, tail=0):
                    got[0] += 1

            async def consume_events() -> None:
                resp = await d._do_query("events", method="GET",  # noqa: SLF001
                                         params={"filters": json.dumps({"type": ["volume"],
                                                                        "label": ["nothing=1"]})},
                                         timeout=0)
                async with resp.context as r:
                    async for _ in r.content:
                        got[0] += 1

            tasks = [asyncio.create_task(consume_events() if i % 2 else consume_logs())
                     for i in range(n)]
            await asyncio.sleep(5)
            rss1, c1 = _rss_mb(), _cpu()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            await d.close()
    return {"rss_growth_mb": rss1 - rss0, "cpu_s": c1 - c0, "messages": got[0]}


class _FloorProtocol(asyncio.Protocol):
    """The floor's connection: one request at a time, the answer read to
    its Content-Length (dockerd gives one for these small answers)."""

    def __init__(self) -> None:
        self.buf = b""
        self.need = -1
        self.head = 0
        self.fut: Any = None
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if self.need < 0:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].lower()
            at = head.find(b"\r\ncontent-length:")
            if at < 0:
                self.fut.set_exception(RuntimeError("floor: an answer without Content-Length"))
                return
            stop = head.find(b"\r\n", at + 2)
            self.head = end + 4
            self.need = self.head + int(head[at + 17:stop if stop > 0 else len(head)])
        if len(self.buf) >= self.need:
            body = self.buf[self.head:self.need]
            self.buf, self.need = self.buf[self.need:], -1
            fut, self.fut = self.fut, None
            fut.set_result(body)

    def connection_lost(self, exc: Any) -> None:
        if self.fut is not None and not self.fut.done():
            self.fut.set_exception(ConnectionError("floor: the engine closed the connection"))


async def _worker_floor(op: str, conc: int, n: int) -> Dict[str, float]:
    """The floor (see the module's text): `conc` connections, each used by
    one worker of _drive's."""
    loop = asyncio.get_running_loop()
    path = (f"/v1.41/images/{IMAGE.replace('/', '%2F')}/json" if op == "inspect"
            else "/v1.41/_ping")
    req = f"GET {path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: floor\r\n\r\n".encode()
    sock = URL[len("unix://"):]
    idle = [(await loop.create_unix_connection(_FloorProtocol, sock))[1] for _ in range(conc)]

    async def call() -> Any:
        p = idle.pop()
        try:
            p.fut = loop.create_future()
            p.transport.write(req)
            body = await p.fut
        finally:
            idle.append(p)
        return json.loads(body) if op == "inspect" else body

    try:
        return await _drive(call, conc, n)
    finally:
        for p in idle:
            p.transport.close()


def _run_worker(args: List[str]) -> Dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args],
                         check=True, capture_output=True, text=True, timeout=900)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calls", type=int, default=4000)
    ap.add_argument("--streams", type=int, default=1000)
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--concs", default=",".join(map(str, CONCS)))
    ap.add_argument("--no-floor", action="store_true",
                    help="do not measure the floor client (see the module's text)")
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.worker:
        w = a.worker
        if w[0] == "calls" and w[1] == "floor":
            res = asyncio.run(_worker_floor(w[2], int(w[3]), int(w[4])))
        elif w[0] == "calls":
            res = asyncio.run(_worker_calls(w[1], w[2], int(w[3]), int(w[4])))
        else:
            res = asyncio.run(_worker_streams(w[1], int(w[2]), w[3]))
        print(json.dumps(res))
        return 0

    results: Dict[str, Any] = {"calls": {}, "streams": {}}
    ok = True
    print(f"calls: {a.calls} per measurement, {a.rounds} interleaved rounds, median")
    print(f"{'op':8} {'in flight':>9} | {'clibdocker calls/s':>18} {'aiodocker calls/s':>18} "
          f"{'ratio':>6} | {'clibdocker CPU us':>17} {'aiodocker CPU us':>16} {'ratio':>6} | "
          f"{'engine CPU us':>13} {'bound':>6}"
          + ("" if a.no_floor else f" | {'floor calls/s':>13} {'CPU us':>6} "
                                   f"{'rate/aio':>8} {'CPU/aio':>7}"))
    clients = ("clibdocker", "aiodocker") + (() if a.no_floor else ("floor",))
    for op in a.ops.split(","):
        for conc in map(int, a.concs.split(",")):
            runs: Dict[str, List[Dict[str, float]]] = {cl: [] for cl in clients}
            for _ in range(a.rounds):
                for client in clients:
                    runs[client].append(_run_worker(["calls", client, op, str(conc), str(a.calls)]))
            med = {cl: {k: statistics.median(r[k] for r in rs)
                        for k in ("calls_s", "cpu_us", "engine_us")}
                   for cl, rs in runs.items()}
            ours, theirs = med["clibdocker"], med["aiodocker"]
            rate = ours["calls_s"] / theirs["calls_s"]
            cpu = ours["cpu_us"] / theirs["cpu_us"]
            # when client and engine share the cores and the cores are the
            # limit, calls/s <= cores / (engine + client CPU per call): the
            # highest ratio our client's CPU allows against theirs
            eng = statistics.median([ours["engine_us"], theirs["engine_us"]])
            bound = (eng + theirs["cpu_us"]) / (eng + ours["cpu_us"]) if eng else float("nan")
            results["calls"][f"{op}/{conc}"] = {**med, "rounds": runs}
            floor = ""
            if "floor" in med:
                fl = med["floor"]
                floor = (f" | {fl['calls_s']:>13.0f} {fl['cpu_us']:>6.1f} "
                         f"{fl['calls_s'] / theirs['calls_s']:>7.2f}x "
                         f"{fl['cpu_us'] / theirs['cpu_us']:>6.2f}x")
            print(f"{op:8} {conc:>9} | {ours['calls_s']:>18.0f} {theirs['calls_s']:>18.0f} "
                  f"{rate:>5.2f}x | {ours['cpu_us']:>17.1f} {theirs['cpu_us']:>16.1f} {cpu:>5.2f}x | "
                  f"{eng:>13.1f} {bound:>5.2f}x" + floor, flush=True)
            if cpu > 0.5:
                ok = False
            if conc == 64 and rate < (1.5 if op == "inspect" else 2.0):
                ok = False
    if a.streams:
        sys.path.insert(0, PYDIR)
        import clibdocker
        c = clibdocker.APIClient(URL, version="1.41")
        cid = c.create_container(IMAGE, ["sh", "-c", "while true; do sleep 1; done"],
                                 labels={"clibdocker-test": "1"})["Id"]
        try:
            c.start(cid)
            for client in ("clibdocker", "aiodocker"):
                r = _run_worker(["streams", client, str(a.streams), cid])
                results["streams"][client] = r
                print(f"{a.streams} followed streams, {client}: RSS growth "
                      f"{r['rss_growth_mb']:.1f} MB, CPU {r['cpu_s']:.2f} s", flush=True)
            if results["streams"]["clibdocker"]["rss_growth_mb"] >= 100:
                ok = False
        finally:
            c.remove_container(cid, force=True)
    print("targets:", "MET" if ok else "NOT MET")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
