"""Finding the contact an inbound message is from, creating, linking or merging as needed.

A WhatsApp user is known by a phone number, by Meta's business-scoped user id (BSUID,
sent instead of the number for users who hide it behind a username), or by both. A
message carrying both links them on one contact. Identifiers are only ever filled in,
never overwritten: a contact that already has a different phone or user id keeps it
(that conflict is logged), so one odd message cannot re-point a customer's history.
"""

from __future__ import annotations

import uuid

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.contacts.merge import merge_contacts
from mia_crm.contacts.repository import ContactRepository
from mia_crm.models import Contact

__all__ = ["resolve_contact"]

logger = structlog.get_logger(__name__)


async def resolve_contact(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    phone: str | None,
    channel_user_id: str | None,
    name: str | None,
) -> Contact:
    """The contact known by ``phone`` or ``channel_user_id`` (E.164 / BSUID), made to
    carry both; created when neither is known yet."""
    if phone is None and channel_user_id is None:
        raise ValueError("a contact needs a phone number or a channel user id")
    contacts = ContactRepository.from_session(session)
    by_phone = await contacts.find_by_phone(tenant_id=tenant_id, phone=phone) if phone else None
    by_user_id = (
        await contacts.find_by_channel_user_id(tenant_id=tenant_id, channel_user_id=channel_user_id)
        if channel_user_id
        else None
    )
    if by_phone is not None and by_user_id is not None and by_phone.id != by_user_id.id:
        # The message proves both are the same person: fold the user-id contact into the
        # phone contact (the phone is the identity every channel shares).
        await merge_contacts(session, survivor=by_phone, absorbed=by_user_id)
        by_user_id = None
    contact = by_phone or by_user_id
    if contact is None:
        created = await contacts.insert_unless_taken(
            tenant_id=tenant_id, phone=phone, channel_user_id=channel_user_id, name=name
        )
        if created is not None:
            return created
        # Another consumer created it between our look-up and our insert: start over,
        # which now finds it.
        return await resolve_contact(
            session, tenant_id=tenant_id, phone=phone, channel_user_id=channel_user_id, name=name
        )
    _fill_in(contact, phone=phone, channel_user_id=channel_user_id, name=name)
    await session.flush()
    return contact


def _fill_in(
    contact: Contact, *, phone: str | None, channel_user_id: str | None, name: str | None
) -> None:
    if phone and contact.phone != phone:
        if contact.phone is None:
            contact.phone = phone
        else:
            logger.warning("contact keeps its phone", contact_id=str(contact.id))
    if channel_user_id and contact.channel_user_id != channel_user_id:
        if contact.channel_user_id is None:
            contact.channel_user_id = channel_user_id
        else:
            logger.warning("contact keeps its channel user id", contact_id=str(contact.id))
    # The profile name is the customer's own choice; a name the team gave wins.
    if name and not contact.name:
        contact.name = name
