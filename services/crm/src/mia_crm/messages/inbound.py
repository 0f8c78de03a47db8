"""Storing messages customers sent: contact, conversation, message, inbox counters.

A batch of inbound messages (a poll's worth) is stored in the caller's one transaction,
with a fixed number of statements for the batch rather than a handful per message: the
contacts and the conversations are read in one query each (locked), the messages inserted
in one (those already stored skipped), the conversations updated in one, the inbox events
staged in one. Only a customer or conversation
seen for the first time costs statements of its own.

What the channel sent is stored as it came but for U+0000, which PostgreSQL refuses in
text and jsonb: it becomes U+FFFD (``without_nul``), so a customer's message is never
refused or dead-lettered over the character.

Order is the batch's: a conversation's messages arrive in its partition's order, get ids
(UUIDv7) in that order, and update the conversation in that order, so the thread and the
inbox line read as if they had been stored one by one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope, InboundMessage, InboxChange
from mia_common.db.base import new_uuid7
from mia_common.messaging import PermanentError
from mia_common.outbox import add_events
from mia_common.text import without_nul
from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.contacts.repository import ContactRepository
from mia_crm.contacts.resolution import ContactResolver, Identifiers
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.conversations.summary import record_inbound
from mia_crm.inbox_events import inbox_event
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Contact, Conversation, Direction, Message

__all__ = ["store_inbound"]

logger = structlog.get_logger(__name__)

# (tenant, contact, channel account): one conversation.
_ConversationKey = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


@dataclass(slots=True)
class _Arrival:
    """One inbound message on its way in: who sent it, and where it goes."""

    event: Envelope[InboundMessage]
    sender: Identifiers
    occurred_at: datetime
    contact: Contact | None = None


async def store_inbound(
    session: AsyncSession,
    *,
    events: Sequence[Envelope[InboundMessage]],
    inbox_topic: str,
    now: datetime,
    contacts_topic: str,
) -> list[Message]:
    """The messages stored, in the order of ``events``.

    A channel message id already stored, or seen earlier in ``events``, is skipped:
    deduplicating by the channel's id (not only by event id) absorbs a channel retry that
    an ingest service published as a second event. Each stored message is announced on
    ``inbox_topic``; a redelivery is not. A sender address no country has raises
    ``PermanentError`` (the consumer then dead-letters that message alone).
    """
    messages = MessageRepository.from_session(session)
    firsts: dict[tuple[uuid.UUID, str], Envelope[InboundMessage]] = {}
    for event in events:
        key = (event.data.channel_account_id, without_nul(event.data.external_message_id))
        firsts.setdefault(key, event)
    # No look-up of what is already stored: the INSERT skips those (ON CONFLICT), and only
    # the rows it inserted count and are announced. A redelivery still finds (and locks)
    # its contact and conversation, which it cannot change: they exist since its first time.
    arrivals = [
        _Arrival(
            event=event,
            sender=Identifiers(
                tenant_id=event.tenantid,
                phone=_phone_of(event.data),
                channel_user_id=without_nul(event.data.from_user_id),
                name=without_nul(event.data.contact_name),
            ),
            # The channel's clock, capped at ours: a sender's clock ahead of ours must not
            # stretch the reply window or pin the conversation to the top of the inbox.
            occurred_at=min(event.data.sent_at, now),
        )
        for event in firsts.values()
    ]
    if not arrivals:
        return []

    contacts = ContactResolver(session, contacts_topic=contacts_topic, inbox_topic=inbox_topic)
    await contacts.prefetch(arrival.sender for arrival in arrivals)
    for arrival in arrivals:
        arrival.contact = await contacts.resolve(arrival.sender)
    conversations = await _conversations_of(session, arrivals, contacts)

    rows: list[dict[str, Any]] = []
    made: list[tuple[Message, Conversation]] = []
    for arrival in arrivals:
        conversation = conversations[_key_of(arrival, contacts)]
        inbound = arrival.event.data
        media = inbound.media.model_dump(mode="json") if inbound.media is not None else None
        # What the customer (or the channel) sent is stored whatever it holds: PostgreSQL
        # refuses U+0000 in text and jsonb, so it becomes U+FFFD here, where it is stored.
        row: dict[str, Any] = {
            "id": new_uuid7(),
            "tenant_id": arrival.event.tenantid,
            "conversation_id": conversation.id,
            "channel_account_id": inbound.channel_account_id,
            "direction": Direction.IN.value,
            "kind": inbound.kind.value,
            "text": without_nul(inbound.text),
            "media": without_nul(media),
            "extra": without_nul(inbound.extra),
            "external_message_id": without_nul(inbound.external_message_id),
            "reply_to_external_id": without_nul(inbound.reply_to_external_id),
            "occurred_at": arrival.occurred_at,
            "status": None,
            "status_timeline": [],
            "error_code": None,
            "error_title": None,
            "sent_by_user_id": None,
            "idempotency_key": None,
        }
        rows.append(row)
        # Not added to the session: the INSERT above writes it; this copy feeds the
        # conversation's summary (preview, times) and the caller.
        made.append((Message(**row), conversation))
    inserted = await messages.insert_unless_stored(rows)

    announcements = []
    kept: list[Message] = []
    latest: dict[uuid.UUID, datetime] = {}  # contact -> its newest message here
    for message, conversation in made:
        if message.id not in inserted:
            continue  # already stored: a redelivery, or another consumer's since we looked
        record_inbound(conversation, message)
        if message.occurred_at > latest.get(conversation.contact_id, message.occurred_at):
            latest[conversation.contact_id] = message.occurred_at
        latest.setdefault(conversation.contact_id, message.occurred_at)
        kept.append(message)
        announcements.append(
            inbox_event(
                topic=inbox_topic,
                change=InboxChange.MESSAGE_CREATED,
                conversation=conversation,
                message=message,
                occurred_at=now,
            )
        )
    await session.flush()
    # The contacts' last_inbound_at: one UPDATE for the batch (the rows are locked already).
    await ContactRepository.from_session(session).record_inbound(latest)
    await add_events(session, announcements)
    logger.debug("inbound messages stored", stored=len(kept), received=len(events))
    return kept


def _phone_of(inbound: InboundMessage) -> str | None:
    if inbound.from_address is None:
        return None
    try:
        return to_e164(inbound.from_address)
    except InvalidPhoneNumber as error:
        raise PermanentError(str(error)) from None


def _key_of(arrival: _Arrival, contacts: ContactResolver) -> _ConversationKey:
    assert arrival.contact is not None
    # A contact merged into another later in the batch: its messages go to the survivor,
    # where the merge would have moved them.
    contact = contacts.current(arrival.contact)
    return (arrival.event.tenantid, contact.id, arrival.event.data.channel_account_id)


async def _conversations_of(
    session: AsyncSession, arrivals: Sequence[_Arrival], contacts: ContactResolver
) -> dict[_ConversationKey, Conversation]:
    """The conversation of each arrival (locked), created for those that have none."""
    repository = ConversationRepository.from_session(session)
    first_of: dict[_ConversationKey, _Arrival] = {}
    for arrival in arrivals:
        first_of.setdefault(_key_of(arrival, contacts), arrival)
    found = {
        (c.tenant_id, c.contact_id, c.channel_account_id): c
        for c in await repository.find_many_for_update(list(first_of))
    }
    for key, arrival in first_of.items():
        while key not in found:
            tenant_id, contact_id, account_id = key
            created = await repository.insert_unless_taken(
                tenant_id=tenant_id,
                contact_id=contact_id,
                channel=arrival.event.data.channel.value,
                channel_account_id=account_id,
                last_message_at=arrival.occurred_at,
            )
            if created is None:
                # A concurrent consumer created it first; the look-up waits for its commit.
                created = await repository.find_for_update(
                    tenant_id=tenant_id, contact_id=contact_id, channel_account_id=account_id
                )
            if created is not None:
                found[key] = created
    return found
