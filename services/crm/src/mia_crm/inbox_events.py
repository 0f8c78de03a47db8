"""Telling dashboards what changed in the inbox: ``inbox.events.v1`` through the outbox.

Each change is written as an outbox row in the transaction that made it, so the event
leaves only once the change is committed: a dashboard that refetches on hearing it
always finds the change. The envelope carries the tenant id, which is how the gateway's
live socket delivers it to that tenant's browsers only. The key is the conversation id,
so one conversation's events keep their order.

Callers announce only real changes: a redelivered message, a status that does not move
the message forward, or a read / assign / status that leaves the conversation as it was
publish nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    Envelope,
    InboxAuthor,
    InboxChange,
    InboxConversation,
    InboxEvent,
    InboxMessage,
)
from mia_common.contracts.inbox import INBOX_TEXT_LIMIT
from mia_common.contracts.topics import INBOX_EVENTS
from mia_common.outbox import StagedEvent, add_events
from mia_crm.models import Conversation, Direction, Message

__all__ = [
    "SOURCE",
    "ConversationRef",
    "announce",
    "announce_conversations",
    "announce_updated",
    "inbox_event",
]

SOURCE = "/services/crm"
# Parametrized once: ``Envelope[InboxEvent]`` looks the generic up on every use.
_InboxEnvelope = Envelope[InboxEvent]


def inbox_event(
    *,
    topic: str,
    change: InboxChange,
    conversation: Conversation,
    occurred_at: datetime,
    message_id: uuid.UUID | None = None,
    message: Message | None = None,
) -> StagedEvent:
    """The inbox event about ``conversation`` (and one of its messages), for the outbox;
    ``occurred_at`` is when the crm made the change. A new ``message`` is described in the
    event (who wrote it, its text)."""
    return StagedEvent(
        topic=topic,
        key=str(conversation.id),
        event=_InboxEnvelope(
            type=INBOX_EVENTS.name,
            source=SOURCE,
            tenantid=conversation.tenant_id,
            subject=str(conversation.id),
            data=InboxEvent(
                change=change,
                conversation_id=conversation.id,
                contact_id=conversation.contact_id,
                message_id=message.id if message is not None else message_id,
                occurred_at=occurred_at,
                message=_described(message) if message is not None else None,
                conversation=InboxConversation(
                    channel=conversation.channel,
                    channel_account_id=conversation.channel_account_id,
                    status=conversation.status,
                    assigned_user_id=conversation.assigned_user_id,
                    assigned_team_id=conversation.assigned_team_id,
                ),
            ),
        ),
    )


def _described(message: Message) -> InboxMessage:
    inbound = message.direction == Direction.IN
    if inbound:
        author = InboxAuthor.CUSTOMER
    elif message.sent_by_persona_id is not None:
        author = InboxAuthor.BOT
    elif message.sent_by_user_id is not None:
        author = InboxAuthor.AGENT
    else:
        author = InboxAuthor.SYSTEM
    text = message.text[:INBOX_TEXT_LIMIT] if message.text is not None else None
    return InboxMessage(
        direction="in" if inbound else "out",
        author=author,
        kind=message.kind,
        text=text,
        sent_by_user_id=message.sent_by_user_id,
        persona_id=message.sent_by_persona_id,
        occurred_at=message.occurred_at,
    )


async def announce(
    session: AsyncSession,
    *,
    topic: str,
    change: InboxChange,
    conversation: Conversation,
    occurred_at: datetime,
    message_id: uuid.UUID | None = None,
    message: Message | None = None,
) -> None:
    """Stage one inbox event (see ``inbox_event``) for publication when the session's
    transaction commits; a batch stages its events with one ``add_events``."""
    await add_events(
        session,
        [
            inbox_event(
                topic=topic,
                change=change,
                conversation=conversation,
                occurred_at=occurred_at,
                message_id=message_id,
                message=message,
            )
        ],
    )


async def announce_updated(
    session: AsyncSession, conversation: Conversation, *, topic: str, occurred_at: datetime
) -> None:
    """``conversation_updated``: the conversation itself changed (read, assignee, status,
    notes, its contact's name), not one of its messages."""
    await announce(
        session,
        topic=topic,
        change=InboxChange.CONVERSATION_UPDATED,
        conversation=conversation,
        occurred_at=occurred_at,
    )


@dataclass(frozen=True, slots=True)
class ConversationRef:
    """A conversation as an event names it; also one that is gone (deleted with its
    contact, or joined into another thread by a merge)."""

    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    contact_id: uuid.UUID

    @classmethod
    def of(
        cls, conversation: Conversation, *, contact_id: uuid.UUID | None = None
    ) -> ConversationRef:
        return cls(conversation.tenant_id, conversation.id, contact_id or conversation.contact_id)


async def announce_conversations(
    session: AsyncSession,
    conversations: Iterable[ConversationRef],
    *,
    topic: str,
    occurred_at: datetime,
) -> None:
    """``conversation_updated`` for each conversation (once each), staged with one
    ``add_events``: what changes many conversations at once (a merge, a bulk delete, an
    import renaming contacts). A conversation moved to another contact is announced with
    that contact's id; one that is gone is announced too, and a dashboard refetching it
    finds it no more (404) and drops it from its list. Each event is its own small record
    (keyed by its conversation), however many a batch stages."""
    seen: set[uuid.UUID] = set()
    events = []
    for ref in conversations:
        if ref.conversation_id in seen:
            continue
        seen.add(ref.conversation_id)
        events.append(
            StagedEvent(
                topic=topic,
                key=str(ref.conversation_id),
                event=_InboxEnvelope(
                    type=INBOX_EVENTS.name,
                    source=SOURCE,
                    tenantid=ref.tenant_id,
                    subject=str(ref.conversation_id),
                    data=InboxEvent(
                        change=InboxChange.CONVERSATION_UPDATED,
                        conversation_id=ref.conversation_id,
                        contact_id=ref.contact_id,
                        occurred_at=occurred_at,
                    ),
                ),
            )
        )
    await add_events(session, events)
