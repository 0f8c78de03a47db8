"""An agent's reply: stored as an outbound message and handed to the sender through the
outbox, in one transaction, so a reply is never sent without being stored or stored
without being sent. The same transaction announces it on the inbox topic, so every
dashboard of the tenant shows it, not only the one that sent it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, Envelope, InboxChange, SendOrigin, SendRequest
from mia_common.contracts.topics import MESSAGES_SEND
from mia_common.customer_window import needs_open_window, reply_window
from mia_common.db.base import new_uuid7
from mia_common.outbox import add_event
from mia_crm.contacts.repository import ContactRepository
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.conversations.summary import record_latest
from mia_crm.errors import (
    ConversationNotFound,
    ConversationTaken,
    IdempotencyKeyReused,
    NoRecipient,
    WindowClosed,
)
from mia_crm.inbox_events import announce
from mia_crm.messages.repository import MessageRepository
from mia_crm.messages.schemas import MediaReply, TemplateReply, TextReply
from mia_crm.models import Conversation, Direction, Message
from mia_crm.statuses.ordering import DeliveryStatus

__all__ = ["SOURCE", "BotAuthor", "send_reply", "stage_send"]

SOURCE = "/services/crm"

Reply = TextReply | TemplateReply | MediaReply


@dataclass(frozen=True, slots=True)
class BotAuthor:
    """An AI persona writing in place of a person: the reply is the bot's, recorded with
    the persona and the ai-agent's run, and refused once a person holds the conversation."""

    persona_id: uuid.UUID
    persona_name: str
    run_id: uuid.UUID
    message_id: uuid.UUID
    """chosen by the ai-agent: the same decision published twice is one message"""


async def send_reply(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    conversation_id: uuid.UUID,
    reply: Reply,
    idempotency_key: str | None,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
    bot: BotAuthor | None = None,
) -> Message:
    """The outbound message, status ``pending``; its id is the send request id.

    With an ``idempotency_key`` already used in this tenant, the message made then is
    returned and nothing is sent (or announced) again. A ``bot`` reply is refused with
    ``ConversationTaken`` when a person holds the conversation.
    """
    messages = MessageRepository.from_session(session)
    if idempotency_key is not None:
        # Serializes requests racing with the same key; the second finds the first's message.
        await messages.lock_idempotency_key(tenant_id=tenant_id, key=idempotency_key)
        earlier = await messages.by_idempotency_key(tenant_id=tenant_id, key=idempotency_key)
        if earlier is not None:
            if earlier.conversation_id != conversation_id:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was used for a reply in another conversation"
                )
            return earlier

    # The contact's last_outbound_at, before the conversation is locked: contact, then
    # conversation is the order inbound messages lock them in (no deadlock). A refusal
    # below rolls it back with the rest.
    await ContactRepository.from_session(session).record_outbound_of_conversation(
        tenant_id=tenant_id, conversation_id=conversation_id, at=now
    )
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=conversation_id, for_update=True
    )
    if conversation is None:
        raise ConversationNotFound(f"no conversation {conversation_id}")
    if bot is not None and conversation.assigned_user_id is not None:
        raise ConversationTaken("a person holds this conversation; the bot stays quiet")
    content = reply.to_content()
    if needs_open_window(content.type):
        window = reply_window(
            channel=conversation.channel, last_inbound_at=conversation.last_inbound_at, now=now
        )
        if not window.open:
            raise WindowClosed(
                "the customer has not written in the last 24 hours; WhatsApp accepts only an"
                " approved template message until they write again",
                closed_at=window.closes_at.isoformat() if window.closes_at else None,
            )
    contact = await ContactRepository.from_session(session).get(
        tenant_id=tenant_id, contact_id=conversation.contact_id
    )
    if contact is None or (contact.phone is None and contact.channel_user_id is None):
        raise NoRecipient("the contact has neither a phone number nor a channel user id")

    message = await messages.add(
        Message(
            id=bot.message_id if bot is not None else new_uuid7(),
            tenant_id=tenant_id,
            conversation_id=conversation.id,
            channel_account_id=conversation.channel_account_id,
            direction=Direction.OUT.value,
            status=DeliveryStatus.PENDING.value,
            status_timeline=[],
            sent_by_user_id=user_id,
            sent_by_persona_id=bot.persona_id if bot is not None else None,
            sent_by_persona_name=bot.persona_name if bot is not None else None,
            ai_run_id=bot.run_id if bot is not None else None,
            idempotency_key=idempotency_key,
            occurred_at=now,
            **_stored_content(reply),
        )
    )
    record_latest(conversation, message)
    request = SendRequest(
        request_id=message.id,
        channel=Channel(conversation.channel),
        channel_account_id=conversation.channel_account_id,
        # The phone number when we have it; Meta's user id for users who hide theirs.
        to=contact.phone,
        to_user_id=None if contact.phone else contact.channel_user_id,
        content=content,
        origin=SendOrigin.AI if bot is not None else SendOrigin.AGENT,
        origin_ref=str(message.id),
    )
    await stage_send(session, send_topic=send_topic, conversation=conversation, request=request)
    await announce(
        session,
        topic=inbox_topic,
        change=InboxChange.MESSAGE_CREATED,
        conversation=conversation,
        message=message,
        occurred_at=now,
    )
    await session.flush()
    return message


async def stage_send(
    session: AsyncSession, *, send_topic: str, conversation: Conversation, request: SendRequest
) -> None:
    """Hand ``request`` to the sender through the outbox, in the caller's transaction."""
    await add_event(
        session,
        topic=send_topic,
        # One key per channel account: the sender paces each number in order.
        key=str(conversation.channel_account_id),
        event=Envelope[SendRequest](
            type=MESSAGES_SEND.name,
            source=SOURCE,
            tenantid=conversation.tenant_id,
            subject=str(conversation.id),
            data=request,
        ),
    )


def _stored_content(reply: Reply) -> dict[str, Any]:
    """The message columns of a reply, shaped like an inbound message's."""
    if isinstance(reply, TextReply):
        return {"kind": "text", "text": reply.text, "media": None, "extra": {}}
    if isinstance(reply, TemplateReply):
        content = reply.to_content()
        return {
            "kind": "template",
            "text": None,
            "media": None,
            "extra": {"template": content.model_dump(mode="json", exclude={"type"})},
        }
    return {
        "kind": reply.kind,
        "text": reply.caption_text,
        "media": {
            "link": str(reply.link) if reply.link is not None else None,
            "media_id": reply.media_id,
            "caption": reply.caption_text,
            "filename": reply.file_name,
        },
        "extra": {},
    }
