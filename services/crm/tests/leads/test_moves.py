"""Moving cards: between neighbours, across columns, concurrently, stale, rebalanced."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import update

from mia_common.contracts.leads import REBALANCED_LEADS_PER_RECORD, RebalancedLead
from mia_crm.leads.events import rebalance_events
from mia_crm.leads.ordering import REBALANCE_ABOVE, spaced_keys
from mia_crm.models import Lead
from support.boards import Boards
from support.world import World


def ids(cards: list[dict[str, Any]]) -> list[str]:
    return [card["id"] for card in cards]


async def test_a_card_lands_between_the_neighbours_it_names(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new, proposal = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    a, b, c = await boards.column_of(new, 3)
    x, y = await boards.column_of(proposal, 2)

    moved = await boards.move(c["id"], new, after=a["id"], before=b["id"])
    assert moved.status_code == 200, moved.text
    assert ids(await boards.column(pipeline["id"], new)) == [a["id"], c["id"], b["id"]]

    across = await boards.move(a["id"], proposal, after=x["id"], before=y["id"])
    assert across.status_code == 200, across.text
    assert across.json()["stage_id"] == proposal
    assert ids(await boards.column(pipeline["id"], proposal)) == [x["id"], a["id"], y["id"]]
    assert ids(await boards.column(pipeline["id"], new)) == [c["id"], b["id"]]

    top = await boards.move(b["id"], proposal, before=x["id"])
    bottom = await boards.move(c["id"], proposal)
    assert (top.status_code, bottom.status_code) == (200, 200)
    assert ids(await boards.column(pipeline["id"], proposal)) == [
        b["id"],
        x["id"],
        a["id"],
        y["id"],
        c["id"],
    ]
    assert await boards.column(pipeline["id"], new) == []


async def test_two_concurrent_moves_in_one_column_both_land_and_nothing_else_moves(
    boards: Boards,
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    cards = await boards.column_of(new, 6)
    a, b, c, d, e, f = ids(cards)
    before = await boards.rows(new)

    # Two people at once: f goes between a and b, c between d and e.
    first, second = await asyncio.gather(
        boards.move(f, new, after=a, before=b),
        boards.move(c, new, after=d, before=e),
    )

    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    assert ids(await boards.column(pipeline["id"], new)) == [a, f, b, d, c, e]
    after = await boards.rows(new)
    untouched = {a, b, d, e}
    assert {i: after[i] for i in untouched} == {i: before[i] for i in untouched}
    assert len({position for position, _ in after.values()}) == 6


async def test_two_concurrent_moves_into_one_gap_one_lands_the_other_is_stale(
    boards: Boards,
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, b, c, d = ids(await boards.column_of(new, 4))

    answers = await asyncio.gather(
        boards.move(c, new, after=a, before=b), boards.move(d, new, after=a, before=b)
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200, 409], [answer.text for answer in answers]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "stale_position"
    landed = next(answer for answer in answers if answer.status_code == 200).json()["id"]
    other = d if landed == c else c
    assert ids(await boards.column(pipeline["id"], new)) == [a, landed, b, other]


async def test_a_move_against_a_stale_board_is_refused_with_409(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new, proposal = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    cards = await boards.column_of(new, 4)
    a, b, c, d = ids(cards)
    # Someone else puts d between a and b.
    assert (await boards.move(d, new, after=a, before=b)).status_code == 200
    before = await boards.rows(new)

    for response in [
        # a and b are no longer next to each other
        await boards.move(c, new, after=a, before=b),
        # b is no longer last
        await boards.move(a, new, after=b),
        # the version the client saw is gone
        await boards.move(c, new, before=a, expected_version=cards[2]["version"] + 5),
        # order reversed: after below before
        await boards.move(c, new, after=b, before=a),
    ]:
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "stale_position"
    # a neighbour that left the column
    assert (await boards.move(b, proposal)).status_code == 200
    stale = await boards.move(c, new, after=a, before=b)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_position"

    after = await boards.rows(new)
    assert {i: after[i] for i in (a, c, d)} == {i: before[i] for i in (a, c, d)}


async def test_a_move_naming_the_version_it_saw_lands(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, b = await boards.column_of(new, 2)

    moved = await boards.move(a["id"], new, after=b["id"], expected_version=a["version"])

    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == a["version"] + 1


async def test_a_lead_cannot_be_its_own_neighbour(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, _ = await boards.column_of(new, 2)

    response = await boards.move(a["id"], new, after=a["id"])

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_neighbour"


async def test_another_tenants_lead_stage_and_neighbours_are_not_found(
    boards: Boards, world: World
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, b = ids(await boards.column_of(new, 2))
    stranger = world.stranger()
    theirs = Boards(world)
    their_pipeline = await theirs.pipeline(caller=stranger)
    their_stage = their_pipeline["stages"][0]["id"]
    their_contact = await boards.contact(tenant_id=stranger.tenant_id)
    their_lead = (
        await boards.client.post(
            "/api/v1/leads",
            json={"stage_id": their_stage, "contact_id": their_contact, "title": "theirs"},
            headers=stranger.headers,
        )
    ).json()["id"]
    before = await boards.rows(new)

    for response, code in [
        (await boards.move(their_lead, new), "lead_not_found"),
        (await boards.move(a, their_stage), "stage_not_found"),
        (await boards.move(a, new, after=their_lead), "lead_not_found"),
        (await boards.move(a, new, before=their_lead), "lead_not_found"),
        (await boards.move(a, new, after=b, caller=stranger), "stage_not_found"),
        (await boards.move(their_lead, their_stage, after=a, caller=stranger), "lead_not_found"),
        (await boards.move(str(uuid.uuid4()), new), "lead_not_found"),
    ]:
        assert response.status_code == 404, response.text
        assert response.json()["code"] == code
    assert await boards.rows(new) == before


async def test_a_lost_stage_needs_a_reason_and_won_and_lost_are_announced(
    boards: Boards,
) -> None:
    pipeline = await boards.pipeline()
    new, won, lost = (pipeline["stages"][i]["id"] for i in (0, 2, 3))
    a, b = ids(await boards.column_of(new, 2))

    refused = await boards.move(a, lost)
    assert refused.status_code == 422
    assert refused.json()["code"] == "lost_reason_required"
    lost_move = await boards.move(a, lost, lost_reason="too expensive", reason="called")
    assert lost_move.status_code == 200, lost_move.text
    assert lost_move.json()["lost_reason"] == "too expensive"
    won_move = await boards.move(b, won, confidence=0.8, reason="signed")
    assert won_move.status_code == 200, won_move.text
    # Out of a lost stage, the reason goes.
    reopened = await boards.move(a, new)
    assert reopened.json()["lost_reason"] is None

    # One lead's events keep their order (its id is the key); across leads they need not.
    await boards.lead_events(until=lambda e: e["data"]["type"] == "lead.won")
    events = await boards.lead_events(
        until=lambda e: e["data"]["lead"]["id"] == a and e["data"]["type"] == "lead.stage_changed"
    )

    def moves_of(lead_id: str) -> list[str]:
        return [
            e["data"]["type"]
            for e in events
            if e["data"]["lead"]["id"] == lead_id and e["data"]["type"] != "lead.created"
        ]

    assert moves_of(a) == ["lead.lost", "lead.stage_changed"]
    assert moves_of(b) == ["lead.won"]
    won_event = next(e["data"] for e in events if e["data"]["type"] == "lead.won")
    assert won_event["from_stage_id"] == new
    assert won_event["confidence"] == 0.8
    assert won_event["reason"] == "signed"
    assert won_event["actor_user_id"] == str(boards.world.agent.user_id)
    assert {e["type"] for e in events} == {"leads.events.v1"}

    history = await boards.world.get(f"/api/v1/leads/{b}/history")
    assert [(h["from_stage_id"], h["to_stage_id"]) for h in history["items"]] == [
        (new, won),
        (None, new),
    ]
    assert history["items"][0]["confidence"] == 0.8
    assert history["items"][0]["reason"] == "signed"
    assert history["items"][0]["actor_kind"] == "user"
    assert history["items"][0]["actor_user_id"] == str(boards.world.agent.user_id)


async def test_a_column_whose_keys_grew_long_is_rebalanced_in_order(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    cards = ids(await boards.column_of(new, 5))
    # Keys as a long run of moves into one gap leaves them: long, in the same order.
    async with boards.sessions() as session, session.begin():
        for index, lead_id in enumerate(cards):
            await session.execute(
                update(Lead)
                .where(Lead.id == uuid.UUID(lead_id))
                .values(position="a0" + "V" * REBALANCE_ABOVE + str(index + 1))
            )
    before = await boards.rows(new)
    a, b, c, d, e = cards

    moved = await boards.move(e, new, after=b, before=c)

    assert moved.status_code == 200, moved.text
    assert ids(await boards.column(pipeline["id"], new)) == [a, b, e, c, d]
    after = await boards.rows(new)
    assert all(len(position) <= 3 for position, _ in after.values()), after
    assert all(after[i][1] == before[i][1] + 1 for i in (a, b, c, d))
    events = await boards.lead_events(
        until=lambda event: event["data"]["type"] == "lead.column_rebalanced"
    )
    [rebalanced] = [ev for ev in events if ev["data"]["type"] == "lead.column_rebalanced"]
    # Its own event, keyed by the column, naming every card's new key and version in order.
    assert rebalanced["subject"] == new
    data = rebalanced["data"]
    assert (data["pipeline_id"], data["stage_id"]) == (pipeline["id"], new)
    assert (data["part"], data["parts"]) == (1, 1)
    assert [card["id"] for card in data["leads"]] == [a, b, e, c, d]
    assert {card["id"]: (card["position"], card["version"]) for card in data["leads"]} == after
    assert data["actor_user_id"] == str(boards.world.agent.user_id)
    # The move itself is announced with the card's key and version after the rewrite.
    [move] = [
        ev["data"]
        for ev in events
        if ev["data"]["type"] == "lead.updated" and ev["data"]["lead"]["id"] == e
    ]
    assert (move["lead"]["position"], move["lead"]["version"]) == after[e]
    assert move["reason"] is None


async def test_a_new_card_on_a_column_whose_top_key_grew_long_announces_the_rebalance(
    boards: Boards,
) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    cards = ids(await boards.column_of(new, 2))
    # Keys as a great many cards put on top leave them: the smallest integer part, then a
    # fraction that every new top card makes longer.
    async with boards.sessions() as session, session.begin():
        for index, lead_id in enumerate(cards):
            await session.execute(
                update(Lead)
                .where(Lead.id == uuid.UUID(lead_id))
                .values(position="A" + "0" * 26 + "0" * 30 + str(index + 1))
            )

    lead = await boards.lead(new, title="on top")

    events = await boards.lead_events(
        until=lambda event: event["data"]["type"] == "lead.column_rebalanced"
    )
    [rebalanced] = [ev["data"] for ev in events if ev["data"]["type"] == "lead.column_rebalanced"]
    assert [card["id"] for card in rebalanced["leads"]] == [lead["id"], *cards]
    after = await boards.rows(new)
    assert {
        card["id"]: (card["position"], card["version"]) for card in rebalanced["leads"]
    } == after
    [created] = [
        ev["data"]
        for ev in events
        if ev["data"]["type"] == "lead.created" and ev["data"]["lead"]["id"] == lead["id"]
    ]
    assert (created["lead"]["position"], created["lead"]["version"]) == after[lead["id"]]


def test_a_huge_column_is_announced_in_records_far_below_kafkas_limit() -> None:
    stage_id, pipeline_id, tenant_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    cards = [
        RebalancedLead(id=uuid.uuid4(), position=key, version=7)
        for key in spaced_keys(REBALANCED_LEADS_PER_RECORD * 2 + 1)
    ]

    staged = rebalance_events(
        topic="leads",
        tenant_id=tenant_id,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        leads=cards,
        occurred_at=datetime.now(UTC),
    )

    assert [(s.event.data.part, s.event.data.parts) for s in staged] == [(1, 3), (2, 3), (3, 3)]
    assert [card for s in staged for card in s.event.data.leads] == cards
    assert {s.key for s in staged} == {str(stage_id)}
    assert max(len(orjson.dumps(s.event.to_json_dict())) for s in staged) < 512 * 1024


async def test_a_move_to_where_the_card_already_is_changes_nothing(boards: Boards) -> None:
    pipeline = await boards.pipeline()
    new = pipeline["stages"][0]["id"]
    a, b, c = ids(await boards.column_of(new, 3))
    before = await boards.rows(new)

    response = await boards.move(b, new, after=a, before=c)

    assert response.status_code == 200
    assert await boards.rows(new) == before


async def test_two_moves_naming_each_others_card_as_neighbour_do_not_deadlock(
    boards: Boards,
) -> None:
    pipeline = await boards.pipeline()
    new, proposal = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    n, x = ids(await boards.column_of(new, 2))
    card, y = ids(await boards.column_of(proposal, 2))

    # One drags `card` below n; the other, at once, drags n below `card`.
    answers = await asyncio.gather(
        boards.move(card, new, after=n, before=x), boards.move(n, proposal, after=card, before=y)
    )

    assert sorted(answer.status_code for answer in answers) == [200, 409], [
        answer.text for answer in answers
    ]
    columns = [ids(await boards.column(pipeline["id"], stage)) for stage in (new, proposal)]
    assert sorted(columns[0] + columns[1]) == sorted([n, x, card, y])
