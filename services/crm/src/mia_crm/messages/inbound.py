"""Storing a message a customer sent: contact, conversation, message, inbox counters."""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import InboundMessage, InboxChange
from mia_common.messaging import PermanentError
from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.contacts.resolution import resolve_contact
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.conversations.summary import record_inbound
from mia_crm.inbox_events import announce
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Contact, Conversation, Direction, Message

__all__ = ["store_inbound"]

logger = structlog.get_logger(__name__)


async def store_inbound(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    inbound: InboundMessage,
    inbox_topic: str,
    now: datetime,
) -> Message | None:
    """The stored message, or None when the channel's message id is already stored.

    Deduplicating by the channel's id (not only by event id) absorbs a channel retry that
    an ingest service published as a second event. A stored message is announced on
    ``inbox_topic``; a redelivery is not.
    """
    messages = MessageRepository.from_session(session)
    if await messages.is_stored(
        channel_account_id=inbound.channel_account_id,
        external_message_id=inbound.external_message_id,
    ):
        return None
    contact = await resolve_contact(
        session,
        tenant_id=tenant_id,
        phone=_phone_of(inbound),
        channel_user_id=inbound.from_user_id,
        name=inbound.contact_name,
    )
    # The channel's clock, capped at ours: a sender's clock ahead of ours must not stretch
    # the reply window or pin the conversation to the top of the inbox.
    occurred_at = min(inbound.sent_at, now)
    conversation = await _conversation_of(
        session, tenant_id=tenant_id, contact=contact, inbound=inbound, occurred_at=occurred_at
    )
    message = await messages.insert_unless_stored(
        tenant_id=tenant_id,
        conversation_id=conversation.id,
        channel_account_id=inbound.channel_account_id,
        direction=Direction.IN.value,
        kind=inbound.kind.value,
        text=inbound.text,
        media=inbound.media.model_dump(mode="json") if inbound.media is not None else None,
        extra=inbound.extra,
        external_message_id=inbound.external_message_id,
        reply_to_external_id=inbound.reply_to_external_id,
        occurred_at=occurred_at,
    )
    if message is None:
        return None  # stored by a concurrent consumer since our check
    record_inbound(conversation, message)
    await session.flush()
    await announce(
        session,
        topic=inbox_topic,
        change=InboxChange.MESSAGE_CREATED,
        conversation=conversation,
        message_id=message.id,
        occurred_at=now,
    )
    logger.info(
        "inbound message stored",
        message_id=str(message.id),
        conversation_id=str(conversation.id),
        kind=message.kind,
    )
    return message


def _phone_of(inbound: InboundMessage) -> str | None:
    if inbound.from_address is None:
        return None
    try:
        return to_e164(inbound.from_address)
    except InvalidPhoneNumber as error:
        raise PermanentError(str(error)) from None


async def _conversation_of(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact: Contact,
    inbound: InboundMessage,
    occurred_at: datetime,
) -> Conversation:
    conversations = ConversationRepository.from_session(session)
    while True:
        found = await conversations.find_for_update(
            tenant_id=tenant_id,
            contact_id=contact.id,
            channel_account_id=inbound.channel_account_id,
        )
        if found is not None:
            return found
        created = await conversations.insert_unless_taken(
            tenant_id=tenant_id,
            contact_id=contact.id,
            channel=inbound.channel.value,
            channel_account_id=inbound.channel_account_id,
            last_message_at=occurred_at,
        )
        if created is not None:
            return created
        # A concurrent consumer created it first; the next look-up finds it.
