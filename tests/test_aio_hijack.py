"""Hijacked connections in asyncio: exec_start(socket=True) and
attach_socket() of AsyncAPIClient give an AsyncHijackedSocket (async read,
write, close_write, frames) over unix, TLS (TCP) and ssh, against the real
engine."""
from __future__ import annotations

import asyncio
from typing import Any

from clibdocker.aio import AsyncAPIClient, AsyncHijackedSocket
from clibdocker.tls import TLSConfig
from conftest import LABELS, TEST_IMAGE
from test_ssh import ssh_env, sshd  # noqa: F401  (fixtures)
from test_tls import tls_engine  # noqa: F401  (fixture)


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


async def _exchange(c: AsyncAPIClient) -> None:
    cid = (await c.create_container(TEST_IMAGE, ["sleep", "60"], labels=LABELS))["Id"]
    try:
        await c.start(cid)
        # exec with stdin: cat echoes, then its own stderr line
        ex = await c.exec_create(cid, ["sh", "-c", "cat; echo done >&2"], stdin=True)
        sock = await c.exec_start(ex["Id"], socket=True)
        assert isinstance(sock, AsyncHijackedSocket)
        async with sock:
            await sock.write(b"hello over the loop\n")
            await sock.close_write()
            got = [f async for f in sock.frames(demux=True)]
        assert (b"hello over the loop\n", None) in got and (None, b"done\n") in got
        assert (await c.exec_inspect(ex["Id"]))["ExitCode"] == 0
        # raw reads on the loop (the socket watched by the event loop):
        # frame headers and all, as docker-py's socket gives them
        ex = await c.exec_create(cid, ["cat"], stdin=True)
        sock = await c.exec_start(ex["Id"], socket=True)
        async with sock:
            got_raw = b""
            for i in range(3):
                line = f"line {i}\n".encode()
                await sock.write(line)
                while line not in got_raw:
                    chunk = await asyncio.wait_for(sock.read(), 10)
                    assert chunk
                    got_raw += chunk
            await sock.close_write()
            while True:
                chunk = await asyncio.wait_for(sock.read(), 10)
                if not chunk:
                    break
                got_raw += chunk
        # stdout frames: 8-byte headers, stream 1
        assert got_raw.startswith(b"\x01\x00\x00\x00") and got_raw.count(b"line ") == 3
        # attach_socket: what the container's sh reads, it runs
        cid2 = (await c.create_container(TEST_IMAGE, ["sh"], stdin_open=True,
                                         labels=LABELS))["Id"]
        try:
            att = await c.attach_socket(cid2, params={"stdin": 1, "stdout": 1, "stream": 1})
            await c.start(cid2)
            async with att:
                await att.write(b"echo attached-$((6*7))\n")
                await att.write(b"exit\n")
                out = await att.read_all(demux=True)
            assert b"attached-42" in out[0]
        finally:
            await c.remove_container(cid2, force=True)
    finally:
        await c.remove_container(cid, force=True)


def test_hijacked_exec_and_attach_on_unix():
    async def main() -> None:
        async with AsyncAPIClient() as c:
            await _exchange(c)
    run(main())


def test_hijacked_exec_and_attach_over_tls(tls_engine):  # noqa: F811
    url, d = tls_engine
    tls = TLSConfig(client_cert=(f"{d}/cert.pem", f"{d}/key.pem"), ca_cert=f"{d}/ca.pem",
                    verify=True)

    async def main() -> None:
        async with AsyncAPIClient(url, tls=tls) as c:
            await _exchange(c)
    run(main())


def test_hijacked_exec_and_attach_over_ssh(ssh_env):  # noqa: F811
    async def main() -> None:
        async with AsyncAPIClient(ssh_env.url) as c:
            await _exchange(c)
    run(main())


def test_a_pending_read_ends_on_close():
    async def main() -> None:
        async with AsyncAPIClient() as c:
            cid = (await c.create_container(TEST_IMAGE, ["sleep", "60"], labels=LABELS))["Id"]
            try:
                await c.start(cid)
                ex = await c.exec_create(cid, ["cat"], stdin=True)
                sock = await c.exec_start(ex["Id"], socket=True)
                reader = asyncio.create_task(sock.read())
                await asyncio.sleep(0.3)
                assert not reader.done()
                sock.close()
                assert await asyncio.wait_for(reader, 10) == b""
                assert await c.ping() is True
            finally:
                await c.remove_container(cid, force=True)
    run(main())
