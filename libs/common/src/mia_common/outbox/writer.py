"""Writing an event into the outbox, inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.envelope import Envelope
from mia_common.db.engine import OUTBOX_STAGED_INFO
from mia_common.outbox.models import OutboxEvent

__all__ = ["add_event"]


async def add_event(
    session: AsyncSession,
    *,
    topic: str,
    key: str | bytes | None,
    event: Envelope[Any],
    headers: dict[str, str] | None = None,
) -> OutboxEvent:
    """Stage ``event`` for publication once the session's transaction commits."""
    row = OutboxEvent(
        id=event.id,
        topic=topic,
        key=key.encode() if isinstance(key, str) else key,
        payload=event.to_json_dict(),
        headers=headers or {},
    )
    session.add(row)
    session.info[OUTBOX_STAGED_INFO] = True
    await session.flush()
    return row
