"""``POST /api/v1/channels/accounts/{id}/templates`` and ``DELETE .../templates/{name}``: a
company's manager writes a template, the sender submits it to Meta (the sandbox) with the
account's token, the list shows it PENDING at once and Meta's review once made; broken
templates are refused before Meta with a clear reason, Meta's refusals carry Meta's words,
other tenants' accounts are not found and agents may not write templates."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx

from mia_common.identity import Role
from mia_common.testing import wait_until
from support.world import Account, Company, World, customer_phone

ACCOUNTS = "/api/v1/channels/accounts"


def new_name(prefix: str = "pedido") -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


def order_template(name: str) -> dict[str, Any]:
    """A template with a variable in the header, two in the body and one in a URL button."""
    return {
        "name": name,
        "language": "pt_BR",
        "category": "UTILITY",
        "components": [
            {
                "type": "HEADER",
                "format": "TEXT",
                "text": "Pedido {{1}}",
                "example": {"header_text": ["#48213"]},
            },
            {
                "type": "BODY",
                "text": "Olá {{1}}! Seu pedido {{2}} foi confirmado.",
                "example": {"body_text": [["Maria", "#48213"]]},
            },
            {"type": "FOOTER", "text": "Responda SAIR para não receber avisos."},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "Falar com atendente"},
                    {
                        "type": "URL",
                        "text": "Acompanhar",
                        "url": "https://example.com/pedidos/{{1}}",
                        "example": ["https://example.com/pedidos/48213"],
                    },
                ],
            },
        ],
    }


async def create(
    world: World, account: Account, body: dict[str, Any], *, role: Role = Role.manager
) -> httpx.Response:
    return await world.client.post(
        f"{ACCOUNTS}/{account.id}/templates", json=body, headers=account.company.headers(role)
    )


async def listed(world: World, account: Account) -> dict[str, dict[str, Any]]:
    response = await world.client.get(
        f"{ACCOUNTS}/{account.id}/templates",
        params={"status": "all"},
        headers=account.company.headers(Role.agent),
    )
    assert response.status_code == 200, response.text
    return {item["name"]: item for item in response.json()["items"]}


async def test_a_manager_submits_a_template_and_the_list_shows_it_pending_at_once(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    await listed(world, account)  # the list is cached now
    name = new_name()

    response = await create(world, account, order_template(name), role=Role.manager)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created == {
        "id": created["id"],
        "name": name,
        "language": "pt_BR",
        "status": "PENDING",
        "category": "UTILITY",
    }
    [submission] = await world.sandbox.client.template_submissions(account.waba_id)
    assert submission.id == created["id"]
    assert submission.components == order_template(name)["components"]
    shown = (await listed(world, account))[name]
    assert shown["status"] == "PENDING"
    assert shown["variables"] == 2
    assert shown["header"] == "Pedido {{1}}"
    assert shown["header_variables"] == 1
    assert shown["button_variables"] == [{"index": 1, "type": "URL", "count": 1}]


async def test_metas_review_decision_shows_in_the_list(world: World) -> None:
    account = await world.whatsapp_account()
    approved, rejected = new_name("aviso"), new_name("reject_aviso")
    for name in (approved, rejected):
        answered = await create(world, account, order_template(name))
        assert answered.status_code == 201, answered.text

    async def reviewed() -> bool:
        submissions = await world.sandbox.client.template_submissions(account.waba_id)
        return len(submissions) == 2 and all(s.decision for s in submissions)

    await wait_until(reviewed, message="the sandbox reviewed both templates")

    shown = await listed(world, account)
    assert shown[approved]["status"] == "APPROVED"
    assert shown[rejected]["status"] == "REJECTED"


async def test_a_template_meta_refuses_is_a_422_with_metas_words(world: World) -> None:
    account = await world.whatsapp_account()
    name = new_name()
    first = await create(world, account, order_template(name))
    assert first.status_code == 201, first.text

    again = await create(world, account, order_template(name))

    assert again.status_code == 422
    assert again.headers["content-type"].startswith("application/problem+json")
    problem = again.json()
    assert problem["code"] == "template_rejected_by_meta"
    assert problem["meta_code"] == "100"
    assert "already exists" in problem["detail"]
    assert len(await world.sandbox.client.template_submissions(account.waba_id)) == 1


async def test_a_template_whose_parts_do_not_fit_is_refused_before_meta(world: World) -> None:
    account = await world.whatsapp_account()
    no_examples = order_template(new_name())
    del no_examples["components"][1]["example"]
    two_bodies = order_template(new_name())
    two_bodies["components"][2] = {"type": "BODY", "text": "De novo"}  # for the FOOTER
    bad_name = {**order_template("x"), "name": "Pedido-Confirmado"}
    bad_category = {**order_template(new_name()), "category": "PROMO"}

    missing = await create(world, account, no_examples)
    doubled = await create(world, account, two_bodies)
    misnamed = await create(world, account, bad_name)
    miscategorized = await create(world, account, bad_category)

    assert missing.status_code == 422
    assert missing.json()["code"] == "template_invalid"
    assert "2 variable(s) but 0 example value(s)" in missing.json()["detail"]
    assert doubled.status_code == 422
    assert doubled.json()["code"] == "template_invalid"
    assert "exactly one BODY" in doubled.json()["detail"]
    assert misnamed.status_code == 422
    assert miscategorized.status_code == 422
    assert await world.sandbox.client.template_submissions(account.waba_id) == []


async def test_a_token_meta_no_longer_takes_is_a_token_expired_problem(world: World) -> None:
    account = await world.whatsapp_account()
    # Meta now knows the number by another token; ours is refused.
    await world.sandbox.client.register_number(
        phone_number_id=account.phone_number_id,
        access_token="EAAG" + secrets.token_urlsafe(24),
        app_secret=account.app_secret,
        waba_id=account.waba_id,
    )

    response = await create(world, account, order_template(new_name()))

    assert response.status_code == 409
    assert response.json()["code"] == "token_expired"
    assert response.json()["meta_code"] == "190"


async def test_another_companys_account_and_an_unknown_id_are_not_found(world: World) -> None:
    account = await world.whatsapp_account()
    stranger = Company()
    body = order_template(new_name())

    theirs = await world.client.post(
        f"{ACCOUNTS}/{account.id}/templates", json=body, headers=stranger.headers(Role.admin)
    )
    unknown = await world.client.post(
        f"{ACCOUNTS}/{uuid.uuid4()}/templates", json=body, headers=account.company.headers()
    )
    deleted = await world.client.delete(
        f"{ACCOUNTS}/{account.id}/templates/atualizacao_pedido",
        headers=stranger.headers(Role.admin),
    )

    assert theirs.status_code == 404
    assert unknown.status_code == 404
    assert deleted.status_code == 404
    assert await world.sandbox.client.template_submissions(account.waba_id) == []
    assert "atualizacao_pedido" in {
        t.name for t in await world.sandbox.client.templates(account.waba_id)
    }


async def test_an_agent_may_not_write_templates(world: World) -> None:
    account = await world.whatsapp_account()

    created = await create(world, account, order_template(new_name()), role=Role.agent)
    deleted = await world.client.delete(
        f"{ACCOUNTS}/{account.id}/templates/atualizacao_pedido",
        headers=account.company.headers(Role.agent),
    )

    assert created.status_code == 403
    assert deleted.status_code == 403
    assert await world.sandbox.client.template_submissions(account.waba_id) == []


async def test_an_sms_account_cannot_have_templates(world: World) -> None:
    company = Company()
    made = await world.client.post(
        ACCOUNTS,
        json={
            "channel": "sms",
            "display_name": "SMS",
            "account_sid": "AC" + secrets.token_hex(16),
            "auth_token": secrets.token_hex(16),
            "from_number": customer_phone(),
        },
        headers=company.headers(),
    )
    assert made.status_code == 201, made.text

    response = await world.client.post(
        f"{ACCOUNTS}/{made.json()['id']}/templates",
        json=order_template(new_name()),
        headers=company.headers(Role.manager),
    )

    assert response.status_code == 422
    assert response.json()["code"] == "sms_has_no_templates"


async def test_a_manager_deletes_a_template_and_the_list_no_longer_shows_it(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    name = new_name()
    assert (await create(world, account, order_template(name))).status_code == 201
    assert name in await listed(world, account)  # cached with it

    deleted = await world.client.delete(
        f"{ACCOUNTS}/{account.id}/templates/{name}", headers=account.company.headers(Role.manager)
    )
    again = await world.client.delete(
        f"{ACCOUNTS}/{account.id}/templates/{name}", headers=account.company.headers(Role.manager)
    )

    assert deleted.status_code == 204
    assert name not in await listed(world, account)
    assert again.status_code == 404
    assert again.json()["code"] == "template_not_found"
    assert name in again.json()["detail"]
