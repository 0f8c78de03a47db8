"""What the bot learns from ``inbox.events.v1``: the conversation's thread and holder.

- A customer's message on a number a persona serves is written to the transcript and
  (unless people have the conversation, or the bot is paused there) starts or extends the
  debounce: the turn is due ``debounce_seconds`` after the last message of a burst, and at
  most three debounces after its first, so a customer typing on and on is answered too.
- A person's reply pauses the bot there for the persona's ``human_pause_minutes`` and
  cancels what the bot was about to send.
- The conversation assigned to someone: the bot's pending replies are cancelled (the crm
  would drop them too). Closed: the bot starts fresh the next time (handoff over).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.models.conversation import BotConversation, ScheduledReply, TranscriptLine
from mia_ai_agent.personas.repository import PersonaRepository
from mia_common.contracts import Envelope, InboxAuthor, InboxChange, InboxEvent

__all__ = ["BURST_DEBOUNCES", "learn"]

BURST_DEBOUNCES = 3


async def learn(session: AsyncSession, event: Envelope[InboxEvent], *, now: datetime) -> bool:
    """Apply one inbox event; True when a turn became due (the turn loop should look)."""
    data = event.data
    if data.conversation is None:
        return False
    tenant_id = event.tenantid
    state = await session.get(BotConversation, data.conversation_id, with_for_update=True)
    if state is not None and state.tenant_id != tenant_id:
        return False  # ids are unique across tenants; an event naming another's is ignored
    if data.change == InboxChange.CONVERSATION_UPDATED:
        if state is not None:
            await _conversation_changed(session, state, data, now=now)
        return False
    if (
        data.change != InboxChange.MESSAGE_CREATED
        or data.message is None
        or data.message_id is None
    ):
        return False
    message = data.message
    if state is None:
        if message.author != InboxAuthor.CUSTOMER:
            return False  # the bot follows a conversation from its customer's first word
        persona = await PersonaRepository.from_session(session).serving(
            tenant_id=tenant_id, channel_account_id=data.conversation.channel_account_id
        )
        if persona is None:
            return False
        state = BotConversation(
            tenant_id=tenant_id,
            conversation_id=data.conversation_id,
            contact_id=data.contact_id,
            channel=data.conversation.channel,
            channel_account_id=data.conversation.channel_account_id,
            persona_id=persona.id,
            state="active",
            turns=0,
            misses=0,
        )
        session.add(state)
        await session.flush()
    added = await session.execute(
        insert(TranscriptLine)
        .values(
            tenant_id=tenant_id,
            message_id=data.message_id,
            conversation_id=data.conversation_id,
            author=message.author.value,
            text=message.text,
            at=message.occurred_at,
        )
        .on_conflict_do_nothing()
        .returning(TranscriptLine.message_id)
    )
    if added.scalar() is None:
        return False  # seen before
    state.assigned_user_id = data.conversation.assigned_user_id
    state.updated_at = now
    if message.author == InboxAuthor.AGENT:
        persona = await PersonaRepository.from_session(session).get(
            tenant_id=tenant_id, persona_id=state.persona_id
        )
        minutes = persona.human_pause_minutes if persona is not None else 60
        state.paused_until = now + timedelta(minutes=minutes)
        await _quiet(session, state)
        return False
    if message.author != InboxAuthor.CUSTOMER:
        return False
    if state.state != "active" or state.assigned_user_id is not None or _paused(state, now):
        return False
    persona = await PersonaRepository.from_session(session).get(
        tenant_id=tenant_id, persona_id=state.persona_id
    )
    if persona is None or not persona.enabled:
        return False
    debounce = timedelta(seconds=persona.debounce_seconds)
    state.pending_message_id = data.message_id
    state.pending_since = state.pending_since or now
    state.due_at = min(now + debounce, state.pending_since + BURST_DEBOUNCES * debounce)
    return True


async def _conversation_changed(
    session: AsyncSession, state: BotConversation, data: InboxEvent, *, now: datetime
) -> None:
    conversation = data.conversation
    assert conversation is not None
    state.assigned_user_id = conversation.assigned_user_id
    state.updated_at = now
    if conversation.assigned_user_id is not None:
        await _quiet(session, state)
    if conversation.status == "closed":
        # The next customer message starts afresh: a handoff is over once people close it.
        state.state = "active"
        state.handoff_reason = None
        state.turns = 0
        state.misses = 0
        # The transcript's clock (PostgreSQL's), not this process's.
        state.answered_until = func.clock_timestamp()
        await _quiet(session, state)


async def _quiet(session: AsyncSession, state: BotConversation) -> None:
    """No turn due and nothing about to be sent here."""
    state.due_at = None
    state.pending_message_id = None
    state.pending_since = None
    await session.execute(
        update(ScheduledReply)
        .where(
            ScheduledReply.conversation_id == state.conversation_id,
            ScheduledReply.state == "pending",
        )
        .values(state="cancelled")
    )


def _paused(state: BotConversation, now: datetime) -> bool:
    return state.paused_until is not None and state.paused_until > now
