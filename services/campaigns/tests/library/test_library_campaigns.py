"""A campaign that sends a library template: a WhatsApp one as its approved Meta template,
header, body and URL button filled for each recipient; an SMS one as its text; a template
Meta has not approved refused by its status."""

from __future__ import annotations

from typing import Any

from mia_common.contracts.messages import TemplateContent, TextContent
from support.library import create, moment, number, review, submit, until_status
from support.world import World


async def _approved(world: World, **overrides: Any) -> dict[str, Any]:
    number(world)
    template = await submit(world, (await create(world, **overrides))["id"])
    await world.publish(
        world.settings.templates_topic,
        review(world, template, "APPROVED", at=moment(1)),
        str(template["meta_template_id"]),
    )
    return await until_status(world, str(template["id"]), "APPROVED")


def _library(template: dict[str, Any]) -> dict[str, Any]:
    return {"type": "library", "template_id": template["id"]}


async def test_a_campaign_sends_the_approved_template_with_header_body_and_button_values(
    world: World,
) -> None:
    template = await _approved(world)
    contacts = world.contacts(2, fields={"plan": "Ouro", "code": "NATAL 10"})

    created = await world.create(contacts, message=_library(template))
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")

    assert created["message"]["type"] == "template"
    assert created["message"]["library_template_id"] == template["id"]
    sent = world.sender.requests(world.account_id)
    assert len(sent) == 2
    content = sent[0].content
    assert isinstance(content, TemplateContent)
    assert (content.name, content.language) == (template["meta_name"], "pt_BR")
    assert content.components == [
        {"type": "header", "parameters": [{"type": "text", "text": "Pessoa"}]},
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "Ouro"}, {"type": "text", "text": "domingo"}],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "1",
            "parameters": [{"type": "text", "text": "NATAL%2010"}],
        },
    ]


async def test_a_media_header_goes_with_the_template(world: World) -> None:
    template = await _approved(
        world,
        header_text=None,
        header_media={"kind": "image", "link": "https://cdn.example.com/natal.jpg"},
        buttons=[],
    )
    contacts = world.contacts(1, fields={"plan": "Prata"})

    created = await world.create(contacts, message=_library(template))
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")

    content = world.sender.requests(world.account_id)[0].content
    assert isinstance(content, TemplateContent)
    assert content.components[0] == {
        "type": "header",
        "parameters": [{"type": "image", "image": {"link": "https://cdn.example.com/natal.jpg"}}],
    }


async def test_a_template_meta_has_not_approved_is_refused_naming_its_status(
    world: World,
) -> None:
    number(world)
    pending = await submit(world, (await create(world))["id"])
    never = await create(world)
    contacts = world.contacts(1)

    refused = [
        await world.client.post(
            "/api/v1/campaigns",
            json=world.campaign_body(contacts, message=_library(template)),
            headers=world.manager.headers,
        )
        for template in (pending, never)
    ]

    assert [r.status_code for r in refused] == [422, 422]
    assert [r.json()["code"] for r in refused] == ["template_not_approved"] * 2
    assert "PENDING" in refused[0].json()["detail"]
    assert "not submitted" in refused[1].json()["detail"]


async def test_a_rejected_template_stops_a_draft_from_being_saved_again(world: World) -> None:
    template = await _approved(world)
    contacts = world.contacts(1, fields={"plan": "Ouro", "code": "X"})
    created = await world.create(contacts, message=_library(template))
    await world.publish(
        world.settings.templates_topic,
        review(world, template, "DISABLED", at=moment(9), reason="LOW_QUALITY"),
        str(template["meta_template_id"]),
    )
    await until_status(world, template["id"], "DISABLED")

    edited = await world.client.patch(
        f"/api/v1/campaigns/{created['id']}",
        json={"message": _library(template)},
        headers=world.manager.headers,
    )

    assert edited.status_code == 422
    assert "DISABLED" in edited.json()["detail"]


