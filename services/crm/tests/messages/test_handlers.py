"""Inbound messages handled in batches: each conversation in order, each message once, a
poison message set aside alone.

The events are published back to back, as meta-ingest does under load, so the consumer
takes several of them in one poll; what a test asserts holds however they are batched.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from mia_common.contracts import Envelope, InboundMessage, dead_letter_topic
from mia_common.testing import read_up_to_marker
from support.world import InboxRecord, World


def conversation_key(world: World, envelope: Envelope[InboundMessage]) -> str:
    """The key meta-ingest gives an inbound message: one conversation, one partition."""
    sender = envelope.data.from_address or envelope.data.from_user_id
    return f"{world.tenant_id}:{envelope.data.channel_account_id}:{sender}"


async def publish_together(
    world: World, envelopes: list[Envelope[InboundMessage]], key: str | None = None
) -> None:
    """Each with its conversation's key (or all with ``key``), in one produce request."""
    await world.publish_together(
        world.settings.inbound_topic,
        [(envelope, key or conversation_key(world, envelope)) for envelope in envelopes],
    )


def heard_all(message_ids: set[str]) -> Callable[[InboxRecord], bool]:
    """True once an event about each of ``message_ids`` has been read (a conversation's
    events are in order: its last one says the earlier ones were read)."""
    heard: set[str] = set()

    def check(event: InboxRecord) -> bool:
        if event.message_id is not None:
            heard.add(event.message_id)
        return message_ids <= heard

    return check


async def test_a_burst_from_several_customers_keeps_each_conversation_in_order(
    world: World,
) -> None:
    # One second for all: the thread's order then comes from the order of storing alone.
    sent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    phones = ["+5511900000001", "+5511900000002", "+5511900000003"]
    burst = [
        world.inbound(phone=phone, text=f"{phone} #{index}", sent_at=sent_at)
        for index in range(8)
        for phone in phones
    ]

    await publish_together(world, burst)

    lasts = [await world.stored(envelope.data.external_message_id) for envelope in burst[-3:]]
    events = await world.inbox_events(until=heard_all({str(m.id) for m in lasts}))
    for phone, last in zip(phones, lasts, strict=True):
        texts = [f"{phone} #{index}" for index in range(8)]
        thread = await world.messages(last.conversation_id)
        assert [m["text"] for m in thread] == texts[::-1], "newest first, in publishing order"
        conversation = await world.conversation_of(last)
        assert conversation["unread_count"] == 8
        assert conversation["last_message"]["preview"] == texts[-1]
        announced = [
            e.message_id
            for e in events
            if e.conversation_id == str(last.conversation_id) and e.change == "message_created"
        ]
        assert announced == [m["id"] for m in reversed(thread)], "announced once each, in order"
    contacts = (await world.get("/api/v1/contacts"))["items"]
    assert sorted(c["phone"] for c in contacts) == phones


async def test_a_poison_message_is_dead_lettered_alone_and_its_batch_stored_once(
    world: World,
) -> None:
    good = world.inbound(phone="+5511987650010", text="before")
    # A phone number no country has: the contract's pattern passes, phonenumbers does not.
    poison = world.inbound(phone="+999123456789", text="poison")
    after = world.inbound(phone="+5511987650010", text="after")
    key = conversation_key(world, good)
    await publish_together(world, [good, poison, after], key)

    stored = await world.stored(after.data.external_message_id)

    # The poison was dead-lettered before the message after it was handled: everything
    # the batch sent there is on the topic before a marker produced now.
    dead = [
        record
        for record in await read_up_to_marker(
            world.settings.kafka_bootstrap_servers,
            dead_letter_topic(world.settings.inbound_topic),
        )
        if record.key == key.encode()
    ]
    assert [record.header("x-dlq-error-type") for record in dead] == ["PermanentError"]
    assert dead[0].envelope["id"] == str(poison.id), "the poison, byte for byte"
    thread = await world.messages(stored.conversation_id)
    assert [m["text"] for m in thread] == ["after", "before"]
    assert (await world.conversation_of(stored))["unread_count"] == 2
    events = await world.inbox_events(until=heard_all({str(stored.id)}))
    assert [e.message_id for e in events if e.conversation_id == str(stored.conversation_id)] == [
        m["id"] for m in reversed(thread)
    ], "each good message announced once: the failed batch's attempt left nothing behind"
