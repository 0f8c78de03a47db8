"""Send outcomes and channel receipts on real Kafka: applied in order, parked when early."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mia_common.contracts import ChannelError, SendOrigin, StatusValue
from mia_common.testing import wait_until
from support.events import wamid
from support.world import World


async def replied(world: World) -> tuple[uuid.UUID, str]:
    inbound = await world.deliver()
    response = await world.reply(inbound.conversation_id, {"type": "text", "text": "hi"})
    assert response.status_code == 202, response.text
    return inbound.conversation_id, response.json()["id"]


async def wait_for_status(
    world: World, conversation_id: uuid.UUID, message_id: str, status: str, entries: int
) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        message = await world.message(conversation_id, message_id)
        done = message["status"] == status and len(message["status_timeline"]) == entries
        return message if done else None

    return await wait_until(
        reached, timeout=30, message=f"status {status} with {entries} timeline entries"
    )


async def test_outcome_then_receipts_end_read_with_a_timeline(world: World) -> None:
    conversation_id, message_id = await replied(world)
    channel_id = wamid()
    await world.outcome(message_id=uuid.UUID(message_id), external_id=channel_id)
    await wait_for_status(world, conversation_id, message_id, "accepted", 1)
    start = datetime.now(UTC)
    for minute, value in enumerate((StatusValue.SENT, StatusValue.DELIVERED, StatusValue.READ)):
        await world.status(
            external_id=channel_id, value=value, occurred_at=start + timedelta(minutes=minute)
        )

    message = await wait_for_status(world, conversation_id, message_id, "read", 4)

    assert message["external_message_id"] == channel_id
    assert [e["status"] for e in message["status_timeline"]] == [
        "accepted",
        "sent",
        "delivered",
        "read",
    ]
    conversation = await world.get(f"/api/v1/inbox/conversations/{conversation_id}")
    assert conversation["last_message"]["status"] == "read"


async def test_a_late_delivered_never_overwrites_read(world: World) -> None:
    conversation_id, message_id = await replied(world)
    channel_id = wamid()
    await world.outcome(message_id=uuid.UUID(message_id), external_id=channel_id)
    await wait_for_status(world, conversation_id, message_id, "accepted", 1)

    await world.status(external_id=channel_id, value=StatusValue.READ)
    await world.status(external_id=channel_id, value=StatusValue.DELIVERED)

    message = await wait_for_status(world, conversation_id, message_id, "read", 3)
    assert [e["status"] for e in message["status_timeline"]] == ["accepted", "read", "delivered"]


async def test_a_receipt_before_the_outcome_is_matched_by_our_request_id(world: World) -> None:
    conversation_id, message_id = await replied(world)
    channel_id = wamid()

    await world.status(
        external_id=channel_id, value=StatusValue.DELIVERED, send_request_id=message_id
    )
    early = await wait_for_status(world, conversation_id, message_id, "delivered", 1)
    assert early["external_message_id"] == channel_id, "learned from the receipt"
    await world.outcome(message_id=uuid.UUID(message_id), external_id=channel_id)

    message = await wait_for_status(world, conversation_id, message_id, "delivered", 2)
    assert [e["status"] for e in message["status_timeline"]] == ["delivered", "accepted"]


async def test_a_receipt_before_the_outcome_waits_for_the_channel_id(world: World) -> None:
    conversation_id, message_id = await replied(world)
    channel_id = wamid()

    await world.status(external_id=channel_id, value=StatusValue.SENT)
    await wait_until(lambda: world.parked(channel_id), timeout=30, message="receipt parked")
    await world.outcome(message_id=uuid.UUID(message_id), external_id=channel_id)

    message = await wait_for_status(world, conversation_id, message_id, "sent", 2)
    assert [e["status"] for e in message["status_timeline"]] == ["accepted", "sent"]
    assert await world.parked(channel_id) == [], "applied, then forgotten"


async def test_a_failed_send_carries_the_channels_error(world: World) -> None:
    conversation_id, message_id = await replied(world)

    await world.outcome(
        message_id=uuid.UUID(message_id),
        external_id=None,
        accepted=False,
        error=ChannelError(
            code="131047", title="Re-engagement message", permanent=True, detail="window"
        ),
    )

    message = await wait_for_status(world, conversation_id, message_id, "failed", 1)
    assert message["error"] == {"code": "131047", "title": "Re-engagement message"}
    assert message["status_timeline"][0]["error"]["code"] == "131047"


async def test_receipts_of_other_services_sends_are_neither_stored_nor_parked(
    world: World,
) -> None:
    campaign_message, cadence_message = wamid(), wamid()
    await world.status(
        external_id=campaign_message, value=StatusValue.DELIVERED, send_request_id="cmp-42"
    )
    await world.status(
        external_id=cadence_message, value=StatusValue.READ, send_request_id=str(uuid.uuid4())
    )
    # Same key, same partition: once this receipt of ours is parked, those were handled.
    ours_early = wamid()
    await world.status(external_id=ours_early, value=StatusValue.SENT)
    await wait_until(lambda: world.parked(ours_early), timeout=30, message="ours parked")

    assert await world.parked(campaign_message) == []
    assert await world.parked(cadence_message) == []


async def test_outcomes_of_other_origins_are_not_ours(world: World) -> None:
    conversation_id, message_id = await replied(world)
    await world.outcome(
        message_id=uuid.UUID(message_id), external_id=wamid(), origin=SendOrigin.CAMPAIGN
    )
    # Same key, same partition: once this one is applied, the campaign's was handled.
    await world.outcome(message_id=uuid.UUID(message_id), external_id=None, accepted=False)

    message = await wait_for_status(world, conversation_id, message_id, "failed", 1)
    assert message["external_message_id"] is None


async def test_a_receipt_arriving_while_its_outcome_commits_is_applied_not_parked(
    world: World,
) -> None:
    """The outcome naming the channel id is mid-transaction when the receipt comes: the
    receipt waits for it and is applied. (Each in its own transaction, the receipt used
    to find no message, park, and stay parked: the outcome had looked for parked receipts
    before the receipt's park was committed.)"""
    from sqlalchemy import text

    from mia_crm.statuses.service import apply_outcome, apply_receipt
    from support import events

    conversation_id, message_id = await replied(world)
    channel_id = wamid()
    sessions = world.app.state.context.infra.sessions
    inbox_topic = world.settings.inbox_topic
    now = datetime.now(UTC)
    outcome = events.outcome(
        tenant_id=world.tenant_id,
        account_id=world.account_id,
        message_id=uuid.UUID(message_id),
        external_id=channel_id,
    ).data
    receipt = events.status(
        tenant_id=world.tenant_id,
        account_id=world.account_id,
        external_id=channel_id,
        value=StatusValue.DELIVERED,
    ).data

    async with sessions() as outcome_session, outcome_session.begin():
        await apply_outcome(
            outcome_session,
            tenant_id=world.tenant_id,
            outcome=outcome,
            reported_at=now,
            inbox_topic=inbox_topic,
            now=now,
        )

        async def receive() -> Any:
            async with sessions() as session, session.begin():
                return await apply_receipt(
                    session,
                    tenant_id=world.tenant_id,
                    receipt=receipt,
                    inbox_topic=inbox_topic,
                    now=now,
                )

        receiving = asyncio.create_task(receive())

        async def receipt_waits_for_a_lock() -> bool:
            async with sessions() as probe:
                waiting = await probe.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database()"
                    )
                )
            return bool(waiting) or receiving.done()

        await wait_until(receipt_waits_for_a_lock, message="the receipt waiting or done")
        assert not receiving.done(), "the receipt did not wait for the outcome's commit"
    applied = await receiving
    assert applied is not None, "the receipt found its message once the outcome committed"
    assert await world.parked(channel_id) == [], "nothing left parked"
    message = await world.message(conversation_id, message_id)
    assert message["status"] == "delivered"