async def test_a_template_meta_paused_after_the_draft_was_saved_stops_its_launch(
    world: World,
) -> None:
    template = await _approved(world)
    contacts = world.contacts(2, fields={"plan": "Ouro", "code": "X"})
    created = await world.create(contacts, message=_library(template))
    await world.publish(
        world.settings.templates_topic,
        review(world, template, "PAUSED", at=moment(9), reason="LOW_QUALITY"),
        str(template["meta_template_id"]),
    )
    await until_status(world, template["id"], "PAUSED")

    refused = await world.client.post(
        f"/api/v1/campaigns/{created['id']}/launch", json={}, headers=world.manager.headers
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "template_not_approved"
    assert "PAUSED" in refused.json()["detail"]
    assert (await world.read(created["id"]))["status"] == "draft"
    assert world.sent_to() == []


async def test_an_sms_campaign_sends_the_library_body_as_text(world: World) -> None:
    template = await create(
        world,
        channel="sms",
        header_text=None,
        footer=None,
        buttons=[],
        body="Oi {{first_name|cliente}}, sua consulta é amanhã.",
    )
    contacts = world.contacts(1)

    created = await world.create(contacts, channel="sms", message=_library(template))
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")

    content = world.sender.requests(world.account_id)[0].content
    assert isinstance(content, TextContent)
    assert content.body == "Oi Pessoa, sua consulta é amanhã."


async def test_a_template_of_the_other_channel_is_refused(world: World) -> None:
    sms = await create(
        world, channel="sms", header_text=None, footer=None, buttons=[], body="Oi {{name}}"
    )

    refused = await world.client.post(
        "/api/v1/campaigns",
        json=world.campaign_body(world.contacts(1), message=_library(sms)),
        headers=world.manager.headers,
    )

    assert refused.status_code == 422
    assert refused.json()["code"] == "template_channel_mismatch"


async def test_another_companys_template_is_not_found(world: World) -> None:
    template = await _approved(world)
    stranger = world.stranger()
    body = world.campaign_body(world.contacts(1), message=_library(template))

    response = await world.client.post("/api/v1/campaigns", json=body, headers=stranger.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "template_not_found"


async def test_a_synced_meta_template_sends_once_its_placeholders_are_mapped(
    world: World,
) -> None:
    account = number(world)
    account.templates.append(
        {
            "id": "1400000000000002",
            "name": "pedido_enviado",
            "language": "pt_BR",
            "status": "APPROVED",
            "category": "UTILITY",
            "body": "Olá {{1}}, seu pedido {{2}} saiu.",
            "variables": 2,
            "header": None,
            "footer": None,
            "header_variables": 0,
            "button_variables": [{"index": 1, "type": "URL", "count": 1}],
        }
    )
    synced = await world.client.post(
        "/api/v1/templates/meta/sync",
        json={"channel_account_id": str(world.account_id)},
        headers=world.manager.headers,
    )
    imported = {"id": synced.json()["imported"][0]}
    contacts = world.contacts(1, fields={"order": "A-77"})
    unmapped = await world.client.post(
        "/api/v1/campaigns",
        json=world.campaign_body(contacts, message=_library(imported)),
        headers=world.manager.headers,
    )
    await world.client.patch(
        f"/api/v1/templates/{imported['id']}",
        json={
            "mappings": {
                "body": {"1": "first_name", "2": "fields.order"},
                "button": {"1": "fields.order"},
            }
        },
        headers=world.manager.headers,
    )

    created = await world.create(contacts, message=_library(imported))
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")

    assert unmapped.status_code == 422
    assert "map it to a named variable" in unmapped.json()["detail"]
    content = world.sender.requests(world.account_id)[0].content
    assert isinstance(content, TemplateContent)
    assert content.name == "pedido_enviado"
    assert content.components == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "Pessoa"}, {"type": "text", "text": "A-77"}],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "1",
            "parameters": [{"type": "text", "text": "A-77"}],
        },
    ]
