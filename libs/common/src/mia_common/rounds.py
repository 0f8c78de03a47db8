"""A background task that works in rounds: when woken, and at least every ``tick_seconds``.

What a service runs beside its requests and consumers (a campaign's fan-out, cadences'
timers): ``wake`` asks for a round now (several wakes before it starts make one round); the
tick catches what nobody woke it for (a due time passing, another process's work). A round
that raises is logged and the next one waits ``retry_seconds``, so a database blip never
ends the task; ``stop`` cancels it, mid-round or between rounds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

__all__ = ["RoundLoop"]

logger = structlog.get_logger(__name__)


class RoundLoop:
    def __init__(
        self,
        name: str,
        round_: Callable[[], Awaitable[object]],
        *,
        tick_seconds: float,
        retry_seconds: float = 1.0,
    ) -> None:
        self._name = name
        self._round = round_
        self._tick = tick_seconds
        self._retry = retry_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._tick)
            self._wake.clear()
            try:
                await self._round()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("background round failed", task=self._name)
                await asyncio.sleep(self._retry)
