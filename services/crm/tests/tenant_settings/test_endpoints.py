"""A tenant's crm settings: defaults until saved, managers change them, each tenant its own."""

from __future__ import annotations

import pytest

from mia_common.identity import Role
from mia_crm.tenant_settings.service import settings_of
from support.consent import put_settings
from support.world import World

PATH = "/api/v1/crm/settings"


async def test_a_tenant_that_never_saved_reads_the_defaults(world: World) -> None:
    settings = await world.get(PATH)

    assert settings["default_country"] == "BR"
    assert settings["marketing_requires_consent"] is True
    for word in ("PARAR", "SAIR", "CANCELAR", "DESCADASTRAR", "STOP", "UNSUBSCRIBE", "BAJA"):
        assert word in settings["opt_out_keywords"]
    for word in ("VOLTAR", "START", "SUBSCRIBE", "ALTA"):
        assert word in settings["opt_in_keywords"]
    assert settings["opt_out_reply"] is None
    assert settings["updated_at"] is None


async def test_settings_of_answers_the_defaults_without_a_row(world: World) -> None:
    async with world.app.state.context.infra.sessions() as session:
        settings = await settings_of(session, world.tenant_id)

    assert settings.default_country == "BR"
    assert "STOP" in settings.opt_out_keywords
    assert settings.updated_at is None


async def test_a_manager_changes_some_fields_and_the_others_keep_their_value(world: World) -> None:
    saved = await put_settings(
        world, {"default_country": "pt", "opt_out_reply": "Pronto, não enviaremos mais."}
    )

    assert saved["default_country"] == "PT"
    assert saved["opt_out_reply"] == "Pronto, não enviaremos mais."
    assert "PARAR" in saved["opt_out_keywords"]
    assert saved["updated_at"] is not None

    again = await put_settings(world, {"opt_out_keywords": ["Chega", "chega!", "  CHEGA  "]})
    assert again["opt_out_keywords"] == ["Chega"], "the same word once"
    assert again["default_country"] == "PT"
    assert again["opt_out_reply"] == "Pronto, não enviaremos mais."
    assert await world.get(PATH, world.agent) == again


async def test_a_blank_reply_means_none(world: World) -> None:
    saved = await put_settings(world, {"opt_in_reply": "   "})

    assert saved["opt_in_reply"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"default_country": "ZZ"},
        {"default_country": "BRA"},
        {"opt_out_keywords": ["!!!"]},
        {"opt_out_keywords": [""]},
        {"opt_out_keywords": ["x" * 65]},
        {"opt_in_reply": "x" * 1001},
        {"unknown": 1},
    ],
)
async def test_invalid_settings_are_refused_naming_the_field(
    world: World, body: dict[str, object]
) -> None:
    response = await world.client.put(PATH, json=body, headers=world.manager.headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (await world.get(PATH))["updated_at"] is None


async def test_agents_read_but_do_not_change_them(world: World) -> None:
    response = await world.client.put(
        PATH, json={"default_country": "US"}, headers=world.agent.headers
    )

    assert response.status_code == 403
    assert (await world.get(PATH))["default_country"] == "BR"


async def test_each_tenant_has_its_own_settings(world: World) -> None:
    await put_settings(world, {"default_country": "AR", "opt_out_keywords": ["BASTA"]})
    stranger = world.stranger(Role.owner)

    theirs = await world.get(PATH, stranger)

    assert theirs["default_country"] == "BR"
    assert "BASTA" not in theirs["opt_out_keywords"]
    assert theirs["updated_at"] is None


async def test_null_keeps_a_setting_that_cannot_be_empty_and_clears_a_reply(world: World) -> None:
    await put_settings(world, {"default_country": "US", "opt_out_reply": "ok"})

    saved = await put_settings(
        world,
        {
            "default_country": None,
            "marketing_requires_consent": None,
            "opt_out_keywords": None,
            "opt_out_reply": None,
        },
    )

    assert saved["default_country"] == "US"
    assert saved["marketing_requires_consent"] is True
    assert "STOP" in saved["opt_out_keywords"]
    assert saved["opt_out_reply"] is None
