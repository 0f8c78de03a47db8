"""Writing events into the outbox, inside the caller's transaction.

``add_events`` stages any number of events with one multi-row INSERT (a fan-out, a batch
of sends); ``add_event`` is its one-event form. Either marks the session, so the unit of
work that commits it wakes the relay (``mia_common.db.engine.wake_relay_if_staged``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.envelope import Envelope
from mia_common.db.engine import OUTBOX_STAGED_INFO
from mia_common.outbox.models import OutboxEvent

__all__ = ["StagedEvent", "add_event", "add_events"]


@dataclass(frozen=True, slots=True)
class StagedEvent:
    """One event for the outbox: where it goes, its key (ordering) and its headers."""

    topic: str
    key: str | bytes | None
    event: Envelope[Any]
    headers: dict[str, str] = field(default_factory=dict)


def _row(staged: StagedEvent) -> dict[str, Any]:
    key = staged.key.encode() if isinstance(staged.key, str) else staged.key
    return {
        "id": staged.event.id,
        "topic": staged.topic,
        "key": key,
        "payload": staged.event.to_json_dict(),
        "headers": staged.headers,
    }


async def add_events(session: AsyncSession, events: Sequence[StagedEvent]) -> None:
    """Stage ``events`` for publication once the session's transaction commits."""
    if not events:
        return
    # A Core INSERT with a list of rows: one statement, no ORM objects to track.
    await session.execute(insert(OutboxEvent), [_row(staged) for staged in events])
    session.info[OUTBOX_STAGED_INFO] = True


async def add_event(
    session: AsyncSession,
    *,
    topic: str,
    key: str | bytes | None,
    event: Envelope[Any],
    headers: dict[str, str] | None = None,
) -> None:
    """Stage one event (see ``add_events``)."""
    await add_events(session, [StagedEvent(topic, key, event, headers or {})])
