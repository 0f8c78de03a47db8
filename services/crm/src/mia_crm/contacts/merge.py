"""Merging two contacts that turned out to be one person.

Everything of the absorbed contact moves to the survivor: conversations on numbers the
survivor has not talked on are re-pointed; on a number both have, the two threads become
one (messages and notes move, counters add up, the newer last message wins). Blank fields
of the survivor take the absorbed contact's values. The absorbed contact is deleted, so
its id answers 404 afterwards.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.contacts.repository import ContactRepository
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Contact, Conversation, ConversationStatus
from mia_crm.notes.repository import NoteRepository

__all__ = ["merge_contacts"]


async def merge_contacts(session: AsyncSession, *, survivor: Contact, absorbed: Contact) -> None:
    conversations = ConversationRepository.from_session(session)
    for moving in await conversations.of_contact(
        tenant_id=absorbed.tenant_id, contact_id=absorbed.id
    ):
        target = await conversations.find_for_update(
            tenant_id=survivor.tenant_id,
            contact_id=survivor.id,
            channel_account_id=moving.channel_account_id,
        )
        if target is None:
            moving.contact_id = survivor.id
        else:
            await _join_threads(session, target=target, moving=moving)
    await session.flush()

    identifiers = {
        "phone": absorbed.phone,
        "channel_user_id": absorbed.channel_user_id,
        "name": absorbed.name,
        "email": absorbed.email,
    }
    # Deleted first: the survivor may take over its phone or user id, which are unique.
    await ContactRepository.from_session(session).delete(absorbed)
    for field, value in identifiers.items():
        if value is not None and getattr(survivor, field) is None:
            setattr(survivor, field, value)
    await session.flush()


async def _join_threads(
    session: AsyncSession, *, target: Conversation, moving: Conversation
) -> None:
    await MessageRepository.from_session(session).move_to_conversation(
        from_conversation_id=moving.id, to_conversation_id=target.id
    )
    await NoteRepository.from_session(session).move_to_conversation(
        from_conversation_id=moving.id, to_conversation_id=target.id
    )
    target.unread_count += moving.unread_count
    if moving.last_inbound_at is not None and (
        target.last_inbound_at is None or moving.last_inbound_at > target.last_inbound_at
    ):
        target.last_inbound_at = moving.last_inbound_at
    if moving.last_message_at > target.last_message_at:
        target.last_message_at = moving.last_message_at
        target.last_message_id = moving.last_message_id
        target.last_message_preview = moving.last_message_preview
        target.last_message_direction = moving.last_message_direction
    if target.assigned_user_id is None:
        target.assigned_user_id = moving.assigned_user_id
    if moving.status == ConversationStatus.OPEN:
        target.status = ConversationStatus.OPEN
    await ConversationRepository.from_session(session).delete(moving)
