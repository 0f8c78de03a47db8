"""The persona's tools and lead progression, applied by the crm with the AI as the actor."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mia_common.contracts import AiAction, AiActionKind, AiLeadUpdate, Envelope
from mia_common.contracts.topics import AI_EVENTS
from support.ai_decisions import PERSONA, publish
from support.boards import Boards
from support.world import World


def action(
    world: World, conversation_id: uuid.UUID, contact_id: str, **fields: Any
) -> Envelope[AiAction]:
    return Envelope[AiAction](
        type=AI_EVENTS.name,
        source="/services/ai-agent",
        tenantid=world.tenant_id,
        data=AiAction(
            action_id=uuid.uuid4(),
            run_id=uuid.uuid4(),
            persona_id=PERSONA,
            conversation_id=conversation_id,
            contact_id=uuid.UUID(contact_id),
            occurred_at=datetime.now(UTC),
            **fields,
        ),
    )


def lead_update(
    world: World, contact_id: str, stage_id: str, **fields: Any
) -> Envelope[AiLeadUpdate]:
    return Envelope[AiLeadUpdate](
        type=AI_EVENTS.name,
        source="/services/ai-agent",
        tenantid=fields.pop("tenant_id", world.tenant_id),
        data=AiLeadUpdate(
            update_id=uuid.uuid4(),
            run_id=uuid.uuid4(),
            persona_id=PERSONA,
            contact_id=uuid.UUID(contact_id),
            stage_id=uuid.UUID(stage_id),
            confidence=fields.pop("confidence", 0.91),
            reason=fields.pop("reason", "pediu orçamento para 20 unidades"),
            occurred_at=datetime.now(UTC),
            **fields,
        ),
    )


async def test_the_persona_tags_the_contact_and_sets_its_email(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340101", text="sou cliente vip")
    contact_id = await world.contact_id_of(inbound)

    await publish(
        world,
        action(world, inbound.conversation_id, contact_id, kind=AiActionKind.ADD_TAG, tag="vip"),
    )
    await publish(
        world,
        action(
            world,
            inbound.conversation_id,
            contact_id,
            kind=AiActionKind.SET_FIELD,
            field_key="email",
            field_value="ana@example.com",
        ),
    )

    contact = await world.get(f"/api/v1/contacts/{contact_id}")
    assert "vip" in [tag["name"] for tag in contact["tags"]]
    assert contact["email"] == "ana@example.com"


async def test_the_persona_closes_the_conversation(world: World) -> None:
    inbound = await world.deliver(phone="+5511912340102", text="obrigado, era só isso")
    contact_id = await world.contact_id_of(inbound)

    await publish(
        world,
        action(world, inbound.conversation_id, contact_id, kind=AiActionKind.CLOSE_CONVERSATION),
    )

    assert (await world.conversation_of(inbound))["status"] == "closed"


async def test_a_lead_update_opens_then_moves_the_contacts_lead_with_the_ais_reasons(
    world: World,
) -> None:
    boards = Boards(world)
    board = await boards.pipeline()
    new, qualified = board["stages"][0]["id"], board["stages"][1]["id"]
    inbound = await world.deliver(phone="+5511912340103", text="quero um orçamento")
    contact_id = await world.contact_id_of(inbound)

    await publish(world, lead_update(world, contact_id, new))
    [lead] = (await world.get("/api/v1/leads", contact_id=contact_id))["items"]
    assert lead["stage_id"] == new

    await publish(world, lead_update(world, contact_id, qualified, confidence=0.87))

    moved = await world.get(f"/api/v1/leads/{lead['id']}")
    assert moved["stage_id"] == qualified
    history = (await world.get(f"/api/v1/leads/{lead['id']}/history"))["items"]
    latest = history[0]
    assert (latest["actor_kind"], latest["confidence"], latest["reason"]) == (
        "agent",
        0.87,
        "pediu orçamento para 20 unidades",
    )


async def test_a_lead_update_of_another_tenant_changes_nothing(world: World) -> None:
    boards = Boards(world)
    board = await boards.pipeline()
    inbound = await world.deliver(phone="+5511912340104", text="oi")
    contact_id = await world.contact_id_of(inbound)

    await publish(
        world, lead_update(world, contact_id, board["stages"][0]["id"], tenant_id=uuid.uuid4())
    )

    assert (await world.get("/api/v1/leads", contact_id=contact_id))["items"] == []
