"""Send windows: only inside the days and hours, in the campaign's zone or each contact's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mia_common.testing import wait_until
from support.fake_crm import member
from support.world import World, ledger_counts


def _around_now(hours: float = 1.0) -> tuple[str, str]:
    now = datetime.now(UTC)
    start, end = now - timedelta(hours=hours), now + timedelta(hours=hours)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


async def test_each_contact_gets_it_inside_the_window_of_their_own_zone(world: World) -> None:
    start, end = _around_now()
    here = world.crm.add(world.tenant_id, [member(phone="+5511900001111")])
    here[0]["time_zone"] = "UTC"
    unknown = world.crm.add(world.tenant_id, [member(phone="+5511900002222")])
    unknown[0]["time_zone"] = None  # takes the campaign's zone
    far = world.crm.add(world.tenant_id, [member(phone="+5511900003333")])
    far[0]["time_zone"] = "Etc/GMT-12"  # twelve hours ahead: outside a two-hour window
    window = {
        "days": [1, 2, 3, 4, 5, 6, 7],
        "start": start,
        "end": end,
        "time_zone": "UTC",
        "per_contact": True,
    }
    created = await world.create([*here, *unknown, *far], send_window=window)
    await world.launch(created["id"])

    async def sent_inside() -> dict[str, int] | None:
        counts = await ledger_counts(world.settings, created["id"])
        return counts if counts.get("accepted") == 2 else None

    counts = await wait_until(sent_inside, timeout=20, message="the two inside sent")
    # The three were eligible for the same refill: had the far one been let through, it
    # would have gone with the others.
    assert counts == {"accepted": 2, "queued": 1}
    assert sorted(world.sent_to()) == ["+5511900001111", "+5511900002222"]
    assert (await world.read(created["id"]))["status"] == "running"


async def test_nothing_goes_out_on_a_day_outside_the_window(world: World) -> None:
    today = datetime.now(UTC).isoweekday()
    other_days = [day for day in range(1, 8) if day != today]
    closed = {"days": other_days, "start": "00:00", "end": "23:59", "time_zone": "UTC"}
    open_today = {**closed, "days": [today]}
    waiting = world.contacts(3)
    going = world.contacts(3)
    held = await world.create(waiting, send_window=closed)
    control = await world.create(going, send_window=open_today)
    await world.launch(held["id"])
    await world.launch(control["id"])
    await world.until_status(control["id"], "completed")

    assert await ledger_counts(world.settings, held["id"]) == {"queued": 3}
    assert sorted(world.sent_to()) == sorted(c["phone"] for c in going)


async def test_a_window_in_an_unknown_zone_is_refused(world: World) -> None:
    body = world.campaign_body(
        world.contacts(1),
        send_window={"start": "09:00", "end": "18:00", "time_zone": "Mars/Olympus"},
    )

    response = await world.client.post(
        "/api/v1/campaigns", json=body, headers=world.manager.headers
    )

    assert response.status_code == 422
    assert "Mars/Olympus" in response.text


async def test_a_local_start_time_takes_the_offset_in_force_on_its_date(world: World) -> None:
    # New York moves to daylight time on 14 March 2027: 09:00 is 14:00 UTC the day
    # before and 13:00 UTC that day.
    before = await world.create(world.contacts(1))
    after = await world.create(world.contacts(1))

    first = await world.launch(
        before["id"], local_time="2027-03-13T09:00:00", time_zone="America/New_York"
    )
    second = await world.launch(
        after["id"], local_time="2027-03-14T09:00:00", time_zone="America/New_York"
    )

    assert first["status"] == second["status"] == "scheduled"
    assert datetime.fromisoformat(first["scheduled_at"]) == datetime(2027, 3, 13, 14, tzinfo=UTC)
    assert datetime.fromisoformat(second["scheduled_at"]) == datetime(2027, 3, 14, 13, tzinfo=UTC)
    assert world.sent_to() == []


async def test_a_start_time_without_its_offset_or_zone_is_refused(world: World) -> None:
    created = await world.create(world.contacts(1))

    naive = await world.client.post(
        f"/api/v1/campaigns/{created['id']}/launch",
        json={"scheduled_at": "2027-01-01T09:00:00"},
        headers=world.manager.headers,
    )
    no_zone = await world.client.post(
        f"/api/v1/campaigns/{created['id']}/launch",
        json={"local_time": "2027-01-01T09:00:00"},
        headers=world.manager.headers,
    )

    assert naive.status_code == 422
    assert no_zone.status_code == 422
    assert (await world.read(created["id"]))["status"] == "draft"
