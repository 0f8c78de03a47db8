"""Applying what a persona decided, in the crm's own transaction.

The crm is the last to look before the customer hears the bot: a reply to a conversation
a person took in the meantime, to a contact who opted out, or outside WhatsApp's 24-hour
window is dropped (logged, nothing stored), never sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import AiHandoff, AiReply
from mia_crm.ai_decisions.consent import opted_out
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.errors import ConversationNotFound, ConversationTaken, NoRecipient, WindowClosed
from mia_crm.inbox_events import announce_updated
from mia_crm.messages.replies import BotAuthor, send_reply
from mia_crm.messages.repository import MessageRepository
from mia_crm.messages.schemas import TextReply
from mia_crm.models import ConversationNote

__all__ = ["apply_handoff", "apply_reply"]

logger = structlog.get_logger(__name__)


async def apply_reply(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    reply: AiReply,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
) -> bool:
    """The persona's message stored in the thread and handed to the sender; False when it
    was dropped (see the module) or was stored already."""
    return await _bot_message(
        session,
        tenant_id=tenant_id,
        conversation_id=reply.conversation_id,
        contact_id=reply.contact_id,
        text=reply.text,
        bot=BotAuthor(
            persona_id=reply.persona_id,
            persona_name=reply.persona_name,
            run_id=reply.run_id,
            message_id=reply.request_id,
        ),
        send_topic=send_topic,
        inbox_topic=inbox_topic,
        now=now,
    )


async def apply_handoff(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    handoff: AiHandoff,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
) -> None:
    """The customer told (as the bot), the summary left as the persona's note, then the
    conversation assigned (to the persona's team's queue, its agent, or both): in that
    order, since the bot may not write once someone holds it. A conversation a person took
    already keeps its holder (and team) and still gets the note; one already in a team
    stays in it. The persona's team is not asked of the gateway: the tenant chose it."""
    if handoff.customer_message:
        await _bot_message(
            session,
            tenant_id=tenant_id,
            conversation_id=handoff.conversation_id,
            contact_id=handoff.contact_id,
            text=handoff.customer_message,
            bot=BotAuthor(
                persona_id=handoff.persona_id,
                persona_name=handoff.persona_name,
                run_id=handoff.run_id,
                message_id=handoff.request_id,
            ),
            send_topic=send_topic,
            inbox_topic=inbox_topic,
            now=now,
        )
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=handoff.conversation_id, for_update=True
    )
    if conversation is None:
        logger.info(
            "handoff for a conversation that is gone", conversation=str(handoff.conversation_id)
        )
        return
    session.add(
        ConversationNote(
            tenant_id=tenant_id,
            conversation_id=conversation.id,
            author_user_id=None,
            author_persona_name=handoff.persona_name,
            text=handoff.summary,
        )
    )
    if conversation.assigned_user_id is None:
        if handoff.assign_to_user_id is not None:
            conversation.assigned_user_id = handoff.assign_to_user_id
        if conversation.assigned_team_id is None and handoff.assign_to_team_id is not None:
            conversation.assigned_team_id = handoff.assign_to_team_id
    await session.flush()
    await announce_updated(session, conversation, topic=inbox_topic, occurred_at=now)


async def _bot_message(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    contact_id: uuid.UUID,
    text: str,
    bot: BotAuthor,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
) -> bool:
    if await MessageRepository.from_session(session).exists(
        tenant_id=tenant_id, message_id=bot.message_id
    ):
        return False
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=tenant_id, conversation_id=conversation_id
    )
    if conversation is None:
        logger.info("bot reply dropped: no such conversation", conversation=str(conversation_id))
        return False
    if await opted_out(
        session, tenant_id=tenant_id, contact_id=contact_id, channel=conversation.channel
    ):
        logger.info("bot reply dropped: the contact opted out", conversation=str(conversation_id))
        return False
    try:
        # A savepoint: a refusal leaves the rest of the transaction (the event's claim) whole.
        async with session.begin_nested():
            await send_reply(
                session,
                tenant_id=tenant_id,
                user_id=None,
                conversation_id=conversation_id,
                reply=TextReply(type="text", text=text),
                idempotency_key=None,
                send_topic=send_topic,
                inbox_topic=inbox_topic,
                now=now,
                bot=bot,
            )
    except (ConversationTaken, WindowClosed, NoRecipient, ConversationNotFound) as refusal:
        logger.info("bot reply dropped", conversation=str(conversation_id), reason=refusal.code)
        return False
    return True
