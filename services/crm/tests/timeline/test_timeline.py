"""GET /api/v1/contacts/{id}/timeline: everything that happened with a person, newest first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from mia_common.contracts.contacts import ConsentChannel, ConsentStatus
from mia_common.identity import Role
from support.contact_rows import add_lead, consent
from support.world import World


async def test_the_timeline_merges_messages_notes_stage_and_consent_changes_newest_first(
    world: World,
) -> None:
    inbound = await world.deliver(
        phone="+5511987650301", text="quero um orçamento", sent_at=datetime.now(UTC)
    )
    conversation = await world.conversation_of(inbound)
    contact_id = uuid.UUID(conversation["contact"]["id"])
    reply = await world.reply(conversation["id"], {"type": "text", "text": "claro!"})
    assert reply.status_code == 202, reply.text
    note = await world.client.post(
        f"/api/v1/inbox/conversations/{conversation['id']}/notes",
        json={"text": "cliente antigo"},
        headers=world.agent.headers,
    )
    assert note.status_code == 201
    await add_lead(world, contact_id, title="Orçamento")
    await consent(
        world,
        contact_id,
        channel=ConsentChannel.WHATSAPP,
        status=ConsentStatus.OPTED_OUT,
        at=datetime.now(UTC) + timedelta(minutes=1),
    )

    page = await world.get(f"/api/v1/contacts/{contact_id}/timeline")

    items = page["items"]
    assert page["next_cursor"] is None
    assert [item["at"] for item in items] == sorted((item["at"] for item in items), reverse=True)
    by_kind = {item["kind"]: item for item in items}
    assert items[0]["kind"] == "consent_change"
    assert by_kind["consent_change"]["status"] == "opted_out"
    messages = [item for item in items if item["kind"] == "message"]
    assert {(m["direction"], m["text"]) for m in messages} == {
        ("in", "quero um orçamento"),
        ("out", "claro!"),
    }
    outbound = next(m for m in messages if m["direction"] == "out")
    assert outbound["status"] is not None, "an outbound message carries its delivery status"
    assert outbound["conversation_id"] == conversation["id"]
    assert by_kind["note"]["text"] == "cliente antigo"
    stages = [item for item in items if item["kind"] == "stage_change"]
    assert [(s["from_stage_name"], s["to_stage_name"]) for s in stages] == [
        ("New", "Won"),
        (None, "New"),
    ]
    assert stages[0]["lead_title"] == "Orçamento"
    assert stages[0]["confidence"] == 0.9


async def test_the_timeline_pages_by_cursor_without_gaps_or_repeats(world: World) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    for n in range(7):
        await world.deliver(
            phone="+5511987650302", text=f"m{n}", sent_at=start + timedelta(minutes=n)
        )
    contacts = await world.get("/api/v1/contacts")
    contact_id = contacts["items"][0]["id"]

    texts: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = await world.get(f"/api/v1/contacts/{contact_id}/timeline", **params)
        texts += [item["text"] for item in page["items"]]
        assert len(page["items"]) <= 3
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert texts == [f"m{n}" for n in reversed(range(7))]


async def test_another_tenants_contact_has_no_timeline(world: World) -> None:
    message = await world.deliver(phone="+5511987650303", text="segredo")
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    for caller, path in [
        (world.stranger(Role.owner), f"/api/v1/contacts/{contact_id}/timeline"),
        (world.agent, f"/api/v1/contacts/{uuid.uuid4()}/timeline"),
    ]:
        response = await world.client.get(path, headers=caller.headers)
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"
