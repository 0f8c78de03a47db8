"""``PATCH /api/v1/tenant``: what a null means per field, the rules a schema cannot say,
and that only the caller's own company changes."""

from __future__ import annotations

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actor, Actors

HOURS = {"mon": [{"open": "09:00", "close": "18:00"}]}
SETTINGS = {"greeting": "Olá!", "channels": {"sms": False, "order": [1, 2.5, None, "x"]}}


async def _company(client: httpx.AsyncClient, owner: Actor) -> dict[str, object]:
    response = await client.get("/api/v1/tenant", headers=owner.headers)
    assert response.status_code == 200
    return dict(response.json())


async def _configured(client: httpx.AsyncClient, actors: Actors) -> Actor:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    saved = await client.patch(
        "/api/v1/tenant",
        json={
            "name": "Loja da Ana",
            "timezone": "America/Sao_Paulo",
            "business_hours": HOURS,
            "settings": SETTINGS,
        },
        headers=owner.headers,
    )
    assert saved.status_code == 200, saved.text
    return owner


async def test_null_clears_the_business_hours_and_the_settings_and_nothing_else(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)
    other = await _configured(client, actors)

    cleared = await client.patch(
        "/api/v1/tenant", json={"business_hours": None, "settings": None}, headers=owner.headers
    )

    assert cleared.status_code == 200, cleared.text
    company = cleared.json()
    assert company["business_hours"] == {}
    assert company["settings"] == {}
    assert (company["name"], company["timezone"]) == ("Loja da Ana", "America/Sao_Paulo")
    assert await _company(client, owner) == company
    untouched = await _company(client, other)
    assert (untouched["business_hours"], untouched["settings"]) == (HOURS, SETTINGS)


@pytest.mark.parametrize("field", ["name", "timezone"])
async def test_a_field_that_always_has_a_value_refuses_null_naming_it(
    field: str, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)
    before = await _company(client, owner)

    refused = await client.patch(
        "/api/v1/tenant", json={field: None, "settings": None}, headers=owner.headers
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert [error["loc"] for error in errors] == [["body", field]]
    assert "cannot be cleared" in errors[0]["msg"]
    assert await _company(client, owner) == before, "nothing half-done: settings kept too"


async def test_the_document_says_which_fields_null_clears(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/openapi.json")).json()
    fields = document["components"]["schemas"]["TenantUpdate"]["properties"]

    def nullable(schema: dict[str, object]) -> bool:
        return {"type": "null"} in schema.get("anyOf", [])  # type: ignore[operator]

    assert not nullable(fields["name"])
    assert not nullable(fields["timezone"])
    assert "cannot be cleared" in fields["name"]["description"]
    assert nullable(fields["business_hours"])
    assert nullable(fields["settings"])
    assert "null clears" in fields["settings"]["description"]
    assert "null clears" in fields["business_hours"]["description"]
    zones = document["components"]["schemas"]["TimeZoneName"]["enum"]
    assert "America/Sao_Paulo" in zones
    assert "Mars/Olympus" not in zones


async def test_hours_that_cannot_be_kept_are_refused_with_a_code_naming_the_day(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)

    refused = await client.patch(
        "/api/v1/tenant",
        json={"business_hours": {"tue": [{"open": "18:00", "close": "09:00"}]}},
        headers=owner.headers,
    )

    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "business_hours_invalid"
    assert problem["errors"][0]["loc"] == ["body", "business_hours", "tue", 0]
    assert (await _company(client, owner))["business_hours"] == HOURS


@pytest.mark.parametrize(
    "hours",
    [
        {"someday": [{"open": "09:00", "close": "18:00"}]},
        # Arabic-Indic digits: digits to Unicode (and to \d), not to the pattern.
        {"mon": [{"open": "\u0660\u0669:\u0660\u0660", "close": "18:00"}]},
        {"mon": [{"open": "24:00", "close": "25:00"}]},
    ],
)
async def test_hours_the_schema_refuses_are_refused_before_anything_changes(
    hours: dict[str, object], client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)

    refused = await client.patch(
        "/api/v1/tenant", json={"business_hours": hours}, headers=owner.headers
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"][:2] == ["body", "business_hours"]
    assert (await _company(client, owner))["business_hours"] == HOURS


async def test_settings_holding_nul_deep_inside_are_refused_saying_where(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)

    refused = await client.patch(
        "/api/v1/tenant",
        json={"settings": {"channels": {"order": ["a", "b\u0000"]}}},
        headers=owner.headers,
    )

    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert [error["loc"] for error in errors] == [["body", "settings"]]
    assert "settings.channels.order[1]" in errors[0]["msg"]
    assert (await _company(client, owner))["settings"] == SETTINGS


async def test_an_api_key_changing_the_company_is_named_as_one_in_the_log(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = await _configured(client, actors)
    key = (
        await client.post(
            "/api/v1/api-keys", json={"name": "ops", "role": "admin"}, headers=owner.headers
        )
    ).json()

    changed = await client.patch(
        "/api/v1/tenant", json={"settings": None}, headers={"X-Api-Key": key["key"]}
    )

    assert changed.status_code == 200
    events = (await client.get("/api/v1/audit", headers=owner.headers)).json()["items"]
    assert (events[0]["action"], events[0]["actor_kind"], events[0]["actor_id"]) == (
        "tenant.updated",
        "api_key",
        key["id"],
    )
