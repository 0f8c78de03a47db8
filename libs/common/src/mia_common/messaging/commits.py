"""Offset commits after handling, batched: at-least-once without a round trip per record.

A record's offset is committed only once its handler finished (or it was dead-lettered),
and always as an explicit offset, never the consumer's position, which may already be
past a record still in flight. Commits go out every ``interval`` seconds or every
``max_pending`` records, whichever comes first; ``flush_all`` commits what is left before
the broker stops. Whatever a crash leaves uncommitted is delivered again, and the
idempotent consumers drop it.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import structlog
from aiokafka import ConsumerRecord, TopicPartition

__all__ = ["OffsetCommitter", "committer_of", "register_committer"]

logger = structlog.get_logger(__name__)
_COMMITTERS: weakref.WeakKeyDictionary[Any, OffsetCommitter] = weakref.WeakKeyDictionary()


class OffsetCommitter:
    def __init__(self, *, interval: float = 0.2, max_pending: int = 500) -> None:
        self._interval = interval
        self._max_pending = max_pending
        self._pending: dict[Any, dict[TopicPartition, int]] = {}
        self._counts: dict[Any, int] = {}
        self._timers: dict[Any, asyncio.Task[None]] = {}

    async def handled(self, consumer: Any, record: ConsumerRecord[Any, Any]) -> None:
        """Note that ``record`` is done; commit soon."""
        if getattr(consumer, "_group_id", None) is None:
            # A reader without a group (a per-process projection reads every partition
            # from the start) has no offsets to commit.
            return
        offsets = self._pending.setdefault(consumer, {})
        offsets[TopicPartition(record.topic, record.partition)] = record.offset + 1
        self._counts[consumer] = self._counts.get(consumer, 0) + 1
        if self._counts[consumer] >= self._max_pending:
            await self.flush(consumer)
        elif consumer not in self._timers:
            self._timers[consumer] = asyncio.create_task(self._flush_later(consumer))

    async def _flush_later(self, consumer: Any) -> None:
        await asyncio.sleep(self._interval)
        self._timers.pop(consumer, None)
        await self.flush(consumer)

    async def flush(self, consumer: Any) -> None:
        offsets = self._pending.pop(consumer, None)
        self._counts.pop(consumer, None)
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except Exception as exc:
            # Typically a rebalance took the partitions away: their new owner starts from
            # the last commit and the idempotent handlers drop what they already applied.
            logger.warning("offset commit failed", error=repr(exc), offsets=len(offsets))

    async def flush_all(self) -> None:
        for timer in list(self._timers.values()):
            timer.cancel()
        self._timers.clear()
        for consumer in list(self._pending):
            await self.flush(consumer)


def register_committer(broker: Any, committer: OffsetCommitter) -> None:
    _COMMITTERS[broker] = committer


def committer_of(broker: Any) -> OffsetCommitter | None:
    return _COMMITTERS.get(broker)
