"""The inbox API: the list, its filters, pages and search; reading, assigning, closing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mia_common.identity import Role
from mia_crm.models import Message
from support.world import Caller, World


async def fill_inbox(world: World, count: int) -> list[Message]:
    """``count`` conversations, one minute apart, the last one newest."""
    start = datetime.now(UTC) - timedelta(minutes=count)
    return [
        await world.deliver(
            phone=f"+55119{index:08d}",
            name=f"Customer {index}",
            text=f"message number {index}",
            sent_at=start + timedelta(minutes=index),
        )
        for index in range(count)
    ]


async def inbox_ids(world: World, caller: Caller | None = None, **params: Any) -> list[str]:
    page = await world.get("/api/v1/inbox/conversations", caller, **params)
    return [item["id"] for item in page["items"]]


async def test_pages_cover_the_inbox_newest_first_without_gaps_or_repeats(world: World) -> None:
    messages = await fill_inbox(world, 7)
    newest_first = [str(m.conversation_id) for m in reversed(messages)]

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await world.get("/api/v1/inbox/conversations", **params)
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == newest_first
    assert pages == 3
    bad = await world.client.get(
        "/api/v1/inbox/conversations", params={"cursor": "garbage"}, headers=world.agent.headers
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_cursor"


async def test_filters_unread_mine_unassigned_status_and_channel_account(world: World) -> None:
    first, second, third = await fill_inbox(world, 3)
    other_number = uuid.uuid4()
    fourth = await world.deliver(account_id=other_number, phone="+5511977776666")
    agent = world.agent
    base = "/api/v1/inbox/conversations"

    read = await world.client.post(f"{base}/{first.conversation_id}/read", headers=agent.headers)
    assert read.json()["unread_count"] == 0
    mine = await world.client.post(
        f"{base}/{second.conversation_id}/assign",
        json={"user_id": str(agent.user_id)},
        headers=agent.headers,
    )
    assert mine.json()["assigned_user_id"] == str(agent.user_id)
    closed = await world.client.post(
        f"{base}/{third.conversation_id}/status", json={"status": "closed"}, headers=agent.headers
    )
    assert closed.json()["status"] == "closed"

    ids = {m: str(m.conversation_id) for m in (first, second, third, fourth)}
    assert set(await inbox_ids(world, unread="true")) == {ids[second], ids[third], ids[fourth]}
    assert await inbox_ids(world, mine="true") == [ids[second]]
    assert set(await inbox_ids(world, unassigned="true")) == {ids[first], ids[third], ids[fourth]}
    assert await inbox_ids(world, status="closed") == [ids[third]]
    assert len(await inbox_ids(world, status="open")) == 3
    assert await inbox_ids(world, channel_account_id=str(other_number)) == [ids[fourth]]
    assert await inbox_ids(world, mine="true", unread="true") == [ids[second]]


async def test_a_contacts_conversations_are_listed_by_contact_id_and_only_in_its_tenant(
    world: World,
) -> None:
    start = datetime.now(UTC) - timedelta(minutes=10)
    second_number = uuid.uuid4()
    ana_here = await world.deliver(phone="+5511987650001", name="Ana", sent_at=start)
    await world.deliver(phone="+5521912340002", name="Bruno", sent_at=start + timedelta(minutes=1))
    ana_there = await world.deliver(
        account_id=second_number, phone="+5511987650001", sent_at=start + timedelta(minutes=2)
    )
    contact_id = (await world.conversation_of(ana_here))["contact"]["id"]
    ana = [str(ana_there.conversation_id), str(ana_here.conversation_id)]  # newest first

    assert await inbox_ids(world, contact_id=contact_id) == ana
    first = await world.get("/api/v1/inbox/conversations", contact_id=contact_id, limit=1)
    rest = await world.get(
        "/api/v1/inbox/conversations",
        contact_id=contact_id,
        limit=1,
        cursor=first["next_cursor"],
    )
    assert [item["id"] for item in first["items"] + rest["items"]] == ana
    assert rest["next_cursor"] is None
    assert await inbox_ids(world, contact_id=contact_id, channel_account_id=str(second_number)) == [
        ana[0]
    ]
    assert await inbox_ids(world, contact_id=str(uuid.uuid4())) == []
    other = World(
        world.app, world.settings, world.client, world.gateway
    )  # another tenant, same customer
    theirs = await other.deliver(phone="+5511987650001", name="Ana")
    assert await inbox_ids(other, contact_id=contact_id) == [], (
        "another tenant's contact id lists nothing"
    )
    their_contact = (await other.conversation_of(theirs))["contact"]["id"]
    assert await inbox_ids(other, contact_id=their_contact) == [str(theirs.conversation_id)]
    assert await inbox_ids(world, contact_id=their_contact) == []
    bad = await world.client.get(
        "/api/v1/inbox/conversations",
        params={"contact_id": "not-a-uuid"},
        headers=world.agent.headers,
    )
    assert bad.status_code == 422


async def test_search_finds_names_phone_digits_and_message_text(world: World) -> None:
    ana = await world.deliver(phone="+5511987650001", name="Ana Paula", text="quero um orçamento")
    bruno = await world.deliver(phone="+5521912340002", name="Bruno", text="qual o horário?")
    ids = {str(ana.conversation_id)}, {str(bruno.conversation_id)}

    assert set(await inbox_ids(world, q="paula")) == ids[0]
    assert set(await inbox_ids(world, q="(21) 91234")) == ids[1]
    assert set(await inbox_ids(world, q="ORÇAMENTO")) == ids[0]
    assert set(await inbox_ids(world, q="horário")) == ids[1]
    assert await inbox_ids(world, q="100%_") == [], "wildcards are taken literally"


async def test_agents_assign_themselves_and_managers_assign_anyone(world: World) -> None:
    message = await world.deliver()
    url = f"/api/v1/inbox/conversations/{message.conversation_id}/assign"
    agent, colleague, manager = world.agent, world.caller(Role.agent), world.manager

    to_colleague = await world.client.post(
        url, json={"user_id": str(colleague.user_id)}, headers=agent.headers
    )
    assert to_colleague.status_code == 403
    assert to_colleague.json()["code"] == "assignment_not_allowed"
    taken = await world.client.post(
        url, json={"user_id": str(agent.user_id)}, headers=agent.headers
    )
    assert taken.status_code == 200
    stolen = await world.client.post(
        url, json={"user_id": str(colleague.user_id)}, headers=colleague.headers
    )
    assert stolen.status_code == 403, "an agent cannot take a colleague's conversation"
    handed = await world.client.post(
        url, json={"user_id": str(colleague.user_id)}, headers=manager.headers
    )
    assert handed.json()["assigned_user_id"] == str(colleague.user_id)
    released = await world.client.post(url, json={"user_id": None}, headers=colleague.headers)
    assert released.json()["assigned_user_id"] is None
