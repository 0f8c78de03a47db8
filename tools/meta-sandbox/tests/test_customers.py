"""Simulated customers: the webhook each message becomes, as meta-ingest parses it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mia_meta_ingest.webhook.payloads import MessagesChange, WebhookBody, WebhookMessage
from mia_meta_sandbox.testing import SandboxHandle
from support.constants import APP_SECRET, PHONE_NUMBER_ID, WABA_ID
from support.receiver import Received, WebhookReceiver


def _parsed(received: Received) -> tuple[MessagesChange, WebhookMessage]:
    body = WebhookBody.model_validate_json(received.raw)
    [entry] = body.entry
    assert entry.id == WABA_ID
    [change] = entry.changes
    assert isinstance(change, MessagesChange)
    [message] = change.value.messages
    return change, message


async def test_a_text_message_posts_a_signed_body_ingest_parses(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    answer = await sandbox.client.customer_message(
        from_="+55 11 98765-4321", name="Ana Souza", text="Oi! Tudo bem?"
    )

    assert answer.delivered is True
    [received] = receiver.messages()
    assert received.signed_with(APP_SECRET)
    change, message = _parsed(received)
    assert change.value.metadata.phone_number_id == PHONE_NUMBER_ID
    assert change.value.metadata.display_phone_number == "15550001111"
    [contact] = change.value.contacts
    assert contact.wa_id == "5511987654321"
    assert contact.profile is not None
    assert contact.profile.name == "Ana Souza"
    assert message.id == answer.wamid
    assert message.from_ == "5511987654321"
    assert message.type == "text"
    assert message.text is not None
    assert message.text.body == "Oi! Tudo bem?"


async def test_a_username_user_arrives_with_a_bsuid_and_no_phone_number(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    await sandbox.client.customer_message(
        user_id="US.13491208655302741918", username="@maria", text="hello"
    )

    change, message = _parsed(receiver.messages()[0])
    [contact] = change.value.contacts
    assert contact.wa_id is None
    assert contact.user_id == "US.13491208655302741918"
    assert contact.profile is not None
    assert contact.profile.username == "@maria"
    assert message.from_ is None
    assert message.from_user_id == "US.13491208655302741918"


@pytest.mark.parametrize(
    ("fields", "check"),
    [
        ({"type": "image", "text": "caption"}, lambda m: m.image.caption == "caption"),
        ({"type": "audio"}, lambda m: m.audio.voice is True),
        ({"type": "video"}, lambda m: m.video.mime_type == "video/mp4"),
        ({"type": "document"}, lambda m: m.document.filename == "sample.pdf"),
        ({"type": "sticker"}, lambda m: m.sticker.animated is False),
        ({"type": "location", "location_name": "MASP"}, lambda m: m.location.name == "MASP"),
        ({"type": "contacts"}, lambda m: m.contacts[0]["name"]["first_name"] == "Barbara"),
        (
            {"type": "interactive", "reply_id": "yes", "reply_title": "Yes"},
            lambda m: m.interactive.button_reply.id == "yes",
        ),
        (
            {"type": "interactive", "interactive_type": "list_reply", "reply_id": "p2"},
            lambda m: m.interactive.list_reply.id == "p2",
        ),
        ({"type": "button", "button_payload": "STOP"}, lambda m: m.button.payload == "STOP"),
        (
            {"type": "reaction", "reaction_message_id": "wamid.OURS", "emoji": "👍"},
            lambda m: m.reaction.emoji == "👍",
        ),
    ],
)
async def test_every_customer_message_type_parses_with_ingest_models(
    sandbox: SandboxHandle, receiver: WebhookReceiver, fields: dict[str, Any], check: Any
) -> None:
    answer = await sandbox.client.customer_message(from_="5511987654321", **fields)

    assert answer.delivered is True
    _, message = _parsed(receiver.messages()[0])
    assert message.type == fields["type"]
    assert check(message)
    media = getattr(message, fields["type"], None)
    if answer.media_id is not None:
        assert media.id == answer.media_id
        assert media.sha256


async def test_a_reply_names_the_message_it_answers(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    await sandbox.client.customer_message(
        from_="5511987654321", text="sim", context_message_id="wamid.OURS"
    )

    _, message = _parsed(receiver.messages()[0])
    assert message.context is not None
    assert (message.context.id, message.context.from_) == ("wamid.OURS", "15550001111")


async def test_non_ascii_text_is_escaped_and_signed_over_the_exact_bytes(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    await sandbox.client.customer_message(from_="5511987654321", text="Ação à vista/boleto ✓")

    [received] = receiver.messages()
    assert received.raw.isascii()
    assert b"\\/" in received.raw
    assert received.signed_with(APP_SECRET)
    _, message = _parsed(received)
    assert message.text is not None
    assert message.text.body == "Ação à vista/boleto ✓"


async def test_await_delivery_waits_through_a_refusal(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(2, status=503)

    answer = await sandbox.client.customer_message(
        from_="5511987654321", text="still there?", await_delivery=True
    )

    assert answer.delivered is True
    assert answer.attempts == 3
    assert [r.answered for r in receiver.received] == [503, 503, 200]


async def test_without_await_the_answer_reports_the_first_attempt(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(1)

    answer = await sandbox.client.customer_message(from_="5511987654321", text="hello?")

    assert answer.delivered is False
    assert answer.last_status_code == 500
    await sandbox.client.wait_for(lambda: len(receiver.messages()) == 1, message="the retry")


async def test_a_customer_needs_a_phone_number_or_a_bsuid(sandbox: SandboxHandle) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        nobody = await http.post("/sandbox/customers/messages", json={"text": "hi"})
        unknown_number = await http.post(
            "/sandbox/customers/messages",
            json={"from": "5511987654321", "text": "hi", "phone_number_id": "1"},
        )

    assert nobody.status_code == 422
    assert unknown_number.status_code == 404
