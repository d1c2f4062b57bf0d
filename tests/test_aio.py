"""asyncio against the real engine: AsyncAPIClient calls, and streams
iterated with ``async for`` without blocking the loop or holding a thread
per stream."""
from __future__ import annotations

import asyncio
import time

import pytest

from clibdocker import errors
from clibdocker.aio import AsyncAPIClient
from conftest import LABELS, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, TEST_IMAGE, unique


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 120))


async def _ticker(counter):
    while True:
        await asyncio.sleep(0.01)
        counter[0] += 1


def test_calls_are_coroutines_with_the_sync_results(client):
    async def main():
        async with AsyncAPIClient() as c:
            assert await c.ping() is True
            v = await c.version()
            assert v["ApiVersion"] == c.api_version == "1.41"
            img = await c.inspect_image(TEST_IMAGE)
            assert img["Id"] == client.inspect_image(TEST_IMAGE)["Id"]
            with pytest.raises(errors.ImageNotFound):
                await c.inspect_image("clibdocker-test/no-such-image:nope")
            with pytest.raises(AttributeError):
                c.no_such_method
            # calls overlap: ten inspects at once
            ids = await asyncio.gather(*(c.inspect_image(TEST_IMAGE) for _ in range(10)))
            assert {i["Id"] for i in ids} == {img["Id"]}
    run(main())


def test_many_followed_event_streams_in_one_loop():
    """40 followed streams (more than the executor's threads) wait in one
    loop; one event reaches all of them while the loop keeps running."""
    name = unique("aio-vol")

    async def main():
        async with AsyncAPIClient() as c:
            streams = [await c.events(decode=True, filters={"type": "volume", "volume": name})
                       for _ in range(40)]
            ticks = [0]
            ticker = asyncio.create_task(_ticker(ticks))

            async def first(st):
                async with st:
                    async for ev in st:
                        return ev
            waiters = [asyncio.create_task(first(st)) for st in streams]
            await asyncio.sleep(0.3)
            assert not any(w.done() for w in waiters)     # nothing yet: all waiting
            t0 = time.monotonic()
            await c.create_volume(name, labels=LABELS)
            try:
                got = await asyncio.wait_for(asyncio.gather(*waiters), 20)
            finally:
                await c.remove_volume(name)
            assert all(ev["Action"] == "create" and ev["Actor"]["ID"] == name for ev in got)
            assert time.monotonic() - t0 < 10
            ticker.cancel()
            assert ticks[0] >= 20       # the loop ran while 40 streams waited
    run(main())


def test_follow_logs_demux_and_close_from_another_task(client):
    async def main():
        async with AsyncAPIClient() as c:
            cid = (await c.create_container(
                TEST_IMAGE, ["sh", "-c", "i=0; while true; do i=$((i+1)); echo out$i; "
                             "echo err$i >&2; sleep 0.05; done"], labels=LABELS))["Id"]
            try:
                await c.start(cid)
                logs = await c.logs(cid, stream=True, follow=True, demux=True)
                seen = []
                async for out, err in logs:
                    seen.append((out, err))
                    if len(seen) == 10:
                        # close from elsewhere: the iteration ends cleanly
                        asyncio.get_running_loop().call_soon(logs.close)
                assert (b"out1\n", None) in seen and (None, b"err1\n") in seen
                assert len(seen) >= 10
            finally:
                await c.remove_container(cid, force=True)
    run(main())


def test_exec_stream_exit_code_and_export(client):
    async def main():
        async with AsyncAPIClient() as c:
            cid = (await c.create_container(TEST_IMAGE, ["sleep", "60"], labels=LABELS))["Id"]
            try:
                await c.start(cid)
                ex = await c.exec_create(cid, ["sh", "-c", "echo hi; echo oops >&2; exit 7"])
                fs = await c.exec_start(ex["Id"], stream=True, demux=True)
                got = [x async for x in fs]
                assert (b"hi\n", None) in got and (None, b"oops\n") in got
                assert fs.exit_code == 7
                # a raw stream (export) gives the same bytes as the sync API
                raw = await c.export(cid, chunk_size=65536)
                total = 0
                async for chunk in raw:
                    assert len(chunk) <= 65536
                    total += len(chunk)
                sync_total = sum(len(ch) for ch in client.export(cid))
                assert total == sync_total > 1 << 20
            finally:
                await c.remove_container(cid, force=True)
    run(main())


def test_progress_stream_and_its_error(client):
    repo = f"{REGISTRY}/clibdocker-test/{unique('aio')}"
    auth = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD}

    async def main():
        async with AsyncAPIClient() as c:
            await c.tag(TEST_IMAGE, repo, "a")
            try:
                msgs = [m async for m in await c.push(repo, "a", stream=True, decode=True,
                                                       auth_config=auth)]
                assert any((m.get("aux") or {}).get("Digest") for m in msgs)
                await c.remove_image(f"{repo}:a")
                pulled = [m async for m in await c.pull(repo, "a", stream=True, decode=True,
                                                         auth_config=auth)]
                assert any("Downloaded newer image" in (m.get("status") or "") or
                           "Image is up to date" in (m.get("status") or "") for m in pulled)
                assert (await c.inspect_image(f"{repo}:a"))["Id"] == \
                    client.inspect_image(TEST_IMAGE)["Id"]
                # an error inside the stream is raised at its end, as when synchronous
                with pytest.raises(errors.APIError):
                    async for _ in await c.pull(repo, "no-such-tag", stream=True,
                                                auth_config=auth):
                        pass
            finally:
                try:
                    await c.remove_image(f"{repo}:a")
                except errors.NotFound:
                    pass
    run(main())


def test_achunks_and_aread_all_match_the_sync_api(client):
    cid = client.create_container(TEST_IMAGE, ["sh", "-c", "for i in 1 2 3 4 5; do echo o$i; "
                                  "echo e$i >&2; done"], labels=LABELS)["Id"]
    try:
        client.start(cid)
        client.wait(cid)
        want = client.logs(cid, stream=True, demux=True).read_all()
        assert want[0] and want[1]

        async def main():
            async with AsyncAPIClient() as c:
                both = await (await c.logs(cid, stream=True, demux=True)).aread_all()
                runs = [r async for r in (await c.logs(cid, stream=True)).achunks()]
                return both, runs
        both, runs = run(main())
        assert both == want
        assert b"".join(d for sid, d in runs if sid == 1) == want[0]
        assert b"".join(d for sid, d in runs if sid == 2) == want[1]
    finally:
        client.remove_container(cid, force=True)


def test_get_image_chunks_sync_and_async(client, tmp_path):
    """get_image: pieces of at most chunk_size, the same bytes for ``for``
    and ``async for`` (and the same as save_image writes)."""
    import hashlib
    client.save_image(TEST_IMAGE, str(tmp_path / "img.tar"))
    want = (tmp_path / "img.tar").read_bytes()
    sync = list(client.get_image(TEST_IMAGE, chunk_size=100_000))
    assert all(0 < len(c) <= 100_000 for c in sync)
    assert b"".join(sync) == want

    async def main():
        async with AsyncAPIClient() as c:
            h = hashlib.sha256()
            n = 0
            async for chunk in await c.get_image(TEST_IMAGE, chunk_size=65536):
                assert 0 < len(chunk) <= 65536
                h.update(chunk)
                n += 1
            return h.hexdigest(), n
    digest, n = run(main())
    assert digest == hashlib.sha256(want).hexdigest()
    assert n >= len(want) // 65536
