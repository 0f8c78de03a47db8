"""A contact's timeline, a page at a time."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import decode_cursor, encode_cursor
from mia_crm.contacts.service import get_contact
from mia_crm.timeline.repository import TimelineRepository
from mia_crm.timeline.schemas import TimelineItem

__all__ = ["timeline_page"]

_ITEM: TypeAdapter[TimelineItem] = TypeAdapter(TimelineItem)


async def timeline_page(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> tuple[list[TimelineItem], str | None]:
    """Newest first; 404 for a contact that is not the tenant's."""
    await get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    before = None
    if cursor is not None:
        at, last_id = decode_cursor(cursor, [datetime, uuid.UUID])
        before = (at, last_id)
    rows = await TimelineRepository.from_session(session).page(
        tenant_id=tenant_id, contact_id=contact_id, before=before, limit=limit + 1
    )
    page = rows[:limit]
    items = [
        _ITEM.validate_python({**detail, "kind": kind, "id": id_, "at": at})
        for kind, id_, at, detail in page
    ]
    next_cursor = encode_cursor([page[-1][2], page[-1][1]]) if len(rows) > limit else None
    return items, next_cursor
