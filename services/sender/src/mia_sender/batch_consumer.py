"""A Kafka consumer that hands records to its handler in batches, one transaction each.

The sender's busiest topics (send requests, and the statuses it reconciles from, three or
more per message sent) cannot afford a database transaction per record: here a poll's
records (up to ``max_records``) are applied together, then their offsets are committed.
The guarantees are the platform's (``docs/architecture.md``):

- offsets are committed only after the batch's transaction committed (at-least-once);
  the handlers are idempotent, so a batch delivered again after a crash or a rebalance
  changes nothing;
- a record that does not parse goes, byte for byte, to ``<topic>.dlq`` with the reason
  (``publish_dead_letter``) and the batch goes on without it;
- a failing batch is retried with backoff and never skipped: a valid record is never
  dead-lettered because the database was away.

FastStream's per-record subscribers (``subscriber_options``) stay the tool for the quiet
topics; its batch mode cannot be combined with the at-least-once middleware.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker
from pydantic import BaseModel, ValidationError

from mia_common.messaging.dead_letter import publish_dead_letter

__all__ = ["BatchConsumer"]

logger = structlog.get_logger(__name__)
T = TypeVar("T", bound=BaseModel)
_MAX_BACKOFF = 10.0


class BatchConsumer(Generic[T]):
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        model: type[T],
        handle: Callable[[list[T]], Awaitable[object]],
        broker: Callable[[], KafkaBroker | None],
        max_records: int = 500,
        client_id: str = "sender",
    ) -> None:
        self._topic = topic
        self._group_id = group_id
        self._model = model
        self._handle = handle
        self._broker = broker
        self._max_records = max_records
        self._consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=bootstrap_servers,
            group_id=group_id,
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_interval_ms=300_000,
        )
        self._task: asyncio.Task[None] | None = None
        self._log = logger.bind(topic=topic, group=group_id)

    async def start(self) -> None:
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"consume:{self._group_id}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500, max_records=self._max_records)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._log.warning("poll failed", error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            if not batch:
                continue
            await self._apply(batch)
            offsets = {tp: records[-1].offset + 1 for tp, records in batch.items() if records}
            try:
                await self._consumer.commit(offsets)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # Typically a rebalance took the partitions away: their new owner starts
                # from the last commit and the idempotent handler drops what was applied.
                self._log.warning("offset commit failed", error=repr(exc))

    async def _apply(self, batch: dict[TopicPartition, list[ConsumerRecord[Any, Any]]]) -> None:
        records = [record for records in batch.values() for record in records]
        parsed: list[T] = []
        for record in records:
            try:
                parsed.append(self._model.model_validate_json(record.value or b""))
            except (ValidationError, ValueError) as exc:
                await self._dead_letter(record, exc)
        failures = 0
        while parsed:
            try:
                await self._handle(parsed)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                delay = min(_MAX_BACKOFF, 0.2 * 2**failures)
                self._log.warning(
                    "batch failed, retrying",
                    error=repr(exc),
                    records=len(parsed),
                    attempt=failures,
                    retry_in=delay,
                )
                await asyncio.sleep(delay)

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], exc: Exception) -> None:
        broker = self._broker()
        while True:
            try:
                if broker is None:
                    raise RuntimeError("no broker to dead-letter with")
                await publish_dead_letter(broker, record, exc, 1)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Skipping the record would lose it: keep trying until the DLQ takes it.
                self._log.error("dead-lettering failed, retrying", error=repr(error))
                await asyncio.sleep(1.0)
