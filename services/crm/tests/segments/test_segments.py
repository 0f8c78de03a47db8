"""Saved segments: create, read with a live count, list, edit, delete, their contacts; and
another tenant's segment ids are not found."""

from __future__ import annotations

import uuid
from typing import Any

from segments.data import add_contacts, add_tag
from sqlalchemy import text

from mia_crm.models import Contact
from mia_crm.segments.repository import SegmentRepository, TimedOut
from support.world import World


def lifecycle(*stages: str) -> dict[str, Any]:
    return {"condition": "lifecycle_stage", "stages": list(stages)}


async def create(world: World, **body: Any) -> dict[str, Any]:
    body.setdefault("name", f"Segment {uuid.uuid4().hex[:6]}")
    body.setdefault("filter", lifecycle("customer"))
    response = await world.client.post("/api/v1/segments", json=body, headers=world.agent.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_saved_segment_reads_with_its_count_now(world: World) -> None:
    await add_contacts(world, {"lifecycle_stage": "customer"}, {"lifecycle_stage": "lead"})
    created = await create(
        world, name="Customers", description="who paid", filter=lifecycle("customer")
    )
    assert created["name"] == "Customers"
    assert created["description"] == "who paid"
    assert created["filter"] == lifecycle("customer")
    assert created["created_by_user_id"] == str(world.agent.user_id)

    read = await world.get(f"/api/v1/segments/{created['id']}")
    assert read["count"] == 1
    assert read["count_timed_out"] is False

    await add_contacts(world, {"lifecycle_stage": "customer"})
    assert (await world.get(f"/api/v1/segments/{created['id']}"))["count"] == 2


async def test_segments_list_newest_first_in_pages(world: World) -> None:
    ids = [(await create(world, name=f"S{i}"))["id"] for i in range(3)]

    first = await world.get("/api/v1/segments", limit=2)
    second = await world.get("/api/v1/segments", limit=2, cursor=first["next_cursor"])

    assert [s["id"] for s in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None


async def test_edit_renames_and_refilters(world: World) -> None:
    await add_contacts(world, {"lifecycle_stage": "customer"}, {"lifecycle_stage": "lead"}, {})
    segment = await create(world, name="Before", description="x")

    response = await world.client.patch(
        f"/api/v1/segments/{segment['id']}",
        json={"name": "After", "description": None, "filter": lifecycle("lead", "customer")},
        headers=world.agent.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "After"
    assert response.json()["description"] is None
    read = await world.get(f"/api/v1/segments/{segment['id']}")
    assert read["count"] == 2
    assert read["filter"] == lifecycle("lead", "customer")


async def test_names_are_unique_in_a_tenant(world: World) -> None:
    first = await create(world, name="VIPs")
    second = await create(world, name="Others")
    again = await world.client.post(
        "/api/v1/segments",
        json={"name": "VIPs", "filter": {"all": []}},
        headers=world.agent.headers,
    )
    renamed = await world.client.patch(
        f"/api/v1/segments/{second['id']}", json={"name": "VIPs"}, headers=world.agent.headers
    )
    same = await world.client.patch(
        f"/api/v1/segments/{first['id']}", json={"name": "VIPs"}, headers=world.agent.headers
    )

    assert again.status_code == renamed.status_code == 409
    assert again.json()["code"] == "segment_name_taken"
    assert same.status_code == 200
    # Another tenant may use the name.
    stranger = world.stranger()
    theirs = await world.client.post(
        "/api/v1/segments", json={"name": "VIPs", "filter": {"all": []}}, headers=stranger.headers
    )
    assert theirs.status_code == 201


async def test_delete_removes_the_segment(world: World) -> None:
    segment = await create(world)

    deleted = await world.client.delete(
        f"/api/v1/segments/{segment['id']}", headers=world.agent.headers
    )
    again = await world.client.delete(
        f"/api/v1/segments/{segment['id']}", headers=world.agent.headers
    )

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert again.json()["code"] == "segment_not_found"


async def test_a_segments_contacts_page_newest_first(world: World) -> None:
    ids = await add_contacts(world, *({"lifecycle_stage": "customer"} for _ in range(5)), {})
    segment = await create(world)
    path = f"/api/v1/segments/{segment['id']}/contacts"

    first = await world.get(path, limit=3)
    second = await world.get(path, limit=3, cursor=first["next_cursor"])

    seen = [uuid.UUID(c["id"]) for c in first["items"] + second["items"]]
    assert set(seen) == set(ids[:5])
    assert len(seen) == 5
    assert second["next_cursor"] is None


async def test_a_saved_filter_naming_a_deleted_tag_matches_nobody(world: World) -> None:
    (contact,) = await add_contacts(world, {})
    tag = await add_tag(world, "Gone", contact)
    segment = await create(
        world, filter={"condition": "tags", "match": "any", "tag_ids": [str(tag)]}
    )
    assert (await world.get(f"/api/v1/segments/{segment['id']}"))["count"] == 1
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(text("DELETE FROM tags WHERE id = :id"), {"id": tag})

    assert (await world.get(f"/api/v1/segments/{segment['id']}"))["count"] == 0


async def test_another_tenants_segment_ids_are_not_found(world: World) -> None:
    await add_contacts(world, {"lifecycle_stage": "customer"})
    segment = await create(world, name="Mine")
    stranger = world.stranger()
    path = f"/api/v1/segments/{segment['id']}"

    for method, url, body in [
        ("GET", path, None),
        ("PATCH", path, {"name": "pwned"}),
        ("DELETE", path, None),
        ("GET", f"{path}/contacts", None),
        ("GET", f"/internal/v1/segments/{segment['id']}/members", None),
    ]:
        response = await world.client.request(method, url, json=body, headers=stranger.headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["code"] == "segment_not_found"

    assert (await world.get("/api/v1/segments", stranger))["items"] == []
    read = await world.get(path)
    assert read["name"] == "Mine"
    assert read["count"] == 1


async def test_every_segment_route_needs_the_gateways_identity(world: World) -> None:
    segment = await create(world)
    for method, url in [
        ("POST", "/api/v1/segments/preview"),
        ("GET", "/api/v1/segments"),
        ("POST", "/api/v1/segments"),
        ("GET", f"/api/v1/segments/{segment['id']}"),
        ("GET", f"/api/v1/segments/{segment['id']}/contacts"),
        ("GET", f"/internal/v1/segments/{segment['id']}/members"),
        ("POST", "/internal/v1/contacts/members"),
    ]:
        response = await world.client.request(method, url, json={"filter": {"all": []}})
        assert response.status_code == 401, (method, url)


async def test_a_count_past_its_time_is_cut_and_the_request_goes_on(world: World) -> None:
    await add_contacts(world, {})
    async with world.app.state.context.infra.sessions() as session, session.begin():
        repository = SegmentRepository.from_session(session)
        slow = (Contact.tenant_id == world.tenant_id) & text("pg_sleep(0.5) IS NOT NULL")
        try:
            await repository.count(slow, timeout_ms=50)
        except TimedOut:
            pass
        else:
            raise AssertionError("the count was not cut short")
        # The transaction is still usable, its timeout as before.
        assert await repository.count(Contact.tenant_id == world.tenant_id, timeout_ms=5000) == 1
        assert await session.scalar(text("SHOW statement_timeout")) == "0"
