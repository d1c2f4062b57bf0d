"""Soak: many calls and abandoned streams on one client leave RSS and open
file descriptors flat (the bounds are stated in docs/guarantees.md)."""
from __future__ import annotations

import gc
import os
import resource
import time

import pytest

import clibdocker
from clibdocker import errors


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_soak_100k_calls_and_1000_abandoned_streams(client):
    until = str(int(time.time()) + 3600)
    # warm up: the pool, negotiation, allocator arenas
    for _ in range(2000):
        client.ping()
    for _ in range(20):
        client.events(since=0, until=until).close()
    gc.collect()
    rss0, fds0 = _rss_kib(), _fds()
    samples = []
    n = 0
    for round_ in range(10):
        for i in range(10_000):
            k = i % 100   # /version and /info cost the engine ~5 ms: keep them rare
            if k < 70:
                client.ping()
            elif k < 95:
                client.ping_head()
            elif k < 96:
                client.version()
            elif k < 97:
                client.info()
            else:
                try:
                    client.df(types=["volume"])   # refused before any request
                except errors.InvalidVersion:
                    pass
            n += 1
        for j in range(100):
            s = client.events(filters={"type": "volume"})  # follows: never ends on its own
            if j % 2:
                s.close()
            del s                                          # the rest are abandoned
        gc.collect()
        samples.append((_rss_kib(), _fds()))
    assert n == 100_000
    rss_growth = samples[-1][0] - rss0
    # flat: the second half grows no more than noise, total well bounded
    assert samples[-1][0] - samples[4][0] < 4 * 1024, samples
    assert rss_growth < 16 * 1024, samples
    assert max(f for _, f in samples) <= fds0 + 2, (fds0, samples)


def test_many_clients_created_and_closed_leak_nothing():
    for _ in range(50):
        clibdocker.APIClient().ping()
    gc.collect()
    rss0, fds0 = _rss_kib(), _fds()
    for _ in range(500):
        with clibdocker.APIClient() as c:
            c.ping()
    for _ in range(500):
        clibdocker.APIClient().ping()   # abandoned: ffi.gc frees it
    gc.collect()
    assert _fds() <= fds0 + 1
    assert _rss_kib() - rss0 < 8 * 1024
