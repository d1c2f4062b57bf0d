"""AsyncAPIClient on the event loop (libcurl's multi handle driven by asyncio,
csrc/loop.c): no thread per call, the blocking path's results, errors, trace
and version negotiation, cancellation that frees everything, many engines
from one loop. Against the real engines."""
from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import Executor, Future
from typing import Any, Callable, List

import pytest

import clibdocker
from clibdocker import errors
from clibdocker.aio import AsyncAPIClient
from clibdocker.tls import TLSConfig
from conftest import ENGINE2, LABELS, TEST_IMAGE, unique
from test_ssh import ssh_env, sshd  # noqa: F401  (fixtures)
from test_tls import tls_engine  # noqa: F401  (fixture)


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 300))


class NoThreads(Executor):
    """An executor that records what is submitted to it (and runs it, so a
    test failing on it says what went there)."""

    def __init__(self) -> None:
        self.submitted: List[str] = []

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> "Future[Any]":
        self.submitted.append(getattr(fn, "func", fn).__name__)
        f: "Future[Any]" = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:
            f.set_exception(e)
        return f


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_every_call_runs_on_the_loop_without_a_thread(client):
    """Containers, images, networks, volumes, system: all on the loop's
    multi handle, nothing handed to an executor or another thread; the
    results are the blocking client's."""
    ex = NoThreads()
    name = unique("aio-loop")
    threads0 = threading.active_count()

    async def main() -> None:
        async with AsyncAPIClient(executor=ex) as c:
            assert await c.ping() is True
            assert (await c.version())["ApiVersion"] == "1.41"
            info = await c.info()
            assert info["ID"] == client.info()["ID"]
            img = await c.inspect_image(TEST_IMAGE)
            assert img == client.inspect_image(TEST_IMAGE)
            assert {i["Id"] for i in await c.images(TEST_IMAGE)} == {img["Id"]}
            vol = await c.create_volume(name, labels=LABELS)
            assert vol["Name"] == name
            net = await c.create_network(name, labels=LABELS)
            try:
                ctr = await c.create_container(TEST_IMAGE, ["sleep", "30"], name=name,
                                               labels=LABELS,
                                               host_config=c.api.create_host_config(
                                                   binds=[f"{name}:/data"]))
                await c.connect_container_to_network(ctr["Id"], net["Id"])
                await c.start(ctr["Id"])
                state = (await c.inspect_container(ctr["Id"]))["State"]
                assert state["Running"] is True
                assert client.inspect_container(name)["State"]["Running"] is True
                listed = await c.containers(filters={"label": "clibdocker-test=1", "name": name})
                assert [x["Id"] for x in listed] == [ctr["Id"]]
                await c.stop(ctr["Id"], timeout=0)
                assert (await c.wait(ctr["Id"]))["StatusCode"] == 137
                await c.remove_container(ctr["Id"])
                with pytest.raises(errors.NotFound):
                    client.inspect_container(ctr["Id"])
            finally:
                await c.remove_network(net["Id"])
                await c.remove_volume(name)
            assert threading.active_count() == threads0

    run(main())
    assert ex.submitted == []
    with pytest.raises(errors.NotFound):
        client.inspect_volume(name)


def test_errors_and_trace_are_the_blocking_paths(client):
    blocking: List[Any] = []
    looped: List[Any] = []
    client.set_trace_hook(blocking.append)
    with pytest.raises(errors.ImageNotFound) as want:
        client.inspect_image("clibdocker-test/no-such-image:nope")
    client.inspect_image(TEST_IMAGE)
    client.set_trace_hook(None)

    async def main() -> None:
        async with AsyncAPIClient(version="1.41") as c:
            c.api.set_trace_hook(looped.append)
            with pytest.raises(errors.ImageNotFound) as got:
                await c.inspect_image("clibdocker-test/no-such-image:nope")
            assert str(got.value) == str(want.value)
            assert got.value.status_code == 404
            await c.inspect_image(TEST_IMAGE)
            # bad input: refused at once, nothing sent, the client usable
            with pytest.raises(errors.InvalidArgument):
                await c.inspect_container("../x")
            with pytest.raises(errors.InvalidArgument):
                await c.inspect_image("a\0b")
            assert await c.ping() is True
            c.api.set_trace_hook(None)

    run(main())
    assert [(t.method, t.url, t.status, t.error) for t in looped[:2]] == \
        [(t.method, t.url, t.status, t.error) for t in blocking[-2:]]
    assert looped[1].response_bytes == blocking[-1].response_bytes > 100
    assert all(t.end >= t.start for t in looped)


