"""Recording provider answers in small batches, one transaction per batch.

Answers arrive from many concurrent calls; writing each in its own transaction would cost
a database round trip per message at full throughput. The recorder collects what arrived
while the previous batch was being written and writes it at once. A failed write is
retried with a pause (each transition is conditional, so a partly applied batch cannot
exist: the transaction rolled back); answers are never dropped while the process lives.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from mia_sender.providers.base import ProviderError

__all__ = ["CallResult", "ResultRecorder"]

logger = structlog.get_logger(__name__)
_MAX_BATCH = 200
# How long the first answer of a batch waits for company: a transaction per answer would
# cost more round trips than the answers themselves at full throughput.
_LINGER_SECONDS = 0.02


@dataclass(frozen=True, slots=True)
class CallResult:
    """What one provider call came to: accepted (an external id), refused (an error), or
    unknown (neither: the answer was lost)."""

    request_id: uuid.UUID
    attempts: int
    external_message_id: str | None = None
    error: ProviderError | None = None
    detail: str | None = None


class ResultRecorder:
    def __init__(self, write: Callable[[list[CallResult]], Awaitable[None]], *, name: str) -> None:
        self._write = write
        self._name = name
        self._pending: list[CallResult] = []
        self._arrived = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    def submit(self, result: CallResult) -> None:
        """Queue an answer for writing (never blocks, so it is safe while cancelled)."""
        self._pending.append(result)
        self._idle.clear()
        self._arrived.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            await self._arrived.wait()
            if not self._closing and len(self._pending) < _MAX_BATCH:
                await asyncio.sleep(_LINGER_SECONDS)
            self._arrived.clear()
            while self._pending:
                batch = self._pending[:_MAX_BATCH]
                try:
                    await self._write(batch)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    failures += 1
                    logger.warning(
                        "recording provider answers failed; retrying",
                        error=repr(exc),
                        count=len(batch),
                        failures=failures,
                    )
                    await asyncio.sleep(min(5.0, 0.2 * 2 ** min(failures, 5)))
                    continue
                failures = 0
                del self._pending[: len(batch)]
            if not self._pending:
                self._idle.set()
            if self._closing:
                return

    async def close(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Write what is pending, then stop (waits at most ``timeout`` seconds)."""
        self._closing = True
        self._arrived.set()
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if self._pending:
            # What could not be written stays 'sending' and is reconciled after a restart.
            logger.error("provider answers left unrecorded", count=len(self._pending))
