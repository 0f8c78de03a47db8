"""Events as meta-ingest and the sender publish them, built with test defaults."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mia_common.contracts import (
    Channel,
    ChannelError,
    Envelope,
    InboundMessage,
    MediaRef,
    MessageKind,
    MessageStatus,
    SendOrigin,
    SendOutcome,
    SendResult,
    StatusValue,
)


def wamid() -> str:
    """A channel message id unique across test runs."""
    return f"wamid.{uuid.uuid4().hex}"


def inbound(
    *,
    tenant_id: uuid.UUID,
    account_id: uuid.UUID,
    phone: str | None = "+5511999990000",
    user_id: str | None = None,
    name: str | None = "Ana",
    kind: MessageKind = MessageKind.TEXT,
    text: str | None = "Olá!",
    media: MediaRef | None = None,
    extra: dict[str, Any] | None = None,
    external_id: str | None = None,
    sent_at: datetime | None = None,
    event_id: uuid.UUID | None = None,
) -> Envelope[InboundMessage]:
    data = InboundMessage(
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=account_id,
        external_message_id=external_id or wamid(),
        from_address=phone,
        from_user_id=user_id,
        to_address="100200300400500",
        contact_name=name,
        kind=kind,
        text=text,
        media=media,
        sent_at=sent_at or datetime.now(UTC),
        extra=extra or {},
    )
    fields: dict[str, Any] = {"id": event_id} if event_id else {}
    return Envelope[InboundMessage](
        type="messages.inbound.v1",
        source="/tests",
        tenantid=tenant_id,
        subject=data.external_message_id,
        data=data,
        **fields,
    )


def outcome(
    *,
    tenant_id: uuid.UUID,
    account_id: uuid.UUID,
    message_id: uuid.UUID,
    external_id: str | None,
    accepted: bool = True,
    error: ChannelError | None = None,
    origin: SendOrigin = SendOrigin.AGENT,
    to: str | None = "+5511999990000",
) -> Envelope[SendOutcome]:
    return Envelope[SendOutcome](
        type="messages.outcome.v1",
        source="/tests",
        tenantid=tenant_id,
        data=SendOutcome(
            request_id=message_id,
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account_id,
            to=to,
            result=SendResult.ACCEPTED if accepted else SendResult.FAILED,
            external_message_id=external_id,
            error=error,
            attempts=1,
            origin=origin,
            origin_ref=str(message_id),
            occurred_at=datetime.now(UTC),
        ),
    )


def status(
    *,
    tenant_id: uuid.UUID,
    account_id: uuid.UUID,
    external_id: str,
    value: StatusValue,
    send_request_id: str | None = None,
    occurred_at: datetime | None = None,
    error: ChannelError | None = None,
) -> Envelope[MessageStatus]:
    return Envelope[MessageStatus](
        type="messages.status.v1",
        source="/tests",
        tenantid=tenant_id,
        subject=external_id,
        data=MessageStatus(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account_id,
            external_message_id=external_id,
            recipient="+5511999990000",
            status=value,
            occurred_at=occurred_at or datetime.now(UTC),
            error=error,
            send_request_id=send_request_id,
        ),
    )
