"""Meta's review of a submitted template, from ``templates.events.v1`` into the library:
each decision shown with its reason, an older one never over a newer one, unknown
templates skipped, records that do not decode dead-lettered."""

from __future__ import annotations

import uuid

from aiokafka import AIOKafkaProducer

from mia_common.contracts import dead_letter_topic
from mia_common.testing import read_up_to_marker
from support.library import create, moment, number, read, review, submit, until_status
from support.world import World


async def _submitted(world: World) -> dict[str, object]:
    number(world)
    return await submit(world, (await create(world))["id"])


async def test_approved_then_rejected_with_its_reason_shown(world: World) -> None:
    template = await _submitted(world)
    topic, key = world.settings.templates_topic, str(template["meta_template_id"])

    await world.publish(topic, review(world, template, "APPROVED", at=moment(1)), key)
    approved = await until_status(world, str(template["id"]), "APPROVED")
    assert approved["meta_reason"] is None

    await world.publish(
        topic,
        review(world, template, "REJECTED", at=moment(2), reason="INCORRECT_CATEGORY"),
        key,
    )
    rejected = await until_status(world, str(template["id"]), "REJECTED")

    assert rejected["meta_reason"] == "INCORRECT_CATEGORY"
    assert rejected["meta_status_at"].startswith("2026-12-01T12:02:00")


async def test_an_older_decision_arriving_late_changes_nothing(world: World) -> None:
    template = await _submitted(world)
    other = await _submitted(world)
    topic, key = world.settings.templates_topic, str(template["meta_template_id"])
    await world.publish(topic, review(world, template, "APPROVED", at=moment(5)), key)
    await until_status(world, str(template["id"]), "APPROVED")

    late = review(world, template, "REJECTED", at=moment(3), reason="PROMOTIONAL")
    # The same key: the consumer reads the late one before the marker decision after it.
    marker = review(world, other, "APPROVED", at=moment(4))
    await world.publish_together(topic, [late, marker], key)
    await until_status(world, str(other["id"]), "APPROVED")

    kept = await read(world, str(template["id"]))
    assert kept["meta_status"] == "APPROVED"
    assert kept["meta_reason"] is None


async def test_a_replayed_decision_is_applied_once(world: World) -> None:
    template = await _submitted(world)
    topic, key = world.settings.templates_topic, str(template["meta_template_id"])
    decision = review(world, template, "REJECTED", at=moment(6), reason="INVALID_FORMAT")

    await world.publish_together(topic, [decision, decision], key)

    rejected = await until_status(world, str(template["id"]), "REJECTED")
    assert rejected["meta_reason"] == "INVALID_FORMAT"


async def test_an_unknown_template_is_skipped_and_a_garbled_record_dead_lettered(
    world: World,
) -> None:
    template = await _submitted(world)
    topic, key = world.settings.templates_topic, str(template["meta_template_id"])
    unknown = review(world, template, "APPROVED", at=moment(1), template_id="999")
    unknown = unknown.model_copy(
        update={"data": unknown.data.model_copy(update={"name": "made_in_whatsapp_manager"})}
    )
    stranger = review(world, template, "REJECTED", at=moment(2), reason="SCAM")
    stranger = stranger.model_copy(update={"tenantid": uuid.uuid4()})
    await world.publish_together(topic, [unknown, stranger], key)
    producer = AIOKafkaProducer(bootstrap_servers=world.settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"not": "an envelope"}', key=key.encode())
    finally:
        await producer.stop()
    await world.publish(topic, review(world, template, "APPROVED", at=moment(3)), key)

    approved = await until_status(world, str(template["id"]), "APPROVED")

    assert approved["meta_reason"] is None, "another company's decision is not ours"
    dead = [
        record
        for record in await read_up_to_marker(
            world.settings.kafka_bootstrap_servers, dead_letter_topic(topic)
        )
        if record.key == key.encode()
    ]
    assert [record.value for record in dead] == [b'{"not": "an envelope"}']


async def test_an_edited_copy_takes_no_more_decisions_and_goes_again_under_a_new_name(
    world: World,
) -> None:
    template = await _submitted(world)
    topic, key = world.settings.templates_topic, str(template["meta_template_id"])
    await world.publish(topic, review(world, template, "APPROVED", at=moment(1)), key)
    await until_status(world, str(template["id"]), "APPROVED")

    edited = await world.client.patch(
        f"/api/v1/templates/{template['id']}",
        json={"footer": "Até logo"},
        headers=world.manager.headers,
    )
    assert edited.json()["meta_status"] == "CHANGED"
    other = await _submitted(world)
    # A decision on the text Meta holds is not about the edited copy.
    late = review(world, template, "APPROVED", at=moment(7))
    await world.publish_together(topic, [late, review(world, other, "APPROVED", at=moment(7))], key)
    await until_status(world, str(other["id"]), "APPROVED")
    assert (await read(world, str(template["id"])))["meta_status"] == "CHANGED"

    again = await submit(world, str(template["id"]))
    third = await world.client.patch(
        f"/api/v1/templates/{template['id']}",
        json={"footer": "Tchau"},
        headers=world.manager.headers,
    )
    assert third.json()["meta_status"] == "CHANGED"
    once_more = await submit(world, str(template["id"]))

    assert again["meta_status"] == "PENDING"
    assert again["meta_name"] == f"{template['meta_name']}_v2"
    assert again["meta_template_id"] != template["meta_template_id"]
    assert once_more["meta_name"] == f"{template['meta_name']}_v3"
