"""The contact list for any filter of the segment language, with the list's text search.

``POST /api/v1/contacts/query`` pages the contacts a filter (checked as the preview checks
it) and ``q`` (what ``GET /api/v1/contacts?q=`` means) both match, newest first, with the
list's cursors. Each page is read under a statement timeout, as live counts are: a filter
the indexes cannot serve answers 503 ``contacts_query_timed_out`` instead of holding a
connection for minutes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, split_page
from mia_common.text import ApiStr
from mia_crm.contacts.repository import matches_contact
from mia_crm.errors import CrmError
from mia_crm.models import Contact
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.filters import ContactFilter
from mia_crm.segments.repository import SegmentRepository, TimedOut
from mia_crm.segments.validation import check_filter

__all__ = ["PAGE_TIMEOUT_MS", "ContactQuery", "QueryTimedOut", "query_contacts"]

PAGE_TIMEOUT_MS = 5_000
"""The longest one page of a query may take before it is cut short."""


class QueryTimedOut(CrmError):
    """A page took longer than ``PAGE_TIMEOUT_MS``: the filter needs what no index serves."""

    status_code = 503
    title = "Query took too long"
    code = "contacts_query_timed_out"


class ContactQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: ContactFilter = Field(description="the segment filter language, as the preview takes")
    q: Annotated[ApiStr, Field(max_length=200)] | None = Field(
        default=None,
        description="also containing this text, as the list's `q`: name, email, user id or"
        " phone digits",
    )
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="page size")
    cursor: Annotated[ApiStr, Field(max_length=200)] | None = Field(
        default=None, description="the next_cursor of the previous page; omit for the first"
    )


async def query_contacts(
    session: AsyncSession, *, tenant_id: uuid.UUID, body: ContactQuery
) -> tuple[list[Contact], str | None]:
    """One page of the tenant's contacts matching ``body``, newest first, and the next
    cursor. ``FilterInvalid`` / ``FilterTooLarge`` as the preview; ``QueryTimedOut``."""
    node = await check_filter(session, tenant_id=tenant_id, node=body.filter)
    condition = contact_condition(tenant_id, node)
    if body.q:
        condition = and_(condition, matches_contact(body.q))
    if body.cursor is not None:
        condition = and_(condition, _after(body.cursor))
    try:
        # The list's order and keys: (created_at, id) descending, one row more than a page.
        rows = await SegmentRepository.from_session(session).newest(
            condition, limit=body.limit + 1, timeout_ms=PAGE_TIMEOUT_MS
        )
    except TimedOut:
        raise QueryTimedOut(
            f"the page took longer than {PAGE_TIMEOUT_MS} ms: narrow the filter or"
            " search for more text"
        ) from None
    return split_page(rows, body.limit, lambda contact: (contact.created_at, contact.id))


def _after(cursor: str) -> ColumnElement[bool]:
    """Rows after the cursor's (created_at, id), as ``mia_common.pagination.keyset`` reads it."""
    created_at, contact_id = decode_cursor(cursor, [datetime, uuid.UUID])
    return tuple_(Contact.created_at, Contact.id) < tuple_(created_at, contact_id)
