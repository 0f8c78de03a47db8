"""The bot's typing indicator: an ``ai.typing`` turned into a typing send for the sender.

Only where it means something: a WhatsApp Cloud conversation nobody took over, a contact
who did not opt out, the customer's message known by its channel id and the 24-hour
window open. Anything else drops it (logged): it is a courtesy, never worth a refusal.

The send is not a message: nothing is stored in the thread, and its outcome (which the
sender publishes as for any send, with ``origin_ref`` ``typing:<message id>``) is
recognised by that reference and left alone.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    AiTyping,
    Channel,
    SendOrigin,
    SendRequest,
    TypingContent,
)
from mia_common.customer_window import reply_window
from mia_crm.ai_decisions.consent import opted_out
from mia_crm.contacts.repository import ContactRepository
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.messages.replies import stage_send
from mia_crm.messages.repository import MessageRepository

__all__ = ["TYPING_REF_PREFIX", "apply_typing", "is_typing_ref"]

logger = structlog.get_logger(__name__)

TYPING_REF_PREFIX = "typing:"


def is_typing_ref(origin_ref: str | None) -> bool:
    """Whether a send's ``origin_ref`` names a typing indicator (no message of ours)."""
    return origin_ref is not None and origin_ref.startswith(TYPING_REF_PREFIX)


async def apply_typing(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    typing: AiTyping,
    send_topic: str,
    now: datetime,
) -> bool:
    """Stage the typing send; False when it was dropped (see the module)."""
    if typing.until <= now:
        return _dropped(typing, "the answer is due already")
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=typing.conversation_id
    )
    if conversation is None:
        return _dropped(typing, "no such conversation")
    if conversation.channel != Channel.WHATSAPP_CLOUD.value:
        return _dropped(typing, "the channel shows no typing")
    if conversation.assigned_user_id is not None:
        return _dropped(typing, "a person holds the conversation")
    window = reply_window(
        channel=conversation.channel, last_inbound_at=conversation.last_inbound_at, now=now
    )
    if not window.open:
        return _dropped(typing, "the customer's window is closed")
    message = await MessageRepository.from_session(session).inbound(
        tenant_id=tenant_id, message_id=typing.in_reply_to_message_id
    )
    if (
        message is None
        or message.conversation_id != conversation.id
        or not message.external_message_id
    ):
        return _dropped(typing, "the customer's message is unknown here")
    if await opted_out(
        session,
        tenant_id=tenant_id,
        contact_id=conversation.contact_id,
        channel=conversation.channel,
    ):
        return _dropped(typing, "the contact opted out")
    contact = await ContactRepository.from_session(session).get(
        tenant_id=tenant_id, contact_id=conversation.contact_id
    )
    if contact is None or (contact.phone is None and contact.channel_user_id is None):
        return _dropped(typing, "the contact cannot be reached")
    request = SendRequest(
        request_id=typing.request_id,
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=conversation.channel_account_id,
        to=contact.phone,
        to_user_id=None if contact.phone else contact.channel_user_id,
        content=TypingContent(),
        origin=SendOrigin.AI,
        origin_ref=f"{TYPING_REF_PREFIX}{message.id}",
        reply_to_external_id=message.external_message_id,
        not_after=typing.until,
    )
    await stage_send(session, send_topic=send_topic, conversation=conversation, request=request)
    return True


def _dropped(typing: AiTyping, reason: str) -> bool:
    logger.debug(
        "typing indicator dropped", conversation=str(typing.conversation_id), reason=reason
    )
    return False
