"""POST /api/v1/duplicates/merge: one person, one contact, nothing of theirs lost."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from mia_common.contracts.contacts import ConsentChannel, ConsentStatus
from mia_common.testing import read_topic
from mia_crm.models import ConsentEvent, Contact, ContactConsent, ContactTag, Tag
from mia_crm.models.lead import Lead
from support.contact_rows import add_contact, add_lead, consent
from support.world import World


async def tag(world: World, contact_id: uuid.UUID, *names: str) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        for name in names:
            tag_id = await session.scalar(
                select(Tag.id).where(Tag.tenant_id == world.tenant_id, Tag.name == name)
            )
            if tag_id is None:
                tag_id = await session.scalar(
                    insert(Tag)
                    .values(tenant_id=world.tenant_id, name=name, color="#112233")
                    .returning(Tag.id)
                )
            await session.execute(
                insert(ContactTag).values(
                    tenant_id=world.tenant_id, contact_id=contact_id, tag_id=tag_id
                )
            )


async def stored_contact(world: World, contact_id: uuid.UUID) -> tuple[Contact, set[str]]:
    async with world.app.state.context.infra.sessions() as session:
        contact = await session.get_one(Contact, contact_id)
        tags = set(
            (
                await session.scalars(
                    select(Tag.name)
                    .join(ContactTag, ContactTag.tag_id == Tag.id)
                    .where(ContactTag.contact_id == contact_id)
                )
            ).all()
        )
        return contact, tags


async def merge(world: World, survivor: Any, absorbed: Any) -> dict[str, Any]:
    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": str(survivor), "absorbed_id": str(absorbed)},
        headers=world.agent.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_merge_keeps_conversations_tags_fields_and_fills_blanks(world: World) -> None:
    kept = await world.deliver(phone="+5511987650101", name="Ana", text="nine digits")
    moved = await world.deliver(phone="+551187650102", name=None, text="other number")
    survivor_id = (await world.conversation_of(kept))["contact"]["id"]
    absorbed_id = (await world.conversation_of(moved))["contact"]["id"]
    earlier = datetime.now(UTC) - timedelta(days=3)
    async with world.app.state.context.infra.sessions() as session, session.begin():
        survivor = await session.get_one(Contact, uuid.UUID(survivor_id))
        absorbed = await session.get_one(Contact, uuid.UUID(absorbed_id))
        survivor.fields = {"plan": "gold", "city": "", "notes": None}
        absorbed.fields = {"plan": "silver", "city": "Recife", "notes": "vip", "size": 3}
        absorbed.email = "ana@example.com"
        absorbed.language = "pt-BR"
        survivor.last_outbound_at = earlier
        absorbed.last_outbound_at = earlier + timedelta(days=1)
    await tag(world, uuid.UUID(survivor_id), "vip", "sp")
    await tag(world, uuid.UUID(absorbed_id), "vip", "recife")

    merged = await merge(world, survivor_id, absorbed_id)

    assert merged["id"] == survivor_id
    assert (merged["phone"], merged["email"]) == ("+5511987650101", "ana@example.com")
    contact, tags = await stored_contact(world, uuid.UUID(survivor_id))
    assert tags == {"vip", "sp", "recife"}
    assert contact.fields == {"plan": "gold", "city": "Recife", "notes": "vip", "size": 3}
    assert contact.language == "pt-BR"
    assert contact.last_outbound_at == earlier + timedelta(days=1)
    gone = await world.client.get(f"/api/v1/contacts/{absorbed_id}", headers=world.agent.headers)
    assert gone.status_code == 404
    detail = await world.get(f"/api/v1/contacts/{survivor_id}")
    # Two numbers of one channel account: the threads became one.
    assert [c["id"] for c in detail["conversations"]] == [str(kept.conversation_id)]
    texts = [m["text"] for m in await world.messages(kept.conversation_id)]
    assert sorted(texts) == ["nine digits", "other number"]
    assert (await world.get("/api/v1/duplicates"))["items"] == []


async def test_a_merge_announces_contact_merged_on_the_contacts_topic(world: World) -> None:
    survivor = await add_contact(world, email="m@example.com")
    absorbed = await add_contact(world, email="M@example.com")

    await merge(world, survivor, absorbed)

    def merged(record: Any) -> bool:
        return record.envelope.get("type") == "contact.merged" and record.envelope["data"][
            "absorbed_id"
        ] == str(absorbed)

    records = await read_topic(
        world.settings.kafka_bootstrap_servers,
        world.settings.contacts_topic,
        until=lambda read: any(merged(r) for r in read),
    )
    (record,) = [r for r in records if merged(r)]
    assert record.key == str(survivor).encode()
    assert record.envelope["tenantid"] == str(world.tenant_id)
    assert record.envelope["data"]["survivor_id"] == str(survivor)


async def test_a_contact_cannot_be_merged_into_itself(world: World) -> None:
    contact = await add_contact(world, email="self@example.com")

    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": str(contact), "absorbed_id": str(contact)},
        headers=world.agent.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "same_contact"


async def test_a_merge_moves_consent_and_leads_to_the_survivor(world: World) -> None:
    survivor = await add_contact(world, phone="+5511987650201")
    absorbed = await add_contact(world, phone="+551187650201")
    day = datetime(2026, 1, 5, 12, tzinfo=UTC)
    await consent(
        world, survivor, channel=ConsentChannel.WHATSAPP, status=ConsentStatus.OPTED_IN, at=day
    )
    await consent(
        world,
        absorbed,
        channel=ConsentChannel.WHATSAPP,
        status=ConsentStatus.OPTED_OUT,
        at=day + timedelta(days=1),
    )
    await consent(
        world, absorbed, channel=ConsentChannel.EMAIL, status=ConsentStatus.OPTED_IN, at=day
    )
    lead = await add_lead(world, absorbed, title="Big deal")

    await merge(world, survivor, absorbed)

    async with world.app.state.context.infra.sessions() as session:
        current = {
            row.channel: row.status
            for row in await session.scalars(
                select(ContactConsent).where(ContactConsent.contact_id == survivor)
            )
        }
        ledger = (
            await session.scalars(
                select(ConsentEvent.status).where(ConsentEvent.contact_id == survivor)
            )
        ).all()
        moved = await session.get_one(Lead, lead)
    # The most recent decision per channel: the absorbed contact's later opt-out.
    assert current == {"whatsapp": "opted_out", "email": "opted_in"}
    assert len(ledger) >= 3, "the whole ledger moved (and the merge's own entries)"
    assert moved.contact_id == survivor
    timeline = await world.get(f"/api/v1/contacts/{survivor}/timeline")
    kinds = [item["kind"] for item in timeline["items"]]
    assert kinds.count("stage_change") == 2
    assert kinds.count("consent_change") >= 3
