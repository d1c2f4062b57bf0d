"""asyncio: :class:`AsyncAPIClient`, every :class:`~clibdocker.APIClient`
method as a coroutine, run on the event loop itself.

Each call is a non-blocking transfer on a libcurl multi handle that the
event loop drives (one per client per loop, ``dk_loop`` in C): libcurl's
socket and timer callbacks become ``loop.add_reader``/``add_writer`` and
``loop.call_later``. No thread runs a call. The call is the synchronous
method itself, run on the loop's thread inside a capture scope: its C
operation starts its transfer on the multi handle instead of performing it;
when the transfer is over the method runs again and takes the answer, so
results, exceptions, the trace hook and version negotiation are those of
the synchronous client (see docs/asyncio.md).

Cancelling the awaiting task (``asyncio.timeout``, ``wait_for``, ``cancel``)
cancels the transfer at once: it leaves the multi handle and its connection
is closed, not reused.

What is blocking by nature runs on the loop's executor: a request body read
from a source (build contexts, image load/import, put_archive, plugin
create) and opening a hijacked connection. Streams (``events()``,
``logs(stream=True)``, ...) are opened on the loop and come back as the
synchronous API's stream objects, which are also async iterators that
never block the loop (see docs/asyncio.md).

    async with AsyncAPIClient() as client:
        info = await client.info()
        events = await client.events(decode=True, filters={"type": "container"})
        async for ev in events:
            ...
"""
from __future__ import annotations

import asyncio
import functools
import itertools
from concurrent.futures import Executor
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from . import _binding, errors
from ._binding import Deferred, Loop
from .api.client import APIClient

__all__ = ["AsyncAPIClient", "AsyncDockerClient", "AsyncHijackedSocket"]

_IN = _binding.LOOP_IN
_OUT = _binding.LOOP_OUT
_WATCH = _binding.LOOP_WATCH
_TIMER = _binding.LOOP_TIMER
_DONE = _binding.LOOP_DONE
_PENDING = _binding.ASYNC_PENDING
_BLOCKING = _binding.ASYNC_BLOCKING


_UNFINISHED = Deferred()  # a run's marker: the operation handed its transfer to the loop


