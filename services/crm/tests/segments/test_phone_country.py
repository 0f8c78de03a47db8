"""A phone-type custom field in a filter is read with the tenant's default country, as the
contacts' values were written: a number in national format finds the contacts holding it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from segments.data import matching, preview

from support.world import World


def work_phone(op: str, value: str) -> dict[str, Any]:
    return {"condition": "field", "key": "work_phone", "op": op, "value": value}


async def _tenant_in(world: World, country: str) -> None:
    saved = await world.send(
        "PUT", "/api/v1/crm/settings", {"default_country": country}, caller=world.manager
    )
    assert saved.status_code == 200, saved.text
    field = await world.send(
        "POST",
        "/api/v1/custom-fields",
        {"key": "work_phone", "label": "Work phone", "kind": "phone"},
        caller=world.manager,
    )
    assert field.status_code == 201, field.text


async def _contact_with(world: World, phone: str) -> uuid.UUID:
    created = await world.send(
        "POST",
        "/api/v1/contacts",
        {"email": f"{uuid.uuid4().hex[:10]}@example.com", "fields": {"work_phone": phone}},
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


@pytest.mark.parametrize(
    ("country", "national", "e164", "elsewhere"),
    [
        ("US", "(415) 555-2671", "+14155552671", "+5511987650001"),
        ("PT", "912 345 678", "+351912345678", "+14155552671"),
    ],
)
async def test_a_phone_field_in_national_format_is_read_in_the_tenants_country(
    world: World, country: str, national: str, e164: str, elsewhere: str
) -> None:
    await _tenant_in(world, country)
    theirs = await _contact_with(world, national)
    other = await _contact_with(world, elsewhere)
    fields = (await world.get(f"/api/v1/contacts/{theirs}"))["fields"]
    assert fields == {"work_phone": e164}, "written with the tenant's country"

    assert await matching(world, work_phone("eq", national)) == {theirs}
    assert await matching(world, work_phone("eq", e164)) == {theirs}
    assert await matching(world, work_phone("neq", national)) == {other}


async def test_a_saved_segment_keeps_the_number_in_e164(world: World) -> None:
    await _tenant_in(world, "US")
    theirs = await _contact_with(world, "415-555-2671")

    saved = await world.send(
        "POST",
        "/api/v1/segments",
        {"name": "Office", "filter": {"all": [work_phone("eq", "(415) 555 2671")]}},
    )

    assert saved.status_code == 201, saved.text
    assert saved.json()["filter"] == {"all": [work_phone("eq", "+14155552671")]}
    assert (await world.get(f"/api/v1/segments/{saved.json()['id']}"))["count"] == 1
    assert await matching(world, saved.json()["filter"]) == {theirs}


async def test_a_number_the_tenants_country_cannot_read_is_refused(world: World) -> None:
    await _tenant_in(world, "PT")

    refused = await preview(world, {"not": work_phone("eq", "12")})

    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["path"]) == (
        "segment_filter_invalid",
        "filter.not.value",
    )
