"""Enrolling people from the crm's member lines: once per (cadence, contact), never twice.

The lines are read as they arrive and written in chunks (``ON CONFLICT DO NOTHING`` on the
(cadence, contact) key), so enrolling a segment of any size holds one chunk in memory, and
a contact enrolled before (by hand, by an event, by a retried request) is counted as such.
Asked to (``again``), a person whose earlier walk ended starts a new round from the first
step, in the same row (its history goes on; the round makes the new sends new requests);
a person walking it now is never restarted.
Left out, as a campaign leaves them out: no number, opted out, no consent where required.
A new enrollment is due at once: its first step runs on the timers' next round.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import cast, literal_column
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.snapshot import exclusion_of, values_of
from mia_campaigns.cadences.schemas import EnrollmentState, EnrollOut
from mia_campaigns.models import Cadence, Enrollment

__all__ = ["CHUNK", "enroll_lines", "enrollment_id"]

CHUNK = 1_000
_NAMESPACE = uuid.UUID("7c0d2b9e-41f6-4e35-a1c8-656e726f6c6c")


def enrollment_id(cadence_id: uuid.UUID, contact_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{cadence_id}:{contact_id}")


async def enroll_lines(
    session: AsyncSession,
    cadence: Cadence,
    lines: AsyncIterator[dict[str, Any]],
    *,
    requires_consent: bool,
    source: str,
    now: datetime,
    again: bool = False,
) -> EnrollOut:
    excluded: Counter[str] = Counter()
    candidates = 0
    counts: Counter[str] = Counter()
    chunk: list[dict[str, Any]] = []
    enrolled_entry = {"step": 0, "kind": "enrolled", "at": now.isoformat(), "by": source}
    enrolled_again_entry = cast([{**enrolled_entry, "again": True}], JSONB)

    async def write() -> None:
        statement = insert(Enrollment).values(chunk)
        if again:
            new = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=["cadence_id", "contact_id"],
                set_={
                    "round": Enrollment.round + 1,
                    "state": EnrollmentState.ACTIVE.value,
                    "step_index": 0,
                    "due_at": now,
                    "attempts": 0,
                    "awaiting_request_id": None,
                    "last_request_id": None,
                    "reason": None,
                    "detail": None,
                    "replied_at": None,
                    "read_at": None,
                    "finished_at": None,
                    "address": new.address,
                    "name": new.name,
                    "values": new["values"],
                    "source": new.source,
                    "history": Enrollment.history.op("||")(enrolled_again_entry),
                    "created_at": now,
                    "updated_at": now,
                },
                where=Enrollment.state != EnrollmentState.ACTIVE.value,
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=["cadence_id", "contact_id"]
            )
        # xmax is 0 on a row this statement inserted, the updating transaction's id otherwise.
        written: Any = await session.scalars(statement.returning(literal_column("xmax = 0")))
        for inserted in written:
            counts["enrolled" if inserted else "enrolled_again"] += 1

    async for line in lines:
        reason = exclusion_of(line, cadence.channel, requires_consent)
        if reason is not None:
            excluded[reason] += 1
            continue
        contact_id = uuid.UUID(line["id"])
        candidates += 1
        chunk.append(
            {
                "id": enrollment_id(cadence.id, contact_id),
                "cadence_id": cadence.id,
                "tenant_id": cadence.tenant_id,
                "contact_id": contact_id,
                "address": line.get("phone"),
                "name": (line.get("name") or "")[:256] or None,
                "values": values_of(line),
                "source": source,
                "state": EnrollmentState.ACTIVE.value,
                "step_index": 0,
                "due_at": now,
                "attempts": 0,
                "history": [enrolled_entry],
                "created_at": now,
                "updated_at": now,
            }
        )
        if len(chunk) >= CHUNK:
            await write()
            chunk = []
    if chunk:
        await write()
    return EnrollOut(
        enrolled=counts["enrolled"],
        enrolled_again=counts["enrolled_again"],
        already_enrolled=candidates - counts["enrolled"] - counts["enrolled_again"],
        excluded=dict(excluded),
    )
