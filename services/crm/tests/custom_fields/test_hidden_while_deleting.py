"""While a field's or a tag's deletion job has not reached every record (held here: the job
is leased by a runner that is not coming), the field and the tag are invisible everywhere
at once: segment filters refuse them, the member stream does not serve the field, a lead
takes neither, and a contact's or a lead's read leaves the field's values out."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from mia_crm.custom_fields.service import delete_field
from mia_crm.models import Job, Lead
from mia_crm.tags.service import delete_tag
from support.boards import Boards
from support.contact_rows import add_contacts
from support.world import World

FIELDS = "/api/v1/custom-fields"


async def _hold(world: World, job_id: uuid.UUID) -> None:
    """The job leased by a runner that never comes: it stays running, nothing done."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="running",
                lease_owner="away",
                lease_expires_at=datetime.now(UTC) + timedelta(minutes=5),
                attempts=1,
            )
        )


async def _field(world: World, key: str) -> dict[str, Any]:
    response = await world.send("POST", FIELDS, {"key": key, "label": key, "kind": "text"})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _deleting_field(world: World, field: dict[str, Any]) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        job = await delete_field(
            session,
            tenant_id=world.tenant_id,
            field_id=uuid.UUID(field["id"]),
            actor_user_id=world.manager.user_id,
        )
    await _hold(world, job.id)


async def _deleting_tag(world: World, tag_id: str) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        job = await delete_tag(
            session,
            tenant_id=world.tenant_id,
            tag_id=uuid.UUID(tag_id),
            actor_user_id=world.manager.user_id,
        )
    await _hold(world, job.id)


async def _lead_with(boards: Boards, **fields: Any) -> dict[str, Any]:
    pipeline = await boards.pipeline()
    return await boards.lead(pipeline["stages"][0]["id"], **fields)


def _members(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.splitlines() if line.strip()]


async def test_a_field_being_deleted_is_refused_by_filters_and_the_member_stream(
    world: World,
) -> None:
    plan, city = await _field(world, "plan"), await _field(world, "city")
    (contact,) = await add_contacts(world, {"fields": {"plan": "gold", "city": "Rio"}})
    on_plan = {"condition": "field", "key": "plan", "op": "eq", "value": "gold"}
    assert (
        await world.send("POST", "/api/v1/segments/preview", {"filter": on_plan})
    ).status_code == 200

    await _deleting_field(world, plan)

    preview = await world.send("POST", "/api/v1/segments/preview", {"filter": on_plan})
    saved = await world.send(
        "POST", "/api/v1/segments", {"name": "Gold", "filter": on_plan}, world.manager
    )
    for refused in (preview, saved):
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "segment_filter_invalid"
    streamed = await world.client.post(
        "/internal/v1/contacts/members",
        params={"fields": "plan"},
        json={"filter": {"all": []}},
        headers=world.agent.headers,
    )
    assert streamed.status_code == 422, streamed.text
    assert streamed.json()["code"] == "segment_unknown_field"
    kept = await world.client.post(
        "/internal/v1/contacts/members",
        params={"fields": "city"},
        json={"filter": {"all": []}},
        headers=world.agent.headers,
    )
    assert kept.status_code == 200, kept.text
    assert [(m["id"], m["fields"]) for m in _members(kept.content)] == [
        (str(contact), {"city": "Rio"})
    ]
    assert city["key"] == "city"


