"""Who an inbound message is from: a contact found by phone or user id, linked, merged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support.world import World


async def test_a_user_id_only_sender_becomes_a_contact_then_gets_linked_to_their_phone(
    world: World,
) -> None:
    first = await world.deliver(phone=None, user_id="BR.1234567890", name="Bia")
    contact = (await world.conversation_of(first))["contact"]
    assert (contact["phone"], contact["user_id"]) == (None, "BR.1234567890")

    second = await world.deliver(phone="+5521987654321", user_id="BR.1234567890", name="Bia")

    assert second.conversation_id == first.conversation_id
    linked = (await world.conversation_of(second))["contact"]
    assert linked == {**contact, "phone": "+5521987654321"}
    contacts = await world.get("/api/v1/contacts")
    assert len(contacts["items"]) == 1


async def test_a_message_naming_both_ids_merges_the_phone_and_user_id_contacts(
    world: World,
) -> None:
    by_phone = await world.deliver(phone="+5531987654321", name="Caio", text="by phone")
    by_user_id = await world.deliver(phone=None, user_id="BR.777", name=None, text="by user id")
    assert by_phone.conversation_id != by_user_id.conversation_id

    both = await world.deliver(phone="+5531987654321", user_id="BR.777", text="both")

    contacts = (await world.get("/api/v1/contacts"))["items"]
    assert len(contacts) == 1, "one person, one contact"
    assert (contacts[0]["phone"], contacts[0]["user_id"], contacts[0]["name"]) == (
        "+5531987654321",
        "BR.777",
        "Caio",
    )
    assert both.conversation_id == by_phone.conversation_id
    thread = await world.messages(both.conversation_id)
    assert [m["text"] for m in thread] == ["both", "by user id", "by phone"]
    conversation = await world.conversation_of(both)
    assert conversation["unread_count"] == 3
    gone = await world.client.get(
        f"/api/v1/inbox/conversations/{by_user_id.conversation_id}", headers=world.agent.headers
    )
    assert gone.status_code == 404


async def test_a_batch_that_links_a_user_id_to_a_phone_makes_one_contact_and_one_thread(
    world: World,
) -> None:
    sent_at = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
    by_user_id = world.inbound(phone=None, user_id="BR.55555", text="by user id", sent_at=sent_at)
    by_phone = world.inbound(phone="+5531987650011", text="by phone", sent_at=sent_at)
    both = world.inbound(phone="+5531987650011", user_id="BR.55555", text="both", sent_at=sent_at)
    # One key, one produce request: handled in this order, in one batch.
    key = f"{world.tenant_id}:{world.account_id}:+5531987650011"
    await world.publish_together(
        world.settings.inbound_topic, [(envelope, key) for envelope in (by_user_id, by_phone, both)]
    )

    stored = await world.stored(both.data.external_message_id)

    contacts = (await world.get("/api/v1/contacts"))["items"]
    assert [(c["phone"], c["user_id"]) for c in contacts] == [("+5531987650011", "BR.55555")]
    thread = await world.messages(stored.conversation_id)
    assert [m["text"] for m in thread] == ["both", "by phone", "by user id"]
    conversations = (await world.get("/api/v1/inbox/conversations"))["items"]
    assert [(c["id"], c["unread_count"]) for c in conversations] == [
        (str(stored.conversation_id), 3)
    ]


async def test_a_customer_who_writes_first_is_announced_as_a_new_contact_once(
    world: World,
) -> None:
    first = await world.deliver(phone="+5511987650777", name="Dora", text="oi")
    contact_id = await world.contact_id_of(first)
    await world.deliver(phone="+5511987650777", name="Dora", text="de novo")
    # An edit after both messages: its event comes after anything they announced (one key).
    edited = await world.send("PATCH", f"/api/v1/contacts/{contact_id}", {"name": "Dora S."})
    assert edited.status_code == 200, edited.text

    events = await world.contact_events(contact_id, until=lambda e: e["type"] == "contact.updated")

    created = [e["data"] for e in events if e["type"] == "contact.created"]
    assert len(created) == 1
    assert (created[0]["contact"]["phone"], created[0]["contact"]["name"]) == (
        "+5511987650777",
        "Dora",
    )
    assert created[0]["contact"]["time_zone"] == "America/Sao_Paulo"
    assert created[0]["actor_user_id"] is None
