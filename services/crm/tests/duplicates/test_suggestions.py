"""GET /api/v1/duplicates and POST .../dismiss: pairs that look like one person."""

from __future__ import annotations

import uuid
from typing import Any

from mia_common.identity import Role
from mia_crm.duplicates.repository import MAX_GROUP
from support.contact_rows import add_contact, add_contacts
from support.world import World


def pairs_of(page: dict[str, Any]) -> list[tuple[str, set[str]]]:
    return [(item["reason"], {item["a"]["id"], item["b"]["id"]}) for item in page["items"]]


async def test_a_mobile_with_and_without_its_ninth_digit_is_suggested_but_a_landline_is_not(
    world: World,
) -> None:
    old, new = await add_contacts(
        world, {"phone": "+551187654321", "name": "Ana"}, {"phone": "+5511987654321"}
    )
    await add_contacts(
        world,
        # A landline and a nine-digit number that only looks like it plus a 9.
        {"phone": "+551134567890"},
        {"phone": "+5511934567890"},
        {"phone": "+14155550100"},
    )

    page = await world.get("/api/v1/duplicates")

    assert pairs_of(page) == [("phone", {str(old), str(new)})]
    item = page["items"][0]
    assert {item["a"]["phone"], item["b"]["phone"]} == {"+551187654321", "+5511987654321"}
    assert page["next_cursor"] is None


async def test_the_same_email_in_another_case_is_suggested(world: World) -> None:
    first, second = await add_contacts(
        world, {"email": "ana@example.com"}, {"email": "Ana@Example.COM"}
    )
    await add_contact(world, email="bia@example.com")

    page = await world.get("/api/v1/duplicates")

    assert pairs_of(page) == [("email", {str(first), str(second)})]


async def test_suggestions_page_by_cursor_without_repeating_a_pair(world: World) -> None:
    await add_contacts(
        world,
        *({"email": f"pipe|{n % 2}@example.com"} for n in range(6)),
        {"phone": "+552199990000"},
        {"phone": "+5521999990000"},
    )
    seen: list[tuple[str, set[str]]] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await world.get("/api/v1/duplicates", **params)
        seen += pairs_of(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break

    # Two groups of three same addresses (three pairs each), and one phone pair.
    assert [reason for reason, _ in seen] == ["email"] * 6 + ["phone"]
    assert len({frozenset(ids) for _, ids in seen}) == 7


async def test_a_dismissed_pair_is_not_suggested_again(world: World) -> None:
    a, b, c = await add_contacts(
        world, {"email": "x@example.com"}, {"email": "X@example.com"}, {"email": "x@EXAMPLE.com"}
    )

    response = await world.client.post(
        "/api/v1/duplicates/dismiss", json={"a": str(c), "b": str(a)}, headers=world.agent.headers
    )
    assert response.status_code == 204, response.text
    again = await world.client.post(
        "/api/v1/duplicates/dismiss", json={"a": str(a), "b": str(c)}, headers=world.agent.headers
    )
    assert again.status_code == 204

    page = await world.get("/api/v1/duplicates")
    assert sorted(map(sorted, (ids for _, ids in pairs_of(page)))) == sorted(
        [sorted({str(a), str(b)}), sorted({str(b), str(c)})]
    )


async def test_dismissing_a_contact_with_itself_is_refused(world: World) -> None:
    contact = await add_contact(world, email="solo@example.com")

    response = await world.client.post(
        "/api/v1/duplicates/dismiss",
        json={"a": str(contact), "b": str(contact)},
        headers=world.agent.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "same_contact"


async def test_another_tenant_sees_no_suggestion_and_cannot_dismiss_or_merge(
    world: World,
) -> None:
    a, b = await add_contacts(world, {"email": "t@example.com"}, {"email": "T@example.com"})
    stranger = world.stranger(Role.owner)

    assert await world.get("/api/v1/duplicates", stranger) == {"items": [], "next_cursor": None}
    for path, body in [
        ("/api/v1/duplicates/dismiss", {"a": str(a), "b": str(b)}),
        ("/api/v1/duplicates/merge", {"survivor_id": str(a), "absorbed_id": str(b)}),
        # One of theirs and one of ours: still nothing found.
        ("/api/v1/duplicates/merge", {"survivor_id": str(uuid.uuid4()), "absorbed_id": str(b)}),
    ]:
        response = await world.client.post(path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"

    assert len((await world.get("/api/v1/duplicates"))["items"]) == 1
    assert (await world.get(f"/api/v1/contacts/{b}"))["id"] == str(b)


async def test_an_address_shared_by_a_crowd_pairs_only_its_first_members(world: World) -> None:
    crowd = await add_contacts(world, *({"email": "nao@tem.com"} for _ in range(MAX_GROUP + 5)))

    seen: set[frozenset[str]] = set()
    cursor = None
    while True:
        params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        page = await world.get("/api/v1/duplicates", **params)
        seen |= {frozenset(ids) for _, ids in pairs_of(page)}
        cursor = page["next_cursor"]
        if cursor is None:
            break

    first = sorted(crowd)[:MAX_GROUP]
    assert len(seen) == MAX_GROUP * (MAX_GROUP - 1) // 2
    assert set().union(*seen) == {str(contact_id) for contact_id in first}