def test_version_negotiation_on_the_loop(client2):
    seen: List[str] = []

    async def main() -> None:
        async with AsyncAPIClient(ENGINE2) as c:
            c.api.set_trace_hook(lambda t: seen.append(t.url))
            # the first calls at once: each negotiates or finds it settled
            got = await asyncio.gather(*(c.inspect_image(TEST_IMAGE) for _ in range(5)))
            assert len({g["Id"] for g in got}) == 1
            assert c.api_version == client2.api_version == "1.45"
            c.api.set_trace_hook(None)

    run(main())
    assert seen[0].endswith("/_ping")
    assert any("/v1.45/images/" in u for u in seen)


def test_cancellation_and_timeouts_free_the_transfer(client):
    """wait_for / asyncio.timeout on a call the engine holds (wait on a
    running container) cancel it at once; the connection is dropped, and
    10,000 cancelled calls leave no fd and no memory behind."""
    cid = client.create_container(TEST_IMAGE, ["sleep", "300"], labels=LABELS)["Id"]
    client.start(cid)

    async def main() -> None:
        async with AsyncAPIClient() as c:
            await c.ping()
            d = c._driver()
            t0 = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(c.wait(cid), 0.3)
            async with asyncio.timeout(10):
                with pytest.raises(TimeoutError):
                    async with asyncio.timeout(0.3):
                        await c.wait(cid)
            assert time.monotonic() - t0 < 5
            assert d.L.running() == 0
            assert await c.ping() is True

            cancelled = [0]

            async def burst(n: int) -> None:
                tasks = [asyncio.create_task(c.inspect_image(TEST_IMAGE)) for _ in range(n)]
                await asyncio.sleep(0)   # each has started its transfer
                for t in tasks:
                    t.cancel()
                res = await asyncio.gather(*tasks, return_exceptions=True)
                # a call whose answer came before the cancel is simply done
                assert all(isinstance(r, (asyncio.CancelledError, dict)) for r in res), res
                cancelled[0] += sum(isinstance(r, asyncio.CancelledError) for r in res)

            for _ in range(4):            # warm up: allocator, connection cache
                await burst(250)
            fds0, rss0 = _fds(), _rss_kb()
            cancelled[0] = 0
            bursts = 0
            while cancelled[0] < 10000:   # 10,000 cancelled calls (a call the engine
                bursts += 1               # answered before its cancel is not one)
                assert bursts <= 200, cancelled[0]
                await burst(250)
            for _ in range(20):
                waits = [asyncio.create_task(c.wait(cid)) for _ in range(10)]
                await asyncio.sleep(0.01)
                for w in waits:
                    w.cancel()
                await asyncio.gather(*waits, return_exceptions=True)
            assert d.L.running() == 0
            assert not d.waiters
            fds1, rss1 = _fds(), _rss_kb()
            assert fds1 <= fds0 + 2, (fds0, fds1)
            assert rss1 - rss0 < 8 * 1024, (rss0, rss1)
            # still usable, and the engine still answers on fresh connections
            assert (await c.inspect_container(cid))["State"]["Running"] is True

    try:
        run(main())
    finally:
        client.remove_container(cid, force=True)


