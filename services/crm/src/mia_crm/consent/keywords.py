"""Opt-out and opt-in keywords in customers' messages, on the inbound path.

After a batch of inbound messages is stored (in its transaction), each message that is a
whole keyword of its tenant ("PARAR", " Stop! ", not "não quero parar") changes the
contact's consent on the conversation's channel (source ``keyword``), which stages
``contact.consent_changed``; when the tenant set a confirmation text, it goes back to the
customer as a reply of the crm's own (origin ``system``; stored, announced, sent through
the outbox like an agent's reply, once: its idempotency key is the keyword message's id).

The cost per message is a length check, and for short messages a normalization and a set
look-up: the tenants' keywords are held in memory (``KeywordCache``), read again after a
short time to live, and at once in the process that saved new ones. Only a message that
matched costs statements.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    Channel,
    InboxChange,
    SendOrigin,
    SendRequest,
    TextContent,
)
from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
from mia_common.db.base import new_uuid7
from mia_crm.consent.service import record_consent
from mia_crm.consent.words import MAX_MATCHED_TEXT, normalize_keyword
from mia_crm.contacts.repository import ContactRepository
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.conversations.summary import record_latest
from mia_crm.inbox_events import announce
from mia_crm.messages.replies import stage_send
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Conversation, Direction, Message
from mia_crm.statuses.ordering import DeliveryStatus
from mia_crm.tenant_settings.service import TenantCrmSettings, settings_of_tenants

__all__ = ["KeywordCache", "TenantKeywords", "apply_consent_keywords", "consent_channel_of"]

DEFAULT_TTL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class TenantKeywords:
    """One tenant's keywords, normalized, and its confirmation texts."""

    opt_out: frozenset[str]
    opt_in: frozenset[str]
    opt_out_reply: str | None
    opt_in_reply: str | None

    @classmethod
    def of(cls, settings: TenantCrmSettings) -> TenantKeywords:
        return cls(
            opt_out=frozenset(map(normalize_keyword, settings.opt_out_keywords)),
            opt_in=frozenset(map(normalize_keyword, settings.opt_in_keywords)),
            opt_out_reply=settings.opt_out_reply,
            opt_in_reply=settings.opt_in_reply,
        )

    def status_of(self, text: str | None) -> ConsentStatus | None:
        """What the message says, when the whole of it is a keyword; an opt-out wins."""
        if text is None or len(text) > MAX_MATCHED_TEXT:
            return None
        word = normalize_keyword(text)
        if word in self.opt_out:
            return ConsentStatus.OPTED_OUT
        if word in self.opt_in:
            return ConsentStatus.OPTED_IN
        return None

    def reply_to(self, status: ConsentStatus) -> str | None:
        return self.opt_out_reply if status is ConsentStatus.OPTED_OUT else self.opt_in_reply


@dataclass(slots=True)
class KeywordCache:
    """The tenants' keywords this process has read, each for ``ttl_seconds``.

    One entry per tenant that sent short messages lately (a few hundred bytes each); a
    tenant's entry is read again after the time to live, so another process's change
    counts here within it.
    """

    ttl_seconds: float = DEFAULT_TTL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _entries: dict[uuid.UUID, tuple[float, TenantKeywords]] = field(default_factory=dict)

    async def of_tenants(
        self, session: AsyncSession, tenant_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, TenantKeywords]:
        now = self.clock()
        found: dict[uuid.UUID, TenantKeywords] = {}
        stale = []
        for tenant_id in tenant_ids:
            entry = self._entries.get(tenant_id)
            if entry is not None and now - entry[0] < self.ttl_seconds:
                found[tenant_id] = entry[1]
            else:
                stale.append(tenant_id)
        if stale:
            for tenant_id, settings in (await settings_of_tenants(session, stale)).items():
                keywords = TenantKeywords.of(settings)
                self._entries[tenant_id] = (now, keywords)
                found[tenant_id] = keywords
        return found

    def forget(self, tenant_id: uuid.UUID) -> None:
        self._entries.pop(tenant_id, None)


