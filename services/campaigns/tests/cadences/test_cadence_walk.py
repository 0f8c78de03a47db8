"""Cadences walked for real: the durable timers, the outbox, Kafka and the sender stand-in.

What a person would check: every step reaches the contact once and in order, whichever
process or restart runs it; a reply or an opt-out stops what is left; a failing send is
tried again and then recorded; a missing value fails that person only, saying which.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mia_campaigns.cadences.timers import CadenceTimers
from mia_common.contracts import Channel, Envelope, InboundMessage
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentSource,
    ConsentStatus,
)
from mia_common.contracts.messages import MessageKind
from mia_common.testing import wait_until
from support.cadences import Drip, send, wait
from support.fake_crm import filter_key
from support.world import World

LONG = 3600
"""A wait no test sits through: ``Drip.due_now`` makes the time pass."""


def _reply(world: World, person: dict[str, Any], text: str = "Quero saber mais") -> Envelope[Any]:
    return Envelope[InboundMessage](
        type="messages.inbound.v1",
        source="/tests",
        tenantid=world.tenant_id,
        data=InboundMessage(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=world.account_id,
            external_message_id=f"wamid.in.{uuid.uuid4().hex}",
            from_address=person["phone"],
            to_address="+5511000000000",
            kind=MessageKind.TEXT,
            text=text,
            sent_at=datetime.now(UTC),
        ),
    )


async def _at_step(drip: Drip, cadence_id: str, people: list[dict[str, Any]], step: int) -> None:
    async def there() -> bool | None:
        rows = await drip.enrollments(cadence_id)
        at = {row["contact_id"]: row["step_index"] for row in rows}
        return all(at.get(p["id"]) == step for p in people) or None

    await wait_until(there, timeout=20, message=f"everyone at step {step}")


async def test_each_step_reaches_each_person_once_in_order_and_then_it_completes(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi {{first_name}}!"), wait(1), send("Tudo bem?")])
    people = world.contacts(3, name="Ana Souza")

    await drip.enroll(cadence["id"], people)

    for person in people:
        done = await drip.until(cadence["id"], person, "completed")
        assert drip.bodies_to(person) == ["Oi Ana!", "Tudo bem?"]
        assert [h["kind"] for h in done["history"]] == ["enrolled", "sent", "sent", "completed"]
        assert done["step_type"] is None
    read = await world.client.get(
        f"/api/v1/cadences/{cadence['id']}", headers=world.manager.headers
    )
    assert read.json()["counts"] == {"completed": 3}


async def test_steps_fire_once_across_processes_and_after_every_process_stopped(
    world: World,
) -> None:
    context = world.app.state.context
    own = context.cadence_timers
    await own.stop()

    def process() -> CadenceTimers:
        # A campaigns process of its own: nothing in memory but the database's rows.
        return CadenceTimers(
            sessions=context.infra.sessions,
            events=context.events,
            crm=context.crm,
            tick_seconds=0.05,
        )

    try:
        drip = Drip(world)
        cadence = await drip.create([send("Um"), wait(2), send("Dois")])
        people = world.contacts(20)
        await drip.enroll(cadence["id"], people)
        first, second = process(), process()
        await first.start()
        await second.start()
        # Both processes claim the same due rows; each row is walked by one of them.
        await _at_step(drip, cadence["id"], people, 2)
        await first.stop()
        await second.stop()

        # Nobody runs now: the waits come due and nothing goes out.
        async def all_due() -> bool | None:
            times = await drip.due_times(cadence["id"])
            return all(t is not None and t <= datetime.now(UTC) for t in times) or None

        await wait_until(all_due, timeout=10, message="every wait over")
        assert all(drip.bodies_to(p) == ["Um"] for p in people)

        restarted = process()
        await restarted.start()
        try:
            for person in people:
                await drip.until(cadence["id"], person, "completed")
        finally:
            await restarted.stop()
        assert all(drip.bodies_to(p) == ["Um", "Dois"] for p in people)
    finally:
        await own.start()


async def test_a_reply_stops_what_is_left_of_the_cadence_for_that_person(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Um"), wait(LONG), send("Dois")])
    replying, silent = world.contacts(2)
    await drip.enroll(cadence["id"], [replying, silent])
    await _at_step(drip, cadence["id"], [replying, silent], 2)

    await drip.publish(world.settings.inbound_topic, _reply(world, replying), str(world.account_id))
    stopped = await drip.until(cadence["id"], replying, "stopped")
    await drip.due_now(cadence["id"])
    await drip.until(cadence["id"], silent, "completed")

    assert stopped["reason"] == "replied"
    assert stopped["replied_at"] is not None
    assert drip.bodies_to(replying) == ["Um"]
    assert drip.bodies_to(silent) == ["Um", "Dois"]


async def test_an_opt_out_stops_the_cadence_even_where_replies_do_not(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Um"), wait(LONG), send("Dois")], stop_on_reply=False)
    leaving, staying = world.contacts(2)
    await drip.enroll(cadence["id"], [leaving, staying])
    await _at_step(drip, cadence["id"], [leaving, staying], 2)

    # "PARAR": a reply (which this cadence does not stop on), then the crm's opt-out.
    await drip.publish(
        world.settings.inbound_topic, _reply(world, leaving, "PARAR"), str(world.account_id)
    )
    opt_out = Envelope[ConsentChanged](
        type="contact.consent_changed",
        source="/tests",
        tenantid=world.tenant_id,
        data=ConsentChanged(
            contact_id=uuid.UUID(leaving["id"]),
            channel=ConsentChannel.WHATSAPP,
            status=ConsentStatus.OPTED_OUT,
            source=ConsentSource.KEYWORD,
            occurred_at=datetime.now(UTC),
        ),
    )
    await drip.publish(world.settings.contacts_topic, opt_out, leaving["id"])
    stopped = await drip.until(cadence["id"], leaving, "stopped")
    await drip.due_now(cadence["id"])
    await drip.until(cadence["id"], staying, "completed")

    assert stopped["reason"] == "opted_out"
    assert drip.bodies_to(leaving) == ["Um"]
    assert drip.bodies_to(staying) == ["Um", "Dois"]


async def test_a_send_failing_for_now_is_tried_again_then_recorded_and_others_go_on(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Um"), send("Dois")])
    failing, hopeless, fine = world.contacts(3)
    world.sender.account(world.account_id).failing_for_now[failing["phone"]] = "131000"
    world.sender.account(world.account_id).failing[hopeless["phone"]] = "131026"

    await drip.enroll(cadence["id"], [failing, hopeless, fine])
    failed = await drip.until(cadence["id"], failing, "failed")
    given_up = await drip.until(cadence["id"], hopeless, "failed")
    await drip.until(cadence["id"], fine, "completed")

    attempts = [r for r in world.sender.requests(world.account_id) if r.to == failing["phone"]]
    assert len(attempts) == 3
    assert len({r.request_id for r in attempts}) == 3  # a new request each try
    assert failed["reason"] == "131000"
    assert [h["kind"] for h in failed["history"]] == [
        "enrolled",
        "send_failed",
        "send_failed",
        "failed",
    ]
    # Retrying cannot help an undeliverable number: one try, recorded at once.
    assert len(drip.bodies_to(hopeless)) == 1
    assert (given_up["reason"], given_up["attempts"]) == ("131026", 1)
    assert drip.bodies_to(fine) == ["Um", "Dois"]


async def test_a_missing_value_fails_that_person_only_naming_the_variable(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Seu plano: {{fields.plan}}")])
    (gold,) = world.contacts(1, fields={"plan": "ouro"})
    (unknown,) = world.contacts(1, name="Sem Plano")

    await drip.enroll(cadence["id"], [gold, unknown])
    failed = await drip.until(cadence["id"], unknown, "failed")
    await drip.until(cadence["id"], gold, "completed")

    assert failed["reason"] == "template_variable_missing"
    assert "fields.plan" in failed["detail"]
    assert "Sem Plano" in failed["detail"]
    assert drip.bodies_to(unknown) == []
    assert drip.bodies_to(gold) == ["Seu plano: ouro"]


async def test_a_branch_on_a_reply_or_on_a_crm_filter_takes_each_person_their_way(
    world: World,
) -> None:
    drip = Drip(world)
    vip_filter = {"condition": "tags", "match": "any", "tag_ids": [str(uuid.uuid4())]}
    cadence = await drip.create(
        [
            send("Um"),
            wait(LONG),
            {"type": "branch", "condition": {"kind": "replied"}, "then_step": 5, "else_step": 3},
            {
                "type": "branch",
                "condition": {"kind": "filter", "filter": vip_filter},
                "then_step": 4,
                "else_step": 5,
            },
            send("Oferta VIP"),
            send("Até logo"),
        ],
        stop_on_reply=False,
    )
    replied, vip, regular = world.contacts(3)
    world.crm.tenant(world.tenant_id).filters[filter_key(vip_filter)] = {vip["id"], replied["id"]}
    await drip.enroll(cadence["id"], [replied, vip, regular])
    await _at_step(drip, cadence["id"], [replied, vip, regular], 2)

    await drip.publish(world.settings.inbound_topic, _reply(world, replied), str(world.account_id))
    await wait_until(
        lambda: _replied(drip, cadence["id"], replied), timeout=20, message="reply recorded"
    )
    await drip.due_now(cadence["id"])
    for person in (replied, vip, regular):
        await drip.until(cadence["id"], person, "completed")

    assert drip.bodies_to(replied) == ["Um", "Até logo"]
    assert drip.bodies_to(vip) == ["Um", "Oferta VIP", "Até logo"]
    assert drip.bodies_to(regular) == ["Um", "Até logo"]


async def _replied(drip: Drip, cadence_id: str, person: dict[str, Any]) -> bool | None:
    return (await drip.of(cadence_id, person))["replied_at"] is not None or None


async def test_a_paused_cadence_holds_its_due_steps_until_resumed(world: World) -> None:
    drip = Drip(world)
    held = await drip.create([send("Um"), wait(LONG), send("Dois")])
    other = await drip.create([send("Outra")])
    person, marker = world.contacts(2)
    await drip.enroll(held["id"], [person])
    await _at_step(drip, held["id"], [person], 2)

    await drip.act(held["id"], "pause")
    await drip.due_now(held["id"])
    await drip.enroll(other["id"], [marker])
    await drip.sent_count_reaches(marker, 1)  # the timers ran, and left the paused one
    assert drip.bodies_to(person) == ["Um"]

    await drip.act(held["id"], "resume")
    await drip.until(held["id"], person, "completed")
    assert drip.bodies_to(person) == ["Um", "Dois"]


async def test_outside_business_hours_a_message_waits_for_them_to_open(world: World) -> None:
    drip = Drip(world)
    now = datetime.now(UTC)
    opens = (now + timedelta(hours=6)).replace(second=0, microsecond=0)
    hours = {
        "days": [1, 2, 3, 4, 5, 6, 7],
        "start": opens.strftime("%H:%M"),
        "end": (opens + timedelta(hours=1)).strftime("%H:%M"),
        "time_zone": "UTC",
    }
    cadence = await drip.create([send("Bom dia")], business_hours=hours)
    (person,) = world.contacts(1)

    await drip.enroll(cadence["id"], [person])

    async def deferred() -> datetime | None:
        (due,) = await drip.due_times(cadence["id"])
        return due if due is not None and due > now + timedelta(hours=1) else None

    due = await wait_until(deferred, timeout=20, message="the send deferred")
    assert due == opens
    assert drip.bodies_to(person) == []


async def test_enrolled_again_after_the_walk_ended_a_person_walks_it_anew_with_new_requests(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Um"), wait(LONG), send("Dois")])
    ended, walking = world.contacts(2)
    await drip.enroll(cadence["id"], [ended, walking])
    await _at_step(drip, cadence["id"], [ended, walking], 2)
    row = await drip.of(cadence["id"], ended)
    stopped = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/enrollments/{row['id']}/stop",
        headers=world.manager.headers,
    )
    assert stopped.status_code == 200, stopped.text
    before = await drip.of(cadence["id"], walking)

    # Without "again" nobody is enrolled a second time.
    assert await drip.enroll(cadence["id"], [ended, walking]) == {
        "enrolled": 0,
        "enrolled_again": 0,
        "already_enrolled": 2,
        "excluded": {},
    }
    assert (await drip.of(cadence["id"], ended))["state"] == "stopped"

    again = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/enrollments",
        json={"contact_ids": [ended["id"], walking["id"]], "again": True},
        headers=world.manager.headers,
    )
    assert again.status_code == 200, again.text
    assert again.json() == {
        "enrolled": 0,
        "enrolled_again": 1,
        "already_enrolled": 1,
        "excluded": {},
    }
    await _at_step(drip, cadence["id"], [ended], 2)
    await drip.sent_count_reaches(ended, 2)

    assert drip.bodies_to(ended) == ["Um", "Um"]
    requests = [r for r in world.sender.requests(world.account_id) if r.to == ended["phone"]]
    assert len({r.request_id for r in requests}) == 2, "the second walk's send must be new"
    walked = await drip.of(cadence["id"], ended)
    assert walked["state"] == "active"
    assert walked["reason"] is None
    kinds = [entry["kind"] for entry in walked["history"]]
    assert kinds == ["enrolled", "sent", "stopped", "enrolled", "sent"], kinds
    assert walked["history"][3]["again"] is True
    # The one walking it was left where it was.
    after = await drip.of(cadence["id"], walking)
    assert (after["step_index"], after["history"]) == (before["step_index"], before["history"])
    assert drip.bodies_to(walking) == ["Um"]
