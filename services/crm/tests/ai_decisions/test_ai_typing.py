"""The bot's typing indicator, applied by the crm: a typing send against the customer's
message, nothing in the thread, and none once a person holds the conversation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mia_common.contracts import AiTyping, Envelope
from mia_common.contracts.topics import AI_EVENTS
from support.ai_decisions import PERSONA, publish
from support.world import World

MARKER = {"type": "template", "name": "marker", "language": "en"}


def typing_event(
    world: World,
    conversation_id: uuid.UUID,
    contact_id: str,
    message_id: uuid.UUID,
    *,
    tenant_id: uuid.UUID | None = None,
    until: datetime | None = None,
) -> Envelope[AiTyping]:
    now = datetime.now(UTC)
    return Envelope[AiTyping](
        type=AI_EVENTS.name,
        source="/services/ai-agent",
        tenantid=tenant_id or world.tenant_id,
        data=AiTyping(
            request_id=uuid.uuid4(),
            run_id=uuid.uuid4(),
            persona_id=PERSONA,
            conversation_id=conversation_id,
            contact_id=uuid.UUID(contact_id),
            in_reply_to_message_id=message_id,
            until=until or now + timedelta(seconds=5),
            occurred_at=now,
        ),
    )


async def sent_before_a_marker(world: World, conversation_id: uuid.UUID) -> list[dict[str, Any]]:
    marker = await world.reply(conversation_id, MARKER, caller=world.manager)
    assert marker.status_code == 202, marker.text
    found = await world.send_requests(conversation_id, until=marker.json()["id"])
    return [envelope["data"] for _, envelope in found[:-1]]


async def test_typing_is_sent_against_the_customers_message_and_stores_nothing(
    world: World,
) -> None:
    inbound = await world.deliver(phone="+5511912350001", text="Vocês entregam no sábado?")
    contact_id = await world.contact_id_of(inbound)
    envelope = typing_event(world, inbound.conversation_id, contact_id, inbound.id)

    await publish(world, envelope)

    [request] = await sent_before_a_marker(world, inbound.conversation_id)
    assert request["request_id"] == str(envelope.data.request_id)
    assert request["content"] == {"type": "typing"}
    assert request["reply_to_external_id"] == inbound.external_message_id
    assert request["origin"] == "ai"
    assert datetime.fromisoformat(request["not_after"]) == envelope.data.until
    assert request["to"] == "+5511912350001"
    thread = await world.messages(inbound.conversation_id)
    assert sorted(m["direction"] for m in thread) == ["in", "out"], "the marker only"


async def test_no_typing_once_a_person_holds_the_conversation(world: World) -> None:
    inbound = await world.deliver(phone="+5511912350002", text="quero falar com alguém")
    contact_id = await world.contact_id_of(inbound)
    taken = await world.send(
        "POST",
        f"/api/v1/inbox/conversations/{inbound.conversation_id}/assign",
        {"user_id": str(world.agent.user_id)},
    )
    assert taken.status_code == 200, taken.text

    await publish(world, typing_event(world, inbound.conversation_id, contact_id, inbound.id))

    assert await sent_before_a_marker(world, inbound.conversation_id) == []


async def test_a_late_typing_or_another_tenants_sends_nothing(world: World) -> None:
    inbound = await world.deliver(phone="+5511912350003", text="olá")
    contact_id = await world.contact_id_of(inbound)
    past = datetime.now(UTC) - timedelta(seconds=1)

    await publish(
        world, typing_event(world, inbound.conversation_id, contact_id, inbound.id, until=past)
    )
    await publish(
        world,
        typing_event(
            world, inbound.conversation_id, contact_id, inbound.id, tenant_id=uuid.uuid4()
        ),
    )
    other = await world.deliver(phone="+5511912350004", text="outra conversa")
    await publish(world, typing_event(world, inbound.conversation_id, contact_id, other.id))

    assert await sent_before_a_marker(world, inbound.conversation_id) == []
