"""asyncio: :class:`AsyncAPIClient`, every :class:`~clibdocker.APIClient`
method as a coroutine.

A call runs in a thread of the loop's executor (the C core releases the GIL,
so calls overlap); what it returns is returned. Streams (``events()``,
``logs(stream=True)``, ``stats()``, ``attach(stream=True)``,
``exec_start(stream=True)``, ``pull``/``push``/``build``/``load_image`` with
``stream=True``, ``export``, ``get_archive``) come back as the same stream
objects as in the synchronous API, and those are also *async* iterators:
``async for`` pulls from the C stream without blocking the loop, waiting on
the stream's socket between messages, so a thousand followed streams cost no
threads. The synchronous methods of a stream (``close()`` from any thread,
``write_to``) stay as they are.

    async with AsyncAPIClient() as client:
        info = await client.info()
        events = await client.events(decode=True, filters={"type": "container"})
        async for ev in events:
            ...

Cancelling the task that iterates leaves the stream open: close it (or use
``async with`` on the stream, which closes it on the way out).
"""
from __future__ import annotations

import asyncio
import functools
from concurrent.futures import Executor
from typing import Any, Awaitable, Callable, Optional

from .api.client import APIClient

__all__ = ["AsyncAPIClient"]


class AsyncAPIClient:
    """:class:`~clibdocker.APIClient`'s methods as coroutines (same names,
    arguments and results); ``api`` is the synchronous client underneath.

    :param executor: where the calls run (default: the loop's default
        executor).
    :param kwargs: as for :class:`~clibdocker.APIClient`.
    """

    def __init__(self, *args: Any, executor: Optional[Executor] = None, **kwargs: Any) -> None:
        self.api = APIClient(*args, **kwargs)
        self._executor = executor

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        attr = getattr(self.api, name)
        if not callable(attr) or name.startswith("_"):
            raise AttributeError(f"AsyncAPIClient: {name!r} is not an API method")

        @functools.wraps(attr)
        async def call(*args: Any, **kwargs: Any) -> Any:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor,
                                              functools.partial(attr, *args, **kwargs))

        return call

    def __dir__(self) -> "list[str]":
        return sorted(set(object.__dir__(self)) |
                      {n for n in dir(self.api) if not n.startswith("_")})

    @property
    def api_version(self) -> str:
        """The API version in use (as :attr:`APIClient.api_version`; may
        negotiate, a blocking call, on first use)."""
        return self.api.api_version

    async def close(self) -> None:
        """Release the client's connections."""
        self.api.close()

    async def __aenter__(self) -> "AsyncAPIClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<clibdocker.aio.AsyncAPIClient {self.api!r}>"
