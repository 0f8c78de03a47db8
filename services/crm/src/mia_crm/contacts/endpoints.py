"""``/api/v1/contacts``: list with filters, query by a segment filter, create, read with
conversations, edit the profile and custom fields, tag and untag one contact."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_common.text import ApiStr
from mia_crm.contacts.query import ContactQuery, query_contacts
from mia_crm.contacts.repository import ContactListFilter, ContactRepository
from mia_crm.contacts.schemas import (
    ContactConversation,
    ContactCreate,
    ContactDetail,
    ContactOut,
    ContactTagIds,
    ContactUpdate,
)
from mia_crm.contacts.service import (
    add_tags,
    create_contact,
    get_contact,
    remove_tag,
    tags_of,
    update_contact,
)
from mia_crm.context import ContextDep
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.identity import Caller, CallerToken
from mia_crm.models import Contact, LifecycleStage
from mia_crm.tags.repository import TagRepository

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/contacts", tags=["contacts"])

_OWNER_CHECK = (
    " An owner must be an active user of the tenant: 422 `assignee_unknown` or"
    " `assignee_inactive` otherwise, 503 `gateway_unavailable` when that cannot be checked now."
)


@router.get(
    "",
    response_model=Page[ContactOut],
    summary="Newest first; q searches name, phone; filters by tag, owner, lifecycle stage",
)
async def list_contacts(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    q: Annotated[
        ApiStr | None, Query(max_length=200, description="name, email, user id or phone digits")
    ] = None,
    tag_id: Annotated[
        list[uuid.UUID] | None,
        Query(max_length=50, description="contacts having any of these tags (repeat it)"),
    ] = None,
    owner_user_id: Annotated[uuid.UUID | None, Query(description="contacts this user owns")] = None,
    lifecycle_stage: Annotated[
        list[LifecycleStage] | None,
        Query(max_length=8, description="contacts at any of these stages (repeat it)"),
    ] = None,
) -> Page[ContactOut]:
    filters = ContactListFilter(
        q=q,
        tag_ids=tuple(tag_id or ()),
        owner_user_id=owner_user_id,
        lifecycle_stages=tuple(stage.value for stage in lifecycle_stage or ()),
    )
    rows = await ContactRepository.from_session(session).page(
        tenant_id=caller.tenant_id, cursor=cursor, limit=limit, filters=filters
    )
    page, next_cursor = split_page(rows, limit, lambda contact: (contact.created_at, contact.id))
    tags = await TagRepository.from_session(session).of_contacts(
        tenant_id=caller.tenant_id, contact_ids=[contact.id for contact in page]
    )
    return Page(
        items=[ContactOut.of(contact, tags.get(contact.id, [])) for contact in page],
        next_cursor=next_cursor,
    )


@router.post(
    "/query",
    response_model=Page[ContactOut],
    summary="Newest first: the contacts a segment filter and a text search both match",
    description="`filter` is checked as the segment preview checks it (422"
    " `segment_filter_invalid` with the `path` at fault, `segment_filter_too_large`); `q`"
    " means what the list's `q` means; `limit` and `cursor` page as the list does. A page"
    " the indexes cannot serve in time answers 503 `contacts_query_timed_out`.",
)
async def query(body: ContactQuery, caller: Caller, session: SessionDep) -> Page[ContactOut]:
    page, next_cursor = await query_contacts(session, tenant_id=caller.tenant_id, body=body)
    tags = await TagRepository.from_session(session).of_contacts(
        tenant_id=caller.tenant_id, contact_ids=[contact.id for contact in page]
    )
    return Page(
        items=[ContactOut.of(contact, tags.get(contact.id, [])) for contact in page],
        next_cursor=next_cursor,
    )


@router.post(
    "",
    response_model=ContactOut,
    status_code=201,
    summary="Create a contact by hand",
    description="The phone is normalized to E.164 with the tenant's default country (422"
    " `invalid_phone`); 409 `contact_exists`, with the existing `contact_id`, when the phone,"
    " user id or email is already a contact's." + _OWNER_CHECK,
)
async def create(
    body: ContactCreate,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact, tags = await create_contact(
        session,
        identity=caller,
        identity_token=token,
        users=context.users,
        body=body,
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return ContactOut.of(contact, tags)


@router.get("/{contact_id}", response_model=ContactDetail)
async def read_contact(contact_id: uuid.UUID, caller: Caller, session: SessionDep) -> ContactDetail:
    contact = await get_contact(session, tenant_id=caller.tenant_id, contact_id=contact_id)
    conversations = await ConversationRepository.from_session(session).of_contact(
        tenant_id=caller.tenant_id, contact_id=contact.id
    )
    out = await _out(session, contact)
    return ContactDetail(
        **out.model_dump(), conversations=[ContactConversation.of(c) for c in conversations]
    )


@router.patch(
    "/{contact_id}",
    response_model=ContactOut,
    summary="Edit the profile and custom field values",
    description="Fields left out stay; null clears one. `fields` changes only the keys it"
    " names (null removes a value); 422 `invalid_field_value` names each field at fault."
    + _OWNER_CHECK,
)
async def edit_contact(
    contact_id: uuid.UUID,
    body: ContactUpdate,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact = await update_contact(
        session,
        identity=caller,
        identity_token=token,
        users=context.users,
        contact_id=contact_id,
        changes=body,
        inbox_topic=context.settings.inbox_topic,
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, contact)


@router.post(
    "/{contact_id}/tags",
    response_model=ContactOut,
    summary="Put tags on the contact (those it has stay)",
)
async def tag_many(
    contact_id: uuid.UUID,
    body: ContactTagIds,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact = await add_tags(
        session,
        identity=caller,
        contact_id=contact_id,
        tag_ids=body.tag_ids,
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, contact)


@router.put("/{contact_id}/tags/{tag_id}", response_model=ContactOut, summary="Put one tag on")
async def tag_one(
    contact_id: uuid.UUID,
    tag_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact = await add_tags(
        session,
        identity=caller,
        contact_id=contact_id,
        tag_ids=[tag_id],
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, contact)


@router.delete("/{contact_id}/tags/{tag_id}", response_model=ContactOut, summary="Take a tag off")
async def untag_one(
    contact_id: uuid.UUID,
    tag_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ContactOut:
    contact = await remove_tag(
        session,
        identity=caller,
        contact_id=contact_id,
        tag_id=tag_id,
        contacts_topic=context.settings.contacts_topic,
        now=datetime.now(UTC),
    )
    return await _out(session, contact)


async def _out(session: AsyncSession, contact: Contact) -> ContactOut:
    return ContactOut.of(contact, await tags_of(session, contact))
