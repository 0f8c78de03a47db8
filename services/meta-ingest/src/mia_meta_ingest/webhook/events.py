"""From normalized webhook items to the events the edge publishes.

Event ids are derived from Meta's ids (UUIDv5), so the same delivery, however often it is
retried or republished, always yields the same events and consumers apply them once. The
dedupe keys are what Meta's retries repeat (the wamid; the wamid and the status; the
template decision).
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from mia_common.contracts import InboundMessage, MessageStatus, TemplateStatusChanged
from mia_common.contracts.topics import MESSAGES_INBOUND, MESSAGES_STATUS, TEMPLATES_EVENTS
from mia_common.webhooks import (
    HAS_MEDIA_HEADER,
    EdgeEvent,
    conversation_key,
    derived_event_id,
)
from mia_meta_ingest.accounts.directory import KnownAccount
from mia_meta_ingest.webhook.normalize import (
    NormalizedMessage,
    NormalizedStatus,
    NormalizedTemplateUpdate,
    to_inbound_contract,
    to_status_contract,
)

__all__ = ["SOURCE", "event_id", "inbound_event", "status_event", "template_event"]

SOURCE = "/services/meta-ingest"
_NAMESPACE = uuid.UUID("6d1b1f3e-7a55-4c1e-9a55-6d6574612d69")
_WITH_MEDIA = {HAS_MEDIA_HEADER: "1"}
_WITHOUT_MEDIA = {HAS_MEDIA_HEADER: "0"}


def event_id(kind: str, dedupe_key: str) -> uuid.UUID:
    return derived_event_id(_NAMESPACE, f"{kind}:{dedupe_key}")


def inbound_event(
    item: NormalizedMessage, account: KnownAccount, *, topic: str, media_url_prefix: str
) -> EdgeEvent | None:
    """None when Meta identified the sender by neither a phone number nor a BSUID."""
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
    return EdgeEvent(
        topic=topic,
        type=MESSAGES_INBOUND.name,
        id=event_id("inbound", item.dedupe_key),
        tenant_id=account.tenant_id,
        subject=item.message_id,
        data=contract,
        key=conversation_key(
            account.tenant_id, account.id, contract.from_address or contract.from_user_id
        ),
        dedupe_key=f"in:{item.dedupe_key}",
        headers=_WITH_MEDIA if contract.media is not None else _WITHOUT_MEDIA,
    )


def status_event(item: NormalizedStatus, account: KnownAccount, *, topic: str) -> EdgeEvent | None:
    """None when the recipient is known by neither a phone number nor a BSUID."""
    contract: MessageStatus | None = to_status_contract(item, account.id)
    if contract is None:
        return None
    return EdgeEvent(
        topic=topic,
        type=MESSAGES_STATUS.name,
        id=event_id("status", item.dedupe_key),
        tenant_id=account.tenant_id,
        subject=item.message_id,
        data=contract,
        key=conversation_key(
            account.tenant_id, account.id, contract.recipient or contract.recipient_user_id
        ),
        dedupe_key=f"st:{item.dedupe_key}",
    )


def template_event(
    item: NormalizedTemplateUpdate, account: KnownAccount, *, topic: str
) -> EdgeEvent:
    moment = item.occurred_at.isoformat() if item.occurred_at else "unknown"
    return EdgeEvent(
        topic=topic,
        type=TEMPLATES_EVENTS.name,
        id=event_id("template", f"{account.id}:{item.template_id}:{item.event}:{moment}"),
        tenant_id=account.tenant_id,
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
        key=item.template_id.encode(),
        dedupe_key=f"tpl:{account.id}:{item.template_id}:{item.event}:{item.occurred_at}",
    )
