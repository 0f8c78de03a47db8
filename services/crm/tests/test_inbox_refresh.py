"""Open inboxes hear of what a merge, a bulk delete or an import did to conversations.

Each test ends with a marker: a reply on a conversation the action must leave alone. Its
``message_created`` shares that conversation's key (one partition, commit order), so once
it is read every event of that conversation published before it has been read too, and
the test can tell that no ``conversation_updated`` came for it.
"""

from __future__ import annotations

import uuid

from mia_common.testing import TopicRecord, read_topic
from support import bulk_jobs
from support.world import InboxRecord, World

UPDATED = "conversation_updated"


async def marker_reply(world: World, conversation_id: uuid.UUID) -> str:
    response = await world.reply(conversation_id, {"type": "text", "text": "marker"})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def updates(events: list[InboxRecord], conversation_id: uuid.UUID) -> list[InboxRecord]:
    return [e for e in events if e.conversation_id == str(conversation_id) and e.change == UPDATED]


async def inbox_until(world: World, *, updated: list[uuid.UUID], marker: str) -> list[InboxRecord]:
    """The inbox topic read until every conversation of ``updated`` was announced as
    updated and the marker reply is in."""
    wanted = {str(conversation_id) for conversation_id in updated}

    def complete(read: list[TopicRecord]) -> bool:
        records = [InboxRecord(r.key, r.envelope) for r in read]
        announced = {e.conversation_id for e in records if e.change == UPDATED}
        return wanted <= announced and any(e.message_id == marker for e in records)

    records = await read_topic(
        world.settings.kafka_bootstrap_servers,
        world.settings.inbox_topic,
        until=complete,
        timeout=30,
        message="the awaited inbox events and the marker",
    )
    return [InboxRecord(record.key, record.envelope) for record in records]


async def test_a_merge_announces_the_moved_joined_and_gone_conversations_not_the_others(
    world: World,
) -> None:
    joined_account, moved_account, other_account = world.account_id, uuid.uuid4(), uuid.uuid4()
    kept = await world.deliver(phone="+5511987650301", name="Ana", text="kept thread")
    untouched = await world.deliver(
        phone="+5511987650301", name="Ana", text="other account", account_id=other_account
    )
    joining = await world.deliver(phone="+5511987650399", name=None, text="same account")
    moving = await world.deliver(
        phone="+5511987650399", name=None, text="another account", account_id=moved_account
    )
    survivor_id = await world.contact_id_of(kept)
    absorbed_id = await world.contact_id_of(joining)
    assert survivor_id != absorbed_id
    assert joined_account != moved_account

    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": survivor_id, "absorbed_id": absorbed_id},
        headers=world.agent.headers,
    )
    assert response.status_code == 200, response.text
    marker = await marker_reply(world, untouched.conversation_id)

    events = await inbox_until(
        world,
        updated=[kept.conversation_id, joining.conversation_id, moving.conversation_id],
        marker=marker,
    )

    (moved,) = updates(events, moving.conversation_id)
    assert moved.envelope["data"]["contact_id"] == survivor_id, "moved to the kept contact"
    assert moved.tenant_id == str(world.tenant_id)
    assert moved.key == str(moving.conversation_id).encode()
    # Published after the commit: the refetch finds the new state.
    assert (await world.conversation_of(moving))["contact"]["id"] == survivor_id
    (gone,) = updates(events, joining.conversation_id)
    assert gone.envelope["data"]["contact_id"] == survivor_id, "its thread lives on there"
    refetch = await world.client.get(
        f"/api/v1/inbox/conversations/{joining.conversation_id}", headers=world.agent.headers
    )
    assert refetch.status_code == 404
    assert len(updates(events, kept.conversation_id)) == 1, "it took in the other thread"
    assert updates(events, untouched.conversation_id) == [], "the survivor looks the same"


