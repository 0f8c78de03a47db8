"""From normalized webhook items to the records published on Kafka.

Event ids are derived from Meta's ids (UUIDv5), so the same delivery, however often it is
retried or republished, always yields the same events and consumers apply them once.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from mia_common.contracts import Envelope, InboundMessage, MessageStatus, TemplateStatusChanged
from mia_common.messaging import OutgoingRecord
from mia_meta_ingest.accounts.directory import KnownAccount
from mia_meta_ingest.webhook.normalize import (
    NormalizedMessage,
    NormalizedStatus,
    NormalizedTemplateUpdate,
    to_inbound_contract,
    to_status_contract,
)

__all__ = ["SOURCE", "event_id", "inbound_record", "status_record", "template_record"]

SOURCE = "/services/meta-ingest"
_NAMESPACE = uuid.UUID("6d1b1f3e-7a55-4c1e-9a55-6d6574612d69")


def event_id(kind: str, dedupe_key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{kind}:{dedupe_key}")


def _conversation_key(account: KnownAccount, contact: str | None) -> bytes:
    # A conversation's events share a key, so they stay in order on one partition.
    return f"{account.tenant_id}:{account.id}:{contact}".encode()


def inbound_record(
    item: NormalizedMessage, account: KnownAccount, topic: str, media_url_prefix: str
) -> OutgoingRecord | None:
    contract: InboundMessage | None = to_inbound_contract(item, account.id)
    if contract is None:
        return None
    if contract.media is not None:
        # Our URL is known before the copy exists: the media consumer fills it soon after,
        # and the endpoint fetches on demand if a reader gets there first.
        url = f"{media_url_prefix}/{account.id}/{quote(contract.media.media_id, safe='')}"
        contract = contract.model_copy(
            update={"media": contract.media.model_copy(update={"url": url})}
        )
    envelope = Envelope[InboundMessage](
        id=event_id("inbound", item.dedupe_key),
        type="messages.inbound.v1",
        source=SOURCE,
        tenantid=account.tenant_id,
        subject=item.message_id,
        data=contract,
    )
    return OutgoingRecord(
        topic,
        envelope.to_json_dict(),
        key=_conversation_key(account, contract.from_address or contract.from_user_id),
    )


def status_record(
    item: NormalizedStatus, account: KnownAccount, topic: str
) -> OutgoingRecord | None:
    contract: MessageStatus | None = to_status_contract(item, account.id)
    if contract is None:
        return None
    envelope = Envelope[MessageStatus](
        id=event_id("status", item.dedupe_key),
        type="messages.status.v1",
        source=SOURCE,
        tenantid=account.tenant_id,
        subject=item.message_id,
        data=contract,
    )
    return OutgoingRecord(
        topic,
        envelope.to_json_dict(),
        key=_conversation_key(account, contract.recipient or contract.recipient_user_id),
    )


def template_record(
    item: NormalizedTemplateUpdate, account: KnownAccount, topic: str
) -> OutgoingRecord:
    moment = item.occurred_at.isoformat() if item.occurred_at else "unknown"
    envelope = Envelope[TemplateStatusChanged](
        id=event_id("template", f"{account.id}:{item.template_id}:{item.event}:{moment}"),
        type="templates.events.v1",
        source=SOURCE,
        tenantid=account.tenant_id,
        subject=item.template_id,
        data=TemplateStatusChanged(
            channel_account_id=account.id,
            waba_id=item.waba_id,
            template_id=item.template_id,
            name=item.name,
            language=item.language,
            event=item.event,
            reason=item.reason,
            occurred_at=item.occurred_at,
        ),
    )
    return OutgoingRecord(topic, envelope.to_json_dict(), key=item.template_id.encode())
