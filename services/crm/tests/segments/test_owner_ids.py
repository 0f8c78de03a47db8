"""A saved filter's owner ids are users of the tenant, checked with the gateway as a
contact's owner is: on write (a segment's create and edit), never on read, so a segment
whose owner was deleted since still loads."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from segments.data import add_contacts, matching

from mia_common.identity import Role
from support.world import World


def owners(*user_ids: uuid.UUID) -> dict[str, Any]:
    return {"condition": "owner", "op": "in", "user_ids": [str(u) for u in user_ids]}


async def save(world: World, filter_: dict[str, Any]) -> httpx.Response:
    return await world.client.post(
        "/api/v1/segments",
        json={"name": f"Segment {uuid.uuid4().hex[:6]}", "filter": filter_},
        headers=world.agent.headers,
    )


async def test_a_segment_naming_users_the_tenant_lacks_is_refused_naming_them_all(
    world: World,
) -> None:
    known = world.caller(Role.agent)
    theirs = world.stranger(Role.agent)
    nobody = uuid.uuid4()
    filter_ = {"any": [owners(known.user_id, nobody), {"not": owners(theirs.user_id, nobody)}]}

    refused = await save(world, filter_)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "segment_filter_invalid"
    assert problem["user_ids"] == [str(nobody), str(theirs.user_id)], "each once, in order"
    assert problem["path"] == "filter.any[0].user_ids[1]"
    assert str(nobody) in problem["detail"]
    assert str(theirs.user_id) in problem["detail"]
    assert (await world.get("/api/v1/segments"))["items"] == [], "nothing saved"


async def test_a_segment_of_known_and_deactivated_owners_is_saved(world: World) -> None:
    active = world.caller(Role.agent)
    gone = world.caller(Role.manager, active=False)
    mine, left, _ = await add_contacts(
        world, {"owner_user_id": active.user_id}, {"owner_user_id": gone.user_id}, {}
    )

    saved = await save(world, owners(active.user_id, gone.user_id))

    assert saved.status_code == 201, saved.text
    assert [call.token for call in world.gateway.calls_about(active.user_id)] == [
        world.agent.headers["X-Mia-Identity"]
    ], "asked with the caller's own token"
    read = await world.get(f"/api/v1/segments/{saved.json()['id']}")
    assert read["count"] == 2
    assert {mine, left} == await matching(world, owners(active.user_id, gone.user_id))


async def test_an_edit_checks_a_new_filters_owners_and_a_rename_asks_nobody(
    world: World,
) -> None:
    known = world.caller(Role.agent)
    created = await save(world, owners(known.user_id))
    assert created.status_code == 201, created.text
    path = f"/api/v1/segments/{created.json()['id']}"
    nobody = uuid.uuid4()

    refused = await world.send("PATCH", path, {"filter": {"all": [owners(nobody)]}})
    asked = len(world.gateway.calls)
    renamed = await world.send("PATCH", path, {"name": "Renamed"})

    assert (refused.status_code, refused.json()["user_ids"]) == (422, [str(nobody)])
    assert refused.json()["path"] == "filter.all[0].user_ids[0]"
    assert renamed.status_code == 200, renamed.text
    assert len(world.gateway.calls) == asked
    assert (await world.get(path))["filter"] == owners(known.user_id)


async def test_a_saved_segment_still_loads_after_its_owner_is_deleted(world: World) -> None:
    leaving = world.caller(Role.agent)
    staying = world.caller(Role.agent)
    (_, kept) = await add_contacts(
        world, {"owner_user_id": leaving.user_id}, {"owner_user_id": staying.user_id}
    )
    created = await save(world, owners(leaving.user_id, staying.user_id))
    assert created.status_code == 201, created.text
    segment = created.json()["id"]
    # The user is deleted, and their contacts given to someone else.
    del world.gateway.users[leaving.user_id]
    await add_contacts(world, {"owner_user_id": staying.user_id})

    read = await world.get(f"/api/v1/segments/{segment}")
    page = await world.get(f"/api/v1/segments/{segment}/contacts")
    members = await world.client.get(
        f"/internal/v1/segments/{segment}/members", headers=world.agent.headers
    )
    renamed = await world.send("PATCH", f"/api/v1/segments/{segment}", {"name": "Still here"})

    assert read["count"] == 3
    assert len(page["items"]) == 3
    assert kept in {uuid.UUID(item["id"]) for item in page["items"]}
    assert members.status_code == 200, members.text
    assert len(members.content.splitlines()) == 3
    assert renamed.status_code == 200, renamed.text
    refiltered = await world.send(
        "PATCH", f"/api/v1/segments/{segment}", {"filter": owners(leaving.user_id)}
    )
    assert (refiltered.status_code, refiltered.json()["user_ids"]) == (
        422,
        [str(leaving.user_id)],
    ), "written again, the deleted user is refused"


async def test_a_live_preview_does_not_ask_the_gateway(world: World) -> None:
    nobody = uuid.uuid4()

    assert await matching(world, owners(nobody)) == set()
    assert world.gateway.calls_about(nobody) == []


async def test_a_segment_is_not_saved_unchecked_when_the_gateway_cannot_say(
    world: World,
) -> None:
    known = world.caller(Role.agent)

    async with world.gateway.failing():
        refused = await save(world, owners(known.user_id))

    assert (refused.status_code, refused.json()["code"]) == (503, "gateway_unavailable")
    assert (await world.get("/api/v1/segments"))["items"] == []


async def test_a_filter_naming_more_than_a_hundred_owners_is_too_large(world: World) -> None:
    many = [uuid.uuid4() for _ in range(120)]
    filter_ = {"any": [owners(*many[:100]), owners(*many[90:])]}

    refused = await save(world, filter_)

    assert (refused.status_code, refused.json()["code"]) == (422, "segment_filter_too_large")
    assert refused.json()["path"] == "filter.any[1].user_ids[10]", "the 101st of them"
    assert not any(world.gateway.calls_about(u) for u in many), "refused before asking"
