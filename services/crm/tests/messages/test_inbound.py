"""Inbound messages from Kafka: contact, conversation and message, stored once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mia_common.contracts import MediaRef, MessageKind
from support.world import World


async def test_inbound_text_creates_contact_conversation_and_unread_message(world: World) -> None:
    message = await world.deliver(phone="+5511987654321", name="Ana Souza", text="Oi, tudo bem?")

    conversation = await world.conversation_of(message)
    assert conversation["contact"]["phone"] == "+5511987654321"
    assert conversation["contact"]["name"] == "Ana Souza"
    assert conversation["contact"]["user_id"] is None
    assert conversation["channel"] == "whatsapp_cloud"
    assert conversation["channel_account_id"] == str(world.account_id)
    assert conversation["unread_count"] == 1
    assert conversation["status"] == "open"
    assert conversation["last_message"]["preview"] == "Oi, tudo bem?"
    assert conversation["last_message"]["direction"] == "in"
    assert conversation["window"]["open"] is True
    [stored] = await world.messages(conversation["id"])
    assert stored["direction"] == "in"
    assert stored["kind"] == "text"
    assert stored["text"] == "Oi, tudo bem?"
    assert stored["external_message_id"] == message.external_message_id
    assert stored["status"] is None


async def test_the_same_inbound_twice_is_one_message_whatever_its_event_id(world: World) -> None:
    original = world.inbound(text="once")
    retried = world.inbound(text="once", external_id=original.data.external_message_id)
    assert retried.id != original.id, "an ingest retry published as a second event"
    for envelope in (original, original, retried):
        await world.publish(world.settings.inbound_topic, envelope)
    # Same key, same partition: once the next message is stored, the copies were handled.
    later = await world.deliver(text="later")

    messages = await world.messages(later.conversation_id)
    assert [m["text"] for m in messages] == ["later", "once"]
    conversation = await world.conversation_of(later)
    assert conversation["unread_count"] == 2


async def test_every_kind_of_message_is_stored_with_its_details(world: World) -> None:
    media_url = "/api/v1/media/abc123"
    cases = [
        {
            "kind": MessageKind.IMAGE,
            "text": "a photo",
            "media": MediaRef(
                media_id="m-img", mime_type="image/jpeg", caption="a photo", url=media_url
            ),
        },
        {
            "kind": MessageKind.AUDIO,
            "text": None,
            "media": MediaRef(media_id="m-aud", mime_type="audio/ogg", url=media_url),
            "extra": {"voice": True},
        },
        {
            "kind": MessageKind.VIDEO,
            "text": None,
            "media": MediaRef(media_id="m-vid", mime_type="video/mp4", size_bytes=1024),
        },
        {
            "kind": MessageKind.DOCUMENT,
            "text": None,
            "media": MediaRef(
                media_id="m-doc", mime_type="application/pdf", filename="quote.pdf", url=media_url
            ),
        },
        {
            "kind": MessageKind.STICKER,
            "text": None,
            "media": MediaRef(media_id="m-stk", mime_type="image/webp"),
            "extra": {"animated": False},
        },
        {
            "kind": MessageKind.LOCATION,
            "text": "Loja, Av. Paulista 1000",
            "extra": {"latitude": -23.56, "longitude": -46.65, "name": "Loja"},
        },
        {"kind": MessageKind.CONTACTS, "text": None, "extra": {"contacts": [{"name": "X"}]}},
        {
            "kind": MessageKind.INTERACTIVE,
            "text": "Sim",
            "extra": {"interactive_type": "button_reply", "reply_id": "yes"},
        },
        {"kind": MessageKind.BUTTON, "text": "Parar", "extra": {"button_payload": "STOP"}},
        {"kind": MessageKind.REACTION, "text": "👍", "extra": {"reaction_to": "wamid.x"}},
        {"kind": MessageKind.UNSUPPORTED, "text": None, "extra": {"meta_type": "order"}},
    ]
    start = datetime.now(UTC) - timedelta(minutes=len(cases))
    stored = []
    for index, case in enumerate(cases):
        stored.append(await world.deliver(sent_at=start + timedelta(minutes=index), **case))

    thread = {m["external_message_id"]: m for m in await world.messages(stored[0].conversation_id)}
    for case, message in zip(cases, stored, strict=True):
        shown = thread[message.external_message_id]
        assert shown["kind"] == case["kind"].value
        assert shown["text"] == case["text"]
        assert shown["extra"] == case.get("extra", {})
        media = case.get("media")
        assert shown["media"] == (media.model_dump(mode="json") if media else None)
    assert thread[stored[0].external_message_id]["media"]["url"] == media_url
    conversation = await world.conversation_of(stored[-1])
    assert conversation["last_message"]["preview"] == "[unsupported]"
    assert conversation["unread_count"] == len(cases)


async def test_an_older_message_arriving_late_keeps_the_newest_as_last(world: World) -> None:
    newest = await world.deliver(text="newest")
    await world.deliver(text="older", sent_at=datetime.now(UTC) - timedelta(hours=1))

    conversation = await world.conversation_of(newest)
    assert conversation["last_message"]["preview"] == "newest"
    thread = await world.messages(newest.conversation_id)
    assert [m["text"] for m in thread] == ["newest", "older"], "ordered by when they were sent"


async def test_an_inbound_message_reopens_a_closed_conversation(world: World) -> None:
    first = await world.deliver(text="hello")
    closed = await world.client.post(
        f"/api/v1/inbox/conversations/{first.conversation_id}/status",
        json={"status": "closed"},
        headers=world.agent.headers,
    )
    assert closed.json()["status"] == "closed"

    await world.deliver(text="me again")

    assert (await world.conversation_of(first))["status"] == "open"


async def test_an_undecodable_or_invalid_inbound_goes_to_the_dead_letter_topic(
    world: World,
) -> None:
    key = f"bad-{world.tenant_id}"
    await world.publish_raw(world.settings.inbound_topic, b'{"not": "an envelope"}', key)
    # A phone number no country has: the contract's pattern passes, phonenumbers does not.
    invalid = world.inbound(phone="+999123456789")
    await world.publish(world.settings.inbound_topic, invalid, key=key)
    good = await world.deliver(text="still flowing")

    dead = await world.dead_letters(world.settings.inbound_topic, key=key, count=2)
    reasons = sorted(headers["x-dlq-error-type"] for headers in dead)
    assert reasons == ["PermanentError", "ValidationError"]
    assert good.text == "still flowing"
