"""``inbox.events.v1`` on real Kafka: what dashboards hear when the inbox changes.

Each action ends with a marker event on the same conversation (same key, so same
partition, published in commit order): once the marker is read, every event the
earlier actions produced has been read too, and a test can assert that there are none
it did not expect.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mia_common.contracts import ChannelError, StatusValue
from mia_common.testing import wait_until
from support.events import wamid
from support.world import InboxRecord, World

INBOX = "/api/v1/inbox/conversations"


def about(events: list[InboxRecord], conversation_id: uuid.UUID | str) -> list[InboxRecord]:
    return [event for event in events if event.conversation_id == str(conversation_id)]


def changes(events: list[InboxRecord]) -> list[tuple[str, str | None]]:
    return [(event.change, event.message_id) for event in events]


def is_event(change: str, *, message_id: str) -> Callable[[InboxRecord], bool]:
    return lambda event: event.change == change and event.message_id == message_id


async def reply(world: World, conversation_id: uuid.UUID | str, text: str = "hi") -> str:
    response = await world.reply(conversation_id, {"type": "text", "text": text})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def test_a_customers_message_and_an_agents_reply_are_announced_to_their_tenant(
    world: World,
) -> None:
    inbound = await world.deliver(text="Tem o vestido azul?")
    reply_id = await reply(world, inbound.conversation_id, "Temos sim!")

    events = await world.inbox_events(until=is_event("message_created", message_id=reply_id))

    mine = about(events, inbound.conversation_id)
    assert changes(mine) == [
        ("message_created", str(inbound.id)),
        ("message_created", reply_id),
    ]
    conversation = await world.conversation_of(inbound)
    for event in mine:
        assert event.key == str(inbound.conversation_id).encode(), "keyed by conversation"
        assert event.tenant_id == str(world.tenant_id), "the gateway routes by this"
        assert event.envelope["type"] == "inbox.events.v1"
        assert event.envelope["source"] == "/services/crm"
        assert event.envelope["subject"] == str(inbound.conversation_id)
        assert event.envelope["data"]["contact_id"] == conversation["contact"]["id"]
    # Published after the commit: a dashboard refetching on the event finds the reply.
    assert (await world.message(inbound.conversation_id, reply_id))["text"] == "Temos sim!"


async def test_a_redelivered_inbound_message_is_announced_once(world: World) -> None:
    first = world.inbound(text="first")
    await world.publish(world.settings.inbound_topic, first)
    await world.publish(world.settings.inbound_topic, first)  # the same event again
    # A channel retry the ingest published as a new event: same channel message id.
    await world.publish(
        world.settings.inbound_topic,
        world.inbound(external_id=first.data.external_message_id, text="first"),
    )
    stored = await world.stored(first.data.external_message_id)
    second = await world.deliver(text="second")
    assert second.conversation_id == stored.conversation_id

    events = await world.inbox_events(until=is_event("message_created", message_id=str(second.id)))

    assert changes(about(events, stored.conversation_id)) == [
        ("message_created", str(stored.id)),
        ("message_created", str(second.id)),
    ]
    conversation = await world.conversation_of(stored)
    assert conversation["unread_count"] == 2


async def test_status_moves_are_announced_and_repeated_or_backward_ones_are_not(
    world: World,
) -> None:
    inbound = await world.deliver()
    conversation_id = inbound.conversation_id
    first, second = await reply(world, conversation_id), await reply(world, conversation_id)
    channel_id = wamid()

    await world.outcome(message_id=uuid.UUID(first), external_id=channel_id)
    await world.inbox_events(until=is_event("message_status", message_id=first))
    assert (await world.message(conversation_id, first))["status"] == "accepted"
    read_at = datetime.now(UTC)
    await world.status(external_id=channel_id, value=StatusValue.READ, occurred_at=read_at)
    await world.status(external_id=channel_id, value=StatusValue.READ, occurred_at=read_at)
    await world.status(external_id=channel_id, value=StatusValue.DELIVERED)
    await world.status(
        external_id=channel_id,
        value=StatusValue.FAILED,
        error=ChannelError(code="131000", title="Something went wrong", permanent=False),
    )
    # Same tenant key on the status topic: handled after the four above.
    await world.status(external_id=wamid(), value=StatusValue.SENT, send_request_id=second)

    events = await world.inbox_events(until=is_event("message_status", message_id=second))

    assert changes(about(events, conversation_id)) == [
        ("message_created", str(inbound.id)),
        ("message_created", first),
        ("message_created", second),
        ("message_status", first),  # accepted
        ("message_status", first),  # read; the repeat, the late delivered, the failed: none
        ("message_status", second),
    ]
    message = await world.message(conversation_id, first)
    assert message["status"] == "read"
    assert [entry["status"] for entry in message["status_timeline"]] == [
        "accepted",
        "read",
        "delivered",
        "failed",
    ]


async def test_an_early_status_applied_later_and_a_failed_send_are_announced(
    world: World,
) -> None:
    inbound = await world.deliver()
    conversation_id = inbound.conversation_id
    early, failing = await reply(world, conversation_id), await reply(world, conversation_id)
    channel_id = wamid()

    await world.status(external_id=channel_id, value=StatusValue.SENT)
    await wait_until(lambda: world.parked(channel_id), timeout=30, message="receipt parked")
    await world.outcome(message_id=uuid.UUID(early), external_id=channel_id)
    await world.outcome(
        message_id=uuid.UUID(failing),
        external_id=None,
        accepted=False,
        error=ChannelError(code="131047", title="Re-engagement message", permanent=True),
    )

    events = await world.inbox_events(until=is_event("message_status", message_id=failing))

    statuses = [e for e in about(events, conversation_id) if e.change == "message_status"]
    assert changes(statuses) == [("message_status", early), ("message_status", failing)], (
        "the parked receipt is announced with the outcome that applied it, not before"
    )
    assert (await world.message(conversation_id, early))["status"] == "sent"
    failed = await world.message(conversation_id, failing)
    assert (failed["status"], failed["error"]["code"]) == ("failed", "131047")


async def test_reading_assigning_closing_and_notes_are_announced_only_when_they_change_it(
    world: World,
) -> None:
    inbound = await world.deliver()
    url = f"{INBOX}/{inbound.conversation_id}"
    headers = world.agent.headers
    me = {"user_id": str(world.agent.user_id)}

    for path, body in (
        ("read", None),
        ("read", None),  # already read
        ("assign", me),
        ("assign", me),  # already mine
        ("status", {"status": "closed"}),
        ("status", {"status": "closed"}),  # already closed
        ("notes", {"text": "called, no answer"}),
        ("notes", {"text": "call again at 3pm"}),  # every note is news
    ):
        response = await world.client.post(f"{url}/{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
    marker = await reply(world, inbound.conversation_id)

    events = await world.inbox_events(until=is_event("message_created", message_id=marker))

    assert changes(about(events, inbound.conversation_id)) == [
        ("message_created", str(inbound.id)),
        *[("conversation_updated", None)] * 5,
        ("message_created", marker),
    ]
    conversation = await world.conversation_of(inbound)
    assert (conversation["unread_count"], conversation["status"]) == (0, "closed")
    assert conversation["assigned_user_id"] == str(world.agent.user_id)


async def test_a_tenants_actions_are_announced_only_to_that_tenant(world: World) -> None:
    other = World(world.app, world.settings, world.client, world.gateway)
    ours = await world.deliver(phone="+5511955554444")
    theirs = await other.deliver(phone="+5511955554444")
    their_url = f"{INBOX}/{theirs.conversation_id}"
    for path, body in (
        ("read", None),
        ("assign", {"user_id": str(other.agent.user_id)}),
        ("status", {"status": "closed"}),
        ("notes", {"text": "vip"}),
    ):
        done = await world.client.post(
            f"{their_url}/{path}", json=body, headers=other.agent.headers
        )
        assert done.status_code in (200, 201), done.text
        # The same action by our agent on their conversation: not found, nothing announced.
        refused = await world.client.post(
            f"{their_url}/{path}", json=body, headers=world.agent.headers
        )
        assert refused.status_code == 404, refused.text
    refused_reply = await world.reply(theirs.conversation_id, {"type": "text", "text": "hi"})
    assert refused_reply.status_code == 404
    their_marker = await reply(other, theirs.conversation_id)
    our_marker = await reply(world, ours.conversation_id)

    await world.inbox_events(until=is_event("message_created", message_id=their_marker))
    events = await world.inbox_events(until=is_event("message_created", message_id=our_marker))

    theirs_heard = [e for e in events if e.tenant_id == str(other.tenant_id)]
    ours_heard = [e for e in events if e.tenant_id == str(world.tenant_id)]
    assert changes(theirs_heard) == [
        ("message_created", str(theirs.id)),
        *[("conversation_updated", None)] * 4,
        ("message_created", their_marker),
    ]
    assert {e.conversation_id for e in theirs_heard} == {str(theirs.conversation_id)}
    assert changes(ours_heard) == [
        ("message_created", str(ours.id)),
        ("message_created", our_marker),
    ]
    assert {e.conversation_id for e in ours_heard} == {str(ours.conversation_id)}


async def test_a_reply_repeated_with_its_idempotency_key_is_announced_once(world: World) -> None:
    inbound = await world.deliver(sent_at=datetime.now(UTC) - timedelta(minutes=1))
    key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
    body = {"type": "text", "text": "once"}

    first = await world.reply(inbound.conversation_id, body, headers=key)
    again = await world.reply(inbound.conversation_id, body, headers=key)
    marker = await reply(world, inbound.conversation_id, "marker")

    assert first.json()["id"] == again.json()["id"]
    events = await world.inbox_events(until=is_event("message_created", message_id=marker))
    assert changes(about(events, inbound.conversation_id)) == [
        ("message_created", str(inbound.id)),
        ("message_created", first.json()["id"]),
        ("message_created", marker),
    ]


async def test_renaming_a_contact_updates_each_of_its_conversations_and_an_email_does_not(
    world: World,
) -> None:
    inbound = await world.deliver()
    contact_id = (await world.conversation_of(inbound))["contact"]["id"]
    url = f"/api/v1/contacts/{contact_id}"
    headers = world.agent.headers

    for body in (
        {"name": "Maria Aparecida"},
        {"name": "Maria Aparecida"},  # the same name: nothing to show
        {"email": "maria@example.com"},  # not shown in the inbox
    ):
        response = await world.client.patch(url, json=body, headers=headers)
        assert response.status_code == 200, response.text
    marker = await reply(world, inbound.conversation_id)

    events = await world.inbox_events(until=is_event("message_created", message_id=marker))

    assert changes(about(events, inbound.conversation_id)) == [
        ("message_created", str(inbound.id)),
        ("conversation_updated", None),
        ("message_created", marker),
    ]
    renamed = await world.conversation_of(inbound)
    assert renamed["contact"]["name"] == "Maria Aparecida"
