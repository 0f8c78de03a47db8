"""``/api/v1/contacts``: list and search, read with conversations, edit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_common.text import ApiStr
from mia_crm.contacts.repository import ContactRepository
from mia_crm.contacts.schemas import ContactConversation, ContactDetail, ContactOut, ContactUpdate
from mia_crm.contacts.service import get_contact, update_contact
from mia_crm.context import ContextDep
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.identity import Caller

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])


@router.get("", response_model=Page[ContactOut], summary="Newest first; q searches name, phone")
async def list_contacts(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[
        ApiStr | None, Query(max_length=200, description="name, email, user id or phone digits")
    ] = None,
) -> Page[ContactOut]:
    rows = await ContactRepository.from_session(session).page(
        tenant_id=caller.tenant_id, q=q, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda contact: (contact.created_at, contact.id))
    return Page(items=[ContactOut.of(contact) for contact in page], next_cursor=next_cursor)


@router.get("/{contact_id}", response_model=ContactDetail)
async def read_contact(contact_id: uuid.UUID, caller: Caller, session: SessionDep) -> ContactDetail:
    contact = await get_contact(session, tenant_id=caller.tenant_id, contact_id=contact_id)
    conversations = await ConversationRepository.from_session(session).of_contact(
        tenant_id=caller.tenant_id, contact_id=contact.id
    )
    return ContactDetail(
        **ContactOut.of(contact).model_dump(),
        conversations=[ContactConversation.of(c) for c in conversations],
    )


@router.patch("/{contact_id}", response_model=ContactOut, summary="Edit name or email")
async def edit_contact(
    contact_id: uuid.UUID,
    body: ContactUpdate,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact = await update_contact(
        session,
        tenant_id=caller.tenant_id,
        contact_id=contact_id,
        changes=body,
        inbox_topic=context.settings.inbox_topic,
        now=datetime.now(UTC),
    )
    return ContactOut.of(contact)
