"""One refill of one campaign: top its in-flight send requests up to its window.

The whole refill is one transaction that holds the campaign row locked (``FOR UPDATE SKIP
LOCKED``: another process already filling it is left to it). It reads the status under
that lock, so once a pause or a cancel committed no later refill sends anything: what
still goes out is at most the window already requested. The queued rows it takes become
``requested`` in the same transaction that stages their send requests in the outbox, so a
crash before the commit leaves them queued (sent by the next refill) and a crash after it
leaves them requested with their requests stored (published by the relay): nobody is
skipped, and the sender's idempotency by request id means nobody gets a second copy.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from mia_campaigns.campaigns.lifecycle import move
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign, Recipient
from mia_campaigns.sending.messages import campaign_messages
from mia_campaigns.sending.window import window_condition
from mia_campaigns.templates.rendering import MissingVariable
from mia_common.contracts import Channel, SendOrigin, SendRequest
from mia_common.contracts.campaigns import CampaignStatus, RecipientState
from mia_common.outbox import add_events

__all__ = ["Filled", "fill"]


@dataclass(frozen=True)
class Filled:
    requested: int = 0
    failed: int = 0
    completed: bool = False


def _spend_allowance(campaign: Campaign, now: datetime) -> int:
    """How many sends the rate cap allows now (a token bucket of one second's burst)."""
    if campaign.rate_per_second is None:
        return campaign.in_flight_limit
    rate = campaign.rate_per_second
    last = campaign.allowance_at or now
    elapsed = max(0.0, (now - last).total_seconds())
    campaign.allowance = min(max(rate, 1.0), campaign.allowance + elapsed * rate)
    campaign.allowance_at = now
    return int(campaign.allowance)


async def fill(
    session: AsyncSession, *, campaign_id: uuid.UUID, events: CampaignEvents, now: datetime
) -> Filled:
    campaign = await session.scalar(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update(skip_locked=True)
    )
    if campaign is None or campaign.status != CampaignStatus.RUNNING.value:
        return Filled()
    allowance = _spend_allowance(campaign, now)
    rows = (await session.execute(_claim(campaign, allowance=allowance, now=now))).all()
    if not rows:
        if not await _any_open(session, campaign.id):
            await move(session, campaign, CampaignStatus.COMPLETED, events=events, now=now)
            return Filled(completed=True)
        return Filled()
    messages = campaign_messages(campaign)
    staged = []
    failures: list[dict[str, Any]] = []
    for row_id, name, address, variant, values in rows:
        recipient = f"{name or 'contact'} ({address})"
        try:
            message = messages[variant or 0]
            content = message.content(values, recipient=recipient)
        except MissingVariable as exc:
            failures.append({"row_id": row_id, "row_detail": str(exc)[:1000]})
            continue
        request = SendRequest(
            request_id=row_id,
            channel=Channel(campaign.channel),
            channel_account_id=campaign.channel_account_id,
            to=address,
            content=content,
            origin=SendOrigin.CAMPAIGN,
            origin_ref=str(campaign.id),
        )
        staged.append(events.send(tenant_id=campaign.tenant_id, request=request))
    if campaign.rate_per_second is not None:
        campaign.allowance -= len(rows)
    if failures:
        # Claimed as requested with the others; failed here, in the same transaction.
        await session.execute(_FAIL_MISSING, failures)
    await add_events(session, staged)
    return Filled(requested=len(staged), failed=len(failures))


_TABLE = cast(Table, Recipient.__table__)
_FAIL_MISSING = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(
        state=RecipientState.FAILED.value,
        reason=MissingVariable.code,
        detail=bindparam("row_detail"),
    )
)


def _claim(campaign: Campaign, *, allowance: int, now: datetime) -> ReturningUpdate[Any]:
    """One statement for the refill: count what is in flight, lock the next queued rows
    that fit in the window (and the rate cap's allowance, and the send window), and move
    them to requested; their values come back for rendering. Constant SQL for a campaign
    without a send window, so it is prepared once per connection."""
    table = _TABLE
    flying = (
        select(func.count())
        .select_from(table)
        .where(
            table.c.campaign_id == campaign.id,
            table.c.state == RecipientState.REQUESTED.value,
        )
        .scalar_subquery()
    )
    room = func.greatest(0, func.least(literal(campaign.in_flight_limit) - flying, allowance))
    picked = (
        select(table.c.id)
        .where(
            table.c.campaign_id == campaign.id,
            table.c.state == RecipientState.QUEUED.value,
            *([window_condition(campaign.send_window, now)] if campaign.send_window else []),
        )
        .order_by(table.c.seq)
        .limit(room)
        .with_for_update(skip_locked=True)
        .cte("picked")
    )
    return (
        update(table)
        .where(table.c.id == picked.c.id)
        .values(state=RecipientState.REQUESTED.value, requested_at=now, updated_at=now)
        .returning(table.c.id, table.c.name, table.c.address, table.c.variant, table.c["values"])
    )


async def _any_open(session: AsyncSession, campaign_id: uuid.UUID) -> bool:
    """Anything still queued or in flight (a campaign with neither has completed)."""
    found = await session.scalar(
        select(Recipient.id)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.state.in_((RecipientState.QUEUED.value, RecipientState.REQUESTED.value)),
        )
        .limit(1)
    )
    return found is not None