async def test_a_contacts_read_leaves_out_the_values_of_a_field_being_deleted(
    world: World,
) -> None:
    plan = await _field(world, "plan")
    await _field(world, "city")
    first, second = await add_contacts(
        world,
        {"name": "Ana", "fields": {"plan": "gold", "city": "Rio"}},
        {"name": "Bia", "fields": {"plan": "silver"}},
    )
    stranger = world.stranger()
    theirs = await world.send(
        "POST", FIELDS, {"key": "plan", "label": "P", "kind": "text"}, stranger
    )
    assert theirs.status_code == 201, theirs.text
    their_contact = await world.send(
        "POST", "/api/v1/contacts", {"phone": "+5511987659903", "fields": {"plan": "x"}}, stranger
    )
    assert their_contact.status_code == 201, their_contact.text

    await _deleting_field(world, plan)

    assert (await world.get(f"/api/v1/contacts/{first}"))["fields"] == {"city": "Rio"}
    listed = {c["id"]: c["fields"] for c in (await world.get("/api/v1/contacts"))["items"]}
    assert listed == {str(first): {"city": "Rio"}, str(second): {}}
    edited = await world.send("PATCH", f"/api/v1/contacts/{second}", {"name": "Bia S."})
    assert edited.status_code == 200, edited.text
    assert edited.json()["fields"] == {}
    queried = await world.send("POST", "/api/v1/contacts/query", {"filter": {"all": []}})
    assert {c["id"]: c["fields"] for c in queried.json()["items"]} == listed
    # Another tenant's field of the same key is not being deleted: its values show.
    read = await world.get(f"/api/v1/contacts/{their_contact.json()['id']}", stranger)
    assert read["fields"] == {"plan": "x"}


async def test_a_lead_takes_neither_a_field_nor_a_tag_being_deleted_and_hides_them(
    world: World,
) -> None:
    boards = Boards(world)
    plan = await _field(world, "plan")
    await _field(world, "city")
    vip = await world.send("POST", "/api/v1/tags", {"name": "vip", "color": "#aa0000"})
    new = await world.send("POST", "/api/v1/tags", {"name": "new", "color": "#00aa00"})
    assert vip.status_code == new.status_code == 201, (vip.text, new.text)
    vip_id, new_id = vip.json()["id"], new.json()["id"]
    lead = await _lead_with(
        boards, fields={"plan": "gold", "city": "Rio"}, tag_ids=[vip_id, new_id]
    )
    assert lead["fields"] == {"plan": "gold", "city": "Rio"}

    await _deleting_field(world, plan)
    await _deleting_tag(world, vip_id)
    # Written while the job runs (by another path, or before the job was seen): still hidden.
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            update(Lead)
            .where(Lead.id == uuid.UUID(lead["id"]))
            .values(fields={"plan": "gold", "city": "Rio"})
        )

    read = await world.get(f"/api/v1/leads/{lead['id']}")
    assert read["fields"] == {"city": "Rio"}
    assert [t["id"] for t in read["tags"]] == [new_id]
    field_write = await world.send(
        "PATCH", f"/api/v1/leads/{lead['id']}", {"fields": {"plan": "silver"}}
    )
    assert (field_write.status_code, field_write.json().get("field")) == (422, "plan")
    tag_write = await world.send("PATCH", f"/api/v1/leads/{lead['id']}", {"tag_ids": [vip_id]})
    assert tag_write.status_code == 404, tag_write.text
    assert tag_write.json()["code"] == "tag_not_found"
    created = await world.send(
        "POST",
        "/api/v1/leads",
        {
            "stage_id": lead["stage_id"],
            "contact_id": lead["contact_id"],
            "title": "Another",
            "tag_ids": [vip_id],
        },
    )
    assert created.status_code == 404, created.text
    listed = await world.get("/api/v1/leads", pipeline_id=lead["pipeline_id"])
    assert [(item["id"], item["fields"]) for item in listed["items"]] == [
        (lead["id"], {"city": "Rio"})
    ]


async def test_a_tag_being_deleted_is_refused_by_segment_filters(world: World) -> None:
    vip = await world.send("POST", "/api/v1/tags", {"name": "vip", "color": "#aa0000"})
    assert vip.status_code == 201, vip.text
    on_vip = {"condition": "tags", "match": "any", "tag_ids": [vip.json()["id"]]}
    assert (
        await world.send("POST", "/api/v1/segments/preview", {"filter": on_vip})
    ).status_code == 200

    await _deleting_tag(world, vip.json()["id"])

    refused = await world.send("POST", "/api/v1/segments/preview", {"filter": on_vip})
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "segment_filter_invalid"
    assert refused.json()["path"] == "filter.tag_ids[0]"
