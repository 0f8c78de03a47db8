"""Submitting a library template to Meta through the sender: Meta's shape with examples,
PENDING stored, the sender's refusals passed on by name, SMS refused, other companies' ids
not found."""

from __future__ import annotations

from support.library import PROMO, create, number, read, submit
from support.world import World


async def test_a_template_goes_to_meta_numbered_with_examples_and_waits_pending(
    world: World,
) -> None:
    account = number(world)
    template = await create(world, name="Promo de Natal Ação")

    submitted = await submit(world, template["id"])

    assert submitted["meta_status"] == "PENDING"
    assert submitted["meta_name"] == "promo_de_natal_acao"
    assert submitted["meta_language"] == "pt_BR"
    assert submitted["meta_template_id"] == account.templates[-1]["id"]
    assert submitted["channel_account_id"] == str(world.account_id)
    assert (await read(world, template["id"]))["meta_status"] == "PENDING"
    sent = account.submitted[-1]
    assert sent["category"] == "MARKETING"
    assert sent["components"] == [
        {
            "type": "HEADER",
            "format": "TEXT",
            "text": "Oi {{1}}",
            "example": {"header_text": ["cliente"]},
        },
        {
            "type": "BODY",
            "text": "Seu plano {{1}} tem 20% off até {{2}}.",
            "example": {"body_text": [["plan", "domingo"]]},
        },
        {"type": "FOOTER", "text": PROMO["footer"]},
        {
            "type": "BUTTONS",
            "buttons": [
                {"type": "QUICK_REPLY", "text": "Quero"},
                {
                    "type": "URL",
                    "text": "Ver oferta",
                    "url": "https://loja.example.com/o/{{1}}",
                    "example": ["https://loja.example.com/o/code"],
                },
                {"type": "PHONE_NUMBER", "text": "Ligar", "phone_number": "+5511999990000"},
            ],
        },
    ]


async def test_a_media_header_is_submitted_with_its_file_as_the_sample(world: World) -> None:
    account = number(world)
    template = await create(
        world,
        header_text=None,
        header_media={"kind": "image", "link": "https://cdn.example.com/natal.jpg"},
        buttons=[],
    )

    await submit(world, template["id"])

    assert account.submitted[-1]["components"][0] == {
        "type": "HEADER",
        "format": "IMAGE",
        "example": {"header_handle": ["https://cdn.example.com/natal.jpg"]},
    }


async def test_what_the_sender_finds_invalid_comes_back_with_its_reason(world: World) -> None:
    number(world)
    template = await create(world, language="portugues")

    response = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id)},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "template_invalid"
    assert "language" in response.json()["detail"]
    assert (await read(world, template["id"]))["meta_status"] is None


async def test_meta_refusing_the_template_is_shown_in_its_words(world: World) -> None:
    number(world)
    template = await create(world)

    response = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id), "meta_name": "reject_natal"},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "template_rejected_by_meta"
    assert problem["meta_code"] == "100"
    assert "Content in this language already exists" in problem["detail"]
    assert (await read(world, template["id"]))["meta_name"] is None


async def test_an_sms_template_is_not_submitted(world: World) -> None:
    account = number(world)
    before = len(account.submitted)
    template = await create(
        world, channel="sms", header_text=None, footer=None, buttons=[], body="Oi {{first_name}}"
    )

    response = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id)},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "sms_has_no_templates"
    assert len(account.submitted) == before, "the sender was never asked"


async def test_a_pending_template_is_not_submitted_twice(world: World) -> None:
    number(world)
    template = await create(world)
    await submit(world, template["id"])

    again = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id)},
        headers=world.manager.headers,
    )

    assert again.status_code == 409
    assert again.json()["code"] == "template_already_submitted"


async def test_agents_do_not_submit(world: World) -> None:
    number(world)
    template = await create(world)

    response = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id)},
        headers=world.agent.headers,
    )

    assert response.status_code == 403


async def test_another_companys_template_or_number_is_not_found(world: World) -> None:
    number(world)
    template = await create(world)
    stranger = world.stranger()

    theirs = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(world.account_id)},
        headers=stranger.headers,
    )
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "template_not_found"

    # Our template, to a number the sender says is not ours.
    assert world.sender.api is not None
    other_number = world.sender.api.account(stranger.tenant_id, stranger.user_id)
    foreign = await world.client.post(
        f"/api/v1/templates/{template['id']}/submit",
        json={"channel_account_id": str(stranger.user_id)},
        headers=world.manager.headers,
    )
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "channel_account_not_found"
    assert other_number.submitted == []
    assert (await read(world, template["id"]))["meta_status"] is None