async def test_a_merge_that_names_the_survivor_announces_all_its_conversations(
    world: World,
) -> None:
    nameless = await world.deliver(phone="+5511987650401", name=None, text="no name yet")
    named = await world.deliver(phone="+5511987650499", name="Bia", text="named")
    survivor_id = await world.contact_id_of(nameless)
    absorbed_id = await world.contact_id_of(named)

    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": survivor_id, "absorbed_id": absorbed_id},
        headers=world.manager.headers,
    )
    assert response.status_code == 200, response.text
    marker = await marker_reply(world, nameless.conversation_id)

    events = await inbox_until(world, updated=[nameless.conversation_id], marker=marker)

    assert updates(events, nameless.conversation_id), "the survivor is named Bia now"
    assert (await world.conversation_of(nameless))["contact"]["name"] == "Bia"


async def test_a_merge_names_who_merged_in_contact_merged(world: World) -> None:
    survivor = await world.deliver(phone="+5511987650501", name="Caio")
    absorbed = await world.deliver(phone="+5511987650599", name=None)
    survivor_id = await world.contact_id_of(survivor)
    absorbed_id = await world.contact_id_of(absorbed)

    response = await world.client.post(
        "/api/v1/duplicates/merge",
        json={"survivor_id": survivor_id, "absorbed_id": absorbed_id},
        headers=world.manager.headers,
    )
    assert response.status_code == 200, response.text

    events = await world.contact_events(survivor_id, until=lambda e: e["type"] == "contact.merged")
    (merged,) = [e for e in events if e["type"] == "contact.merged"]
    assert merged["data"]["merged_by_user_id"] == str(world.manager.user_id)
    assert merged["data"]["absorbed_id"] == absorbed_id


async def test_a_bulk_delete_announces_its_contacts_conversations_as_gone(world: World) -> None:
    doomed = await world.deliver(phone="+5511987650601", name="Dora")
    second_account = await world.deliver(
        phone="+5511987650601", name="Dora", account_id=uuid.uuid4()
    )
    spared = await world.deliver(phone="+5511987650602", name="Edu")
    doomed_id = await world.contact_id_of(doomed)

    job = await bulk_jobs.start(world, {"action": "delete", "selection": [doomed_id]})
    await bulk_jobs.finished(world, job["id"])
    marker = await marker_reply(world, spared.conversation_id)

    events = await inbox_until(
        world,
        updated=[doomed.conversation_id, second_account.conversation_id],
        marker=marker,
    )

    for conversation_id in (doomed.conversation_id, second_account.conversation_id):
        (gone,) = updates(events, conversation_id)
        assert gone.envelope["data"]["contact_id"] == doomed_id
        assert gone.tenant_id == str(world.tenant_id)
        refetch = await world.client.get(
            f"/api/v1/inbox/conversations/{conversation_id}", headers=world.agent.headers
        )
        assert refetch.status_code == 404
    assert updates(events, spared.conversation_id) == [], "another contact's thread stays"


async def test_an_import_that_renames_a_contact_announces_its_conversations(
    world: World,
) -> None:
    renamed = await world.deliver(phone="+5511987650701", name="Fabi")
    same_name = await world.deliver(phone="+5511987650702", name="Gil")
    data = b"nome,telefone\nFabiana Souza,+5511987650701\nGil,+5511987650702\n"
    upload = await world.client.post(
        "/api/v1/imports",
        content=data,
        headers={**world.agent.headers, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 201, upload.text
    mapping = [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]
    started = await world.client.post(
        f"/api/v1/imports/{upload.json()['id']}/start",
        json={"mapping": mapping, "on_existing": "update"},
        headers=world.agent.headers,
    )
    assert started.status_code == 202, started.text
    job = await bulk_jobs.finished(world, started.json()["job_id"])
    assert job["succeeded"] == 2, job
    marker = await marker_reply(world, same_name.conversation_id)

    events = await inbox_until(world, updated=[renamed.conversation_id], marker=marker)

    (update,) = updates(events, renamed.conversation_id)
    assert update.envelope["data"]["contact_id"] == await world.contact_id_of(renamed)
    assert (await world.conversation_of(renamed))["contact"]["name"] == "Fabiana Souza"
    assert updates(events, same_name.conversation_id) == [], "Gil is still Gil"
