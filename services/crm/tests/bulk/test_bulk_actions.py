"""POST /api/v1/contacts/bulk: actions on a selection or a filter, run as jobs in batches."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, insert, select

from mia_common.identity import Role
from mia_common.testing import read_topic
from mia_crm.models import (
    Contact,
    ContactTag,
    Conversation,
    ConversationNote,
    CustomField,
    Lead,
    Message,
    Tag,
)
from support.bulk_jobs import finished, start
from support.contact_rows import add_contact, add_contacts, add_lead
from support.world import World


async def new_tag(world: World, name: str) -> uuid.UUID:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        tag_id = await session.scalar(
            insert(Tag)
            .values(tenant_id=world.tenant_id, name=name, color="#aa0000")
            .returning(Tag.id)
        )
    assert tag_id is not None
    return tag_id


async def tagged(world: World, tag_id: uuid.UUID) -> set[uuid.UUID]:
    async with world.app.state.context.infra.sessions() as session:
        return set(
            (
                await session.scalars(
                    select(ContactTag.contact_id).where(ContactTag.tag_id == tag_id)
                )
            ).all()
        )


async def test_tagging_everything_a_filter_matches_runs_in_batches_to_a_fixed_total(
    world: World,
) -> None:
    customers = await add_contacts(
        world, *({"lifecycle_stage": "customer", "name": f"c{n}"} for n in range(1_203))
    )
    others = await add_contacts(world, {"lifecycle_stage": "lead"}, {"lifecycle_stage": None})
    vip = await new_tag(world, "vip")

    job = await start(
        world,
        {
            "action": "tag",
            "filter": {"condition": "lifecycle_stage", "stages": ["customer"]},
            "params": {"tag_ids": [str(vip)]},
        },
    )
    assert (job["kind"], job["status"]) == ("contacts.bulk_tag", "queued")
    done = await finished(world, job["id"])

    assert (done["total"], done["processed"], done["succeeded"], done["failed"]) == (
        1_203,
        1_203,
        1_203,
        0,
    )
    assert done["percent"] == 100.0
    assert done["result"] == {"action": "tag", "changed": 1_203}
    assert await tagged(world, vip) == set(customers)
    assert not set(others) & await tagged(world, vip)


async def test_a_second_tagging_changes_nothing_and_announces_nothing(world: World) -> None:
    contact = await add_contact(world, name="Ana")
    vip = await new_tag(world, "vip")
    body = {"action": "tag", "selection": [str(contact)], "params": {"tag_ids": [str(vip)]}}
    await finished(world, (await start(world, body))["id"])

    again = await finished(world, (await start(world, body))["id"])

    assert again["result"] == {"action": "tag", "changed": 0}
    assert again["succeeded"] == 1


async def test_each_changed_contact_is_announced_as_updated(world: World) -> None:
    first, second = await add_contacts(world, {"name": "Ana"}, {"name": "Bia"})
    vip = await new_tag(world, "vip")

    await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "tag",
                    "selection": [str(first), str(second)],
                    "params": {"tag_ids": [str(vip)]},
                },
            )
        )["id"],
    )

    def ours(record: Any) -> bool:
        return record.envelope.get("type") == "contact.updated" and record.envelope["subject"] in (
            str(first),
            str(second),
        )

    records = await read_topic(
        world.settings.kafka_bootstrap_servers,
        world.settings.contacts_topic,
        until=lambda read: sum(ours(r) for r in read) >= 2,
    )
    updates = [r.envelope["data"] for r in records if ours(r)]
    assert {u["contact"]["id"] for u in updates} == {str(first), str(second)}
    assert all(u["changed"] == ["tags"] and u["contact"]["tags"] == ["vip"] for u in updates)
    assert all(u["actor_user_id"] == str(world.manager.user_id) for u in updates)


async def test_a_selection_naming_another_tenants_contact_never_touches_it(
    world: World,
) -> None:
    ours = await add_contact(world, name="Ana")
    stranger = world.stranger(Role.owner)
    theirs = await add_contact_of(world, stranger.tenant_id, name="Theirs")

    done = await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "set_owner",
                    "selection": [str(ours), str(theirs)],
                    "params": {"owner_user_id": str(world.agent.user_id)},
                },
            )
        )["id"],
    )
    deleting = await finished(
        world,
        (
            await start(
                world,
                {"action": "delete", "selection": [str(theirs)]},
            )
        )["id"],
    )

    assert (done["total"], done["succeeded"], done["failed"]) == (2, 1, 1)
    assert (deleting["succeeded"], deleting["failed"]) == (0, 1)
    async with world.app.state.context.infra.sessions() as session:
        other = await session.get_one(Contact, theirs)
        mine = await session.get_one(Contact, ours)
    assert other.owner_user_id is None
    assert mine.owner_user_id == world.agent.user_id


async def add_contact_of(world: World, tenant_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        contact_id = await session.scalar(
            insert(Contact).values(tenant_id=tenant_id, **fields).returning(Contact.id)
        )
    assert contact_id is not None
    return contact_id


async def test_another_tenants_tags_and_segments_are_not_found(world: World) -> None:
    contact = await add_contact(world, name="Ana")
    stranger = world.stranger(Role.owner)
    their_tag = await new_tag(world, "mine")

    for body in [
        {"action": "tag", "selection": [str(contact)], "params": {"tag_ids": [str(their_tag)]}},
        {"action": "delete", "segment_id": str(uuid.uuid4())},
    ]:
        response = await world.client.post(
            "/api/v1/contacts/bulk", json=body, headers=stranger.headers
        )
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == "application/problem+json"


async def test_set_field_checks_values_against_the_definitions(world: World) -> None:
    first, second = await add_contacts(
        world, {"fields": {"plan": "silver", "size": 3}}, {"fields": {}}
    )
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            insert(CustomField),
            [
                {
                    "tenant_id": world.tenant_id,
                    "key": "plan",
                    "label": "Plan",
                    "kind": "select",
                    "options": ["silver", "gold"],
                    "position": 0,
                },
                {
                    "tenant_id": world.tenant_id,
                    "key": "size",
                    "label": "Size",
                    "kind": "number",
                    "position": 1,
                },
            ],
        )
    refused = await world.client.post(
        "/api/v1/contacts/bulk",
        json={
            "action": "set_field",
            "selection": [str(first)],
            "params": {"fields": {"plan": "platinum"}},
        },
        headers=world.manager.headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "plan"

    done = await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "set_field",
                    "selection": [str(first), str(second)],
                    "params": {"fields": {"plan": "gold", "size": None}},
                },
            )
        )["id"],
    )

    assert done["result"] == {"action": "set_field", "changed": 2}
    async with world.app.state.context.infra.sessions() as session:
        values = {
            row.id: row.fields
            for row in (
                await session.execute(
                    select(Contact.id, Contact.fields).where(Contact.id.in_([first, second]))
                )
            ).all()
        }
    assert values == {first: {"plan": "gold"}, second: {"plan": "gold"}}


async def test_set_owner_to_someone_who_is_no_user_is_refused(world: World) -> None:
    contact = await add_contact(world, name="Ana")

    response = await world.client.post(
        "/api/v1/contacts/bulk",
        json={
            "action": "set_owner",
            "selection": [str(contact)],
            "params": {"owner_user_id": str(uuid.uuid4())},
        },
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "assignee_unknown"


async def test_delete_removes_contacts_with_their_conversations_and_leads(world: World) -> None:
    message = await world.deliver(phone="+5511987650401", text="olá")
    conversation = await world.conversation_of(message)
    contact_id = uuid.UUID(conversation["contact"]["id"])
    note = await world.client.post(
        f"/api/v1/inbox/conversations/{conversation['id']}/notes",
        json={"text": "x"},
        headers=world.agent.headers,
    )
    assert note.status_code == 201
    await add_lead(world, contact_id)
    kept = await add_contact(world, name="stays")
    vip = await new_tag(world, "vip")
    await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "tag",
                    "selection": [str(contact_id), str(kept)],
                    "params": {"tag_ids": [str(vip)]},
                },
            )
        )["id"],
    )

    refused = await world.client.post(
        "/api/v1/contacts/bulk",
        json={"action": "delete", "selection": [str(contact_id)]},
        headers=world.agent.headers,
    )
    assert refused.status_code == 403
    done = await finished(
        world, (await start(world, {"action": "delete", "selection": [str(contact_id)]}))["id"]
    )

    assert done["result"] == {"action": "delete", "changed": 1}
    gone = await world.client.get(f"/api/v1/contacts/{contact_id}", headers=world.agent.headers)
    assert gone.status_code == 404
    async with world.app.state.context.infra.sessions() as session:
        for model, condition in [
            (Conversation, Conversation.contact_id == contact_id),
            (Message, Message.conversation_id == message.conversation_id),
            (ConversationNote, ConversationNote.conversation_id == message.conversation_id),
            (Lead, Lead.contact_id == contact_id),
            (ContactTag, ContactTag.contact_id == contact_id),
        ]:
            count = await session.scalar(select(func.count()).select_from(model).where(condition))
            assert count == 0, model.__name__
    assert await tagged(world, vip) == {kept}
    records = await read_topic(
        world.settings.kafka_bootstrap_servers,
        world.settings.contacts_topic,
        until=lambda read: any(
            r.envelope["type"] == "contact.deleted" and r.envelope["subject"] == str(contact_id)
            for r in read
        ),
    )
    [deleted] = [
        r.envelope["data"]
        for r in records
        if r.envelope["type"] == "contact.deleted" and r.envelope["subject"] == str(contact_id)
    ]
    assert deleted["actor_user_id"] == str(world.manager.user_id)


async def test_a_body_with_no_target_or_two_targets_is_refused(world: World) -> None:
    contact = await add_contact(world, name="Ana")
    for body in [
        {"action": "delete"},
        {"action": "delete", "selection": [str(contact)], "segment_id": str(uuid.uuid4())},
    ]:
        response = await world.client.post(
            "/api/v1/contacts/bulk", json=body, headers=world.manager.headers
        )
        assert response.status_code == 422, response.text
