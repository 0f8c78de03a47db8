"""Event contracts: the envelope, the ids, and the payloads of the message topics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from mia_common.contracts import (
    TOPICS,
    Channel,
    Envelope,
    InboundMessage,
    MessageKind,
    SendContent,
    SendOrigin,
    SendRequest,
    TemplateContent,
    new_event_id,
)


def test_event_ids_are_uuid7_and_sort_by_creation() -> None:
    ids = [new_event_id() for _ in range(1000)]
    assert all(event_id.version == 7 for event_id in ids)
    assert all(event_id.variant == uuid.RFC_4122 for event_id in ids)
    assert len(set(ids)) == 1000
    timestamps = [event_id.int >> 80 for event_id in ids]
    assert timestamps == sorted(timestamps)


def test_envelope_round_trips_through_json() -> None:
    message = InboundMessage(
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=uuid.uuid4(),
        external_message_id="wamid.HBgM",
        from_address="+5511999990000",
        to_address="106540352242922",
        kind=MessageKind.TEXT,
        text="Olá!",
        sent_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
    )
    envelope = Envelope[InboundMessage](
        type="messages.inbound.v1",
        source="/services/meta-ingest",
        tenantid=uuid.uuid4(),
        data=message,
    )
    parsed = Envelope[InboundMessage].model_validate_json(envelope.model_dump_json())
    assert parsed == envelope
    assert parsed.specversion == "1.0"


def test_inbound_message_rejects_a_number_that_is_not_e164() -> None:
    with pytest.raises(ValidationError, match="from_address"):
        InboundMessage(
            channel=Channel.SMS,
            channel_account_id=uuid.uuid4(),
            external_message_id="SM1",
            from_address="11 99999-0000",
            to_address="+15550001111",
            kind=MessageKind.TEXT,
            sent_at=datetime.now(UTC),
        )


def test_send_content_is_chosen_by_its_type() -> None:
    content = TypeAdapter(SendContent).validate_python(
        {"type": "template", "name": "order_update", "language": "pt_BR"}
    )
    assert isinstance(content, TemplateContent)
    request = SendRequest(
        request_id=uuid.uuid4(),
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=uuid.uuid4(),
        to="+5511999990000",
        content={"type": "text", "body": "hi"},
        origin=SendOrigin.AGENT,
    )
    assert request.content.type == "text"
    with pytest.raises(ValidationError):
        TypeAdapter(SendContent).validate_python({"type": "fax", "body": "hi"})


def test_registry_names_are_versioned_and_unique() -> None:
    names = [topic.name for topic in TOPICS]
    assert len(names) == len(set(names))
    assert all(name.endswith(".v1") for name in names)
    assert {
        "messages.inbound.v1",
        "messages.status.v1",
        "messages.send.v1",
        "messages.outcome.v1",
    } <= set(names)
    assert next(t for t in TOPICS if t.name == "channels.state.v1").compacted


def test_inbound_sender_is_a_phone_number_or_a_channel_user_id() -> None:
    common = {
        "channel": Channel.WHATSAPP_CLOUD,
        "channel_account_id": uuid.uuid4(),
        "external_message_id": "wamid.X",
        "to_address": "106540352242922",
        "kind": MessageKind.TEXT,
        "sent_at": datetime.now(UTC),
    }
    by_user_id = InboundMessage(**common, from_user_id="BR.1234567890")
    assert by_user_id.from_address is None
    with pytest.raises(ValidationError, match="from_address or from_user_id"):
        InboundMessage(**common)
