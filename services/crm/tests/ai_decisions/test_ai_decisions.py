"""The AI agent's replies and handoffs, applied by the crm: the bot's messages appear in
the thread and go to the sender, never once a person holds the conversation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mia_common.contracts import AiHandoff, AiReply, Envelope, HandoffReason
from mia_common.contracts.topics import AI_EVENTS
from mia_common.testing import wait_until
from support.ai_decisions import PERSONA, publish
from support.world import World

MARKER = {"type": "template", "name": "marker", "language": "en"}


def reply_event(
    world: World, conversation_id: uuid.UUID, contact_id: str, text: str, **fields: Any
) -> Envelope[AiReply]:
    data = AiReply(
        request_id=fields.pop("request_id", uuid.uuid4()),
        run_id=uuid.uuid4(),
        persona_id=PERSONA,
        persona_name="Sofia",
        conversation_id=conversation_id,
        contact_id=uuid.UUID(contact_id),
        text=text,
        occurred_at=datetime.now(UTC),
    )
    return Envelope[AiReply](
        type=AI_EVENTS.name,
        source="/services/ai-agent",
        tenantid=fields.pop("tenant_id", world.tenant_id),
        data=data,
    )


async def sent_before_a_marker(world: World, conversation_id: uuid.UUID) -> list[dict[str, Any]]:
    marker = await world.reply(conversation_id, MARKER, caller=world.manager)
    assert marker.status_code == 202, marker.text
    found = await world.send_requests(conversation_id, until=marker.json()["id"])
    return [envelope["data"] for _, envelope in found[:-1]]


async def test_a_persona_reply_is_stored_as_the_bots_and_sent(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340001", text="Qual o prazo de entrega?")
    contact_id = await world.contact_id_of(inbound)
    envelope = reply_event(world, inbound.conversation_id, contact_id, "Entregamos em 3 dias.")

    await publish(world, envelope)

    async def stored() -> dict[str, Any] | None:
        found = [
            m for m in await world.messages(inbound.conversation_id) if m["direction"] == "out"
        ]
        return found[0] if found else None

    message = await wait_until(stored, timeout=30, message="the bot's reply stored")
    assert message["id"] == str(envelope.data.request_id)
    assert message["text"] == "Entregamos em 3 dias."
    assert message["sent_by_user_id"] is None
    assert message["sent_by_persona_id"] == str(PERSONA)
    assert message["sent_by_persona_name"] == "Sofia"
    assert message["ai_run_id"] == str(envelope.data.run_id)
    [request] = await sent_before_a_marker(world, inbound.conversation_id)
    assert request["request_id"] == message["id"]
    assert request["origin"] == "ai"
    assert request["content"]["body"] == "Entregamos em 3 dias."
    [event] = [
        r
        for r in await world.inbox_events(until=lambda r: r.message_id == message["id"])
        if r.message_id == message["id"]
    ]
    assert event.envelope["data"]["message"]["author"] == "bot"
    assert event.envelope["data"]["message"]["persona_id"] == str(PERSONA)


async def test_the_same_reply_published_twice_is_one_message(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340002", text="oi")
    contact_id = await world.contact_id_of(inbound)
    request_id = uuid.uuid4()
    for _ in range(2):  # two events (a retry of the ai-agent's outbox), one decision
        await publish(
            world,
            reply_event(world, inbound.conversation_id, contact_id, "Olá!", request_id=request_id),
        )

    sent = await sent_before_a_marker(world, inbound.conversation_id)

    assert [r["request_id"] for r in sent] == [str(request_id)]


async def test_no_bot_reply_once_a_person_holds_the_conversation(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340003", text="quero falar com alguém")
    contact_id = await world.contact_id_of(inbound)
    taken = await world.send(
        "POST",
        f"/api/v1/inbox/conversations/{inbound.conversation_id}/assign",
        {"user_id": str(world.agent.user_id)},
    )
    assert taken.status_code == 200, taken.text

    await publish(world, reply_event(world, inbound.conversation_id, contact_id, "Posso ajudar?"))

    assert await sent_before_a_marker(world, inbound.conversation_id) == []
    assert sorted(m["direction"] for m in await world.messages(inbound.conversation_id)) == [
        "in",
        "out",  # the marker only
    ]


async def test_a_reply_naming_another_tenants_conversation_changes_nothing(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340004", text="olá")
    contact_id = await world.contact_id_of(inbound)

    await publish(
        world,
        reply_event(world, inbound.conversation_id, contact_id, "intruso", tenant_id=uuid.uuid4()),
    )

    assert await sent_before_a_marker(world, inbound.conversation_id) == []


async def test_a_handoff_tells_the_customer_leaves_the_summary_and_assigns(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340005", text="quero um atendente")
    contact_id = await world.contact_id_of(inbound)
    handoff = AiHandoff(
        request_id=uuid.uuid4(),
        run_id=uuid.uuid4(),
        persona_id=PERSONA,
        persona_name="Sofia",
        conversation_id=inbound.conversation_id,
        contact_id=uuid.UUID(contact_id),
        reason=HandoffReason.CUSTOMER_REQUEST,
        assign_to_user_id=world.agent.user_id,
        summary="Cliente pediu um atendente.",
        customer_message="Vou chamar uma pessoa da equipe.",
        occurred_at=datetime.now(UTC),
    )

    await publish(
        world,
        Envelope[AiHandoff](
            type=AI_EVENTS.name, source="/services/ai-agent", tenantid=world.tenant_id, data=handoff
        ),
    )

    async def assigned() -> dict[str, Any] | None:
        conversation = await world.conversation_of(inbound)
        return conversation if conversation["assigned_user_id"] else None

    conversation = await wait_until(assigned, timeout=30, message="the conversation assigned")
    assert conversation["assigned_user_id"] == str(world.agent.user_id)
    notes = await world.get(f"/api/v1/inbox/conversations/{inbound.conversation_id}/notes")
    assert [(n["text"], n["author_user_id"], n["author_persona_name"]) for n in notes["items"]] == [
        ("Cliente pediu um atendente.", None, "Sofia")
    ]
    [told] = [m for m in await world.messages(inbound.conversation_id) if m["direction"] == "out"]
    assert (told["text"], told["sent_by_persona_name"]) == (
        "Vou chamar uma pessoa da equipe.",
        "Sofia",
    )


async def test_a_handoff_to_a_team_puts_the_conversation_in_its_queue(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340007", text="quero falar com o financeiro")
    contact_id = await world.contact_id_of(inbound)
    team_id = uuid.uuid4()
    handoff = AiHandoff(
        request_id=uuid.uuid4(),
        run_id=uuid.uuid4(),
        persona_id=PERSONA,
        persona_name="Sofia",
        conversation_id=inbound.conversation_id,
        contact_id=uuid.UUID(contact_id),
        reason=HandoffReason.CUSTOMER_REQUEST,
        assign_to_team_id=team_id,
        summary="Cliente pediu o financeiro.",
        occurred_at=datetime.now(UTC),
    )

    await publish(
        world,
        Envelope[AiHandoff](
            type=AI_EVENTS.name, source="/services/ai-agent", tenantid=world.tenant_id, data=handoff
        ),
    )

    conversation = await world.conversation_of(inbound)
    assert (conversation["assigned_team_id"], conversation["assigned_user_id"]) == (
        str(team_id),
        None,
    )
    queue = await world.get("/api/v1/inbox/conversations", team_id=str(team_id), unassigned="true")
    assert [c["id"] for c in queue["items"]] == [str(inbound.conversation_id)]


async def test_an_inbound_message_is_described_in_its_inbox_event(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340006", text="Vocês abrem sábado?")

    [event] = [
        r
        for r in await world.inbox_events(until=lambda r: r.message_id == str(inbound.id))
        if r.message_id == str(inbound.id)
    ]

    data = event.envelope["data"]
    assert data["message"]["author"] == "customer"
    assert data["message"]["text"] == "Vocês abrem sábado?"
    assert data["conversation"]["channel_account_id"] == str(world.account_id)
    assert data["conversation"]["assigned_user_id"] is None