def test_many_engines_from_one_loop(client, client2, tls_engine, ssh_env):  # noqa: F811
    """Both engines, TLS and ssh, concurrent calls and followed streams, all
    from one event loop."""
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/ca.pem",
                    verify=True)
    name = unique("aio-engines")

    async def main() -> None:
        clients = [AsyncAPIClient(), AsyncAPIClient(ENGINE2), AsyncAPIClient(url, tls=tls),
                   AsyncAPIClient(ssh_env.url)]
        try:
            vers = await asyncio.gather(*(c.version() for c in clients))
            assert [v["ApiVersion"] for v in vers] == ["1.41", "1.45", "1.41", "1.41"]
            streams = [await c.events(decode=True, filters={"type": "volume", "volume": name})
                       for c in clients]
            got = await asyncio.gather(*(c.inspect_image(TEST_IMAGE) for c in clients
                                         for _ in range(8)))
            assert len(got) == 32
            assert {g["Id"] for g in got[:8]} == {client.inspect_image(TEST_IMAGE)["Id"]}

            async def first(st: Any) -> Any:
                async with st:
                    async for ev in st:
                        return ev
            waiters = [asyncio.create_task(first(st)) for st in streams]
            await asyncio.sleep(0.3)
            await clients[0].create_volume(name, labels=LABELS)
            await clients[1].create_volume(name, labels=LABELS)
            try:
                evs = await asyncio.wait_for(asyncio.gather(*waiters), 30)
            finally:
                await clients[0].remove_volume(name)
                await clients[1].remove_volume(name)
            assert all(e["Actor"]["ID"] == name and e["Action"] == "create" for e in evs)
        finally:
            for c in clients:
                await c.close()

    run(main())


def test_streamed_body_and_close_with_calls_in_flight(client, tmp_path):
    """What is blocking by nature (a streamed request body) still works
    (on a worker); closing the client cancels what is in flight."""
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        data = b"hello from aio\n"
        ti = tarfile.TarInfo("hello.txt")
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    cid = client.create_container(TEST_IMAGE, ["sleep", "300"], labels=LABELS)["Id"]

    async def main() -> None:
        c = AsyncAPIClient()
        assert await c.put_archive(cid, "/tmp", buf.getvalue()) is True
        await c.start(cid)
        pending = asyncio.create_task(c.wait(cid))
        await asyncio.sleep(0.2)
        await c.close()
        with pytest.raises(errors.Canceled):
            await pending

    try:
        run(main())
        bits, _ = client.get_archive(cid, "/tmp/hello.txt")
        raw = b"".join(bits)
        assert b"hello from aio" in raw
    finally:
        client.remove_container(cid, force=True)


def test_blocking_step_after_calls_on_the_loop_sends_nothing_twice(client):
    """A method that makes calls on the loop and then needs a blocking one
    (a streamed request body) finishes on a worker that replays the earlier
    answers: the container is created once (a second create of the same
    name would be a 409), the archive arrives."""
    import io
    import tarfile
    name = unique("aio-mixed")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        ti = tarfile.TarInfo("mixed.txt")
        ti.size = 6
        tf.addfile(ti, io.BytesIO(b"mixed\n"))
    seen: List[str] = []

    def create_and_upload(api: Any) -> str:
        cid: str = api.create_container(TEST_IMAGE, ["sleep", "60"], name=name,
                                        labels=LABELS)["Id"]
        assert api.inspect_container(cid)["Name"] == "/" + name
        assert api.logs(cid) == b""      # a stream read on the loop
        assert api.inspect_container(cid)["State"]["Status"] == "created"
        api.put_archive(cid, "/tmp", buf.getvalue())
        return cid

    async def main() -> str:
        async with AsyncAPIClient() as c:
            c.api.set_trace_hook(lambda t: seen.append(f"{t.method} {t.url}"))
            cid: str = await c._run(create_and_upload, c.api)
            c.api.set_trace_hook(None)
            return cid

    try:
        cid = run(main())
        assert sum("/containers/create" in s for s in seen) == 1, "\n".join(seen)
        bits, _ = client.get_archive(cid, "/tmp/mixed.txt")
        assert b"mixed\n" in b"".join(bits)
    finally:
        client.remove_container(name, force=True)


