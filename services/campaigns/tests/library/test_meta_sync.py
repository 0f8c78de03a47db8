"""A number's Meta templates through the sender, and the sync that brings the approved ones
into the library (once, however often it runs) so a campaign can use them."""

from __future__ import annotations

from typing import Any

from support.library import create, number, read, submit
from support.world import World


def _approved_at_meta(name: str, **overrides: Any) -> dict[str, Any]:
    return {
        "id": "1400000000000001",
        "name": name,
        "language": "pt_BR",
        "status": "APPROVED",
        "category": "UTILITY",
        "body": "Olá {{1}}, seu pedido {{2}} saiu para entrega.",
        "variables": 2,
        "header": "Pedido {{1}}",
        "footer": None,
        "header_variables": 1,
        "button_variables": [{"index": 1, "type": "URL", "count": 1}],
        **overrides,
    }


async def _sync(world: World) -> dict[str, Any]:
    response = await world.client.post(
        "/api/v1/templates/meta/sync",
        json={"channel_account_id": str(world.account_id)},
        headers=world.manager.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_numbers_meta_templates_are_listed_with_their_library_copy(
    world: World,
) -> None:
    account = number(world)
    template = await create(world)
    await submit(world, template["id"])
    account.templates.append(_approved_at_meta("pedido_enviado"))

    response = await world.client.get(
        "/api/v1/templates/meta",
        params={"channel_account_id": str(world.account_id)},
        headers=world.agent.headers,
    )

    assert response.status_code == 200, response.text
    by_name = {item["name"]: item for item in response.json()["items"]}
    submitted = await read(world, template["id"])
    assert by_name[submitted["meta_name"]]["status"] == "PENDING"
    assert by_name[submitted["meta_name"]]["library_template_id"] == template["id"]
    assert by_name["pedido_enviado"]["library_template_id"] is None
    assert by_name["pedido_enviado"]["button_variables"] == [
        {"index": 1, "type": "URL", "count": 1}
    ]


async def test_a_sync_imports_approved_templates_once_and_updates_known_ones(
    world: World,
) -> None:
    account = number(world)
    ours = await create(world)
    await submit(world, ours["id"])
    meta_name = (await read(world, ours["id"]))["meta_name"]
    account.templates.append(_approved_at_meta("pedido_enviado"))
    account.templates.append(_approved_at_meta("ainda_em_analise", status="PENDING"))
    # Meta approved ours meanwhile (the review event never came, say).
    world.sender.api.at_meta(world.account_id, meta_name)["status"] = "APPROVED"  # type: ignore[union-attr]

    first = await _sync(world)
    again = await _sync(world)

    assert len(first["imported"]) == 1
    assert first["updated"] == 1
    assert again["imported"] == []
    assert again["updated"] == 0
    assert again["unchanged"] == 2
    assert (await read(world, ours["id"]))["meta_status"] == "APPROVED"
    imported = await read(world, first["imported"][0])
    assert imported["origin"] == "meta"
    assert imported["name"] == "pedido_enviado"
    assert imported["meta_status"] == "APPROVED"
    assert imported["category"] == "utility"
    assert imported["body"] == "Olá {{1}}, seu pedido {{2}} saiu para entrega."
    assert "{{1}}" in imported["mapping_needed"]
    listed = await world.client.get(
        "/api/v1/templates", params={"q": "pedido_enviado"}, headers=world.agent.headers
    )
    assert [t["id"] for t in listed.json()["items"]] == first["imported"]


async def test_an_imported_template_is_mapped_to_our_variables(world: World) -> None:
    account = number(world)
    account.templates.append(_approved_at_meta("pedido_mapeado"))
    imported = (await _sync(world))["imported"][0]
    mappings = {
        "header": {"1": "fields.order"},
        "body": {"1": "first_name|cliente", "2": "fields.order"},
        "button": {"1": "fields.order"},
    }

    half = await world.client.patch(
        f"/api/v1/templates/{imported}",
        json={"mappings": {"body": {"1": "first_name", "2": "fields.order"}}},
        headers=world.manager.headers,
    )
    edited_text = await world.client.patch(
        f"/api/v1/templates/{imported}", json={"body": "outro"}, headers=world.manager.headers
    )
    mapped = await world.client.patch(
        f"/api/v1/templates/{imported}",
        json={"mappings": mappings},
        headers=world.manager.headers,
    )

    assert half.status_code == 422
    assert "'{{1}}'" in half.json()["detail"]
    assert "(header, at offset 7)" in half.json()["detail"], "the header's is not mapped"
    assert edited_text.status_code == 422
    assert mapped.status_code == 200, mapped.text
    assert mapped.json()["mapping_needed"] is None
    assert mapped.json()["variables"] == ["fields.order", "first_name"]


async def test_another_companys_number_is_neither_listed_nor_synced(world: World) -> None:
    account = number(world)
    account.templates.append(_approved_at_meta("pedido_privado"))
    stranger = world.stranger()

    listed = await world.client.get(
        "/api/v1/templates/meta",
        params={"channel_account_id": str(world.account_id)},
        headers=stranger.headers,
    )
    synced = await world.client.post(
        "/api/v1/templates/meta/sync",
        json={"channel_account_id": str(world.account_id)},
        headers=stranger.headers,
    )
    mine = await _sync(world)
    theirs = await world.client.patch(
        f"/api/v1/templates/{mine['imported'][0]}",
        json={"mappings": {"body": {"1": "name", "2": "name"}}},
        headers=stranger.headers,
    )

    assert listed.status_code == 404
    assert listed.json()["code"] == "channel_account_not_found"
    assert synced.status_code == 404
    assert theirs.status_code == 404
    assert len(mine["imported"]) == 1
