"""From our contracts to the records published on Kafka, with ids Twilio's retries repeat.

An event id is a UUIDv5 of (account, MessageSid, what happened), so a callback Twilio
posts twice yields the same event twice and idempotent consumers apply it once.
"""

from __future__ import annotations

import uuid

from mia_common.contracts import Envelope, InboundMessage, MessageStatus
from mia_common.contracts.topics import MESSAGES_INBOUND, MESSAGES_STATUS
from mia_common.messaging import OutgoingRecord

__all__ = ["SOURCE", "event_id", "inbound_record", "status_record"]

SOURCE = "/services/sender"
_NAMESPACE = uuid.UUID("3f0c2b4e-5d8a-4f61-9c2e-736d732d7477")


def event_id(account_id: uuid.UUID, message_sid: str, what: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"twilio:{account_id}:{message_sid}:{what}")


def _conversation_key(tenant_id: uuid.UUID, account_id: uuid.UUID, contact: str | None) -> bytes:
    # Same key as meta-ingest's: one conversation's events stay in order on one partition.
    return f"{tenant_id}:{account_id}:{contact}".encode()


def status_record(
    status: MessageStatus, *, tenant_id: uuid.UUID, raw_status: str, topic: str
) -> OutgoingRecord:
    """``raw_status`` is Twilio's own word: ``undelivered`` and ``failed`` are both our
    ``failed``, yet two distinct callbacks."""
    envelope = Envelope[MessageStatus](
        id=event_id(status.channel_account_id, status.external_message_id, raw_status.lower()),
        type=MESSAGES_STATUS.name,
        source=SOURCE,
        tenantid=tenant_id,
        subject=status.external_message_id,
        data=status,
    )
    return OutgoingRecord(
        topic,
        envelope.to_json_dict(),
        key=_conversation_key(
            tenant_id, status.channel_account_id, status.recipient or status.recipient_user_id
        ),
    )


def inbound_record(message: InboundMessage, *, tenant_id: uuid.UUID, topic: str) -> OutgoingRecord:
    envelope = Envelope[InboundMessage](
        id=event_id(message.channel_account_id, message.external_message_id, "inbound"),
        type=MESSAGES_INBOUND.name,
        source=SOURCE,
        tenantid=tenant_id,
        subject=message.external_message_id,
        data=message,
    )
    return OutgoingRecord(
        topic,
        envelope.to_json_dict(),
        key=_conversation_key(
            tenant_id, message.channel_account_id, message.from_address or message.from_user_id
        ),
    )
