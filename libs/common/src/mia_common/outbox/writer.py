"""Writing events into the outbox, inside the caller's transaction.

``add_events`` stages any number of events with one INSERT (a fan-out, a batch
of sends); ``add_event`` is its one-event form. Either marks the session, so the unit of
work that commits it wakes the relay (``mia_common.db.engine.wake_relay_if_staged``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.envelope import Envelope
from mia_common.db.engine import OUTBOX_STAGED_INFO

__all__ = ["StagedEvent", "add_event", "add_events"]


@dataclass(frozen=True, slots=True)
class StagedEvent:
    """One event for the outbox: where it goes, its key (ordering) and its headers."""

    topic: str
    key: str | bytes | None
    event: Envelope[Any]
    headers: dict[str, str] = field(default_factory=dict)


# One constant statement whatever the number of events (arrays through unnest): prepared
# once per connection and executed once, where a multi-row INSERT was an execution a row.
# The payload goes as JSON text pydantic wrote (no dict built, no second encoder).
_INSERT = text(
    """
    INSERT INTO outbox_events (id, topic, key, payload, headers)
    SELECT e.id, e.topic, e.key, CAST(e.payload AS jsonb), CAST(e.headers AS jsonb)
    FROM unnest(CAST(:ids AS uuid[]), CAST(:topics AS text[]), CAST(:keys AS bytea[]),
                CAST(:payloads AS text[]), CAST(:headers AS text[]))
        AS e(id, topic, key, payload, headers)
    """
)


def _key(key: str | bytes | None) -> bytes | None:
    return key.encode() if isinstance(key, str) else key


async def add_events(session: AsyncSession, events: Sequence[StagedEvent]) -> None:
    """Stage ``events`` for publication once the session's transaction commits."""
    if not events:
        return
    await session.execute(
        _INSERT,
        {
            "ids": [staged.event.id for staged in events],
            "topics": [staged.topic for staged in events],
            "keys": [_key(staged.key) for staged in events],
            "payloads": [staged.event.model_dump_json() for staged in events],
            "headers": [orjson.dumps(staged.headers).decode() for staged in events],
        },
    )
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
