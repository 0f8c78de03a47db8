"""``/api/v1/contacts``: a contact's timeline: messages, notes, stage and consent changes, sends."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page
from mia_crm.identity import Caller
from mia_crm.timeline.schemas import TimelineItem
from mia_crm.timeline.service import timeline_page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["timeline"])


@router.get(
    "/{contact_id}/timeline",
    response_model=Page[TimelineItem],
    summary="Messages, notes, lead stage changes and consent changes, newest first",
)
async def read_timeline(
    contact_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[TimelineItem]:
    items, next_cursor = await timeline_page(
        session, tenant_id=caller.tenant_id, contact_id=contact_id, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)
