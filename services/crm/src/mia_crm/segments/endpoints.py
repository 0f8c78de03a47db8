"""``/api/v1/segments``: saved filters over contacts, their live counts and members."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Response

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_crm.contacts.schemas import ContactOut
from mia_crm.context import ContextDep
from mia_crm.identity import Caller, CallerToken
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.repository import SegmentRepository
from mia_crm.segments.schemas import PreviewIn, PreviewOut, SegmentIn, SegmentOut, SegmentUpdate
from mia_crm.segments.service import (
    count_matching,
    create_segment,
    delete_segment,
    get_segment,
    preview,
    saved_filter,
    update_segment,
)
from mia_crm.segments.validation import OwnerLookup

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/segments", tags=["segments"])


@router.post(
    "/preview",
    response_model=PreviewOut,
    summary="Count a filter's contacts live, with a sample of them (nothing is saved)",
)
async def preview_filter(body: PreviewIn, caller: Caller, session: SessionDep) -> PreviewOut:
    count, sample = await preview(
        session, tenant_id=caller.tenant_id, node=body.filter, sample_size=body.sample_size
    )
    return PreviewOut(
        count=count.value,
        count_timed_out=count.timed_out,
        sample=[ContactOut.of(contact) for contact in sample],
    )


@router.get("", response_model=Page[SegmentOut], summary="Newest first (without counts)")
async def list_segments(
    caller: Caller, session: SessionDep, limit: Limit = 50, cursor: CursorParam = None
) -> Page[SegmentOut]:
    rows = await SegmentRepository.from_session(session).page(
        tenant_id=caller.tenant_id, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda segment: (segment.created_at, segment.id))
    return Page(items=[SegmentOut.of(segment) for segment in page], next_cursor=next_cursor)


_OWNERS_CHECKED = (
    "An owner condition's user ids must be users of the tenant (422 `segment_filter_invalid`"
    " naming the unknown ones in `user_ids`; 503 `gateway_unavailable` when the gateway"
    " cannot say). A saved segment whose owner was deleted since still loads."
)


@router.post(
    "",
    response_model=SegmentOut,
    status_code=201,
    summary="Save a filter",
    description=_OWNERS_CHECKED,
)
async def add_segment(
    body: SegmentIn, caller: Caller, token: CallerToken, session: SessionDep, context: ContextDep
) -> SegmentOut:
    segment = await create_segment(
        session,
        tenant_id=caller.tenant_id,
        user_id=caller.user_id,
        body=body,
        owners=OwnerLookup(context.users, token),
    )
    return SegmentOut.of(segment)


@router.get("/{segment_id}", response_model=SegmentOut, summary="With its count now")
async def read_segment(segment_id: uuid.UUID, caller: Caller, session: SessionDep) -> SegmentOut:
    segment = await get_segment(session, tenant_id=caller.tenant_id, segment_id=segment_id)
    count = await count_matching(session, tenant_id=caller.tenant_id, node=saved_filter(segment))
    return SegmentOut.of(segment, count=count.value, timed_out=count.timed_out)


@router.patch(
    "/{segment_id}",
    response_model=SegmentOut,
    summary="Rename, describe, refilter",
    description=_OWNERS_CHECKED,
)
async def edit_segment(
    segment_id: uuid.UUID,
    body: SegmentUpdate,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> SegmentOut:
    segment = await update_segment(
        session,
        tenant_id=caller.tenant_id,
        segment_id=segment_id,
        changes=body,
        now=datetime.now(UTC),
        owners=OwnerLookup(context.users, token),
    )
    return SegmentOut.of(segment)


@router.delete("/{segment_id}", status_code=204, response_class=Response)
async def remove_segment(segment_id: uuid.UUID, caller: Caller, session: SessionDep) -> Response:
    await delete_segment(session, tenant_id=caller.tenant_id, segment_id=segment_id)
    return Response(status_code=204)


@router.get(
    "/{segment_id}/contacts",
    response_model=Page[ContactOut],
    summary="The segment's contacts now, newest first",
)
async def segment_contacts(
    segment_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[ContactOut]:
    segment = await get_segment(session, tenant_id=caller.tenant_id, segment_id=segment_id)
    condition = contact_condition(caller.tenant_id, saved_filter(segment))
    rows = await SegmentRepository.from_session(session).contacts_page(
        condition, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda contact: (contact.created_at, contact.id))
    return Page(items=[ContactOut.of(contact) for contact in page], next_cursor=next_cursor)
