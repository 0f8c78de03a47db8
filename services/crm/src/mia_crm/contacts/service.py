"""What the team does to contacts through the API."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.contacts.repository import ContactRepository
from mia_crm.contacts.schemas import ContactUpdate
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.errors import ContactNotFound
from mia_crm.inbox_events import announce_updated
from mia_crm.models import Contact

__all__ = ["get_contact", "update_contact"]


async def get_contact(
    session: AsyncSession, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, for_update: bool = False
) -> Contact:
    """The tenant's contact, or 404 (for another tenant's id too)."""
    contact = await ContactRepository.from_session(session).get(
        tenant_id=tenant_id, contact_id=contact_id, for_update=for_update
    )
    if contact is None:
        raise ContactNotFound(f"no contact {contact_id}")
    return contact


async def update_contact(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    changes: ContactUpdate,
    inbox_topic: str,
    now: datetime,
) -> Contact:
    """Edits name and email. A new name shows in the inbox (the list and the thread are
    titled by it), so each of the contact's conversations is announced as updated."""
    contact = await get_contact(
        session, tenant_id=tenant_id, contact_id=contact_id, for_update=True
    )
    renamed = "name" in changes.model_fields_set and changes.name != contact.name
    if "name" in changes.model_fields_set:
        contact.name = changes.name
    if "email" in changes.model_fields_set:
        contact.email = changes.email
    await session.flush()
    if renamed:
        conversations = await ConversationRepository.from_session(session).of_contact(
            tenant_id=tenant_id, contact_id=contact.id
        )
        for conversation in conversations:
            await announce_updated(session, conversation, topic=inbox_topic, occurred_at=now)
    return contact
