"""AsyncDockerClient: DockerClient's collections and models with coroutine
methods, run on the event loop, against the real engine. Every effect is
checked with the synchronous client."""
from __future__ import annotations

import asyncio
import io
import threading
from typing import Any

import pytest

from clibdocker import errors
from clibdocker.aio import AsyncCollection, AsyncDockerClient, AsyncModel
from conftest import LABELS, TEST_IMAGE, unique
from test_aio_loop import NoThreads


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 300))


def test_system(client):
    async def main() -> None:
        async with AsyncDockerClient() as d:
            assert await d.ping() is True
            assert (await d.version())["ApiVersion"] == "1.41"
            assert (await d.info())["ID"] == client.info()["ID"]
            df = await d.df()
            assert "Images" in df and "Containers" in df
            assert (await d.api.inspect_image(TEST_IMAGE))["Id"] == \
                client.inspect_image(TEST_IMAGE)["Id"]
            assert isinstance(d.containers, AsyncCollection)

    run(main())


def test_containers(client):
    name = unique("aio-m")
    ex = NoThreads()
    threads0 = threading.active_count()

    async def main() -> None:
        async with AsyncDockerClient(executor=ex) as d:
            c = await d.containers.run(TEST_IMAGE, ["sh", "-c", "echo hello; sleep 60"],
                                       name=name, labels=LABELS, detach=True)
            try:
                assert isinstance(c, AsyncModel)
                assert c.name == name and c.labels["clibdocker-test"] == "1"
                assert client.inspect_container(name)["State"]["Running"] is True
                await c.reload()
                assert c.status == "running"
                img = await c.image
                assert isinstance(img, AsyncModel)
                assert img.id == client.inspect_image(TEST_IMAGE)["Id"]
                got = await d.containers.get(name)
                assert got == c and got.id == c.id
                listed = await d.containers.list(filters={"name": name})
                assert [x.id for x in listed] == [c.id]
                res = await c.exec_run(["sh", "-c", "echo out; echo err >&2; exit 3"],
                                       demux=True)
                assert res.exit_code == 3 and res.output == (b"out\n", b"err\n")
                # logs until now (no stream: one call on the loop)
                for _ in range(50):
                    if b"hello" in await c.logs():
                        break
                    await asyncio.sleep(0.1)
                assert await c.logs() == b"hello\n"
                await c.rename(name + "-r")
                await c.reload()
                assert c.name == name + "-r"
                await c.kill()
                assert (await c.wait())["StatusCode"] == 137
                await c.reload()
                assert c.status == "exited"
                assert client.inspect_container(c.id)["State"]["Status"] == "exited"
                # prune: only what carries this test's own label
                await c.remove()
                with pytest.raises(errors.NotFound):
                    await d.containers.get(c.id)
                with pytest.raises(errors.NotFound):
                    client.inspect_container(c.id)
                # run to completion, output returned (create, start, wait, logs, remove)
                out = await d.containers.run(TEST_IMAGE, ["echo", "from run"], remove=True,
                                             labels=LABELS)
                assert out == b"from run\n"
                with pytest.raises(errors.ContainerError):
                    await d.containers.run(TEST_IMAGE, ["sh", "-c", "exit 4"], remove=True,
                                           labels=LABELS)
                tag = unique("prune")
                await d.containers.create(TEST_IMAGE, ["true"],
                                          labels={**LABELS, "prune": tag})
                pruned = await d.containers.prune(filters={"label": f"prune={tag}"})
                assert len(pruned["ContainersDeleted"]) == 1
            finally:
                for n in (name, name + "-r"):
                    try:
                        client.remove_container(n, force=True)
                    except errors.NotFound:
                        pass
        assert threading.active_count() == threads0

    run(main())
    # exec_run, logs and run(...) read streams: on the loop too (a run that
    # waits for a stream's bytes is replayed with what it read before)
    assert ex.submitted == []


