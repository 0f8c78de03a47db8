"""Applying send outcomes and channel receipts to outbound messages.

A receipt finds its message by our send request id (the sender hands it to Meta as
``biz_opaque_callback_data``, which Meta echoes back) or else by the channel's message id
on the channel account. One that finds nothing is parked and applied when the send
outcome names the message's channel id: nothing of ours is dropped. A receipt whose
request id names no message of the crm (our request id is the message's id, which exists
before its send goes out) is another service's send, a campaign's or a cadence's: it
tracks its own, and the crm neither stores nor parks it (parked, it would never be taken).
Outcomes are ours only when their origin is ``agent`` (a person's reply) or ``system``
(the crm's own, a keyword's confirmation); ``origin_ref`` (equal to ``request_id``) is the
message id. Others' outcomes are dropped before any transaction (no claim row either).

Identifiers and error texts the channel sent are stored with U+0000 replaced (U+FFFD), so
a receipt is never refused over the character.

A message whose current status moved (parked statuses applied included) is announced on
the inbox topic once per outcome or receipt; one that only gained a timeline entry (a
repeated or backward status) is not.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    ChannelError,
    InboxChange,
    MessageStatus,
    SendOrigin,
    SendOutcome,
    SendResult,
)
from mia_common.text import without_nul
from mia_crm.ai_decisions.typing import is_typing_ref
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.inbox_events import announce
from mia_crm.messages.repository import MessageRepository
from mia_crm.models import Message, PendingStatus
from mia_crm.statuses.ordering import DeliveryStatus, StatusReport, record_status
from mia_crm.statuses.repository import PendingStatusRepository

__all__ = ["apply_outcome", "apply_receipt", "is_ours"]

logger = structlog.get_logger(__name__)

# The origins of the sends the crm stores as messages.
_OURS = frozenset({SendOrigin.AGENT, SendOrigin.SYSTEM, SendOrigin.AI})


def is_ours(outcome: SendOutcome) -> bool:
    return outcome.origin in _OURS


async def apply_outcome(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    outcome: SendOutcome,
    reported_at: datetime,
    inbox_topic: str,
    now: datetime,
) -> Message | None:
    """Record what the sender did with one of our replies; None when it is not ours."""
    if not is_ours(outcome):
        return None  # a campaign's or the AI's send: their services track it
    if is_typing_ref(outcome.origin_ref):
        return None  # the bot's typing indicator: no message to update
    message_id = _uuid_or_none(outcome.origin_ref) or outcome.request_id
    message = await MessageRepository.from_session(session).outbound_for_update(
        tenant_id=tenant_id, message_id=message_id
    )
    if message is None:
        logger.warning("outcome for an unknown message", message_id=str(message_id))
        return None
    occurred_at = outcome.occurred_at or reported_at
    status_before = message.status
    if outcome.result is SendResult.ACCEPTED:
        external_message_id = without_nul(outcome.external_message_id)
        if external_message_id and message.external_message_id is None:
            # Before the id is set: a receipt parking under it waits for this commit.
            await PendingStatusRepository.from_session(session).lock_channel_id(
                channel_account_id=message.channel_account_id,
                external_message_id=external_message_id,
            )
            message.external_message_id = external_message_id
        record_status(
            message, StatusReport(status=DeliveryStatus.ACCEPTED, occurred_at=occurred_at)
        )
    else:
        error = _error_of(outcome.error)
        record_status(
            message,
            StatusReport(status=DeliveryStatus.FAILED, occurred_at=occurred_at, error=error),
        )
    await session.flush()
    await _apply_parked(session, message)
    await _announce_if_moved(
        session, message, status_before=status_before, inbox_topic=inbox_topic, now=now
    )
    return message


async def apply_receipt(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    receipt: MessageStatus,
    inbox_topic: str,
    now: datetime,
) -> Message | None:
    """Record a channel status on its message; None when it was parked for later."""
    messages = MessageRepository.from_session(session)
    message: Message | None = None
    external_message_id = without_nul(receipt.external_message_id)
    send_request_id = without_nul(receipt.send_request_id)
    request_id = _uuid_or_none(send_request_id)
    if send_request_id:
        if request_id is None:
            return None  # not an id the crm gives: not ours
        message = await messages.outbound_for_update(tenant_id=tenant_id, message_id=request_id)
        if message is None:
            return None
    if message is None:
        message = await messages.outbound_by_channel_id_for_update(
            tenant_id=tenant_id,
            channel_account_id=receipt.channel_account_id,
            external_message_id=external_message_id,
        )
    report = StatusReport(
        status=receipt.status.value,
        occurred_at=receipt.occurred_at,
        error=_error_of(receipt.error),
    )
    if message is None and external_message_id:
        # An outcome naming this id may be committing now: wait for it, then look again.
        await PendingStatusRepository.from_session(session).lock_channel_id(
            channel_account_id=receipt.channel_account_id,
            external_message_id=external_message_id,
        )
        message = await messages.outbound_by_channel_id_for_update(
            tenant_id=tenant_id,
            channel_account_id=receipt.channel_account_id,
            external_message_id=external_message_id,
        )
    if message is None:
        await PendingStatusRepository.from_session(session).park(
            PendingStatus(
                tenant_id=tenant_id,
                channel_account_id=receipt.channel_account_id,
                external_message_id=external_message_id,
                # Canonical form, so it matches str(message.id) whatever the echo looked like.
                send_request_id=str(request_id) if request_id else send_request_id,
                status=report.status,
                occurred_at=report.occurred_at,
                error=report.error,
            )
        )
        return None
    if message.external_message_id is None:
        # Matched by our request id before the outcome told us the channel's id: the
        # receipt carries it, and receipts parked under that id can now be applied.
        message.external_message_id = external_message_id
    status_before = message.status
    record_status(message, report)
    await session.flush()
    await _apply_parked(session, message)
    await _announce_if_moved(
        session, message, status_before=status_before, inbox_topic=inbox_topic, now=now
    )
    return message


async def _apply_parked(session: AsyncSession, message: Message) -> None:
    parked = await PendingStatusRepository.from_session(session).take(
        tenant_id=message.tenant_id,
        channel_account_id=message.channel_account_id,
        external_message_id=message.external_message_id,
        send_request_id=str(message.id),
    )
    for pending in parked:
        record_status(
            message,
            StatusReport(
                status=pending.status, occurred_at=pending.occurred_at, error=pending.error
            ),
        )
    if parked:
        await session.flush()


async def _announce_if_moved(
    session: AsyncSession,
    message: Message,
    *,
    status_before: str | None,
    inbox_topic: str,
    now: datetime,
) -> None:
    # Statuses only move forward, so "different from before" means "moved".
    if message.status == status_before:
        return
    conversation = await ConversationRepository.from_session(session).get(
        tenant_id=message.tenant_id, conversation_id=message.conversation_id
    )
    if conversation is None:  # a message always has one; nothing to say without it
        return
    await announce(
        session,
        topic=inbox_topic,
        change=InboxChange.MESSAGE_STATUS,
        conversation=conversation,
        message_id=message.id,
        occurred_at=now,
    )


def _error_of(error: ChannelError | None) -> dict[str, Any] | None:
    # The channel's own words (title, detail), stored as they came but for U+0000, which
    # PostgreSQL refuses in text and jsonb.
    return without_nul(error.model_dump(mode="json")) if error is not None else None


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