def consent_channel_of(channel: str) -> ConsentChannel:
    """The consent channel of a conversation's channel (whatsapp_cloud → whatsapp)."""
    if channel == Channel.SMS:
        return ConsentChannel.SMS
    return ConsentChannel.WHATSAPP


async def apply_consent_keywords(
    session: AsyncSession,
    *,
    messages: Sequence[Message],
    cache: KeywordCache,
    contacts_topic: str,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
) -> int:
    """Record the consent the keyword messages among ``messages`` (just stored) give; the
    number of such messages."""
    short = [
        message
        for message in messages
        if message.text is not None
        and len(message.text) <= MAX_MATCHED_TEXT
        and message.direction == Direction.IN
    ]
    if not short:
        return 0
    keywords = await cache.of_tenants(session, {message.tenant_id for message in short})
    matched = 0
    for message in short:
        tenant = keywords[message.tenant_id]
        status = tenant.status_of(message.text)
        if status is None:
            continue
        matched += 1
        conversation = await ConversationRepository.from_session(session).get(
            tenant_id=message.tenant_id, conversation_id=message.conversation_id, for_update=True
        )
        if conversation is None:
            continue
        await record_consent(
            session,
            tenant_id=message.tenant_id,
            contact_id=conversation.contact_id,
            channel=consent_channel_of(conversation.channel),
            status=status,
            source=ConsentSource.KEYWORD,
            actor_user_id=None,
            occurred_at=message.occurred_at,
            contacts_topic=contacts_topic,
        )
        reply = tenant.reply_to(status)
        if reply is not None:
            await _confirm(
                session,
                conversation=conversation,
                text=reply,
                keyword_message=message,
                send_topic=send_topic,
                inbox_topic=inbox_topic,
                now=now,
            )
    return matched


async def _confirm(
    session: AsyncSession,
    *,
    conversation: Conversation,
    text: str,
    keyword_message: Message,
    send_topic: str,
    inbox_topic: str,
    now: datetime,
) -> None:
    """The confirmation reply: an outbound message of nobody's (the crm's own), stored and
    sent in this transaction, as ``messages.replies.send_reply`` sends an agent's."""
    messages = MessageRepository.from_session(session)
    key = f"consent-keyword:{keyword_message.id}"
    if await messages.by_idempotency_key(tenant_id=conversation.tenant_id, key=key) is not None:
        return
    contact = await ContactRepository.from_session(session).get(
        tenant_id=conversation.tenant_id, contact_id=conversation.contact_id
    )
    if contact is None or (contact.phone is None and contact.channel_user_id is None):
        return
    message = await messages.add(
        Message(
            id=new_uuid7(),
            tenant_id=conversation.tenant_id,
            conversation_id=conversation.id,
            channel_account_id=conversation.channel_account_id,
            direction=Direction.OUT.value,
            kind="text",
            text=text,
            media=None,
            extra={},
            status=DeliveryStatus.PENDING.value,
            status_timeline=[],
            sent_by_user_id=None,
            idempotency_key=key,
            # After the keyword it answers, in the thread's order.
            occurred_at=max(now, keyword_message.occurred_at),
        )
    )
    record_latest(conversation, message)
    await stage_send(
        session,
        send_topic=send_topic,
        conversation=conversation,
        request=SendRequest(
            request_id=message.id,
            channel=Channel(conversation.channel),
            channel_account_id=conversation.channel_account_id,
            to=contact.phone,
            to_user_id=None if contact.phone else contact.channel_user_id,
            content=TextContent(body=text),
            # The platform's own send, nobody's: the crm's outcome handler applies
            # outcomes of origin system, as of agent, to the stored message.
            origin=SendOrigin.SYSTEM,
            origin_ref=str(message.id),
        ),
    )
    await announce(
        session,
        topic=inbox_topic,
        change=InboxChange.MESSAGE_CREATED,
        conversation=conversation,
        message=message,
        occurred_at=now,
    )
