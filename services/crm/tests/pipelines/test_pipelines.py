"""Pipelines and stages: the default one, CRUD, reorder, deleting with leads, isolation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from mia_common.identity import Role
from support.boards import Boards
from support.world import World


async def test_a_tenant_that_never_had_a_pipeline_gets_sales_once(world: World) -> None:
    first, second = await asyncio.gather(
        world.get("/api/v1/pipelines"), world.get("/api/v1/pipelines")
    )

    assert first == second
    [sales] = first["items"]
    assert sales["name"] == "Sales"
    assert [(s["name"], s["kind"], s["probability"], s["position"]) for s in sales["stages"]] == [
        ("New", "open", 10, 0),
        ("Qualified", "open", 25, 1),
        ("Proposal", "open", 50, 2),
        ("Negotiation", "open", 75, 3),
        ("Won", "won", 100, 4),
        ("Lost", "lost", 0, 5),
    ]


async def test_a_lead_without_a_pipeline_enters_the_default_ones_first_open_stage(
    world: World, boards: Boards
) -> None:
    contact = await boards.contact()
    response = await world.client.post(
        "/api/v1/leads", json={"contact_id": contact, "title": "Deal"}, headers=world.agent.headers
    )
    assert response.status_code == 201, response.text
    [sales] = (await world.get("/api/v1/pipelines"))["items"]
    assert response.json()["pipeline_id"] == sales["id"]
    assert response.json()["stage_id"] == sales["stages"][0]["id"]


async def test_pipelines_are_created_renamed_and_deleted_by_managers(
    world: World, boards: Boards
) -> None:
    await world.get("/api/v1/pipelines")
    created = await world.client.post(
        "/api/v1/pipelines", json={"name": "  Support   desk "}, headers=world.manager.headers
    )
    assert created.status_code == 201, created.text
    pipeline = created.json()
    assert pipeline["name"] == "Support desk"
    assert len(pipeline["stages"]) == 6
    assert (await world.get(f"/api/v1/pipelines/{pipeline['id']}")) == pipeline

    taken = await world.client.post(
        "/api/v1/pipelines", json={"name": "support DESK"}, headers=world.manager.headers
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "pipeline_name_taken"
    by_agent = await world.client.post(
        "/api/v1/pipelines", json={"name": "Mine"}, headers=world.agent.headers
    )
    assert by_agent.status_code == 403

    renamed = await world.client.patch(
        f"/api/v1/pipelines/{pipeline['id']}", json={"name": "Help"}, headers=world.manager.headers
    )
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Help"

    deleted = await world.client.delete(
        f"/api/v1/pipelines/{pipeline['id']}", headers=world.manager.headers
    )
    assert deleted.status_code == 204
    gone = await world.client.get(
        f"/api/v1/pipelines/{pipeline['id']}", headers=world.agent.headers
    )
    assert gone.status_code == 404
    assert gone.json()["code"] == "pipeline_not_found"


async def test_the_last_pipeline_and_a_pipeline_with_leads_stay(
    world: World, boards: Boards
) -> None:
    [sales] = (await world.get("/api/v1/pipelines"))["items"]
    last = await world.client.delete(
        f"/api/v1/pipelines/{sales['id']}", headers=world.manager.headers
    )
    assert last.status_code == 409
    assert last.json()["code"] == "last_pipeline"

    other = await boards.pipeline()
    await boards.lead(other["stages"][0]["id"])
    busy = await world.client.delete(
        f"/api/v1/pipelines/{other['id']}", headers=world.manager.headers
    )
    assert busy.status_code == 409
    assert busy.json()["code"] == "pipeline_has_leads"


async def test_stages_are_added_reordered_edited_and_deleted(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    base = f"/api/v1/pipelines/{pipeline['id']}/stages"
    names = lambda p: [s["name"] for s in p["stages"]]  # noqa: E731
    assert names(pipeline) == ["New", "Proposal", "Won", "Lost"]

    added = await world.client.post(
        base,
        json={"name": "Demo", "color": "#AABBCC", "probability": 30, "position": 1},
        headers=world.manager.headers,
    )
    assert added.status_code == 201, added.text
    demo = added.json()
    assert (demo["color"], demo["position"], demo["kind"], demo["rotting_days"]) == (
        "#aabbcc",
        1,
        "open",
        None,
    )
    read = await world.get(f"/api/v1/pipelines/{pipeline['id']}")
    assert names(read) == ["New", "Demo", "Proposal", "Won", "Lost"]
    assert [s["position"] for s in read["stages"]] == [0, 1, 2, 3, 4]

    moved = await world.client.patch(
        f"{base}/{demo['id']}",
        json={"position": 3, "name": "Trial", "rotting_days": 5},
        headers=world.manager.headers,
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["name"], moved.json()["rotting_days"]) == ("Trial", 5)
    read = await world.get(f"/api/v1/pipelines/{pipeline['id']}")
    assert names(read) == ["New", "Proposal", "Won", "Trial", "Lost"]

    deleted = await world.client.delete(f"{base}/{demo['id']}", headers=world.manager.headers)
    assert deleted.status_code == 204
    read = await world.get(f"/api/v1/pipelines/{pipeline['id']}")
    assert names(read) == ["New", "Proposal", "Won", "Lost"]
    assert [s["position"] for s in read["stages"]] == [0, 1, 2, 3]


async def test_deleting_a_stage_with_leads_needs_a_target_and_moves_them_there(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    new, proposal, lost = (pipeline["stages"][i]["id"] for i in (0, 1, 3))
    moving = [card["id"] for card in await boards.column_of(new, 3)]
    staying = [card["id"] for card in await boards.column_of(proposal, 2)]
    base = f"/api/v1/pipelines/{pipeline['id']}/stages"

    refused = await world.client.delete(f"{base}/{new}", headers=world.manager.headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "stage_has_leads"
    itself = await world.client.delete(
        f"{base}/{new}", params={"move_to_stage_id": new}, headers=world.manager.headers
    )
    assert itself.status_code == 409
    elsewhere = await world.client.delete(
        f"{base}/{new}",
        params={"move_to_stage_id": str(uuid.uuid4())},
        headers=world.manager.headers,
    )
    assert elsewhere.status_code == 404
    assert len(await boards.column(pipeline["id"], new)) == 3

    deleted = await world.client.delete(
        f"{base}/{new}", params={"move_to_stage_id": proposal}, headers=world.manager.headers
    )
    assert deleted.status_code == 204, deleted.text
    column = await boards.column(pipeline["id"], proposal)
    assert [card["id"] for card in column] == staying + moving
    history = await world.get(f"/api/v1/leads/{moving[0]}/history")
    assert (history["items"][0]["from_stage_id"], history["items"][0]["to_stage_id"]) == (
        new,
        proposal,
    )
    # Each lead's event (keyed by its id) may come in any order with the others'.
    for lead_id in moving:
        events = await boards.lead_events(
            until=lambda e, lead_id=lead_id: (
                e["data"]["type"] == "lead.stage_changed" and e["data"]["lead"]["id"] == lead_id
            )
        )
    changed = [e["data"]["lead"]["id"] for e in events if e["data"]["type"] == "lead.stage_changed"]
    assert sorted(changed) == sorted(moving)

    # Into a lost stage, the leads get a lost reason.
    into_lost = await world.client.delete(
        f"{base}/{proposal}", params={"move_to_stage_id": lost}, headers=world.manager.headers
    )
    assert into_lost.status_code == 204
    assert all(card["lost_reason"] for card in await boards.column(pipeline["id"], lost))


async def test_the_last_stage_stays(world: World, boards: Boards) -> None:
    created = await world.client.post(
        "/api/v1/pipelines",
        json={"name": "One", "stages": [{"name": "Only"}]},
        headers=world.manager.headers,
    )
    pipeline = created.json()
    only = pipeline["stages"][0]["id"]

    response = await world.client.delete(
        f"/api/v1/pipelines/{pipeline['id']}/stages/{only}", headers=world.manager.headers
    )

    assert response.status_code == 409
    assert response.json()["code"] == "last_stage"


ENDPOINTS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/pipelines/{pipeline}", None),
    ("PATCH", "/api/v1/pipelines/{pipeline}", {"name": "pwned"}),
    ("DELETE", "/api/v1/pipelines/{pipeline}", None),
    ("POST", "/api/v1/pipelines/{pipeline}/stages", {"name": "pwned"}),
    ("PATCH", "/api/v1/pipelines/{pipeline}/stages/{stage}", {"name": "pwned"}),
    ("DELETE", "/api/v1/pipelines/{pipeline}/stages/{stage}", None),
    ("DELETE", "/api/v1/pipelines/{pipeline}/stages/{stage}?move_to_stage_id={other}", None),
    ("GET", "/api/v1/pipelines/{pipeline}/board", None),
    ("GET", "/api/v1/pipelines/{pipeline}/stages/{stage}/leads", None),
    ("GET", "/api/v1/leads/{lead}", None),
    ("PATCH", "/api/v1/leads/{lead}", {"title": "pwned"}),
    ("DELETE", "/api/v1/leads/{lead}", None),
    ("POST", "/api/v1/leads/{lead}/move", {"stage_id": "{stage}"}),
    ("GET", "/api/v1/leads/{lead}/history", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_another_tenants_pipeline_stage_and_lead_ids_are_not_found(
    method: str, path: str, body: dict[str, Any] | None, world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    stage, other = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    lead = await boards.lead(stage)
    ids = {"pipeline": pipeline["id"], "stage": stage, "other": other, "lead": lead["id"]}
    stranger = world.stranger(Role.owner)
    board_before = await world.get(f"/api/v1/pipelines/{pipeline['id']}/board")
    filled = None if body is None else {k: str(v).format(**ids) for k, v in body.items()}

    response = await world.client.request(
        method, path.format(**ids), json=filled, headers=stranger.headers
    )

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert await world.get(f"/api/v1/pipelines/{pipeline['id']}/board") == board_before


async def test_another_tenants_lists_show_nothing_of_this_tenant(
    world: World, boards: Boards
) -> None:
    pipeline = await boards.pipeline()
    lead = await boards.lead(pipeline["stages"][0]["id"], title="secret deal")
    stranger = world.stranger(Role.owner)

    pipelines = await world.get("/api/v1/pipelines", stranger)
    assert pipeline["id"] not in {p["id"] for p in pipelines["items"]}
    for params in [
        {},
        {"q": "secret"},
        {"pipeline_id": pipeline["id"]},
        {"contact_id": lead["contact_id"]},
    ]:
        page = await world.get("/api/v1/leads", stranger, **params)
        assert page == {"items": [], "next_cursor": None}, params
