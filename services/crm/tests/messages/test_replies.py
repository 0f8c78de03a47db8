"""Agents' replies: stored, published through the outbox, refused outside the window."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from support.world import World

MARKER = {"type": "template", "name": "marker", "language": "en"}


async def published_before_a_marker(
    world: World, conversation_id: uuid.UUID | str
) -> list[tuple[bytes | None, dict[str, Any]]]:
    """The conversation's send requests published before a marker reply sent now (a
    template: accepted with the window closed too), which is read last to prove that
    nothing else was published."""
    marker = await world.reply(conversation_id, MARKER)
    assert marker.status_code == 202, marker.text
    found = await world.send_requests(conversation_id, until=marker.json()["id"])
    return found[:-1]


async def test_a_reply_inside_the_window_is_accepted_and_sent_as_a_send_request(
    world: World,
) -> None:
    inbound = await world.deliver(phone="+5511912345678", text="Tem o vestido azul?")

    response = await world.reply(inbound.conversation_id, {"type": "text", "text": "Temos sim!"})

    assert response.status_code == 202, response.text
    message = response.json()
    assert message["direction"] == "out"
    assert message["status"] == "pending"
    assert message["text"] == "Temos sim!"
    assert message["sent_by_user_id"] == str(world.agent.user_id)
    conversation = await world.conversation_of(inbound)
    assert conversation["last_message"] == {
        "preview": "Temos sim!",
        "direction": "out",
        "at": conversation["last_message"]["at"],
        "status": "pending",
    }
    [(key, envelope)] = await published_before_a_marker(world, inbound.conversation_id)
    assert key == str(world.account_id).encode(), "a channel account's sends share a key"
    assert envelope["tenantid"] == str(world.tenant_id)
    request = envelope["data"]
    assert request["request_id"] == message["id"]
    assert request["origin"] == "agent"
    assert request["origin_ref"] == message["id"]
    assert request["channel"] == "whatsapp_cloud"
    assert request["channel_account_id"] == str(world.account_id)
    assert (request["to"], request["to_user_id"]) == ("+5511912345678", None)
    assert request["content"] == {"type": "text", "body": "Temos sim!", "preview_url": False}


async def test_a_contact_known_only_by_user_id_is_addressed_by_it(world: World) -> None:
    inbound = await world.deliver(phone=None, user_id="US.424242", text="hi")

    response = await world.reply(inbound.conversation_id, {"type": "text", "text": "hello"})

    assert response.status_code == 202, response.text
    [(_, envelope)] = await published_before_a_marker(world, inbound.conversation_id)
    assert (envelope["data"]["to"], envelope["data"]["to_user_id"]) == (None, "US.424242")


async def test_reply_outside_24h_window_requires_template(world: World) -> None:
    inbound = await world.deliver(sent_at=datetime.now(UTC) - timedelta(hours=25))
    conversation = await world.conversation_of(inbound)
    assert conversation["window"]["open"] is False

    text = await world.reply(inbound.conversation_id, {"type": "text", "text": "still there?"})
    media = await world.reply(
        inbound.conversation_id,
        {"type": "media", "kind": "image", "link": "https://example.com/a.jpg"},
    )
    template = await world.reply(
        inbound.conversation_id,
        {"type": "template", "name": "follow_up", "language": "pt_BR", "variables": ["Ana", "42"]},
    )

    for refused in (text, media):
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "window_closed"
        assert "template" in refused.json()["detail"]
    assert template.status_code == 202, template.text
    published = await published_before_a_marker(world, inbound.conversation_id)
    assert [envelope["data"]["content"] for _, envelope in published] == [
        {
            "type": "template",
            "name": "follow_up",
            "language": "pt_BR",
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Ana"},
                        {"type": "text", "text": "42"},
                    ],
                }
            ],
        }
    ], "only the template was published"
    thread = await world.messages(inbound.conversation_id)
    assert [m["kind"] for m in thread] == ["template", "template", "text"], "the marker too"


async def test_media_replies_follow_whatsapps_rules(world: World) -> None:
    inbound = await world.deliver()
    bad_bodies = [
        {"type": "media", "kind": "image"},
        {"type": "media", "kind": "image", "link": "https://e.com/a.jpg", "media_id": "1"},
        {"type": "media", "kind": "audio", "media_id": "1", "caption": "listen"},
        {"type": "media", "kind": "image", "media_id": "1", "filename": "a.jpg"},
        {"type": "media", "kind": "sticker", "media_id": "1"},
        {"type": "text", "text": "   "},
        {"type": "template", "name": "x", "language": "pt_BR", "variables": [], "components": []},
        {"type": "fax", "text": "hi"},
    ]
    for body in bad_bodies:
        response = await world.reply(inbound.conversation_id, body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"

    document = await world.reply(
        inbound.conversation_id,
        {
            "type": "media",
            "kind": "document",
            "link": "https://example.com/quote.pdf",
            "caption": "your quote",
            "filename": "quote.pdf",
        },
    )

    assert document.status_code == 202, document.text
    assert document.json()["media"]["filename"] == "quote.pdf"
    [(_, envelope)] = await published_before_a_marker(world, inbound.conversation_id)
    assert envelope["data"]["content"] == {
        "type": "media",
        "kind": "document",
        "link": "https://example.com/quote.pdf",
        "media_id": None,
        "caption": "your quote",
        "filename": "quote.pdf",
    }


async def test_the_same_idempotency_key_sends_once(world: World) -> None:
    inbound = await world.deliver()
    key = {"Idempotency-Key": f"reply-{uuid.uuid4()}"}
    body = {"type": "text", "text": "only once"}

    first = await world.reply(inbound.conversation_id, body, headers=key)
    again = await world.reply(inbound.conversation_id, body, headers=key)

    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["id"] == again.json()["id"]
    published = await published_before_a_marker(world, inbound.conversation_id)
    assert [envelope["data"]["request_id"] for _, envelope in published] == [first.json()["id"]]
    other = await world.deliver(phone="+5511900001111")
    reused = await world.reply(other.conversation_id, body, headers=key)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
