"""The data export: everything the crm holds about the person, as one JSON document,
read a page at a time."""

from __future__ import annotations

import json

import pytest

from mia_common.identity import Role
from mia_crm.privacy import repository
from support.consent import set_consent
from support.world import World


async def test_the_export_holds_the_profile_consent_conversations_and_messages(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of two rows: the thread below is read in several.
    monkeypatch.setattr(repository, "PAGE_ROWS", 2)
    first = await world.deliver(phone="+5511933332222", name="Beatriz", text="um")
    for said in ("dois", "três", "quatro", "cinco"):
        await world.deliver(phone="+5511933332222", name="Beatriz", text=said)
    conversation = await world.conversation_of(first)
    contact_id = conversation["contact"]["id"]
    await world.client.post(
        f"/api/v1/inbox/conversations/{conversation['id']}/notes",
        json={"text": "cliente fiel"},
        headers=world.agent.headers,
    )
    await set_consent(world, contact_id, {"channel": "whatsapp", "status": "opted_in"})
    await set_consent(world, contact_id, {"channel": "sms", "status": "opted_out"})

    response = await world.client.get(
        f"/api/v1/contacts/{contact_id}/export", headers=world.agent.headers
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert "attachment" in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert document["format"] == "mia.crm.contact-export.v1"
    assert document["contact"]["id"] == contact_id
    assert document["contact"]["name"] == "Beatriz"
    assert document["contact"]["phone"] == "+5511933332222"
    assert "tenant_id" not in document["contact"]
    assert {c["channel"]: c["status"] for c in document["consent"]["current"]} == {
        "whatsapp": "opted_in",
        "sms": "opted_out",
    }
    assert [e["channel"] for e in document["consent"]["history"]] == ["whatsapp", "sms"]
    [exported] = document["conversations"]
    assert exported["id"] == conversation["id"]
    assert [m["text"] for m in exported["messages"]] == ["um", "dois", "três", "quatro", "cinco"]
    assert [n["text"] for n in exported["notes"]] == ["cliente fiel"]
    assert document["leads"] == []


async def test_another_tenants_contact_cannot_be_exported(world: World) -> None:
    message = await world.deliver(name="Beatriz")
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    response = await world.client.get(
        f"/api/v1/contacts/{contact_id}/export", headers=world.stranger(Role.owner).headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "contact_not_found"
