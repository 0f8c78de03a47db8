"""``POST /api/v1/contacts/query``: the contacts a segment filter and the list's text search
both match, newest first, paged as the list pages; filters checked as the preview checks
them; another tenant's contacts never listed; a page too slow to read cut short."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from segments.data import add_contacts, add_tag, preview
from sqlalchemy import ColumnElement, and_, text

import mia_crm.contacts.query as query_module
from support.world import Caller, World

QUERY = "/api/v1/contacts/query"
CUSTOMERS = {"condition": "lifecycle_stage", "stages": ["customer"]}


async def query(world: World, body: dict[str, Any], caller: Caller | None = None) -> httpx.Response:
    return await world.client.post(QUERY, json=body, headers=(caller or world.agent).headers)


async def every_page(world: World, body: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = await query(world, {**body, "cursor": cursor})
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def test_the_filter_and_the_text_search_both_apply(world: World) -> None:
    ana, _, _, anabel = await add_contacts(
        world,
        {"name": "Ana Souza", "lifecycle_stage": "customer"},
        {"name": "Ana Lima", "lifecycle_stage": "lead"},
        {"name": "Bruno", "lifecycle_stage": "customer"},
        {"name": "Anabel", "lifecycle_stage": "customer", "phone": "+5511987650000"},
    )
    vip = await add_tag(world, "VIP", ana, anabel)

    response = await query(world, {"filter": CUSTOMERS, "q": "ana"})
    by_phone = await query(world, {"filter": CUSTOMERS, "q": "(11) 98765"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert {uuid.UUID(c["id"]) for c in body["items"]} == {ana, anabel}
    assert body["next_cursor"] is None
    assert {tag["name"] for c in body["items"] for tag in c["tags"]} == {"VIP"}
    assert [c["id"] for c in by_phone.json()["items"]] == [str(anabel)]
    tagged = await query(
        world,
        {"filter": {"condition": "tags", "match": "any", "tag_ids": [str(vip)]}, "q": "Souza"},
    )
    assert [c["id"] for c in tagged.json()["items"]] == [str(ana)]


async def test_without_text_it_lists_every_match_newest_first(world: World) -> None:
    customers = [
        *await add_contacts(world, *({"lifecycle_stage": "customer"} for _ in range(3))),
        *await add_contacts(world, {"lifecycle_stage": "lead"}),
        *await add_contacts(world, *({"lifecycle_stage": "customer"} for _ in range(2))),
    ]
    del customers[3]

    items = await every_page(world, {"filter": CUSTOMERS, "limit": 2})
    listed = await world.get("/api/v1/contacts", lifecycle_stage="customer")

    assert [c["id"] for c in items] == [c["id"] for c in listed["items"]]
    assert {uuid.UUID(c["id"]) for c in items} == set(customers)


async def test_pages_hold_every_match_once_in_the_lists_order(world: World) -> None:
    # Seven batches (one created_at each) of three: ties on the time break by id.
    matching: list[uuid.UUID] = []
    for batch in range(7):
        rows = [{"name": f"Cliente {batch}-{i}", "lifecycle_stage": "customer"} for i in range(3)]
        *ids, _ = await add_contacts(world, *rows, {"name": f"Cliente {batch}-x"})
        matching += ids
    await add_contacts(world, {"name": "Outro", "lifecycle_stage": "customer"})

    items = await every_page(world, {"filter": CUSTOMERS, "q": "cliente", "limit": 4})

    ids = [uuid.UUID(c["id"]) for c in items]
    assert len(ids) == len(set(ids)) == 21
    assert set(ids) == set(matching)
    keys = [(c["created_at"], c["id"]) for c in items]
    assert keys == sorted(keys, reverse=True)


async def test_an_invalid_filter_is_a_problem_naming_where(world: World) -> None:
    response = await query(world, {"filter": {"condition": "field", "key": "nope", "op": "eq"}})
    unknown = await query(
        world, {"filter": {"all": [{"condition": "field", "key": "plan", "op": "eq", "value": 1}]}}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert unknown.status_code == 422, unknown.text
    assert unknown.headers["content-type"] == "application/problem+json"
    body = unknown.json()
    assert body["code"] == "segment_filter_invalid"
    assert body["path"] == "filter.all[0].key"
    assert "plan" in body["detail"]


async def test_another_tenants_tag_gets_the_previews_answer(world: World) -> None:
    stranger = world.stranger()
    theirs = await add_tag(world, "Theirs", tenant_id=stranger.tenant_id)
    filter_ = {"all": [{"condition": "tags", "match": "any", "tag_ids": [str(theirs)]}]}

    queried = await query(world, {"filter": filter_})
    previewed = await preview(world, filter_)

    assert queried.status_code == previewed.status_code == 422
    assert queried.json()["code"] == previewed.json()["code"] == "segment_filter_invalid"
    assert queried.json()["path"] == previewed.json()["path"] == "filter.all[0].tag_ids[0]"
    assert queried.json()["detail"] == previewed.json()["detail"]


async def test_another_tenants_contacts_are_never_listed(world: World) -> None:
    await add_contacts(world, {"name": "Ana", "lifecycle_stage": "customer"})
    stranger = world.stranger()

    everyone = await query(world, {"filter": {"all": []}, "q": "Ana"}, caller=stranger)
    customers = await query(world, {"filter": CUSTOMERS}, caller=stranger)

    assert everyone.status_code == customers.status_code == 200, everyone.text
    assert everyone.json()["items"] == customers.json()["items"] == []


async def test_a_cursor_it_did_not_hand_out_is_refused(world: World) -> None:
    response = await query(world, {"filter": CUSTOMERS, "cursor": "bm90IG91cnM"})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_cursor"


async def test_a_page_too_slow_to_read_is_a_problem_not_a_hang(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_contacts(world, {"lifecycle_stage": "customer"})
    compile_ = query_module.contact_condition

    def slow(tenant_id: uuid.UUID, node: Any) -> ColumnElement[bool]:
        return and_(compile_(tenant_id, node), text("(SELECT true FROM pg_sleep(1))"))

    monkeypatch.setattr(query_module, "contact_condition", slow)
    monkeypatch.setattr(query_module, "PAGE_TIMEOUT_MS", 50)

    response = await query(world, {"filter": CUSTOMERS})

    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "contacts_query_timed_out"
