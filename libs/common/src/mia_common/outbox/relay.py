"""The outbox relay: publishes committed outbox rows to Kafka, then marks them.

It publishes the bytes it stored: the payload is read as JSON text from PostgreSQL, never
decoded into Python objects and encoded again. It is woken by the unit of work that
committed new rows (same process); the idle poll is only for rows other processes wrote.

Publish first, mark second: a crash in between publishes the row again on restart, with
the same event id, and the consumers' ``claim_event`` drops the copy. Nothing is lost:
a row is marked only after the broker acknowledged it (acks=all). A transaction-scoped
advisory lock lets one relay of a service publish at a time, so events of one key leave in
the order they were written even when several replicas run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from enum import StrEnum

import structlog
from faststream.kafka import KafkaBroker
from sqlalchemy import Text, any_, bindparam, cast, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.messaging.publishing import OutgoingRecord, publish_many
from mia_common.outbox.models import OutboxEvent

__all__ = ["OutboxRelay", "RelayStage"]

logger = structlog.get_logger(__name__)

# Arbitrary but fixed: "outbox" in ASCII. Each service has its own database, so one
# key per database is enough.
_ADVISORY_LOCK_KEY = 0x6F7574626F78


class RelayStage(StrEnum):
    """Points of a relay pass, reported to ``on_stage`` (tests stop the process there)."""

    CLAIMED = "claimed"
    PUBLISHED = "published"
    MARKED = "marked"


class OutboxRelay:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        broker: KafkaBroker,
        batch_size: int = 500,
        poll_interval: float = 0.5,
        on_stage: Callable[[RelayStage], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._broker = broker
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._on_stage = on_stage or (lambda _stage: None)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Publish now rather than at the next poll (call after committing an event)."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """One pass: publish up to a batch of pending rows; returns how many were published."""
        async with self._session_factory() as session, session.begin():
            locked = await session.scalar(
                select(func.pg_try_advisory_xact_lock(_ADVISORY_LOCK_KEY))
            )
            if not locked:
                return 0
            rows = (
                await session.execute(
                    select(
                        OutboxEvent.id,
                        OutboxEvent.topic,
                        OutboxEvent.key,
                        cast(OutboxEvent.payload, Text),
                        OutboxEvent.headers,
                    )
                    .where(OutboxEvent.published_at.is_(None))
                    .order_by(OutboxEvent.created_at, OutboxEvent.id)
                    .limit(self._batch_size)
                )
            ).all()
            if not rows:
                return 0
            self._on_stage(RelayStage.CLAIMED)
            await publish_many(
                self._broker,
                [
                    OutgoingRecord(
                        topic=topic,
                        value=payload.encode(),
                        key=key,
                        # FastStream decodes by content type and knows only plain JSON;
                        # the payload is a structured-mode CloudEvent all the same.
                        headers={"content-type": "application/json", **headers},
                    )
                    for _id, topic, key, payload, headers in rows
                ],
            )
            self._on_stage(RelayStage.PUBLISHED)
            await session.execute(
                update(OutboxEvent)
                # = ANY(array): one statement text whatever the batch size, prepared once
                # per connection (IN (...) was a new statement for every size).
                .where(OutboxEvent.id == any_(bindparam("ids", type_=ARRAY(UUID(as_uuid=True)))))
                .values(published_at=func.now()),
                {"ids": [row[0] for row in rows]},
            )
        self._on_stage(RelayStage.MARKED)
        logger.debug("outbox published", count=len(rows))
        return len(rows)

    async def purge_published(self, *, older_than_hours: int = 72) -> int:
        """Delete rows published long ago; the outbox is a queue, not an archive."""
        async with self._session_factory() as session, session.begin():
            result = await session.execute(
                text(
                    "DELETE FROM outbox_events WHERE published_at IS NOT NULL "
                    "AND published_at < now() - make_interval(hours => :hours)"
                ),
                {"hours": older_than_hours},
            )
        return int(getattr(result, "rowcount", 0) or 0)

    async def run(self) -> None:
        """Publish until stopped (after the pass in progress) or cancelled; errors are
        logged and retried with a pause."""
        while not self._stopping.is_set():
            # Cleared before the pass, not after: a wake during the pass means rows that
            # pass may have missed, so the next pass starts at once.
            self._wake.clear()
            try:
                published = await self.publish_pending()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox relay pass failed")
                published = 0
                await self._pause(1.0)
            if published < self._batch_size:
                await self._pause(self._poll_interval)

    async def _pause(self, seconds: float) -> None:
        """Until woken (new rows, or a stop) or ``seconds`` passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="outbox-relay")

    async def stop(self, *, grace_seconds: float = 5.0) -> None:
        """End after the pass in progress, cancelling it only past ``grace_seconds``.

        A pass cancelled between publishing and marking publishes its rows again from the
        next relay to run: harmless (consumers drop a known event id, the sender a known
        request id) but a copy every consumer must read, at each deploy. Letting the pass
        finish leaves none on a graceful stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace_seconds)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
