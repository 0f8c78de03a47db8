"""The fan-out: a bounded window refilled by outcomes, pause / resume / cancel, failures.

The fake sender records every send request campaigns published, so "exactly once" and
"nothing after the pause" are counted where the messages leave."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from mia_common.testing import TopicReader, wait_until
from mia_common.testing.lifespan import running
from support.world import World, another_app, ledger_counts


async def test_every_recipient_gets_exactly_one_message_and_the_campaign_completes(
    world: World,
) -> None:
    contacts = world.contacts(120)
    created = await world.create(contacts, in_flight_limit=15)
    async with TopicReader(
        world.settings.kafka_bootstrap_servers, world.settings.campaigns_topic, start="end"
    ) as events:
        await world.launch(created["id"])
        done = await world.until_status(created["id"], "completed")
        statuses = await events.wait_for(
            lambda r: (
                r.data.get("type") == "campaign.status_changed"
                and r.data["campaign_id"] == created["id"]
                and r.data["status"] == "completed"
            )
        )

    assert Counter(world.sent_to()) == Counter(c["phone"] for c in contacts)
    assert done["counts"] == {"accepted": 120}
    assert statuses[0].data["previous"] == "running"
    texts = {r.content.body for r in world.sender.requests(world.account_id)}  # type: ignore[union-attr]
    assert "Oi Pessoa, temos novidades!" in texts


async def test_no_more_than_the_window_is_in_flight_and_outcomes_refill_it(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(30), in_flight_limit=7)
    await world.launch(created["id"])

    await world.sender_count_reaches(7)
    before_release = await world.read(created["id"])
    await world.sender.release(world.account_id, 3)
    await world.sender_count_reaches(10)
    counts = await ledger_counts(world.settings, created["id"])

    assert before_release["counts"] == {"requested": 7, "queued": 23}
    assert counts == {"accepted": 3, "requested": 7, "queued": 20}
    # Nothing beyond the window went out meanwhile: 10 requests for 3 answers and 7 in flight.
    assert len(world.sent_to()) == 10


async def test_a_pause_stops_sends_at_once_and_resume_sends_the_rest_exactly_once(
    world: World,
) -> None:
    contacts = world.contacts(400)
    created = await world.create(contacts, in_flight_limit=20)
    await world.launch(created["id"])
    await world.sender_count_reaches(60)

    paused = await world.act(created["id"], "pause")
    sent_at_pause = len(world.sent_to())
    # What was requested before the pause drains; then nothing moves.
    await wait_until(
        lambda: _settled(world, created["id"]), timeout=20, message="in-flight window drained"
    )
    after_drain = len(world.sent_to())
    counts = await ledger_counts(world.settings, created["id"])

    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert paused.json()["status_reason"] == "paused_by_user"
    assert after_drain - sent_at_pause <= 20
    assert counts["queued"] > 0
    assert "requested" not in counts
    assert counts["accepted"] == after_drain

    resumed = await world.act(created["id"], "resume")
    await world.until_status(created["id"], "completed")

    assert resumed.json()["status"] == "running"
    assert Counter(world.sent_to()) == Counter(c["phone"] for c in contacts)


async def _settled(world: World, campaign_id: str) -> bool:
    """Nothing is in flight: no row is requested and every request the sender saw has its
    outcome in the ledger (a request still on its way would be counted at the sender)."""
    counts = await ledger_counts(world.settings, campaign_id)
    answered = counts.get("accepted", 0) + counts.get("failed", 0)
    return "requested" not in counts and answered == len(world.sent_to())


async def test_a_cancelled_campaign_never_sends_the_rest(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(40), in_flight_limit=5)
    await world.launch(created["id"])
    await world.sender_count_reaches(5)

    cancelled = await world.act(created["id"], "cancel")
    await world.sender.release(world.account_id)
    world.sender.account(world.account_id).mode = "accept"
    resumed = await world.act(created["id"], "resume")
    await wait_until(
        lambda: _accepted(world, created["id"], 5), timeout=20, message="the 5 answered"
    )
    marker = await world.create(world.contacts(1, name="Marcador"))
    await world.launch(marker["id"])
    await world.until_status(marker["id"], "completed")

    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["counts"]["cancelled"] == 35
    assert resumed.status_code == 409
    # The marker campaign went out after the cancel and its answers: nothing else did.
    assert len(world.sent_to()) == 6


async def _accepted(world: World, campaign_id: str, count: int) -> bool:
    counts = await ledger_counts(world.settings, campaign_id)
    return counts.get("accepted", 0) >= count


async def test_a_missing_variable_fails_that_recipient_by_name_and_the_rest_go_out(
    world: World,
) -> None:
    with_plan = world.contacts(3, fields={"plan": "Ouro"})
    without = world.contacts(1, name="Joana")
    created = await world.create(
        [*with_plan, *without],
        message={"type": "text", "body": "Seu plano {{fields.plan}} vence amanhã"},
    )
    await world.launch(created["id"])
    done = await world.until_status(created["id"], "completed")
    failed = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"state": "failed"},
        headers=world.manager.headers,
    )

    assert done["counts"] == {"accepted": 3, "failed": 1}
    assert done["failures"] == {"template_variable_missing": 1}
    [row] = failed.json()["items"]
    assert row["contact_id"] == without[0]["id"]
    assert "{{fields.plan}}" in row["detail"]
    assert "Joana 0" in row["detail"]
    assert sorted(world.sent_to()) == sorted(c["phone"] for c in with_plan)
    bodies = {r.content.body for r in world.sender.requests(world.account_id)}  # type: ignore[union-attr]
    assert bodies == {"Seu plano Ouro vence amanhã"}


async def test_single_failures_never_stop_a_campaign(world: World) -> None:
    contacts = world.contacts(40)
    account = world.sender.account(world.account_id)
    account.failing = {contacts[i]["phone"]: "131026" for i in (3, 17, 30)}
    created = await world.create(contacts)
    await world.launch(created["id"])
    done = await world.until_status(created["id"], "completed")

    assert done["counts"] == {"accepted": 37, "failed": 3}
    assert done["failures"] == {"131026": 3}


async def test_an_expired_token_pauses_the_campaign_with_the_reason(world: World) -> None:
    contacts = world.contacts(60)
    # Every send fails on the token, as it would once it expired: the first one pauses.
    world.sender.account(world.account_id).failing = {c["phone"]: "190" for c in contacts}
    created = await world.create(contacts, in_flight_limit=5)
    await world.launch(created["id"])
    paused = await world.until_status(created["id"], "paused")

    assert paused["status_reason"] == "190"
    assert paused["counts"]["queued"] >= 50


async def test_a_surge_of_failures_pauses_the_campaign(world: World) -> None:
    contacts = world.contacts(200)
    # Each failure is one recipient's ("undeliverable"), but every one fails: a surge.
    world.sender.account(world.account_id).failing = {c["phone"]: "131026" for c in contacts}
    created = await world.create(contacts, in_flight_limit=10)
    await world.launch(created["id"])
    paused = await world.until_status(created["id"], "paused")

    assert paused["status_reason"] == "failure_surge"
    assert paused["counts"]["failed"] >= 20
    assert paused["counts"]["queued"] >= 150


async def test_a_second_process_and_a_restart_neither_repeat_nor_skip_anyone(
    world: World,
) -> None:
    contacts = world.contacts(300)
    created = await world.create(contacts, in_flight_limit=25)
    async with running(another_app(world.settings)):
        await world.launch(created["id"])
        await world.sender_count_reaches(100)
    # The second process stopped mid-campaign; the first goes on alone.
    await world.until_status(created["id"], "completed", timeout=60)

    assert Counter(world.sent_to()) == Counter(c["phone"] for c in contacts)


async def test_a_scheduled_campaign_waits_for_its_time_then_starts_once(world: World) -> None:
    contacts = world.contacts(5)
    created = await world.create(contacts)
    start = datetime.now(UTC) + timedelta(seconds=2)

    scheduled = await world.launch(created["id"], scheduled_at=start.isoformat())
    early = len(world.sent_to())
    done = await world.until_status(created["id"], "completed")

    assert scheduled["status"] == "scheduled"
    assert early == 0
    assert datetime.fromisoformat(done["started_at"]) >= start
    assert Counter(world.sent_to()) == Counter(c["phone"] for c in contacts)


async def test_the_rate_cap_spaces_the_sends(world: World) -> None:
    contacts = world.contacts(12)
    created = await world.create(contacts, in_flight_limit=50, rate_per_second=4)
    await world.launch(created["id"])
    begun = datetime.now(UTC)
    done = await world.until_status(created["id"], "completed")
    took = datetime.fromisoformat(done["finished_at"]) - begun

    # 12 sends at 4 a second, a one-second burst first: at least two seconds.
    assert took >= timedelta(seconds=1.9)
    assert len(world.sent_to()) == 12
