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

What cannot run on the loop runs on the loop's executor as before: streamed
request bodies (build contexts, image load/import, put_archive, plugin
create), and opening streams and hijacked connections. Streams
(``events()``, ``logs(stream=True)``, ...) come back as the synchronous
API's stream objects, which are also async iterators that never block the
loop (see docs/asyncio.md).

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

from . import _binding
from ._binding import Deferred, Loop
from .api.client import APIClient

__all__ = ["AsyncAPIClient"]

_IN = _binding.LOOP_IN
_OUT = _binding.LOOP_OUT
_WATCH = _binding.LOOP_WATCH
_TIMER = _binding.LOOP_TIMER
_DONE = _binding.LOOP_DONE
_PENDING = _binding.ASYNC_PENDING
_BLOCKING = _binding.ASYNC_BLOCKING


class _Driver:
    """One client's multi handle on one asyncio loop: sockets and the timer
    of libcurl become the loop's readers, writers and a call_later."""

    __slots__ = ("L", "loop", "waiters", "fds", "timer", "timer_when", "tokens", "spare")

    def __init__(self, native: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.L = Loop(native)
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
        reuse = False
        try:
            while True:
                a.enter()
                try:
                    result = fn(*args, **kwargs)
                    exc: Optional[BaseException] = None
                except Deferred:
                    result = exc = None
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
                    # by nature blocking (a streamed body, a stream or a
                    # hijacked connection being opened): a worker thread
                    a.free()
                    return await self.loop.run_in_executor(
                        executor, functools.partial(fn, *args, **kwargs))
                reuse = len(spare) < 1024
                if exc is not None:
                    raise exc
                return result
        finally:
            if reuse:
                # over: nothing left in it, ready for the next call
                spare.append((token, a))
            else:
                self.waiters.pop(token, None)
                a.free()

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
        for fut in self.waiters.values():
            if not fut.done():
                fut.cancel()
        self.waiters.clear()
        self.L.close()


class AsyncAPIClient:
    """:class:`~clibdocker.APIClient`'s methods as coroutines (same names,
    arguments, results and exceptions), run on the event loop; ``api`` is
    the synchronous client underneath.

    :param executor: where what must block runs (opening streams, streamed
        request bodies; default: the loop's default executor).
    :param kwargs: as for :class:`~clibdocker.APIClient`.
    """

    def __init__(self, *args: Any, executor: Optional[Executor] = None, **kwargs: Any) -> None:
        self.api = APIClient(*args, **kwargs)
        self._executor = executor
        self._drivers: Dict[asyncio.AbstractEventLoop, _Driver] = {}

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