def test_whole_stream_consumers_finish_on_a_worker(client, tmp_path):
    """save_image(path) copies a stream to a file from C: on the loop the
    stream is opened, the copy runs blocking on a worker (the same bytes as
    the synchronous client writes)."""
    client.save_image(TEST_IMAGE, str(tmp_path / "sync.tar"))

    async def main() -> None:
        async with AsyncAPIClient() as c:
            await c.save_image(TEST_IMAGE, str(tmp_path / "async.tar"))
            # and a large log read by the method itself (more than a run
            # replays): the rest on a worker, the whole output returned
            cid = (await c.create_container(
                TEST_IMAGE, ["sh", "-c", "i=0; while [ $i -lt 40000 ]; do "
                             "echo line-$i-padding-padding-padding; i=$((i+1)); done"],
                labels=LABELS))["Id"]
            try:
                await c.start(cid)
                assert (await c.wait(cid))["StatusCode"] == 0
                out = await c.logs(cid)
                assert out == client.logs(cid)
                assert out.count(b"\n") == 40000 and len(out) > 1 << 20
            finally:
                await c.remove_container(cid, force=True)

    run(main())
    assert (tmp_path / "async.tar").read_bytes() == (tmp_path / "sync.tar").read_bytes()


def test_a_loop_stream_is_read_with_async_for_only(client):
    """A stream opened on the loop moves with the loop: a synchronous pull
    (which would block the loop) is refused with a clear error."""
    async def main() -> None:
        async with AsyncAPIClient() as c:
            ev = await c.events(decode=True, filters={"volume": unique("none")})
            with pytest.raises(errors.UnsupportedError, match="without blocking"):
                next(iter(ev))   # nothing there yet: it would have to wait
            ev.close()
            ev = await c.events(decode=True, since=0, until=int(time.time()))
            n = 0
            async for _ in ev:
                n += 1
            assert n > 0   # this test session's own calls are events

    run(main())


def test_a_calls_timeout_applies_on_the_loop(client):
    """A call's timeout (``wait(timeout=)``, the transfer's total timeout)
    bounds it on the loop as when blocking (libcurl's timer, stepped by the
    event loop): the same exception, and the client stays usable."""
    cid = client.create_container(TEST_IMAGE, ["sleep", "60"], labels=LABELS)["Id"]
    client.start(cid)
    with pytest.raises(errors.DockerException) as blocking:
        client.wait(cid, timeout=1)

    async def main() -> None:
        async with AsyncAPIClient() as c:
            t0 = time.monotonic()
            with pytest.raises(type(blocking.value)) as got:
                await c.wait(cid, timeout=1)
            # the same words; the elapsed milliseconds libcurl reports may differ by one
            import re
            assert re.sub(r"\d+ milliseconds", "N milliseconds", str(got.value)) == \
                re.sub(r"\d+ milliseconds", "N milliseconds", str(blocking.value))
            assert 0.8 < time.monotonic() - t0 < 5
            assert await c.ping() is True

    try:
        run(main())
    finally:
        client.remove_container(cid, force=True)


def test_calls_keep_their_connections_with_many_streams_open():
    """300 followed streams open on the loop (more than the 256 idle
    connections the loop keeps): calls, 8 at a time, still reuse their
    kept-alive connections. libcurl counts busy connections against its
    cache limit and, over it, closes the oldest idle connection whenever a
    transfer ends: the calls' connections, a connect per call. A new
    connection is a new socket the loop is asked to watch: counted."""
    async def go() -> None:
        loop = asyncio.get_running_loop()
        watched: List[int] = []
        add_reader = loop.add_reader

        def counting_add_reader(fd: int, *args: Any) -> Any:
            watched.append(fd)
            return add_reader(fd, *args)

        async with AsyncAPIClient(version="1.41") as ac:
            await ac.ping()
            streams = await asyncio.gather(*(
                ac.events(decode=True, filters={"type": "volume", "label": "clibdocker-none=1"})
                for _ in range(300)))
            loop.add_reader = counting_add_reader  # type: ignore[method-assign]
            try:
                for _ in range(10):
                    await asyncio.gather(*(ac.inspect_image(TEST_IMAGE) for _ in range(8)))
                # the first round may open 7 (one idle connection was there)
                assert len(watched) <= 8, f"{len(watched)} new connections for 80 calls"
            finally:
                del loop.add_reader
                for st in streams:
                    st.close()
    run(go())
