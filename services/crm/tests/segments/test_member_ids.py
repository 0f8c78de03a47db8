"""The member stream of a list of contact ids (``POST /internal/v1/contacts/members`` with
``contact_ids``): the tenant's live contacts among them, in id order, each once."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from segments.data import add_contacts, add_fields
from sqlalchemy import delete, insert

from mia_crm.models import Contact
from support.world import Caller, World

PATH = "/internal/v1/contacts/members"


def ids_of(body: bytes) -> list[uuid.UUID]:
    return [uuid.UUID(orjson.loads(line)["id"]) for line in body.splitlines()]


async def members(
    world: World,
    body: dict[str, Any],
    *,
    caller: Caller | None = None,
    params: dict[str, str] | None = None,
) -> list[uuid.UUID]:
    response = await world.client.post(
        PATH, json=body, params=params or {}, headers=(caller or world.agent).headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    return ids_of(response.content)


async def another_tenants_contact(world: World, tenant_id: uuid.UUID) -> uuid.UUID:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        contact_id = await session.scalar(
            insert(Contact).values(tenant_id=tenant_id, name="Theirs").returning(Contact.id)
        )
    assert contact_id is not None
    return contact_id


async def delete_contact(world: World, contact_id: uuid.UUID) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(delete(Contact).where(Contact.id == contact_id))


async def test_listed_ids_stream_the_tenants_live_contacts_in_id_order_once_each(
    world: World,
) -> None:
    a, b, c, gone = await add_contacts(world, {}, {}, {}, {})
    unlisted = (await add_contacts(world, {}))[0]
    stranger = world.stranger()
    theirs = await another_tenants_contact(world, stranger.tenant_id)
    await delete_contact(world, gone)
    never = uuid.uuid4()
    listed = [str(i) for i in (c, theirs, a, gone, c, never, b, a)]

    streamed = await members(world, {"contact_ids": listed})

    assert streamed == sorted([a, b, c])
    assert unlisted not in streamed
    # The other tenant's caller gets nothing of ours, and its own contact only.
    assert await members(world, {"contact_ids": listed}, caller=stranger) == [theirs]


async def test_listed_ids_resume_after_an_id_and_carry_the_fields_asked_for(world: World) -> None:
    await add_fields(world)
    ids = sorted(
        await add_contacts(world, {"fields": {"plan": "gold"}}, {}, {"fields": {"plan": "silver"}})
    )
    body = {"contact_ids": [str(i) for i in reversed(ids)]}

    rest = await members(world, body, params={"after": str(ids[0])})
    response = await world.client.post(
        PATH, json=body, params={"fields": "plan"}, headers=world.agent.headers
    )

    assert rest == ids[1:]
    assert response.status_code == 200, response.text
    assert [orjson.loads(line)["fields"] for line in response.content.splitlines()] == [
        {"plan": "gold"},
        {"plan": None},
        {"plan": "silver"},
    ]


async def test_an_empty_list_of_ids_streams_nothing(world: World) -> None:
    await add_contacts(world, {})

    assert await members(world, {"contact_ids": []}) == []


async def test_more_than_ten_thousand_ids_are_refused_by_name(world: World) -> None:
    (contact,) = await add_contacts(world, {})
    at_limit = [str(contact)] + [str(uuid.uuid4()) for _ in range(9_999)]

    refused = await world.client.post(
        PATH, json={"contact_ids": [*at_limit, str(uuid.uuid4())]}, headers=world.agent.headers
    )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "members_too_many_contact_ids"
    assert problem["limit"] == 10_000
    assert problem["detail"] == "contact_ids: at most 10000 ids, got 10001"
    assert await members(world, {"contact_ids": at_limit}) == [contact]


async def test_a_filter_with_ids_streams_those_of_the_ids_the_filter_matches(
    world: World,
) -> None:
    await add_fields(world)
    gold, silver, unlisted_gold = await add_contacts(
        world,
        {"fields": {"plan": "gold"}},
        {"fields": {"plan": "silver"}},
        {"fields": {"plan": "gold"}},
    )
    stranger = world.stranger()
    theirs = await another_tenants_contact(world, stranger.tenant_id)
    is_gold = {"condition": "field", "key": "plan", "op": "eq", "value": "gold"}

    streamed = await members(
        world, {"filter": is_gold, "contact_ids": [str(gold), str(silver), str(theirs)]}
    )

    assert streamed == [gold]
    assert unlisted_gold not in streamed


async def test_a_selection_needs_a_filter_or_ids(world: World) -> None:
    await add_contacts(world, {})

    for body in ({}, {"filter": None, "contact_ids": None}):
        refused = await world.client.post(PATH, json=body, headers=world.agent.headers)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "members_selection_invalid", body


async def test_ids_that_are_not_uuids_are_refused(world: World) -> None:
    refused = await world.client.post(
        PATH, json={"contact_ids": ["not-a-uuid"]}, headers=world.agent.headers
    )

    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["loc"][:2] == ["body", "contact_ids"]
