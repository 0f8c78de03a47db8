"""Enrollment by event: a contact created, a tag added, a lead entering a stage; and a
stage change stopping cadences that stop on it. Events arrive on the real topics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactChanged, ContactSnapshot
from mia_common.contracts.leads import LeadEvent, LeadSnapshot
from support.cadences import Drip, send, wait
from support.world import World


def _contact_event(
    world: World, person: dict[str, Any], kind: str, *, tags: list[str], changed: list[str]
) -> Envelope[ContactChanged]:
    return Envelope[ContactChanged](
        type=kind,
        source="/tests",
        tenantid=world.tenant_id,
        data=ContactChanged(
            type=kind,  # type: ignore[arg-type]
            contact=ContactSnapshot(
                id=uuid.UUID(person["id"]), name=person["name"], phone=person["phone"], tags=tags
            ),
            changed=changed,
            occurred_at=datetime.now(UTC),
        ),
    )


def _lead_moved(world: World, person: dict[str, Any], stage_id: uuid.UUID) -> Envelope[LeadEvent]:
    return Envelope[LeadEvent](
        type="lead.stage_changed",
        source="/tests",
        tenantid=world.tenant_id,
        data=LeadEvent(
            type="lead.stage_changed",
            lead=LeadSnapshot(
                id=uuid.uuid4(),
                pipeline_id=uuid.uuid4(),
                stage_id=stage_id,
                contact_id=uuid.UUID(person["id"]),
                title="Plano anual",
                position="a0",
                version=2,
            ),
            from_stage_id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
        ),
    )


async def test_a_new_contact_enrolls_once_however_often_the_event_comes(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Bem-vindo!")], triggers=[{"event": "contact_created"}])
    newcomer, later = world.contacts(2)
    created = _contact_event(world, newcomer, "contact.created", tags=[], changed=[])

    await drip.publish(world.settings.contacts_topic, created, newcomer["id"])
    await drip.publish(world.settings.contacts_topic, created, newcomer["id"])  # a replay
    # The next newcomer's welcome comes after both records were handled.
    await drip.publish(
        world.settings.contacts_topic,
        _contact_event(world, later, "contact.created", tags=[], changed=[]),
        later["id"],
    )
    await drip.until(cadence["id"], later, "completed")
    enrolled = await drip.until(cadence["id"], newcomer, "completed")

    assert enrolled["source"] == "event"
    assert drip.bodies_to(newcomer) == ["Bem-vindo!"]


async def test_a_tag_added_enrolls_in_cadences_triggered_by_that_tag_only(world: World) -> None:
    drip = Drip(world)
    vip = await drip.create([send("Oferta VIP")], triggers=[{"event": "tag_added", "tag": "vip"}])
    other = await drip.create(
        [send("Oferta Gold")], triggers=[{"event": "tag_added", "tag": "gold"}]
    )
    person, untagged = world.contacts(2)

    await drip.publish(
        world.settings.contacts_topic,
        _contact_event(world, person, "contact.updated", tags=["VIP"], changed=["tags"]),
        person["id"],
    )
    # A name change with no tag change enrolls nobody, even someone who has the tag.
    await drip.publish(
        world.settings.contacts_topic,
        _contact_event(world, untagged, "contact.updated", tags=["vip"], changed=["name"]),
        untagged["id"],
    )
    await drip.publish(
        world.settings.contacts_topic,
        _contact_event(world, untagged, "contact.updated", tags=["gold"], changed=["tags"]),
        untagged["id"],
    )
    await drip.until(other["id"], untagged, "completed")
    await drip.until(vip["id"], person, "completed")

    assert drip.bodies_to(person) == ["Oferta VIP"]
    assert drip.bodies_to(untagged) == ["Oferta Gold"]


async def test_a_lead_entering_a_stage_enrolls_there_and_stops_cadences_that_stop_on_it(
    world: World,
) -> None:
    drip = Drip(world)
    negotiation = uuid.uuid4()
    nurture = await drip.create(
        [send("Conteúdo 1"), wait(3600), send("Conteúdo 2")], stop_on_stage_change=True
    )
    closing = await drip.create(
        [send("Vamos fechar?")],
        triggers=[{"event": "lead_entered_stage", "stage_id": str(negotiation)}],
    )
    (person,) = world.contacts(1)
    await drip.enroll(nurture["id"], [person])
    await drip.sent_count_reaches(person, 1)

    await drip.publish(
        world.settings.leads_topic, _lead_moved(world, person, negotiation), person["id"]
    )
    stopped = await drip.until(nurture["id"], person, "stopped")
    await drip.until(closing["id"], person, "completed")

    assert stopped["reason"] == "stage_changed"
    assert drip.bodies_to(person) == ["Conteúdo 1", "Vamos fechar?"]
