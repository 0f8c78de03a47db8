"""From our contracts to the events the webhook edge publishes, with ids Twilio's retries
repeat.

An event id is a UUIDv5 of (account, MessageSid, what happened), so a callback Twilio
posts twice yields the same event twice and idempotent consumers apply it once.
"""

from __future__ import annotations

import uuid

from mia_common.contracts import InboundMessage, MessageStatus
from mia_common.contracts.topics import MESSAGES_INBOUND, MESSAGES_STATUS
from mia_common.webhooks import (
    HAS_MEDIA_HEADER,
    EdgeEvent,
    conversation_key,
    derived_event_id,
)

__all__ = ["SOURCE", "event_id", "inbound_event", "status_event"]

SOURCE = "/services/sender"
_NAMESPACE = uuid.UUID("3f0c2b4e-5d8a-4f61-9c2e-736d732d7477")


def event_id(account_id: uuid.UUID, message_sid: str, what: str) -> uuid.UUID:
    return derived_event_id(_NAMESPACE, f"twilio:{account_id}:{message_sid}:{what}")


def status_event(
    status: MessageStatus, *, tenant_id: uuid.UUID, raw_status: str, topic: str
) -> EdgeEvent:
    """``raw_status`` is Twilio's own word: ``undelivered`` and ``failed`` are both our
    ``failed``, yet two distinct callbacks."""
    return EdgeEvent(
        topic=topic,
        type=MESSAGES_STATUS.name,
        id=event_id(status.channel_account_id, status.external_message_id, raw_status.lower()),
        tenant_id=tenant_id,
        subject=status.external_message_id,
        data=status,
        key=conversation_key(
            tenant_id, status.channel_account_id, status.recipient or status.recipient_user_id
        ),
    )


def inbound_event(message: InboundMessage, *, tenant_id: uuid.UUID, topic: str) -> EdgeEvent:
    return EdgeEvent(
        topic=topic,
        type=MESSAGES_INBOUND.name,
        id=event_id(message.channel_account_id, message.external_message_id, "inbound"),
        tenant_id=tenant_id,
        subject=message.external_message_id,
        data=message,
        key=conversation_key(
            tenant_id, message.channel_account_id, message.from_address or message.from_user_id
        ),
        headers={HAS_MEDIA_HEADER: "1" if message.media is not None else "0"},
    )
