"""What comes back for cadence sends: the sender's outcome, read receipts, replies.

- An outcome answers the step an enrollment is waiting on (``awaiting_request_id``):
  accepted moves it to the next step at once; failed for good (the channel says retrying
  cannot help: an invalid number, outside the 24-hour window) records the failure and ends
  the enrollment (``failed``, with the sender's code and words); failed for now (the sender
  gave up on an outage) tries the step again after a backoff, under a new request id, and
  after ``MAX_ATTEMPTS`` records it. An outcome for a request the
  row no longer waits on (a replay, a resend's twin) changes nothing.
- ``read`` marks the enrollment read (what a ``read`` branch asks).
- A reply (an inbound message from the enrolled number to the cadence's number) marks it
  replied, and stops it where the cadence stops on reply.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.cadences.schemas import EnrollmentState
from mia_campaigns.cadences.steps import finish, note
from mia_campaigns.models import Cadence, Enrollment
from mia_common.contracts import InboundMessage, MessageStatus, SendOutcome, SendResult
from mia_common.contracts.messages import StatusValue

__all__ = ["MAX_ATTEMPTS", "record_outcomes", "record_reads", "record_replies", "retry_delay"]

MAX_ATTEMPTS = 3
_ACTIVE = EnrollmentState.ACTIVE.value


def retry_delay(attempts: int, base_seconds: float = 30.0) -> timedelta:
    """30 s, 2 min, 8 min... (by default): time for a flagged number or a token to be fixed."""
    return timedelta(seconds=base_seconds * 4 ** max(0, attempts - 1))


async def record_outcomes(
    session: AsyncSession,
    outcomes: Sequence[SendOutcome],
    *,
    retry_seconds: float = 30.0,
    now: datetime | None = None,
) -> bool:
    """Apply cadence sends' outcomes; True when an enrollment can go on now."""
    now = now or datetime.now(UTC)
    by_request = {outcome.request_id: outcome for outcome in outcomes}
    if not by_request:
        return False
    rows = await session.scalars(
        select(Enrollment)
        .where(Enrollment.awaiting_request_id.in_(by_request), Enrollment.state == _ACTIVE)
        .with_for_update()
    )
    moved = False
    for row in rows:
        outcome = by_request[row.awaiting_request_id]  # type: ignore[index]
        row.updated_at = now
        if outcome.result == SendResult.ACCEPTED:
            note(row, "sent", now, request_id=str(outcome.request_id))
            row.awaiting_request_id = None
            row.attempts = 0
            row.step_index += 1
            row.due_at = now
            moved = True
            continue
        row.attempts += 1
        code = outcome.error.code if outcome.error else "send_failed"
        words = (outcome.error.detail or outcome.error.title) if outcome.error else None
        permanent = outcome.error is None or outcome.error.permanent
        if permanent or row.attempts >= MAX_ATTEMPTS:
            finish(row, EnrollmentState.FAILED, now, reason=code[:64], detail=words)
            continue
        note(row, "send_failed", now, reason=code, attempt=row.attempts)
        row.awaiting_request_id = None
        row.due_at = now + retry_delay(row.attempts, retry_seconds)
    return moved


async def record_reads(
    session: AsyncSession, statuses: Sequence[MessageStatus], *, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    ids: list[uuid.UUID] = []
    for status in statuses:
        if status.status != StatusValue.READ or status.send_request_id is None:
            continue
        try:
            ids.append(uuid.UUID(status.send_request_id))
        except ValueError:
            continue
    if ids:
        await session.execute(
            update(Enrollment)
            .where(Enrollment.last_request_id.in_(ids), Enrollment.read_at.is_(None))
            .values(read_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )


async def record_replies(
    session: AsyncSession,
    inbound: Sequence[tuple[uuid.UUID, InboundMessage]],
    *,
    now: datetime | None = None,
) -> None:
    """``inbound``: (tenant id, message) pairs."""
    now = now or datetime.now(UTC)
    for tenant_id, message in inbound:
        if not message.from_address:
            continue
        rows = await session.execute(
            select(Enrollment, Cadence.stop_on_reply)
            .join(Cadence, Cadence.id == Enrollment.cadence_id)
            .where(
                Enrollment.tenant_id == tenant_id,
                Enrollment.address == message.from_address,
                Enrollment.state == _ACTIVE,
                # Words before the cadence said anything (the message that created the
                # contact and enrolled it) are no reply to it.
                Enrollment.last_request_id.is_not(None),
                Cadence.channel_account_id == message.channel_account_id,
            )
            .with_for_update(of=Enrollment)
        )
        for row, stop_on_reply in rows:
            if row.replied_at is None:
                row.replied_at = now
                row.updated_at = now
            if stop_on_reply:
                finish(row, EnrollmentState.STOPPED, now, reason="replied")