def test_images(client):
    repo = f"clibdocker-test/{unique('aio-img')}"

    async def main() -> None:
        async with AsyncDockerClient() as d:
            img = await d.images.get(TEST_IMAGE)
            assert img.id == client.inspect_image(TEST_IMAGE)["Id"]
            assert TEST_IMAGE in img.tags
            assert await img.tag(repo, "x") is True
            assert client.inspect_image(f"{repo}:x")["Id"] == img.id
            listed = await d.images.list(repo)
            assert [i.id for i in listed] == [img.id]
            hist = await img.history()
            assert hist and "CreatedBy" in hist[0]
            # build from a Dockerfile: the context is sent from a worker
            df = io.BytesIO(f"FROM {TEST_IMAGE}\nLABEL clibdocker-test=1\n"
                            f"RUN echo built > /built\n".encode())
            built, logs = await d.images.build(fileobj=df, tag=f"{repo}:built", rm=True)
            assert isinstance(built, AsyncModel)
            assert client.inspect_image(f"{repo}:built")["Id"] == built.id
            await d.images.remove(f"{repo}:built")
            await d.images.remove(f"{repo}:x")
            with pytest.raises(errors.ImageNotFound):
                await d.images.get(f"{repo}:x")

    try:
        run(main())
    finally:
        for t in ("x", "built"):
            try:
                client.remove_image(f"{repo}:{t}", force=True)
            except errors.NotFound:
                pass


def test_networks_and_volumes(client):
    name = unique("aio-nv")

    async def main() -> None:
        async with AsyncDockerClient() as d:
            vol = await d.volumes.create(name, labels=LABELS)
            net = await d.networks.create(name, labels=LABELS)
            ctr = await d.containers.create(TEST_IMAGE, ["sleep", "60"], labels=LABELS,
                                            volumes={name: {"bind": "/data", "mode": "rw"}})
            try:
                assert vol.name == name and client.inspect_volume(name)["Name"] == name
                assert (await d.volumes.get(name)) == vol
                assert name in [v.name for v in await d.volumes.list(filters={"name": name})]
                assert net.name == name
                assert client.inspect_network(net.id)["Name"] == name
                await ctr.start()
                await net.connect(ctr)
                await net.reload()
                members = await net.containers
                assert [m.id for m in members] == [ctr.id]
                assert name in client.inspect_container(ctr.id)["NetworkSettings"]["Networks"]
                await net.disconnect(ctr)
                await net.reload()
                assert await net.containers == []
                assert [n.id for n in await d.networks.list(names=[name])] == [net.id]
            finally:
                await ctr.remove(force=True)
                await net.remove()
                await vol.remove()
            with pytest.raises(errors.NotFound):
                client.inspect_network(name)
            with pytest.raises(errors.NotFound):
                client.inspect_volume(name)
            tag = unique("prune")
            await d.volumes.create(labels={**LABELS, "prune": tag})
            await d.networks.create(unique("aio-nv"), labels={**LABELS, "prune": tag})
            pv = await d.volumes.prune(filters={"label": f"prune={tag}"})
            pn = await d.networks.prune(filters={"label": f"prune={tag}"})
            assert len(pv["VolumesDeleted"]) == 1 and len(pn["NetworksDeleted"]) == 1

    run(main())


def test_events_stream_and_many_concurrent_model_calls(client):
    name = unique("aio-ev")

    async def main() -> None:
        async with AsyncDockerClient() as d:
            ev = await d.events(decode=True, filters={"type": "volume", "volume": name})
            vols = await asyncio.gather(*(d.volumes.create(f"{i}-{name}", labels=LABELS)
                                          for i in range(20)))
            try:
                await d.volumes.create(name, labels=LABELS)
                async with ev:
                    async for e in ev:
                        assert e["Actor"]["ID"] == name
                        break
            finally:
                await asyncio.gather(*(v.remove() for v in vols))
                await (await d.volumes.get(name)).remove()
            assert not [v for v in client.volumes(filters={"name": name})["Volumes"] or []
                        if v["Name"].endswith(name)]

    run(main())
