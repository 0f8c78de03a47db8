"""Live progress: ``campaign.progress`` snapshots on ``campaigns.events.v1`` while the ledger
moves, at most one a second per campaign, none while nothing moves, and a last one when the
campaign completes or pauses.

The fake sender answers (or holds) the send requests, so the test decides when outcomes
arrive; the snapshots are read where the dashboard's gateway reads them, on the topic."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import func, select

from mia_campaigns.models import Recipient
from mia_common.contracts.campaigns import EVENT_TYPE_HEADER
from mia_common.db import create_engine, create_session_factory
from mia_common.testing import TopicReader, TopicRecord
from support.world import World, ledger_counts

REPORT_INTERVAL = 1.0  # the reporter's rest between two rounds (ProgressReporter's default)


@asynccontextmanager
async def campaign_events(world: World) -> AsyncIterator[TopicReader]:
    async with TopicReader(
        world.settings.kafka_bootstrap_servers, world.settings.campaigns_topic, start="end"
    ) as reader:
        yield reader


def progress_of(reader: TopicReader, campaign_id: str) -> list[TopicRecord]:
    return reader.matching(
        lambda r: r.data.get("type") == "campaign.progress" and r.data["campaign_id"] == campaign_id
    )


async def wait_for_progress(
    reader: TopicReader, campaign_id: str, *, status: str, **counts: int
) -> TopicRecord:
    """The first snapshot of the campaign with ``status`` and (at least) those counts."""
    found = await reader.wait_for(
        lambda r: (
            r.data.get("type") == "campaign.progress"
            and r.data["campaign_id"] == campaign_id
            and r.data["status"] == status
            and all(r.data["counts"].get(state) == n for state, n in counts.items())
        ),
        timeout=30,
        message=f"a {status} progress snapshot with {counts}",
    )
    return found[0]


async def outcome_span(world: World, campaign_id: str) -> timedelta:
    """From the first outcome recorded in the campaign's ledger to the last."""
    engine = create_engine(world.settings.own_database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            first, last = (
                await session.execute(
                    select(func.min(Recipient.updated_at), func.max(Recipient.updated_at)).where(
                        Recipient.campaign_id == uuid.UUID(campaign_id),
                        Recipient.state.in_(("accepted", "failed")),
                    )
                )
            ).one()
            return last - first
    finally:
        await engine.dispose()


async def test_progress_is_published_while_a_campaign_sends_and_ends_with_its_exact_counts(
    world: World,
) -> None:
    contacts = world.contacts(60)
    account = world.sender.account(world.account_id)
    account.failing[contacts[7]["phone"]] = "131026"
    account.mode = "hold"
    created = await world.create(contacts, in_flight_limit=10)
    async with campaign_events(world) as events:
        await world.launch(created["id"])
        # The first window is held at the sender: the campaign is running, for sure.
        await world.sender_count_reaches(10)
        await wait_for_progress(events, created["id"], status="running")
        account.mode = "accept"
        await world.sender.release(world.account_id)
        await world.until_status(created["id"], "completed")
        final = await wait_for_progress(events, created["id"], status="completed")
        snapshots = progress_of(events, created["id"])

    assert final.data["counts"] == {"accepted": 59, "failed": 1}
    assert final.data["counts"] == await ledger_counts(world.settings, created["id"])
    assert final.data["failures"] == {"131026": 1}
    assert final.data["other_failures"] == 0
    assert final.envelope["tenantid"] == str(world.tenant_id)
    assert final.header(EVENT_TYPE_HEADER) == "campaign.progress"
    # It went out as the campaign ran, each snapshot counting every recipient.
    assert any(s.data["status"] == "running" for s in snapshots)
    assert {sum(s.data["counts"].values()) for s in snapshots} == {60}
    assert snapshots[-1] == final


async def test_requests_going_out_are_reported_before_any_outcome_comes_back(
    world: World,
) -> None:
    world.sender.account(world.account_id).mode = "hold"
    # Paced at 4 a second and held at the sender: only the refills move the ledger.
    created = await world.create(world.contacts(40), in_flight_limit=40, rate_per_second=4)
    async with campaign_events(world) as events:
        await world.launch(created["id"])
        await world.sender_count_reaches(12)
        found = await events.wait_for(
            lambda r: (
                r.data.get("type") == "campaign.progress"
                and r.data["campaign_id"] == created["id"]
                and r.data["counts"].get("requested", 0) >= 8
            ),
            timeout=30,
            message="a snapshot counting the requests out",
        )

    counts = found[0].data["counts"]
    assert set(counts) == {"requested", "queued"}
    assert counts["requested"] + counts["queued"] == 40


async def test_a_burst_of_outcomes_is_coalesced_into_one_snapshot_a_second(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(150), in_flight_limit=150)
    async with campaign_events(world) as events:
        await world.launch(created["id"])
        await world.sender_count_reaches(150)
        await wait_for_progress(events, created["id"], status="running")
        before = len(progress_of(events, created["id"]))

        await world.sender.release(world.account_id)
        await wait_for_progress(events, created["id"], status="completed", accepted=150)
        snapshots = progress_of(events, created["id"])
    span = await outcome_span(world, created["id"])

    after_release = snapshots[before:]
    # 150 outcomes (150 ledger moves, and the completion): one snapshot at the first of
    # them, then at most one a second; a burst within a second is at most two snapshots.
    assert len(after_release) <= 2 + int(span.total_seconds() / REPORT_INTERVAL)
    assert after_release[-1].data["counts"] == {"accepted": 150}
    read_at = [datetime.fromisoformat(s.data["as_of"]) for s in snapshots]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(read_at)]
    assert all(gap >= REPORT_INTERVAL * 0.95 for gap in gaps), gaps


async def test_nothing_is_published_while_nothing_moves(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(20), in_flight_limit=20)
    async with campaign_events(world) as events:
        await world.launch(created["id"])
        await world.sender_count_reaches(20)
        # The last move: the refill that requested everyone.
        await wait_for_progress(events, created["id"], status="running", requested=20)
        seen = len(progress_of(events, created["id"]))

        # Every request is held at the sender: no outcome, no move. Three rounds' worth of
        # time, in which a reporter publishing without a move would have published.
        await asyncio.sleep(3 * REPORT_INTERVAL)
        quiet = progress_of(events, created["id"])[seen:]

        # And it was listening all along: one outcome is one more snapshot.
        await world.sender.release(world.account_id, 1)
        moved = await wait_for_progress(events, created["id"], status="running", accepted=1)

    assert quiet == []
    assert moved.data["counts"] == {"accepted": 1, "requested": 19}


async def test_a_pause_is_the_last_snapshot_even_when_nothing_moves_after_it(
    world: World,
) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(30), in_flight_limit=5)
    async with campaign_events(world) as events:
        await world.launch(created["id"])
        await world.sender_count_reaches(5)
        paused = await world.act(created["id"], "pause")
        final = await wait_for_progress(events, created["id"], status="paused")

    assert paused.status_code == 200
    assert sum(final.data["counts"].values()) == 30
    assert final.data["counts"].get("accepted", 0) == 0