def _blocking_run(a: Any, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    a.enter_blocking()
    try:
        return fn(*args, **kwargs)
    finally:
        a.leave()


def _wake(fut: "Optional[asyncio.Future[None]]") -> None:
    if fut is not None and not fut.done():
        fut.set_result(None)


class _Driver:
    """One client's multi handle on one asyncio loop: sockets and the timer
    of libcurl become the loop's readers, writers and a call_later."""

    __slots__ = ("L", "loop", "waiters", "fds", "timer", "timer_when", "tokens", "spare")

    def __init__(self, native: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.L = Loop(native)
        self.L.owner = self
        self.loop = loop
        self.waiters: Dict[int, "asyncio.Future[None]"] = {}
        self.fds: Dict[int, int] = {}
        self.timer: Optional[asyncio.TimerHandle] = None
        self.timer_when = 0.0
        self.tokens = itertools.count(1)
        # finished calls (dk_async) kept for reuse, with their tokens
        self.spare: List[Tuple[int, _binding.AsyncCall]] = []

    def sync(self, flags: int) -> None:
        """Apply what the last step changed (the DK_LOOP_* bits)."""
        L = self.L
        if flags & _WATCH:
            loop = self.loop
            fds = self.fds
            for fd, ev in L.watches():
                old = fds.get(fd, 0)
                if old == ev:
                    continue
                if old & _IN and not ev & _IN:
                    loop.remove_reader(fd)
                if old & _OUT and not ev & _OUT:
                    loop.remove_writer(fd)
                if ev & _IN and not old & _IN:
                    loop.add_reader(fd, self.on_read, fd)
                if ev & _OUT and not old & _OUT:
                    loop.add_writer(fd, self.on_write, fd)
                if ev:
                    fds[fd] = ev
                else:
                    del fds[fd]
        if flags & _TIMER:
            # one timer, moved only to an earlier deadline: a step before
            # libcurl's deadline is harmless (it re-arms), and new calls
            # started together share one step
            ms = L.timeout()
            if ms >= 0:
                when = self.loop.time() + ms / 1000.0
                timer = self.timer
                if timer is None or when < self.timer_when:
                    if timer is not None:
                        timer.cancel()
                    self.timer = self.loop.call_at(when, self.on_timer)
                    self.timer_when = when
        if flags & _DONE:
            waiters = self.waiters
            for token in L.done():
                fut = waiters.pop(token, None)
                if fut is not None and not fut.done():
                    fut.set_result(None)

    def on_read(self, fd: int) -> None:
        self.sync(self.L.step(fd, _IN))

    def on_write(self, fd: int) -> None:
        self.sync(self.L.step(fd, _OUT))

    def on_timer(self) -> None:
        self.timer = None
        self.sync(self.L.step(-1, 0))

    async def run(self, fn: Callable[..., Any], args: Any, kwargs: Any,
                  executor: Optional[Executor]) -> Any:
        """fn(*args, **kwargs), its transfers on the loop."""
        spare = self.spare
        if spare:
            token, a = spare.pop()
        else:
            token = next(self.tokens)
            a = self.L.call(token)
        reuse = worker = False
        try:
            while True:
                a.enter()
                try:
                    result = fn(*args, **kwargs)
                    exc: Optional[BaseException] = None
                except Deferred:
                    result, exc = None, _UNFINISHED
                except BaseException as e:
                    result, exc = None, e
                state = a.leave()
                if state == _PENDING:
                    fut = self.loop.create_future()
                    self.waiters[token] = fut
                    self.sync(self.L.pending())
                    await fut  # a cancellation lands here: the finally frees the transfer
                    continue
                if state == _BLOCKING:
                    # blocking by nature (a streamed request body, a hijacked
                    # connection): on a worker, which replays what the runs
                    # here did (nothing is sent twice) and blocks for the rest
                    efut = self.loop.run_in_executor(executor, _blocking_run, a, fn, args,
                                                     kwargs)
                    try:
                        return await efut
                    except asyncio.CancelledError:
                        # the worker still uses the call: freed when it is done
                        efut.add_done_callback(lambda _, a=a: a.free())  # type: ignore[misc]
                        worker = True
                        raise
                reuse = len(spare) < 1024
                if exc is not None:
                    if exc is _UNFINISHED:  # cannot happen: said so rather than return None
                        raise errors.DockerException(
                            f"{getattr(fn, '__name__', fn)}: the call stopped without a result")
                    raise exc
                return result
        finally:
            if reuse:
                # over: nothing left in it, ready for the next call
                spare.append((token, a))
            else:
                self.waiters.pop(token, None)
                if not worker:
                    a.free()

    async def wait_stream(self, st: Any) -> None:
        """Until the loop has news for stream ``st`` (a _binding.Stream opened
        on it, whose bytes move with the loop's steps), or its idle timeout."""
        token = st.loop_token
        if not token:
            token = next(self.tokens)
            st.set_loop_token(token)
            st.on_close = self.stream_closing
        fut = self.loop.create_future()
        self.waiters[token] = fut
        try:
            # the pull may have resumed a paused transfer, or news be queued
            self.sync(self.L.pending())
            if fut.done():
                return
            _, timeout = st.wait_info()
            if timeout == 0:
                return
            if timeout is None:
                await fut
                return
            handle = self.loop.call_later(timeout, _wake, fut)
            try:
                await fut
            finally:
                handle.cancel()
        finally:
            if self.waiters.get(token) is fut:
                del self.waiters[token]

    def stream_closing(self, st: Any) -> bool:
        """Stream.close(): its reader woken; True: free it now (on the
        loop's thread), False: it is freed there later."""
        try:
            running: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop or self.loop.is_closed():
            _wake(self.waiters.pop(st.loop_token, None))
            return True
        self.loop.call_soon_threadsafe(st.close)
        return False

    def close(self) -> None:
        loop = self.loop
        if not loop.is_closed():
            for fd, ev in self.fds.items():
                if ev & _IN:
                    loop.remove_reader(fd)
                if ev & _OUT:
                    loop.remove_writer(fd)
        self.fds.clear()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.L.close()
        # woken, each finds its call canceled (Canceled) or its stream over
        for fut in self.waiters.values():
            _wake(fut)
        self.waiters.clear()


# methods that may return a hijacked connection (HijackedSocket)
_HIJACKING = frozenset({"attach_socket", "exec_start", "attach_websocket"})


class AsyncHijackedSocket:
    """A hijacked attach/exec connection for asyncio (what
    ``attach_socket()`` and ``exec_start(socket=True)`` of
    :class:`AsyncAPIClient` give): ``await read()``, ``await write()``,
    ``await close_write()``, ``async for`` over demultiplexed ``frames()``,
    over unix, TCP, TLS and ssh alike. ``read()`` runs on the event loop
    (the socket watched with ``add_reader``); writes, ``frames()`` and
    ``read_all()`` wait on a worker thread of the loop's executor (see
    docs/asyncio.md). ``close()`` ends a pending read at once. ``sync`` is
    the :class:`~clibdocker.hijack.HijackedSocket` underneath."""

    def __init__(self, sock: Any, executor: Optional[Executor] = None) -> None:
        self.sync = sock
        self._executor = executor
        self._readers: List[Any] = []   # [future, fd] of reads waiting

    def _off(self, fn: Callable[..., Any], *args: Any) -> "asyncio.Future[Any]":
        return asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def read(self, n: int = 65536) -> bytes:
        """Up to ``n`` raw bytes (frame headers included when the output is
        multiplexed, as ``recv``); ``b""`` at the end. On the loop itself:
        a read that finds nothing waits for the socket to turn readable."""
        h = self.sync._h
        if n <= 0:
            return b""
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = h.read_nowait(n)
            except errors.UnsupportedError:  # a WebSocket connection: frames
                return await self._off(self.sync.recv, n)  # type: ignore[no-any-return]
            if data is not _binding.AGAIN:
                return data  # type: ignore[no-any-return]
            fd = h.fileno()
            if fd < 0:
                return b""
            entry = [loop.create_future(), fd]
            self._readers.append(entry)
            loop.add_reader(fd, _wake, entry[0])
            try:
                await entry[0]
            finally:
                if entry in self._readers:   # not stopped by close()
                    self._readers.remove(entry)
                    loop.remove_reader(fd)

    async def write(self, data: Any) -> None:
        """Write all of ``data`` to stdin."""
        await self._off(self.sync.sendall, data)

    async def close_write(self) -> None:
        """End stdin (the process sees end-of-file); reading goes on."""
        import socket
        await self._off(self.sync.shutdown, socket.SHUT_WR)

    async def frames(self, demux: bool = False) -> Any:
        """``async for`` over the output: bytes per frame, or with ``demux``
        ``(stdout, None)`` / ``(None, stderr)`` (as :meth:`HijackedSocket.frames`)."""
        it = iter(self.sync.frames(demux))
        end = object()
        while True:
            item = await self._off(next, it, end)
            if item is end:
                return
            yield item

    async def read_all(self, demux: bool = False) -> Any:
        """All the output until the end (as :meth:`HijackedSocket.read_all`)."""
        return await self._off(self.sync.read_all, demux)

    def close(self) -> None:
        """Close the connection (a pending read ends)."""
        if self._readers:
            loop = asyncio.get_running_loop()
            for fut, fd in self._readers:
                loop.remove_reader(fd)   # before the socket closes
                _wake(fut)
            self._readers.clear()
        self.sync.close()

    @property
    def closed(self) -> bool:
        return bool(self.sync.closed)

    async def __aenter__(self) -> "AsyncHijackedSocket":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


class _LoopAPIClient(APIClient):
    """An APIClient that negotiates its version on the first call, also in
    a program written for docker-py: on the event loop, not in the
    constructor."""

    _negotiate_at_construction = False


class AsyncAPIClient:
    """:class:`~clibdocker.APIClient`'s methods as coroutines (same names,
    arguments, results and exceptions), run on the event loop; ``api`` is
    the synchronous client underneath.

    :param executor: where what must block runs (opening streams, streamed
        request bodies; default: the loop's default executor).
    :param kwargs: as for :class:`~clibdocker.APIClient`.
    """

    def __init__(self, *args: Any, executor: Optional[Executor] = None,
                 api: Optional[APIClient] = None, **kwargs: Any) -> None:
        self.api = api if api is not None else _LoopAPIClient(*args, **kwargs)
        self._executor = executor
        self._drivers: Dict[asyncio.AbstractEventLoop, _Driver] = {}

    async def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a synchronous function of this client's (a model's method,
        several calls) with its transfers on the event loop."""
        return await self._driver().run(fn, args, kwargs, self._executor)

    def _driver(self) -> _Driver:
        loop = asyncio.get_running_loop()
        d = self._drivers.get(loop)
        if d is None or d.L._ptr is None:
            for old in [lp for lp in self._drivers if lp.is_closed()]:
                self._drivers.pop(old).close()
            d = self._drivers[loop] = _Driver(self.api._native, loop)
        return d

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        attr = getattr(self.api, name)
        if not callable(attr) or name.startswith("_"):
            raise AttributeError(f"AsyncAPIClient: {name!r} is not an API method")

        async def later(args: Any, kwargs: Any) -> Any:
            return await self._driver().run(attr, args, kwargs, self._executor)

        if name in _HIJACKING:
            @functools.wraps(attr)
            async def hijacking(*args: Any, **kwargs: Any) -> Any:
                res = await self._driver().run(attr, args, kwargs, self._executor)
                from .hijack import HijackedSocket
                if isinstance(res, HijackedSocket):
                    return AsyncHijackedSocket(res, self._executor)
                return res

            self.__dict__[name] = hijacking
            return hijacking

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Awaitable[Any]:
            try:
                d = self._driver()
            except RuntimeError:  # made outside a running loop, awaited in one
                return later(args, kwargs)
            # the driver's coroutine itself (no coroutine around it)
            return d.run(attr, args, kwargs, self._executor)

        self.__dict__[name] = call  # the next lookup finds it at once
        return call

    def __dir__(self) -> "list[str]":
        return sorted(set(object.__dir__(self)) |
                      {n for n in dir(self.api) if not n.startswith("_")})

    @property
    def api_version(self) -> str:
        """The API version in use (as :attr:`APIClient.api_version`; may
        negotiate, a blocking call, on first use: ``await client.ping()``
        or any other call negotiates on the loop)."""
        return self.api.api_version

    async def close(self) -> None:
        """Cancel what is in flight and release the client's connections."""
        self._close_drivers()
        self.api.close()

    def _close_drivers(self) -> None:
        drivers, self._drivers = self._drivers, {}
        for d in drivers.values():
            d.close()

    async def __aenter__(self) -> "AsyncAPIClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<clibdocker.aio.AsyncAPIClient {self.api!r}>"


# --- the high-level client ---------------------------------------------------------

# model properties that fetch from the engine: awaitable in the async models
_FETCHING = {"Container": frozenset({"image"}), "Network": frozenset({"containers"})}


def _wrap(client: "AsyncDockerClient", v: Any) -> Any:
    """A model or collection of the synchronous client as its async twin
    (lists and tuples of them too); anything else as it is."""
    from .models.resource import Collection, Model
    if isinstance(v, Model):
        return AsyncModel(client, v)
    if isinstance(v, Collection):
        return AsyncCollection(client, v)
    if isinstance(v, list) and v and isinstance(v[0], (Model, Collection)):
        return [_wrap(client, x) for x in v]
    if isinstance(v, tuple) and any(isinstance(x, (Model, Collection)) for x in v):
        return tuple(_wrap(client, x) for x in v)
    return v


def _unwrap(v: Any) -> Any:
    """An async model given to a method: the synchronous one it wraps."""
    return v._obj if isinstance(v, _AsyncProxy) else v


class _AsyncProxy:
    """Methods of the wrapped synchronous object as coroutines run on the
    event loop (their calls on the client's multi handle); other attributes
    as they are."""

    __slots__ = ("_client", "_obj")

    def __init__(self, client: "AsyncDockerClient", obj: Any) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_obj", obj)

    def __getattr__(self, name: str) -> Any:
        obj = self._obj
        client = self._client
        if name in _FETCHING.get(type(obj).__name__, ()):
            async def fetch() -> Any:
                return _wrap(client, await client._aapi._run(getattr, obj, name))
            return fetch()
        attr = getattr(obj, name)
        if name.startswith("_") or not callable(attr) or isinstance(attr, type):
            return _wrap(client, attr)

        @functools.wraps(attr)
        async def call(*args: Any, **kwargs: Any) -> Any:
            args = tuple(_unwrap(a) for a in args)
            kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
            return _wrap(client, await client._aapi._run(attr, *args, **kwargs))

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._obj, name, value)

    def __dir__(self) -> "list[str]":
        return dir(self._obj)

    @property
    def sync(self) -> Any:
        """The synchronous object underneath."""
        return self._obj


