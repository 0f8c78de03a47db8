"""``GET /api/v1/channels/accounts/{id}/templates``: the number's templates from Meta (the
sandbox), approved only unless asked, read across Graph pages, cached, refusals as
problems, other tenants' accounts not found, SMS accounts without templates; the body's,
the header's and the URL buttons' variables counted."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx

from mia_common.identity import Role
from support.world import Account, Company, World, customer_phone

ACCOUNTS = "/api/v1/channels/accounts"
SEEDED_APPROVED = ["atualizacao_pedido", "order_update", "retomar_atendimento", "saudacao"]


async def templates(
    world: World, account: Account, *, status: str | None = None, role: Role = Role.agent
) -> httpx.Response:
    params = {"status": status} if status else {}
    return await world.client.get(
        f"{ACCOUNTS}/{account.id}/templates",
        params=params,
        headers=account.company.headers(role),
    )


def by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in answer["items"]}


async def test_only_approved_templates_are_listed_by_default_with_their_variables(
    world: World,
) -> None:
    account = await world.whatsapp_account()

    response = await templates(world, account, role=Role.agent)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert [item["name"] for item in answer["items"]] == SEEDED_APPROVED
    items = by_name(answer)
    assert items["atualizacao_pedido"] == {
        "name": "atualizacao_pedido",
        "language": "pt_BR",
        "status": "APPROVED",
        "category": "UTILITY",
        "body": "Olá {{1}}! Seu pedido {{2}} saiu para entrega e chega hoje.",
        "variables": 2,
        "header": "Atualização do pedido",
        "footer": "Responda SAIR para não receber avisos.",
        "header_variables": 0,
        "button_variables": [],
    }
    assert items["saudacao"]["variables"] == 1
    assert items["saudacao"]["header"] is None
    assert items["saudacao"]["footer"] is None
    assert items["retomar_atendimento"]["variables"] == 0
    assert items["order_update"]["language"] == "en_US"


async def test_header_and_url_button_variables_are_counted_apart_from_the_body(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    await world.sandbox.client.add_template(
        account.waba_id,
        name="rastreio",
        body="Olá {{1}}, seu pedido {{2}} está a caminho. {{1}}, acompanhe abaixo.",
        components=[
            {"type": "HEADER", "format": "TEXT", "text": "Pedido {{1}}"},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "URL", "text": "Site", "url": "https://example.com/"},
                    {"type": "QUICK_REPLY", "text": "Ajuda"},
                    {"type": "URL", "text": "Rastrear", "url": "https://example.com/r/{{1}}"},
                ],
            },
        ],
    )
    await world.sandbox.client.add_template(
        account.waba_id,
        name="boleto",
        body="Seu boleto {{1}} está anexo.",
        components=[{"type": "HEADER", "format": "DOCUMENT"}],
    )

    items = by_name((await templates(world, account)).json())

    assert items["rastreio"]["variables"] == 2
    assert items["rastreio"]["header_variables"] == 1
    assert items["rastreio"]["button_variables"] == [{"index": 2, "type": "URL", "count": 1}]
    assert items["boleto"]["header"] is None
    assert items["boleto"]["header_variables"] == 0
    assert items["boleto"]["button_variables"] == []


async def test_status_all_lists_every_template_with_metas_status(world: World) -> None:
    account = await world.whatsapp_account()

    response = await templates(world, account, status="all")

    assert response.status_code == 200
    statuses = {item["name"]: item["status"] for item in response.json()["items"]}
    assert statuses["promocao_fim_de_semana"] == "PENDING"
    assert statuses["cupom_exclusivo"] == "REJECTED"
    assert statuses["pesquisa_satisfacao"] == "PAUSED"
    assert {n for n, s in statuses.items() if s == "APPROVED"} == set(SEEDED_APPROVED)


async def test_an_unknown_status_filter_is_refused(world: World) -> None:
    account = await world.whatsapp_account()

    response = await templates(world, account, status="pending")

    assert response.status_code == 422


async def test_the_list_is_read_across_graph_pages(world: World) -> None:
    account = await world.whatsapp_account()
    page_size = world.settings.templates_page_size
    for number in range(page_size):
        await world.sandbox.client.add_template(
            account.waba_id, name=f"aviso_{number}", body=f"Aviso {number}: {{{{1}}}}"
        )
    total = len(await world.sandbox.client.templates(account.waba_id))

    response = await templates(world, account, status="all")

    assert len(response.json()["items"]) == total
    assert by_name(response.json())["aviso_4"]["variables"] == 1
    reads = await world.sandbox.client.template_requests(account.waba_id)
    assert len(reads) == -(-total // page_size) >= 2
    assert reads[0].after is None
    assert all(read.after for read in reads[1:])
    assert {read.limit for read in reads} == {page_size}
    assert {read.phone_number_id for read in reads} == {account.phone_number_id}


async def test_a_second_look_within_the_cache_time_does_not_reach_meta(world: World) -> None:
    account = await world.whatsapp_account()
    first = await templates(world, account)
    reads = len(await world.sandbox.client.template_requests(account.waba_id))
    await world.sandbox.client.add_template(account.waba_id, name="novo", body="Novo {{1}}")

    again = await templates(world, account)
    everything = await templates(world, account, status="all")

    assert again.json() == first.json()
    assert "novo" not in by_name(everything.json())
    assert len(await world.sandbox.client.template_requests(account.waba_id)) == reads


async def test_a_new_access_token_reads_afresh(world: World) -> None:
    account = await world.whatsapp_account()
    await templates(world, account)
    reads = len(await world.sandbox.client.template_requests(account.waba_id))
    new_token = "EAAG" + secrets.token_urlsafe(24)
    await world.sandbox.client.register_number(
        phone_number_id=account.phone_number_id,
        access_token=new_token,
        app_secret=account.app_secret,
        waba_id=account.waba_id,
    )
    changed = await world.client.patch(
        f"{ACCOUNTS}/{account.id}",
        json={"access_token": new_token},
        headers=account.company.headers(),
    )
    assert changed.status_code == 200

    response = await templates(world, account)

    assert response.status_code == 200
    assert len(await world.sandbox.client.template_requests(account.waba_id)) > reads


async def test_an_expired_token_is_a_token_expired_problem_and_is_not_cached(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    await world.sandbox.client.add_fault(
        "190", applies_to="message_templates", phone_number_id=account.phone_number_id, count=1
    )

    refused = await templates(world, account)
    after_the_fix = await templates(world, account)

    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "token_expired"
    assert problem["meta_code"] == "190"
    assert "access token" in problem["detail"]
    assert after_the_fix.status_code == 200
    # Reading templates never pauses the account: that is the dispatcher's call.
    shown = await world.client.get(f"{ACCOUNTS}/{account.id}", headers=account.company.headers())
    assert shown.json()["status"] == "active"


async def test_meta_down_is_a_502_problem(world: World) -> None:
    account = await world.whatsapp_account()
    await world.sandbox.client.add_fault(
        "500", applies_to="message_templates", phone_number_id=account.phone_number_id, count=1
    )

    response = await templates(world, account)

    assert response.status_code == 502
    assert response.json()["code"] == "meta_unavailable"
    assert response.json()["meta_code"] == "2"


async def test_meta_slower_than_the_deadline_is_a_502_problem(world: World) -> None:
    account = await world.whatsapp_account()
    await world.sandbox.client.add_fault(
        "timeout",
        applies_to="message_templates",
        phone_number_id=account.phone_number_id,
        hold_seconds=2.0,
        count=1,
    )

    response = await templates(world, account)

    assert response.status_code == 502
    assert response.json()["code"] == "meta_unavailable"


async def test_another_companys_account_and_an_unknown_id_are_not_found(world: World) -> None:
    account = await world.whatsapp_account()
    stranger = Company()

    theirs = await world.client.get(
        f"{ACCOUNTS}/{account.id}/templates", headers=stranger.headers(Role.admin)
    )
    unknown = await world.client.get(
        f"{ACCOUNTS}/{uuid.uuid4()}/templates", headers=account.company.headers()
    )

    assert theirs.status_code == 404
    assert unknown.status_code == 404
    assert await world.sandbox.client.template_requests(account.waba_id) == []


async def test_an_sms_account_has_no_templates(world: World) -> None:
    company = Company()
    created = await world.client.post(
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
    assert created.status_code == 201, created.text

    response = await world.client.get(
        f"{ACCOUNTS}/{created.json()['id']}/templates",
        params={"status": "all"},
        headers=company.headers(Role.agent),
    )

    assert response.status_code == 200
    assert response.json() == {"items": []}
