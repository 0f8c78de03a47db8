"""Segments read a contact's tags from ``contacts.tag_ids``, which the database keeps from
contact_tags: whatever path puts a tag on or takes it off, a segment sees it at once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from segments.data import add_contacts, add_tag, matching
from sqlalchemy import insert, text

from mia_common.testing import wait_until
from mia_crm.models import ContactTag
from support.bulk_jobs import finished, start
from support.world import World


def customers_tagged(match: str, *tag_ids: uuid.UUID) -> dict[str, Any]:
    """A tag condition ANDed with another one: the count reads the array, not contact_tags."""
    return {
        "all": [
            {"condition": "tags", "match": match, "tag_ids": [str(t) for t in tag_ids]},
            {"condition": "lifecycle_stage", "stages": ["customer"]},
        ]
    }


async def arrays_out_of_step(world: World) -> list[Any]:
    """Contacts whose array differs from their contact_tags rows (none, when all is well)."""
    async with world.app.state.context.infra.sessions() as session:
        rows = await session.execute(
            text(
                "SELECT c.id, c.tag_ids FROM contacts c WHERE c.tenant_id = :tenant AND"
                " c.tag_ids IS DISTINCT FROM coalesce((SELECT array_agg(t.tag_id ORDER BY"
                " t.tag_id) FROM contact_tags t WHERE t.contact_id = c.id), '{}')"
            ),
            {"tenant": world.tenant_id},
        )
        return list(rows.all())


async def put_tag(world: World, contact_id: uuid.UUID, tag_id: uuid.UUID) -> None:
    response = await world.client.put(
        f"/api/v1/contacts/{contact_id}/tags/{tag_id}", headers=world.agent.headers
    )
    assert response.status_code == 200, response.text


async def test_tags_put_on_and_taken_off_one_contact_are_seen_by_a_combined_filter(
    world: World,
) -> None:
    a, b, c = await add_contacts(
        world,
        {"name": "A", "lifecycle_stage": "customer"},
        {"name": "B", "lifecycle_stage": "customer"},
        {"name": "C", "lifecycle_stage": "lead"},
    )
    vip = await add_tag(world, "vip")
    late = await add_tag(world, "late payer")

    for contact_id in (a, b, c):
        await put_tag(world, contact_id, vip)
    await put_tag(world, a, late)
    assert await matching(world, customers_tagged("any", vip)) == {a, b}
    assert await matching(world, customers_tagged("all", vip, late)) == {a}
    assert await matching(world, customers_tagged("none", late)) == {b}

    response = await world.client.delete(
        f"/api/v1/contacts/{a}/tags/{vip}", headers=world.agent.headers
    )
    assert response.status_code == 200, response.text
    assert await matching(world, customers_tagged("any", vip)) == {b}
    assert await matching(world, customers_tagged("all", vip, late)) == set()
    assert await arrays_out_of_step(world) == []


async def test_bulk_tagging_and_untagging_keep_every_array_in_step(world: World) -> None:
    contacts = await add_contacts(
        world, *({"name": f"c{n}", "lifecycle_stage": "customer"} for n in range(1_100))
    )
    vip = await add_tag(world, "vip")

    await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "tag",
                    "filter": {"condition": "lifecycle_stage", "stages": ["customer"]},
                    "params": {"tag_ids": [str(vip)]},
                },
            )
        )["id"],
    )
    preview = await world.client.post(
        "/api/v1/segments/preview",
        json={"filter": customers_tagged("any", vip), "sample_size": 1},
        headers=world.agent.headers,
    )
    assert preview.json()["count"] == len(contacts)

    untagged = contacts[:300]
    await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "untag",
                    "selection": [str(c) for c in untagged],
                    "params": {"tag_ids": [str(vip)]},
                },
            )
        )["id"],
    )
    preview = await world.client.post(
        "/api/v1/segments/preview",
        json={"filter": customers_tagged("none", vip), "sample_size": 1},
        headers=world.agent.headers,
    )
    assert preview.json()["count"] == len(untagged)
    assert await arrays_out_of_step(world) == []


async def test_a_merge_moves_the_absorbed_contacts_tags_into_the_array(world: World) -> None:
    survivor, absorbed = await add_contacts(
        world,
        {"name": "Ana", "phone": "+5511987650101", "lifecycle_stage": "customer"},
        {"name": "Ana", "phone": "+551187650101", "lifecycle_stage": "customer"},
    )
    recife = await add_tag(world, "recife", absorbed)
    shared = await add_tag(world, "vip", survivor, absorbed)

    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": str(survivor), "absorbed_id": str(absorbed)},
        headers=world.agent.headers,
    )
    assert response.status_code == 200, response.text

    assert await matching(world, customers_tagged("all", recife, shared)) == {survivor}
    assert await arrays_out_of_step(world) == []


async def test_an_import_with_a_tag_writes_new_and_updated_contacts_arrays(world: World) -> None:
    (existing,) = await add_contacts(
        world, {"name": "Old", "phone": "+5511987650300", "lifecycle_stage": "customer"}
    )
    vip = await add_tag(world, "vip")
    csv = b"name,phone\nNew,+5511987650301\nOld again,+5511987650300\n"
    upload = await world.client.post(
        "/api/v1/imports",
        content=csv,
        params={"filename": "people.csv"},
        headers={**world.agent.headers, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 201, upload.text
    started = await world.client.post(
        f"/api/v1/imports/{upload.json()['id']}/start",
        json={
            "mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}],
            "tags": [str(vip)],
            "on_existing": "update",
        },
        headers=world.agent.headers,
    )
    assert started.status_code == 202, started.text
    await finished(world, started.json()["job_id"])

    # "all" is read from the arrays (only "any" alone is counted from contact_tags).
    carrying = await matching(world, {"condition": "tags", "match": "all", "tag_ids": [str(vip)]})
    new = carrying - {existing}
    assert existing in carrying
    assert len(new) == 1
    assert await matching(world, customers_tagged("any", vip)) == {existing}
    assert await arrays_out_of_step(world) == []


async def test_two_people_tagging_one_contact_at_once_both_tags_reach_the_array(
    world: World,
) -> None:
    (contact,) = await add_contacts(world, {"name": "Ana", "lifecycle_stage": "customer"})
    vip = await add_tag(world, "vip")
    late = await add_tag(world, "late payer")
    sessions = world.app.state.context.infra.sessions

    def tagging(tag_id: uuid.UUID) -> Any:
        return insert(ContactTag).values(
            tenant_id=world.tenant_id, contact_id=contact, tag_id=tag_id
        )

    async with sessions() as first:
        await first.begin()
        await first.execute(tagging(vip))  # its trigger holds the contact's row now

        async def second_tagging() -> None:
            async with sessions() as second, second.begin():
                await second.execute(tagging(late))

        second = asyncio.create_task(second_tagging())

        async def second_waits_for_the_row() -> bool:
            async with sessions() as probe:
                waiting = await probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                        " current_database() AND wait_event_type = 'Lock'"
                    )
                )
            return bool(waiting)

        await wait_until(second_waits_for_the_row, timeout=10, message="the second waits")
        await first.commit()
        await asyncio.wait_for(second, timeout=10)

    assert await matching(world, customers_tagged("all", vip, late)) == {contact}
    assert await arrays_out_of_step(world) == []