class AsyncModel(_AsyncProxy):
    """A model (container, image, network, volume, …) of
    :class:`AsyncDockerClient`: its methods (``reload``, ``start``,
    ``remove``, ``logs``, ``exec_run``, …) are coroutines; ``id``, ``name``,
    ``attrs``, ``labels``, ``status`` … are read as they are. Properties that
    fetch from the engine are awaited: ``await container.image``."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AsyncModel):
            other = other._obj
        return bool(self._obj == other)

    def __hash__(self) -> int:
        return hash(self._obj)

    def __repr__(self) -> str:
        return f"<async {self._obj!r}>"


class AsyncCollection(_AsyncProxy):
    """A collection (``client.containers``, ``client.images``, …) of
    :class:`AsyncDockerClient`: ``get``, ``list``, ``create``, ``run``,
    ``prune`` … are coroutines and give :class:`AsyncModel` objects."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<async {self._obj!r}>"


class AsyncDockerClient:
    """:class:`~clibdocker.DockerClient` for asyncio: the same collections and
    models, with coroutine methods run on the event loop (no thread per call;
    what blocks by nature, building from a context or opening a stream, on
    the executor).

        async with AsyncDockerClient() as client:
            c = await client.containers.run(image, ["echo", "hi"], detach=True)
            await c.wait()
            print(await c.logs())
            await c.remove()

    ``sync`` is the :class:`~clibdocker.DockerClient` underneath and
    ``api`` an :class:`AsyncAPIClient` on the same connection.
    """

    def __init__(self, *args: Any, executor: Optional[Executor] = None, **kwargs: Any) -> None:
        from .client import DockerClient
        self.sync = DockerClient(*args, **kwargs)
        self._aapi = AsyncAPIClient(api=self.sync.api, executor=executor)

    @classmethod
    def from_env(cls, **kwargs: Any) -> "AsyncDockerClient":
        """Configured from the environment like :func:`clibdocker.from_env`."""
        from .client import DockerClient
        self = cls.__new__(cls)
        executor = kwargs.pop("executor", None)
        self.sync = DockerClient.from_env(**kwargs)
        self._aapi = AsyncAPIClient(api=self.sync.api, executor=executor)
        return self

    @property
    def api(self) -> AsyncAPIClient:
        """The low-level client's methods as coroutines."""
        return self._aapi

    def _collection(self, name: str) -> AsyncCollection:
        return AsyncCollection(self, getattr(self.sync, name))

    @property
    def containers(self) -> AsyncCollection:
        """``run``, ``create``, ``get``, ``list``, ``prune``."""
        return self._collection("containers")

    @property
    def images(self) -> AsyncCollection:
        """``build``, ``pull``, ``get``, ``list``, ``load``, ``push``, ``remove`` …"""
        return self._collection("images")

    @property
    def networks(self) -> AsyncCollection:
        """``create``, ``get``, ``list``, ``prune``."""
        return self._collection("networks")

    @property
    def volumes(self) -> AsyncCollection:
        """``create``, ``get``, ``list``, ``prune``."""
        return self._collection("volumes")

    @property
    def plugins(self) -> AsyncCollection:
        """``install``, ``create``, ``get``, ``list``."""
        return self._collection("plugins")

    @property
    def configs(self) -> AsyncCollection:
        """The swarm's configs."""
        return self._collection("configs")

    @property
    def secrets(self) -> AsyncCollection:
        """The swarm's secrets."""
        return self._collection("secrets")

    @property
    def services(self) -> AsyncCollection:
        """The swarm's services."""
        return self._collection("services")

    @property
    def nodes(self) -> AsyncCollection:
        """The swarm's nodes."""
        return self._collection("nodes")

    async def swarm(self) -> AsyncModel:
        """The swarm (inspected now, as ``DockerClient.swarm``)."""
        return AsyncModel(self, await self._aapi._run(getattr, self.sync, "swarm"))

    async def ping(self) -> bool:
        """True when the engine answers."""
        return bool(await self._aapi._run(self.sync.ping))

    async def version(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """The engine's version."""
        return await self._aapi._run(self.sync.version, *args, **kwargs)  # type: ignore[no-any-return]

    async def info(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """System-wide information."""
        return await self._aapi._run(self.sync.info, *args, **kwargs)  # type: ignore[no-any-return]

    async def df(self) -> Dict[str, Any]:
        """Disk usage."""
        return await self._aapi._run(self.sync.df)  # type: ignore[no-any-return]

    async def events(self, *args: Any, **kwargs: Any) -> Any:
        """The engine's events: a stream to ``async for`` over."""
        return await self._aapi._run(self.sync.events, *args, **kwargs)

    async def login(self, *args: Any, **kwargs: Any) -> Dict[str, Any]:
        """Log in to a registry."""
        return await self._aapi._run(self.sync.login, *args, **kwargs)  # type: ignore[no-any-return]

    async def close(self) -> None:
        """Cancel what is in flight and release the connections."""
        await self._aapi.close()

    async def __aenter__(self) -> "AsyncDockerClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<clibdocker.aio.AsyncDockerClient {self.sync.api!r}>"
