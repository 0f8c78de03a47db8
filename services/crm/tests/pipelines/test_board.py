"""The board: each column's totals (count, value, weighted value, per currency) and first
page, further pages by cursor, and the filters, on the board and its column pages alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from mia_common.identity import Role
from mia_crm.models import Lead, Tag
from support.boards import Boards
from support.world import World


def column(board: dict[str, Any], stage_id: str) -> dict[str, Any]:
    return next(c for c in board["columns"] if c["stage"]["id"] == stage_id)


async def test_the_board_totals_every_column_and_pages_it(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new, proposal, won, lost = (s["id"] for s in pipeline["stages"])
    for value in ("100.00", "250.50", "49.50"):
        await boards.lead(proposal, value=value)
    await boards.lead(proposal, value="1000", currency="USD")
    cards = await boards.column_of(new, 7)

    board = await world.get(f"/api/v1/pipelines/{pipeline['id']}/board", limit=3)

    assert [c["stage"]["id"] for c in board["columns"]] == [new, proposal, won, lost]
    assert board["pipeline"]["id"] == pipeline["id"]
    proposals = column(board, proposal)
    assert (proposals["count"], proposals["total_value"], proposals["weighted_value"]) == (
        4,
        "1400.00",
        "700.00",
    )
    assert proposals["by_currency"] == [
        {"currency": "BRL", "count": 3, "total_value": "400.00", "weighted_value": "200.00"},
        {"currency": "USD", "count": 1, "total_value": "1000.00", "weighted_value": "500.00"},
    ]
    news = column(board, new)
    assert news["count"] == 7
    assert [c["id"] for c in news["leads"]] == [c["id"] for c in cards[:3]]
    assert (Decimal(column(board, won)["total_value"]), column(board, won)["leads"]) == (0, [])

    rest: list[str] = []
    cursor = news["next_cursor"]
    while cursor:
        page = await world.get(
            f"/api/v1/pipelines/{pipeline['id']}/stages/{new}/leads", cursor=cursor, limit=3
        )
        rest.extend(c["id"] for c in page["items"])
        cursor = page["next_cursor"]
    assert rest == [c["id"] for c in cards[3:]]


async def test_filters_narrow_the_totals_and_the_pages(world: World, boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    owner = world.caller(Role.agent)
    async with boards.sessions() as session, session.begin():
        hot = Tag(tenant_id=world.tenant_id, name="hot", color="#ff0000")
        session.add(hot)
        await session.flush()
        hot_id = str(hot.id)
    zeca = await boards.contact("Zeca Pagodinho")
    small = await boards.lead(new, value=10, title="small")
    big = await boards.lead(new, value=5000, title="Big one", tag_ids=[hot_id])
    mine = await boards.lead(
        new, world.manager, value=700, owner_user_id=str(owner.user_id), contact_id=zeca
    )
    # "small" has been sitting in New for longer than its 3 rotting days.
    async with boards.sessions() as session, session.begin():
        await session.execute(
            update(Lead)
            .where(Lead.id == uuid.UUID(small["id"]))
            .values(stage_entered_at=datetime.now(UTC) - timedelta(days=4))
        )

    async def matching(**filters: Any) -> tuple[int, list[str], list[str]]:
        board = await world.get(f"/api/v1/pipelines/{pipeline['id']}/board", **filters)
        page = await world.get(f"/api/v1/pipelines/{pipeline['id']}/stages/{new}/leads", **filters)
        news = column(board, new)
        return (
            news["count"],
            sorted(c["title"] for c in news["leads"]),
            sorted(c["title"] for c in page["items"]),
        )

    for filters, titles in [
        ({}, ["Big one", "Deal", "small"]),
        ({"owner_user_id": str(owner.user_id)}, ["Deal"]),
        ({"tag_id": hot_id}, ["Big one"]),
        ({"min_value": 100}, ["Big one", "Deal"]),
        ({"max_value": 700}, ["Deal", "small"]),
        ({"min_value": 100, "max_value": 1000}, ["Deal"]),
        ({"rotting": True}, ["small"]),
        ({"rotting": False}, ["Big one", "Deal"]),
        ({"q": "big"}, ["Big one"]),
        ({"q": "pagodinho"}, ["Deal"]),
        ({"q": "nothing like it"}, []),
    ]:
        assert await matching(**filters) == (len(titles), titles, titles), filters
    board = await world.get(f"/api/v1/pipelines/{pipeline['id']}/board", rotting=True)
    assert column(board, new)["leads"][0]["rotting"] is True
    assert column(board, new)["total_value"] == "10.00"
    listed = await world.get("/api/v1/leads", pipeline_id=pipeline["id"], q="big")
    assert [i["id"] for i in listed["items"]] == [big["id"]]
    assert mine["contact"]["name"] == "Zeca Pagodinho"


async def test_a_column_of_another_pipeline_is_not_found(world: World, boards: Boards) -> None:
    one, two = await boards.pipeline(), await boards.pipeline()

    response = await world.client.get(
        f"/api/v1/pipelines/{one['id']}/stages/{two['stages'][0]['id']}/leads",
        headers=world.agent.headers,
    )

    assert response.status_code == 404
    assert response.json()["code"] == "stage_not_found"
