"""Cadences: create, edit, activate, pause, archive; enroll people; stop an enrollment.

Keyword-only; never commits (the request is the transaction). Enrolling reads the crm's
member stream in the request's transaction, written in chunks (``enroll``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.cadences.enroll import enroll_lines
from mia_campaigns.cadences.errors import (
    CadenceNotFound,
    CadenceStateConflict,
    CadenceStepsLocked,
    EnrollmentNotFound,
    InvalidCadence,
)
from mia_campaigns.cadences.schemas import (
    CadenceCreate,
    CadenceOut,
    CadenceStatus,
    CadenceUpdate,
    EnrollIn,
    EnrollmentState,
    EnrollOut,
)
from mia_campaigns.cadences.steps import finish
from mia_campaigns.models import Cadence, Enrollment
from mia_campaigns.sending.messages import check_message, compile_message, member_fields
from mia_common.identity import Identity

__all__ = [
    "cadence_out",
    "counts_by_cadence",
    "create_cadence",
    "delete_cadence",
    "enroll",
    "get_cadence",
    "get_enrollment",
    "move_cadence",
    "stop_enrollment",
    "update_cadence",
]

_ACTIVE = EnrollmentState.ACTIVE.value
_MOVES = {
    # action: (from statuses, to status)
    "activate": ((CadenceStatus.DRAFT, CadenceStatus.PAUSED), CadenceStatus.ACTIVE),
    "pause": ((CadenceStatus.ACTIVE,), CadenceStatus.PAUSED),
    "resume": ((CadenceStatus.PAUSED,), CadenceStatus.ACTIVE),
    "archive": (
        (CadenceStatus.DRAFT, CadenceStatus.ACTIVE, CadenceStatus.PAUSED),
        CadenceStatus.ARCHIVED,
    ),
}


def _stored(body: CadenceCreate) -> dict[str, Any]:
    """The stored form of ``body``, its messages compiled (422 naming the step)."""
    for index, step in enumerate(body.steps):
        if step.type == "send":
            problem = check_message(step.message)
            if problem is not None:
                raise InvalidCadence(f"steps[{index}]: {problem}", step=index)
    return {
        "name": body.name,
        "time_zone": body.time_zone,
        "steps": [step.model_dump(mode="json") for step in body.steps],
        "business_hours": (
            body.business_hours.model_dump(mode="json") if body.business_hours else None
        ),
        "stop_on_reply": body.stop_on_reply,
        "stop_on_stage_change": body.stop_on_stage_change,
        "triggers": [t.model_dump(mode="json", exclude_none=True) for t in body.triggers],
    }


async def create_cadence(
    session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID, body: CadenceCreate
) -> Cadence:
    cadence = Cadence(
        tenant_id=tenant_id,
        status=CadenceStatus.DRAFT.value,
        channel=body.channel.value,
        channel_account_id=body.channel_account_id,
        created_by_user_id=user_id,
        **_stored(body),
    )
    session.add(cadence)
    await session.flush()
    await session.refresh(cadence)
    return cadence


async def get_cadence(
    session: AsyncSession, *, tenant_id: uuid.UUID, cadence_id: uuid.UUID, lock: bool = False
) -> Cadence:
    query = select(Cadence).where(Cadence.id == cadence_id, Cadence.tenant_id == tenant_id)
    if lock:
        query = query.with_for_update()
    cadence = await session.scalar(query)
    if cadence is None:
        raise CadenceNotFound(f"no cadence {cadence_id}")
    return cadence


async def _active_count(session: AsyncSession, cadence_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                Enrollment.cadence_id == cadence_id, Enrollment.state == _ACTIVE
            )
        )
        or 0
    )


async def update_cadence(
    session: AsyncSession, *, tenant_id: uuid.UUID, cadence_id: uuid.UUID, changes: CadenceUpdate
) -> Cadence:
    cadence = await get_cadence(session, tenant_id=tenant_id, cadence_id=cadence_id, lock=True)
    if cadence.status == CadenceStatus.ARCHIVED.value:
        raise CadenceStateConflict("an archived cadence is not edited", current_status="archived")
    given = {key: getattr(changes, key) for key in changes.model_fields_set}
    try:
        merged = CadenceCreate.model_validate(
            {
                "name": cadence.name,
                "channel": cadence.channel,
                "channel_account_id": cadence.channel_account_id,
                "time_zone": cadence.time_zone,
                "steps": cadence.steps,
                "business_hours": cadence.business_hours,
                "stop_on_reply": cadence.stop_on_reply,
                "stop_on_stage_change": cadence.stop_on_stage_change,
                "triggers": cadence.triggers,
            }
            | {
                key: value
                for key, value in given.items()
                if value is not None or key in ("business_hours",)
            }
        )
    except ValueError as exc:
        raise InvalidCadence(str(exc)) from exc
    stored = _stored(merged)
    kinds = [step["type"] for step in stored["steps"]]
    if kinds != [step["type"] for step in cadence.steps] and await _active_count(
        session, cadence.id
    ):
        raise CadenceStepsLocked(
            "people are walking this cadence: change the steps' texts, waits and conditions,"
            " not their kinds or order (or archive it and start a new one)"
        )
    for key, value in stored.items():
        setattr(cadence, key, value)
    await session.flush()
    await session.refresh(cadence)
    return cadence


async def delete_cadence(
    session: AsyncSession, *, tenant_id: uuid.UUID, cadence_id: uuid.UUID
) -> None:
    cadence = await get_cadence(session, tenant_id=tenant_id, cadence_id=cadence_id, lock=True)
    anyone = await session.scalar(
        select(Enrollment.id).where(Enrollment.cadence_id == cadence.id).limit(1)
    )
    if anyone is not None:
        raise CadenceStateConflict(
            "people were enrolled in this cadence: archive it instead (their history stays)",
            current_status=cadence.status,
        )
    await session.delete(cadence)


async def move_cadence(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    cadence_id: uuid.UUID,
    action: str,
    now: datetime,
) -> Cadence:
    cadence = await get_cadence(session, tenant_id=tenant_id, cadence_id=cadence_id, lock=True)
    allowed, target = _MOVES[action]
    if cadence.status not in {status.value for status in allowed}:
        raise CadenceStateConflict(
            f"a {cadence.status} cadence cannot {action}", current_status=cadence.status
        )
    cadence.status = target.value
    if target == CadenceStatus.ARCHIVED:
        rows = await session.scalars(
            select(Enrollment)
            .where(Enrollment.cadence_id == cadence.id, Enrollment.state == _ACTIVE)
            .with_for_update()
        )
        for row in rows:
            finish(row, EnrollmentState.STOPPED, now, reason="cadence_archived")
    await session.flush()
    await session.refresh(cadence)
    return cadence


async def counts_by_cadence(
    session: AsyncSession, cadence_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, int]]:
    """Enrollments by state for each of ``cadence_ids``, in one grouped query (a list page)."""
    counts: dict[uuid.UUID, dict[str, int]] = {cadence_id: {} for cadence_id in cadence_ids}
    if cadence_ids:
        rows = await session.execute(
            select(Enrollment.cadence_id, Enrollment.state, func.count())
            .where(Enrollment.cadence_id.in_(cadence_ids))
            .group_by(Enrollment.cadence_id, Enrollment.state)
        )
        for cadence_id, state, count in rows:
            counts[cadence_id][state] = count
    return counts


async def cadence_out(session: AsyncSession, cadence: Cadence) -> CadenceOut:
    counts: dict[str, int] = {}
    at_step: dict[int, int] = {}
    rows = await session.execute(
        select(Enrollment.state, Enrollment.step_index, func.count())
        .where(Enrollment.cadence_id == cadence.id)
        .group_by(Enrollment.state, Enrollment.step_index)
    )
    for state, step_index, count in rows:
        counts[state] = counts.get(state, 0) + count
        if state == _ACTIVE:
            at_step[step_index] = count
    return CadenceOut.of(cadence, counts=counts, at_step=at_step)


def _fields_read(cadence: Cadence) -> list[str]:
    return member_fields(
        [compile_message(step["message"]) for step in cadence.steps if step["type"] == "send"]
    )


async def enroll(
    session: AsyncSession,
    *,
    crm: CrmMembers,
    caller: Identity,
    cadence_id: uuid.UUID,
    body: EnrollIn,
    now: datetime,
) -> EnrollOut:
    cadence = await get_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)
    if cadence.status not in (CadenceStatus.ACTIVE.value, CadenceStatus.PAUSED.value):
        raise CadenceStateConflict(
            f"people enroll in an active or paused cadence; this one is {cadence.status}",
            current_status=cadence.status,
        )
    audience = body.audience()
    async with crm.request(caller, audience, fields=_fields_read(cadence)) as stream:
        return await enroll_lines(
            session,
            cadence,
            stream.lines(),
            requires_consent=stream.requires_consent,
            source=audience["kind"],
            now=now,
            again=body.again,
        )


async def get_enrollment(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    cadence_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    lock: bool = False,
) -> Enrollment:
    query = select(Enrollment).where(
        Enrollment.id == enrollment_id,
        Enrollment.cadence_id == cadence_id,
        Enrollment.tenant_id == tenant_id,
    )
    if lock:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None:
        raise EnrollmentNotFound(f"no enrollment {enrollment_id} in cadence {cadence_id}")
    return row


async def stop_enrollment(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    cadence_id: uuid.UUID,
    enrollment_id: uuid.UUID,
    user_id: uuid.UUID,
    now: datetime,
) -> Enrollment:
    row = await get_enrollment(
        session,
        tenant_id=tenant_id,
        cadence_id=cadence_id,
        enrollment_id=enrollment_id,
        lock=True,
    )
    if row.state != _ACTIVE:
        raise CadenceStateConflict(
            f"this enrollment is {row.state} already", current_status=row.state
        )
    finish(row, EnrollmentState.STOPPED, now, reason="stopped_by_user", by=str(user_id))
    return row
