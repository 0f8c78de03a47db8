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

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

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


async def in_flight(session: AsyncSession, campaign_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                Recipient.campaign_id == campaign_id,
                Recipient.state == RecipientState.REQUESTED.value,
            )
        )
        or 0
    )


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
    flying = await in_flight(session, campaign.id)
    room = min(campaign.in_flight_limit - flying, _spend_allowance(campaign, now))
    rows: list[Recipient] = []
    if room > 0:
        rows = list(
            await session.scalars(
                select(Recipient)
                .where(
                    Recipient.campaign_id == campaign.id,
                    Recipient.state == RecipientState.QUEUED.value,
                    *(
                        [window_condition(campaign.send_window, now)]
                        if campaign.send_window
                        else []
                    ),
                )
                .order_by(Recipient.seq)
                .limit(room)
                .with_for_update(skip_locked=True)
            )
        )
    if not rows:
        if flying == 0 and not await _any_queued(session, campaign.id):
            await move(session, campaign, CampaignStatus.COMPLETED, events=events, now=now)
            return Filled(completed=True)
        return Filled()
    messages = campaign_messages(campaign)
    staged = []
    requested: list[uuid.UUID] = []
    failed = 0
    for row in rows:
        recipient = f"{row.name or 'contact'} ({row.address})"
        try:
            message = messages[row.variant or 0]
            content = message.content(row.values, recipient=recipient)
        except MissingVariable as exc:
            row.state = RecipientState.FAILED.value
            row.reason = MissingVariable.code
            row.detail = str(exc)[:1000]
            row.updated_at = now
            failed += 1
            continue
        request = SendRequest(
            request_id=row.id,
            channel=Channel(campaign.channel),
            channel_account_id=campaign.channel_account_id,
            to=row.address,
            content=content,
            origin=SendOrigin.CAMPAIGN,
            origin_ref=str(campaign.id),
        )
        staged.append(events.send(tenant_id=campaign.tenant_id, request=request))
        requested.append(row.id)
    if campaign.rate_per_second is not None:
        campaign.allowance -= len(rows)
    await session.flush()
    if requested:
        await session.execute(
            update(Recipient)
            .where(Recipient.id.in_(requested))
            .values(state=RecipientState.REQUESTED.value, requested_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await add_events(session, staged)
    return Filled(requested=len(requested), failed=failed)


async def _any_queued(session: AsyncSession, campaign_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(Recipient.id)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.state == RecipientState.QUEUED.value,
        )
        .limit(1)
    )
    return found is not None
