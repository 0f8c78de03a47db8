"""After the send: receipts, replies, opt-outs and erasures move the ledger."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from mia_common.contracts import (
    Channel,
    Envelope,
    InboundMessage,
    MessageKind,
    MessageStatus,
    StatusValue,
)
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentSource,
    ConsentStatus,
    ContactErased,
)
from mia_common.testing import wait_until
from support.world import World, ledger_counts


def _status(
    world: World, request_id: uuid.UUID, to: str, value: StatusValue
) -> Envelope[MessageStatus]:
    return Envelope[MessageStatus](
        type="messages.status.v1",
        source="/tests",
        tenantid=world.tenant_id,
        data=MessageStatus(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=world.account_id,
            external_message_id=f"wamid.{request_id.hex}",
            recipient=to,
            status=value,
            occurred_at=datetime.now(UTC),
            send_request_id=str(request_id),
        ),
    )


async def _states(world: World, campaign_id: str) -> dict[str, int]:
    return await ledger_counts(world.settings, campaign_id)


async def test_receipts_move_recipients_forward_and_never_back(world: World) -> None:
    contacts = world.contacts(3)
    created = await world.create(contacts)
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")
    first, second, third = world.sender.requests(world.account_id)
    topic = world.settings.status_topic

    # One batch, as the sender's statuses arrive under load; a late "delivered" after
    # "read" leaves the first at read.
    await world.publish_together(
        topic,
        [
            _status(world, first.request_id, first.to or "", StatusValue.READ),
            _status(world, second.request_id, second.to or "", StatusValue.DELIVERED),
            _status(world, first.request_id, first.to or "", StatusValue.DELIVERED),
            _status(world, third.request_id, third.to or "", StatusValue.FAILED),
        ],
        "k",
    )

    async def moved() -> dict[str, int] | None:
        counts = await _states(world, created["id"])
        return counts if counts.get("failed") == 1 and counts.get("read") == 1 else None

    counts = await wait_until(moved, timeout=20, message="receipts applied")
    assert counts == {"read": 1, "delivered": 1, "failed": 1}


async def test_a_recipient_who_writes_back_is_marked_replied(world: World) -> None:
    contacts = world.contacts(2)
    created = await world.create(contacts)
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")
    reply = Envelope[InboundMessage](
        type="messages.inbound.v1",
        source="/tests",
        tenantid=world.tenant_id,
        data=InboundMessage(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=world.account_id,
            external_message_id=f"wamid.in.{uuid.uuid4().hex}",
            from_address=contacts[1]["phone"],
            to_address="+5511000000000",
            kind=MessageKind.TEXT,
            text="Quero saber mais",
            sent_at=datetime.now(UTC),
        ),
    )
    # Someone who got no campaign writes too: nothing of theirs changes.
    stranger = reply.model_copy(
        update={"data": reply.data.model_copy(update={"from_address": "+5511955554444"})}
    )
    await world.publish_together(world.settings.inbound_topic, [stranger, reply], "k")

    counts = await wait_until(
        lambda: _replied(world, created["id"]), timeout=20, message="reply recorded"
    )
    assert counts == {"accepted": 1, "replied": 1}
    replied = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"state": "replied"},
        headers=world.manager.headers,
    )
    assert [r["contact_id"] for r in replied.json()["items"]] == [contacts[1]["id"]]


async def _replied(world: World, campaign_id: str) -> dict[str, int] | None:
    counts = await _states(world, campaign_id)
    return counts if counts.get("replied") else None


async def test_an_opt_out_stops_whatever_is_still_queued_for_the_person(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    contacts = world.contacts(10)
    created = await world.create(contacts, in_flight_limit=2)
    await world.launch(created["id"])
    await world.sender_count_reaches(2)
    # Someone not yet sent to (the snapshot's order is the contacts' id order).
    queued = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"state": "queued"},
        headers=world.manager.headers,
    )
    leaving_id = queued.json()["items"][3]["contact_id"]
    [leaving] = [c for c in contacts if c["id"] == leaving_id]
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
    await world.publish(world.settings.contacts_topic, opt_out, leaving["id"])

    async def cancelled() -> dict[str, int] | None:
        counts = await _states(world, created["id"])
        return counts if counts.get("cancelled") else None

    await wait_until(cancelled, timeout=20, message="the opt-out applied")
    world.sender.account(world.account_id).mode = "accept"
    await world.sender.release(world.account_id)
    done = await world.until_status(created["id"], "completed")

    assert leaving["phone"] not in world.sent_to()
    assert len(world.sent_to()) == 9
    assert done["counts"] == {"accepted": 9, "cancelled": 1}


async def test_an_erasure_forgets_the_person_in_every_campaign(world: World) -> None:
    contacts = world.contacts(2)
    created = await world.create(contacts)
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")
    gone = contacts[0]
    erased = Envelope[ContactErased](
        type="contact.erased",
        source="/tests",
        tenantid=world.tenant_id,
        data=ContactErased(
            contact_id=uuid.UUID(gone["id"]), phones=[gone["phone"]], occurred_at=datetime.now(UTC)
        ),
    )
    await world.publish(world.settings.contacts_topic, erased, gone["id"])

    async def forgotten() -> list[dict[str, object]] | None:
        page = await world.client.get(
            f"/api/v1/campaigns/{created['id']}/recipients", headers=world.manager.headers
        )
        items = page.json()["items"]
        mine = [r for r in items if r["contact_id"] == gone["id"]]
        return items if mine and mine[0]["address"] is None else None

    items = await wait_until(forgotten, timeout=20, message="the erasure applied")
    [kept] = [r for r in items if r["contact_id"] != gone["id"]]
    [erased_row] = [r for r in items if r["contact_id"] == gone["id"]]
    assert kept["address"] == contacts[1]["phone"]
    assert erased_row["name"] is None
    assert erased_row["state"] == "accepted"
