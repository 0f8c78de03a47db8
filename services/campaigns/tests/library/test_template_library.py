"""The template library: checked as sends use it, previewed with a real contact."""

from __future__ import annotations

import uuid
from typing import Any

from support.fake_crm import member
from support.world import World

PROMO = {
    "name": "Promo de Natal",
    "channel": "whatsapp",
    "language": "pt_BR",
    "category": "marketing",
    "header_text": "Oi {{first_name|cliente}}",
    "body": "Seu plano {{fields.plan}} tem 20% off até {{fields.until|domingo}}.",
    "footer": "Responda SAIR para não receber",
    "buttons": [
        {"type": "url", "text": "Ver oferta", "url": "https://loja.example.com/o/{{fields.code}}"},
        {"type": "quick_reply", "text": "Quero"},
    ],
}


async def _create(world: World, **overrides: Any) -> dict[str, Any]:
    response = await world.client.post(
        "/api/v1/templates", json={**PROMO, **overrides}, headers=world.manager.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_template_lists_the_variables_it_reads(world: World) -> None:
    created = await _create(world)

    assert created["variables"] == ["first_name", "fields.plan", "fields.until", "fields.code"]
    assert created["sms"] is None
    listed = await world.client.get(
        "/api/v1/templates", params={"q": "natal"}, headers=world.agent.headers
    )
    assert [t["id"] for t in listed.json()["items"]] == [created["id"]]


async def test_an_sms_template_counts_its_segments(world: World) -> None:
    created = await _create(
        world,
        name="Lembrete",
        channel="sms",
        header_text=None,
        footer=None,
        buttons=[],
        body="Oi {{first_name}}, sua consulta e amanha as 9h. Confirme: SIM.",
    )
    accented = await _create(
        world,
        name="Lembrete com acento",
        channel="sms",
        header_text=None,
        footer=None,
        buttons=[],
        body="Olá, sua consulta é amanhã. " * 3,
    )

    assert created["sms"]["encoding"] == "GSM-7"
    assert created["sms"]["segments"] == 1
    # "á" and "ã" are not GSM-7: UCS-2, 70 characters in one segment, 67 a part after.
    assert accented["sms"]["encoding"] == "UCS-2"
    assert accented["sms"]["segments"] == 2


async def test_a_broken_template_is_refused_naming_the_part_and_offset(world: World) -> None:
    broken = await world.client.post(
        "/api/v1/templates",
        json={**PROMO, "body": "Oi {{fields.plan"},
        headers=world.manager.headers,
    )
    sms_buttons = await world.client.post(
        "/api/v1/templates",
        json={**PROMO, "name": "x", "channel": "sms"},
        headers=world.manager.headers,
    )

    assert broken.status_code == 422
    assert broken.json()["code"] == "template_invalid"
    assert broken.json()["part"] == "body"
    assert broken.json()["offset"] == 3
    assert sms_buttons.status_code == 422
    assert "SMS" in sms_buttons.json()["detail"]


async def test_names_are_unique_whatever_their_case(world: World) -> None:
    first = await _create(world)
    again = await world.client.post(
        "/api/v1/templates",
        json={**PROMO, "name": "PROMO DE NATAL"},
        headers=world.manager.headers,
    )

    assert again.status_code == 409
    assert again.json()["template_id"] == first["id"]


async def test_a_preview_shows_what_a_real_contact_would_get(world: World) -> None:
    created = await _create(world)
    [ana] = world.crm.add(
        world.tenant_id,
        [member(phone="+5511988887777", name="Ana Souza", fields={"plan": "Ouro", "code": "A 1"})],
    )
    [bia] = world.crm.add(world.tenant_id, [member(phone="+5511988886666", name="Bia")])
    path = f"/api/v1/templates/{created['id']}/preview"

    shown = await world.client.post(
        path, json={"contact_id": ana["id"]}, headers=world.agent.headers
    )
    missing = await world.client.post(
        path, json={"contact_id": bia["id"]}, headers=world.agent.headers
    )
    sample = await world.client.post(
        path,
        json={"values": {"first_name": "Maria", "fields.plan": "Prata", "fields.code": "X"}},
        headers=world.agent.headers,
    )
    nobody = await world.client.post(
        path, json={"contact_id": str(uuid.uuid4())}, headers=world.agent.headers
    )

    assert shown.status_code == 200, shown.text
    assert shown.json()["header_text"] == "Oi Ana"
    assert shown.json()["body"] == "Seu plano Ouro tem 20% off até domingo."
    assert shown.json()["button_url"] == "https://loja.example.com/o/A%201"
    assert shown.json()["fallbacks_used"] == ["fields.until"]
    assert missing.status_code == 422
    assert missing.json()["code"] == "template_variable_missing"
    assert missing.json()["variable"] == "fields.plan"
    assert "Bia" in missing.json()["detail"]
    assert sample.json()["body"] == "Seu plano Prata tem 20% off até domingo."
    assert nobody.status_code == 404


async def test_a_template_is_edited_and_deleted_by_managers_only(world: World) -> None:
    created = await _create(world)
    path = f"/api/v1/templates/{created['id']}"

    by_agent = await world.client.patch(path, json={"name": "x"}, headers=world.agent.headers)
    edited = await world.client.patch(
        path, json={"body": "Oi {{first_name}}!"}, headers=world.manager.headers
    )
    broken = await world.client.patch(
        path, json={"body": "Oi {{first_name}"}, headers=world.manager.headers
    )
    deleted = await world.client.delete(path, headers=world.manager.headers)
    after = await world.client.get(path, headers=world.manager.headers)

    assert by_agent.status_code == 403
    assert edited.json()["variables"] == ["first_name", "fields.code"]
    assert broken.status_code == 422
    assert deleted.status_code == 204
    assert after.status_code == 404


async def test_another_tenants_template_is_not_found_anywhere(world: World) -> None:
    created = await _create(world)
    stranger = world.stranger()
    path = f"/api/v1/templates/{created['id']}"

    answers = [
        await world.client.get(path, headers=stranger.headers),
        await world.client.patch(path, json={"name": "x"}, headers=stranger.headers),
        await world.client.post(f"{path}/preview", json={"values": {}}, headers=stranger.headers),
        await world.client.delete(path, headers=stranger.headers),
    ]
    listed = await world.client.get("/api/v1/templates", headers=stranger.headers)

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert listed.json()["items"] == []
    assert (await world.client.get(path, headers=world.manager.headers)).status_code == 200
