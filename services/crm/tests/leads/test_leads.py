"""Leads: created on top of their column, edited, deleted, listed; every reference checked
against the tenant; every change announced."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from mia_common.identity import Role
from mia_crm.models import Conversation, CustomField, Tag
from support.boards import Boards
from support.world import World


async def tag(boards: Boards, name: str, tenant_id: uuid.UUID | None = None) -> str:
    async with boards.sessions() as session, session.begin():
        row = Tag(tenant_id=tenant_id or boards.world.tenant_id, name=name, color="#112233")
        session.add(row)
        await session.flush()
        return str(row.id)


async def custom_field(boards: Boards, key: str, kind: str, **extra: Any) -> None:
    async with boards.sessions() as session, session.begin():
        session.add(
            CustomField(
                tenant_id=boards.world.tenant_id, key=key, label=key, kind=kind, position=0, **extra
            )
        )


async def test_a_new_lead_goes_on_top_of_its_column_and_is_announced(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    vip = await tag(boards, "VIP")
    await custom_field(boards, "budget", "number")
    older = await boards.lead(new, title="older")
    owner = world.caller(Role.agent)

    lead = await boards.lead(
        new,
        world.manager,  # an agent makes only themselves the owner
        title="Website redesign",
        value="1234.567",
        currency="USD",
        owner_user_id=str(owner.user_id),
        expected_close_on="2027-01-31",
        source="instagram",
        tag_ids=[vip],
        fields={"budget": 5000},
    )

    assert lead["value"] == "1234.57"
    assert (lead["currency"], lead["owner_user_id"], lead["source"]) == (
        "USD",
        str(owner.user_id),
        "instagram",
    )
    assert lead["expected_close_on"] == "2027-01-31"
    assert lead["tags"] == [{"id": vip, "name": "VIP", "color": "#112233"}]
    assert lead["fields"] == {"budget": 5000}
    assert lead["contact"]["name"] == "Ana"
    assert (lead["version"], lead["rotting"], lead["lost_reason"]) == (1, False, None)
    assert [card["id"] for card in await boards.column(pipeline["id"], new)] == [
        lead["id"],
        older["id"],
    ]
    assert await world.get(f"/api/v1/leads/{lead['id']}") == lead

    events = await boards.lead_events(until=lambda e: e["data"]["lead"]["id"] == lead["id"])
    created = next(e for e in events if e["data"]["lead"]["id"] == lead["id"])
    assert created["data"]["type"] == "lead.created"
    assert created["data"]["lead"]["value"] == "1234.57"
    assert created["data"]["lead"]["position"] == lead["position"]
    assert created["data"]["lead"]["version"] == 1
    assert created["tenantid"] == str(world.tenant_id)
    history = await world.get(f"/api/v1/leads/{lead['id']}/history")
    assert [(h["from_stage_id"], h["to_stage_id"]) for h in history["items"]] == [(None, new)]


async def test_references_of_another_tenant_are_not_found(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    stranger = world.stranger()
    their_contact = await boards.contact(tenant_id=stranger.tenant_id)
    their_tag = await tag(boards, "theirs", tenant_id=stranger.tenant_id)
    their_stage = (await Boards(world).pipeline(caller=stranger))["stages"][0]["id"]
    message = await world.deliver(name="Bia", phone="+5511988887777")
    conversation = await world.conversation_of(message)
    mine = await boards.contact()
    lead = await boards.lead(new, contact_id=mine)
    elsewhere = await world.deliver(name="Other", phone="+5511988887000", account_id=uuid.uuid4())
    other_contacts_conversation = (await world.conversation_of(elsewhere))["id"]

    for body, code in [
        ({"contact_id": their_contact}, "contact_not_found"),
        ({"contact_id": str(uuid.uuid4())}, "contact_not_found"),
        ({"contact_id": mine, "tag_ids": [their_tag]}, "tag_not_found"),
        ({"contact_id": mine, "stage_id": their_stage}, "stage_not_found"),
        (
            {"contact_id": mine, "stage_id": None, "pipeline_id": str(uuid.uuid4())},
            "pipeline_not_found",
        ),
    ]:
        response = await world.client.post(
            "/api/v1/leads",
            json={"title": "x", "stage_id": new, **body},
            headers=world.agent.headers,
        )
        assert response.status_code == 404, (body, response.text)
        assert response.json()["code"] == code

    # A conversation of another tenant is nobody's; of another contact, refused.
    async with boards.sessions() as session, session.begin():
        await session.execute(
            update(Conversation)
            .where(Conversation.id == uuid.UUID(conversation["id"]))
            .values(tenant_id=stranger.tenant_id)
        )
    for body, status, code in [
        ({"conversation_id": conversation["id"]}, 404, "conversation_not_found"),
        ({"conversation_id": other_contacts_conversation}, 422, "conversation_of_another_contact"),
        ({"contact_id": their_contact}, 404, "contact_not_found"),
        ({"tag_ids": [their_tag]}, 404, "tag_not_found"),
    ]:
        response = await world.client.patch(
            f"/api/v1/leads/{lead['id']}", json=body, headers=world.agent.headers
        )
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code
    assert await world.get(f"/api/v1/leads/{lead['id']}") == lead


async def test_a_lead_links_to_its_contacts_conversation_and_is_found_from_it(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    message = await world.deliver(name="Caio", phone="+5511977776666")
    conversation = await world.conversation_of(message)
    contact = conversation["contact"]["id"]

    lead = await boards.lead(
        pipeline["stages"][0]["id"], contact_id=contact, conversation_id=conversation["id"]
    )
    await boards.lead(pipeline["stages"][0]["id"])

    assert lead["conversation_id"] == conversation["id"]
    for params in [{"contact_id": contact}, {"conversation_id": conversation["id"]}]:
        page = await world.get("/api/v1/leads", **params)
        assert [item["id"] for item in page["items"]] == [lead["id"]]


async def test_an_owner_must_be_an_active_user_of_the_tenant(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    lead = await boards.lead(new)
    gone = world.caller(Role.agent, active=False)
    foreign = world.stranger(Role.agent)

    for owner, code in [
        (uuid.uuid4(), "assignee_unknown"),
        (foreign.user_id, "assignee_unknown"),
        (gone.user_id, "assignee_inactive"),
    ]:
        response = await world.client.patch(
            f"/api/v1/leads/{lead['id']}",
            json={"owner_user_id": str(owner)},
            headers=world.manager.headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
    manager = world.manager
    taken = await world.client.patch(
        f"/api/v1/leads/{lead['id']}",
        json={"owner_user_id": str(manager.user_id)},
        headers=manager.headers,
    )
    assert taken.status_code == 200
    assert taken.json()["owner_user_id"] == str(manager.user_id)


async def test_an_edit_bumps_the_version_and_is_announced_and_a_stale_one_is_refused(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, b = await tag(boards, "A"), await tag(boards, "B")
    await custom_field(boards, "size", "select", options=["S", "M"])
    await custom_field(boards, "note", "text")
    lead = await boards.lead(new, tag_ids=[a], fields={"size": "S", "note": "hi"})
    path = f"/api/v1/leads/{lead['id']}"

    edited = await world.client.patch(
        path,
        json={
            "title": "Bigger deal",
            "value": 99,
            "tag_ids": [b],
            "fields": {"size": "M", "note": None},
            "expected_version": 1,
        },
        headers=world.agent.headers,
    )
    assert edited.status_code == 200, edited.text
    out = edited.json()
    assert (out["title"], out["value"], out["version"]) == ("Bigger deal", "99.00", 2)
    assert [t["id"] for t in out["tags"]] == [b]
    assert out["fields"] == {"size": "M"}

    invalid = await world.client.patch(
        path, json={"fields": {"size": "XL"}}, headers=world.agent.headers
    )
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid_field_value"
    stale = await world.client.patch(
        path, json={"title": "late", "expected_version": 1}, headers=world.agent.headers
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_position"
    null_title = await world.client.patch(path, json={"title": None}, headers=world.agent.headers)
    assert null_title.status_code == 422
    assert (await world.get(path))["title"] == "Bigger deal"

    events = await boards.lead_events(
        until=lambda e: (
            e["data"]["lead"]["id"] == lead["id"] and e["data"]["type"] == "lead.updated"
        )
    )
    updated = [e["data"] for e in events if e["data"]["type"] == "lead.updated"]
    assert [u["lead"]["title"] for u in updated] == ["Bigger deal"]


async def test_a_deleted_lead_is_gone_and_announced(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    lead = await boards.lead(pipeline["stages"][0]["id"])

    deleted = await world.client.delete(f"/api/v1/leads/{lead['id']}", headers=world.agent.headers)

    assert deleted.status_code == 204
    again = await world.client.get(f"/api/v1/leads/{lead['id']}", headers=world.agent.headers)
    assert again.status_code == 404
    assert again.json()["code"] == "lead_not_found"
    events = await boards.lead_events(
        until=lambda e: (
            e["data"]["type"] == "lead.deleted" and e["data"]["lead"]["id"] == lead["id"]
        )
    )
    assert [e["data"]["type"] for e in events if e["data"]["lead"]["id"] == lead["id"]] == [
        "lead.created",
        "lead.deleted",
    ]


async def test_a_lead_created_in_a_lost_stage_needs_a_reason(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    lost = pipeline["stages"][3]["id"]
    contact = await boards.contact()

    refused = await world.client.post(
        "/api/v1/leads",
        json={"stage_id": lost, "contact_id": contact, "title": "x"},
        headers=world.agent.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "lost_reason_required"
    lead = await boards.lead(lost, lost_reason="no budget")
    assert lead["lost_reason"] == "no budget"


async def test_the_list_pages_sorts_and_filters(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new, proposal = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    values = [300, 100, 200, 100, 50]
    made = [await boards.lead(new if n % 2 else proposal, value=v) for n, v in enumerate(values)]

    newest = await world.get("/api/v1/leads", pipeline_id=pipeline["id"], limit=2)
    assert [i["id"] for i in newest["items"]] == [made[4]["id"], made[3]["id"]]
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"pipeline_id": pipeline["id"], "sort": "-value", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = await world.get("/api/v1/leads", **params)
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [i["value"] for i in seen] == ["300.00", "200.00", "100.00", "100.00", "50.00"]
    assert len({i["id"] for i in seen}) == 5
    in_new = await world.get("/api/v1/leads", stage_id=new, min_value=100)
    assert sorted(i["value"] for i in in_new["items"]) == ["100.00", "100.00"]
    bad = await world.client.get(
        "/api/v1/leads", params={"cursor": "nonsense!"}, headers=world.agent.headers
    )
    assert bad.status_code == 400
