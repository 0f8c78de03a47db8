"""One call on behalf of many concurrent callers: a round trip shared under load.

A request path that makes a small Redis call per request pays the client's fixed cost
each time (redis-py: ~50 us of Python around a ~20 us round trip). ``Coalescer`` keeps at
most one call of ``run`` in flight: callers that arrive while it is in flight wait, and
the next call carries all of their items at once. An idle service makes one call per
request with no added wait; a busy one makes one call per round trip, whatever the
number of requests in it.

Each caller gets the results of its own items, in order, or the call's exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Coalescer"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


class Coalescer(Generic[ItemT, ResultT]):
    def __init__(self, run: Callable[[list[ItemT]], Awaitable[Sequence[ResultT]]]) -> None:
        """``run`` takes every waiting caller's items and returns one result per item."""
        self._run = run
        self._waiting: list[tuple[Sequence[ItemT], asyncio.Future[list[ResultT]]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def __call__(self, items: Sequence[ItemT]) -> list[ResultT]:
        if not items:
            return []
        future: asyncio.Future[list[ResultT]] = asyncio.get_running_loop().create_future()
        self._waiting.append((items, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                await self._serve(batch)
        finally:
            self._draining = None
            # Cancelled (the loop is closing): nobody is left waiting for ever.
            batch, self._waiting = self._waiting, []
            for _items, future in batch:
                if not future.done():
                    future.cancel()

    async def _serve(
        self, batch: list[tuple[Sequence[ItemT], asyncio.Future[list[ResultT]]]]
    ) -> None:
        try:
            results = await self._run([item for items, _ in batch for item in items])
        except asyncio.CancelledError:
            for _items, future in batch:
                if not future.done():
                    future.cancel()
            raise
        except Exception as exc:
            for _items, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        start = 0
        for items, future in batch:
            end = start + len(items)
            if not future.done():  # a caller cancelled meanwhile
                future.set_result(list(results[start:end]))
            start = end
