"""A contact's last inbound and last outbound times follow its messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support.world import World


async def test_last_inbound_follows_the_newest_message_never_back(world: World) -> None:
    sent_at = datetime.now(UTC) - timedelta(minutes=5)
    first = await world.deliver(phone="+5511987650401", sent_at=sent_at)
    contact_id = await world.contact_id_of(first)
    contact = await world.get(f"/api/v1/contacts/{contact_id}")
    assert datetime.fromisoformat(contact["last_inbound_at"]) == sent_at

    await world.deliver(phone="+5511987650401", sent_at=sent_at - timedelta(hours=1))

    contact = await world.get(f"/api/v1/contacts/{contact_id}")
    assert datetime.fromisoformat(contact["last_inbound_at"]) == sent_at
    assert contact["last_outbound_at"] is None
    listed = await world.get("/api/v1/contacts")
    assert datetime.fromisoformat(listed["items"][0]["last_inbound_at"]) == sent_at


async def test_last_outbound_is_the_latest_reply(world: World) -> None:
    message = await world.deliver(phone="+5511987650402")
    contact_id = await world.contact_id_of(message)
    before = datetime.now(UTC)

    reply = await world.reply(message.conversation_id, {"type": "text", "text": "Olá!"})

    assert reply.status_code == 202, reply.text
    contact = await world.get(f"/api/v1/contacts/{contact_id}")
    assert datetime.fromisoformat(contact["last_outbound_at"]) >= before
    refused = await world.reply(message.conversation_id, {"type": "text", "text": ""})
    assert refused.status_code == 422
    assert (await world.get(f"/api/v1/contacts/{contact_id}"))["last_outbound_at"] == (
        contact["last_outbound_at"]
    )
