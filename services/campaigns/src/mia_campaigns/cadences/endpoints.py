"""``/api/v1/cadences``: drip sequences, their enrollments, and the people walking them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from mia_campaigns.cadences.schemas import (
    CadenceCreate,
    CadenceOut,
    CadenceStatus,
    CadenceUpdate,
    EnrollIn,
    EnrollmentOut,
    EnrollmentState,
    EnrollOut,
)
from mia_campaigns.cadences.service import (
    cadence_out,
    counts_by_cadence,
    create_cadence,
    delete_cadence,
    enroll,
    get_cadence,
    get_enrollment,
    move_cadence,
    stop_enrollment,
    update_cadence,
)
from mia_campaigns.context import ContextDep
from mia_campaigns.identity import Caller, Manager
from mia_campaigns.models import Cadence, Enrollment
from mia_common.db.requests import SessionDep
from mia_common.db.search import contains
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page
from mia_common.text import ApiStr

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/cadences", tags=["cadences"])


@router.post("", response_model=CadenceOut, status_code=201, summary="Create a draft cadence")
async def create(body: CadenceCreate, caller: Manager, session: SessionDep) -> CadenceOut:
    cadence = await create_cadence(
        session, tenant_id=caller.tenant_id, user_id=caller.user_id, body=body
    )
    return CadenceOut.of(cadence)


@router.get("", response_model=Page[CadenceOut], summary="Cadences, newest first")
async def list_cadences(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    status: Annotated[CadenceStatus | None, Query()] = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[CadenceOut]:
    query = select(Cadence).where(Cadence.tenant_id == caller.tenant_id)
    if status is not None:
        query = query.where(Cadence.status == status.value)
    if q:
        query = query.where(contains(Cadence.name, q))
    rows, next_cursor = await fetch_page(
        session,
        query,
        PageParams(limit=limit, cursor=cursor),
        keys=[Cadence.id],
        newest_first=True,
    )
    counts = await counts_by_cadence(session, [row.id for row in rows])
    return Page(
        items=[CadenceOut.of(row, counts=counts[row.id]) for row in rows], next_cursor=next_cursor
    )


@router.get("/{cadence_id}", response_model=CadenceOut, summary="A cadence and its counts")
async def read(cadence_id: uuid.UUID, caller: Caller, session: SessionDep) -> CadenceOut:
    cadence = await get_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)
    return await cadence_out(session, cadence)


@router.patch(
    "/{cadence_id}",
    response_model=CadenceOut,
    summary="Edit a cadence",
    description="While people are enrolled the steps' kinds and order stay (409"
    " `cadence_steps_locked`); texts, waits and conditions may change and apply to the"
    " steps people reach next. 409 `cadence_state_conflict` once archived.",
)
async def edit(
    cadence_id: uuid.UUID, body: CadenceUpdate, caller: Manager, session: SessionDep
) -> CadenceOut:
    cadence = await update_cadence(
        session, tenant_id=caller.tenant_id, cadence_id=cadence_id, changes=body
    )
    return await cadence_out(session, cadence)


@router.delete(
    "/{cadence_id}",
    status_code=204,
    summary="Delete a cadence nobody was enrolled in",
    description="409 `cadence_state_conflict` once anyone was enrolled: archive it instead.",
)
async def delete(cadence_id: uuid.UUID, caller: Manager, session: SessionDep) -> None:
    await delete_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)


@router.post(
    "/{cadence_id}/enrollments",
    response_model=EnrollOut,
    summary="Enroll contacts, a segment or a filter's members",
    description="Once per contact and cadence (already enrolled ones are counted, not"
    " enrolled again); left out by reason as a campaign leaves them out. 409"
    " `cadence_state_conflict` unless active or paused; 422 `audience_invalid` for an unknown"
    " segment or a bad filter.",
)
async def enroll_people(
    cadence_id: uuid.UUID,
    body: EnrollIn,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
) -> EnrollOut:
    result = await enroll(
        session,
        crm=context.crm,
        caller=caller,
        cadence_id=cadence_id,
        body=body,
        now=datetime.now(UTC),
    )
    await session.commit()
    context.cadence_timers.wake()
    return result


@router.get(
    "/{cadence_id}/enrollments",
    response_model=Page[EnrollmentOut],
    summary="The people in a cadence, with the step each is at",
)
async def list_enrollments(
    cadence_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    state: Annotated[EnrollmentState | None, Query()] = None,
    step: Annotated[int | None, Query(ge=0, description="at this step (0-based)")] = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of name or number")] = None,
) -> Page[EnrollmentOut]:
    cadence = await get_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)
    query = select(Enrollment).where(
        Enrollment.cadence_id == cadence.id, Enrollment.tenant_id == caller.tenant_id
    )
    if state is not None:
        query = query.where(Enrollment.state == state.value)
    if step is not None:
        query = query.where(Enrollment.step_index == step)
    if q:
        query = query.where(or_(contains(Enrollment.name, q), contains(Enrollment.address, q)))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Enrollment.id]
    )
    return Page(
        items=[EnrollmentOut.of(row, cadence.steps) for row in rows], next_cursor=next_cursor
    )


@router.get(
    "/{cadence_id}/enrollments/{enrollment_id}",
    response_model=EnrollmentOut,
    summary="One enrollment and its history",
)
async def read_enrollment(
    cadence_id: uuid.UUID, enrollment_id: uuid.UUID, caller: Caller, session: SessionDep
) -> EnrollmentOut:
    cadence = await get_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)
    row = await get_enrollment(
        session, tenant_id=caller.tenant_id, cadence_id=cadence.id, enrollment_id=enrollment_id
    )
    return EnrollmentOut.of(row, cadence.steps)


@router.post(
    "/{cadence_id}/enrollments/{enrollment_id}/stop",
    response_model=EnrollmentOut,
    summary="Stop one person's enrollment",
    description="409 `cadence_state_conflict` when it already ended.",
)
async def stop(
    cadence_id: uuid.UUID, enrollment_id: uuid.UUID, caller: Manager, session: SessionDep
) -> EnrollmentOut:
    cadence = await get_cadence(session, tenant_id=caller.tenant_id, cadence_id=cadence_id)
    row = await stop_enrollment(
        session,
        tenant_id=caller.tenant_id,
        cadence_id=cadence.id,
        enrollment_id=enrollment_id,
        user_id=caller.user_id,
        now=datetime.now(UTC),
    )
    return EnrollmentOut.of(row, cadence.steps)


# Last: its path would otherwise take /{cadence_id}/enrollments.
@router.post(
    "/{cadence_id}/{action}",
    response_model=CadenceOut,
    summary="Activate, pause, resume or archive",
    description="activate: draft or paused -> active (its timers run, its triggers enroll);"
    " pause: timers hold (due steps fire on resume); archive: for good, enrollments stopped."
    " 409 `cadence_state_conflict` from any other status.",
)
async def act(
    cadence_id: uuid.UUID,
    action: Literal["activate", "pause", "resume", "archive"],
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
) -> CadenceOut:
    cadence = await move_cadence(
        session,
        tenant_id=caller.tenant_id,
        cadence_id=cadence_id,
        action=action,
        now=datetime.now(UTC),
    )
    out = await cadence_out(session, cadence)
    await session.commit()
    context.cadence_timers.wake()
    return out
