"""What became of the campaign's send requests: the ledger moves, the window frees up.

The sender's outcomes (``messages.outcome.v1``, only the campaign origin's) move a
``requested`` row to ``accepted`` or ``failed``; a repeated outcome finds the row no
longer requested and changes nothing, so no claim table is needed. Per-recipient failures
never stop a campaign; a failure that says the number itself cannot send (its token, a
spam flag, a paused account) pauses it at once with that reason, and a surge of failures
(half of the last ``SURGE_WINDOW`` outcomes) pauses it as ``failure_surge``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.campaigns.lifecycle import move
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign, Recipient
from mia_campaigns.templates.rendering import MissingVariable
from mia_common.contracts import Envelope, SendOrigin, SendOutcome, SendResult
from mia_common.contracts.campaigns import CampaignStatus, RecipientOutcome, RecipientState
from mia_common.outbox import add_events

__all__ = ["ACCOUNT_FAILURES", "SURGE_MINIMUM", "SURGE_WINDOW", "record_outcomes"]

ACCOUNT_FAILURES = frozenset(
    {
        "account_paused",
        "account_deleted",
        "unknown_account",
        "daily_limit_reached",
        "0",  # Meta: AuthException
        "190",  # Meta: access token expired
        "3",
        "10",  # Meta: permission
        "131048",  # Meta: spam rate limit
        "131031",  # Meta: business account locked
        "131042",  # Meta: payment issue
        "133010",  # Meta: number not registered
    }
)
"""Failure codes that no other recipient's send would escape: the campaign pauses."""
SURGE_WINDOW = 50
SURGE_MINIMUM = 20

_RECORD = text(
    """
    UPDATE campaign_recipients AS r
    SET state = o.state, external_message_id = o.message_id, reason = o.reason,
        detail = o.detail, updated_at = :now
    FROM unnest(CAST(:ids AS uuid[]), CAST(:states AS text[]), CAST(:message_ids AS text[]),
                CAST(:reasons AS text[]), CAST(:details AS text[]))
        AS o(id, state, message_id, reason, detail)
    WHERE r.id = o.id AND r.state = 'requested'
    RETURNING r.campaign_id, r.tenant_id, r.contact_id, r.state, r.reason,
        r.external_message_id
    """
)

_FINISHED = (
    RecipientState.ACCEPTED.value,
    RecipientState.FAILED.value,
    RecipientState.DELIVERED.value,
    RecipientState.READ.value,
    RecipientState.REPLIED.value,
)


async def record_outcomes(
    session: AsyncSession,
    outcomes: list[Envelope[SendOutcome]],
    *,
    events: CampaignEvents,
    now: datetime | None = None,
) -> set[uuid.UUID]:
    """Apply the campaign outcomes among ``outcomes``; the campaigns that got room."""
    now = now or datetime.now(UTC)
    mine = [e.data for e in outcomes if e.data.origin == SendOrigin.CAMPAIGN]
    if not mine:
        return set()
    accepted = [o.result == SendResult.ACCEPTED for o in mine]
    params = {
        "ids": [o.request_id for o in mine],
        "states": [
            RecipientState.ACCEPTED.value if ok else RecipientState.FAILED.value for ok in accepted
        ],
        "message_ids": [o.external_message_id for o in mine],
        "reasons": [o.error.code if o.error else None for o in mine],
        "details": [(o.error.detail or o.error.title)[:1000] if o.error else None for o in mine],
        "now": now,
    }
    # One statement for the batch, whatever its size (arrays, so it is prepared once per
    # connection); a row moves only while still requested, and the rows that moved come
    # back (an outcome repeated by a redelivery finds its row moved already).
    changed = await session.execute(_RECORD, params)
    by_campaign: dict[uuid.UUID, list[RecipientOutcome]] = defaultdict(list)
    tenants: dict[uuid.UUID, uuid.UUID] = {}
    account_failure: dict[uuid.UUID, str] = {}
    for campaign_id, tenant_id, contact_id, state, reason, message_id in changed:
        tenants[campaign_id] = tenant_id
        by_campaign[campaign_id].append(
            RecipientOutcome(
                contact_id=contact_id,
                state=RecipientState(state),
                reason=reason,
                external_message_id=message_id,
            )
        )
        if state == RecipientState.FAILED.value and reason in ACCOUNT_FAILURES:
            account_failure.setdefault(campaign_id, reason)
    staged = []
    for campaign_id, recipients in by_campaign.items():
        staged += events.recipients_updated(
            tenant_id=tenants[campaign_id], campaign_id=campaign_id, outcomes=recipients, now=now
        )
    await add_events(session, staged)
    for campaign_id, recipients in by_campaign.items():
        if any(r.state == RecipientState.FAILED for r in recipients):
            reason = account_failure.get(campaign_id)
            if reason is None and await _surging(session, campaign_id):
                reason = "failure_surge"
            if reason is not None:
                await _pause_for(session, campaign_id, reason, events=events, now=now)
    return set(by_campaign)


async def _surging(session: AsyncSession, campaign_id: uuid.UUID) -> bool:
    recent = (
        select(Recipient.state)
        .where(
            Recipient.campaign_id == campaign_id,
            Recipient.state.in_(_FINISHED),
            Recipient.reason.is_distinct_from(MissingVariable.code),
        )
        .order_by(Recipient.updated_at.desc())
        .limit(SURGE_WINDOW)
        .subquery()
    )
    total, failed = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(recent.c.state == RecipientState.FAILED.value),
            ).select_from(recent)
        )
    ).one()
    return total >= SURGE_MINIMUM and failed * 2 >= total


async def _pause_for(
    session: AsyncSession,
    campaign_id: uuid.UUID,
    reason: str,
    *,
    events: CampaignEvents,
    now: datetime,
) -> None:
    campaign = await session.scalar(
        select(Campaign).where(Campaign.id == campaign_id).with_for_update()
    )
    if campaign is None or campaign.status != CampaignStatus.RUNNING.value:
        return
    await move(
        session,
        campaign,
        CampaignStatus.PAUSED,
        events=events,
        now=now,
        reason=reason,
        detail="paused by the platform: the channel refused the campaign's sends",
    )
