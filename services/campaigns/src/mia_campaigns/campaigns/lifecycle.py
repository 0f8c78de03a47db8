"""Which status may follow which, and the one function that moves a campaign.

draft -> scheduled | running; scheduled -> running | cancelled; running <-> paused;
running -> completed | failed; running | paused | scheduled -> cancelled. Every move stages
``campaign.status_changed`` in the transaction that makes it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.campaigns.errors import CampaignStateConflict
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign
from mia_common.contracts.campaigns import CampaignStatus as S
from mia_common.outbox import add_events

__all__ = ["ALLOWED", "move"]

ALLOWED: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.RUNNING}),
    S.SCHEDULED: frozenset({S.RUNNING, S.CANCELLED}),
    S.RUNNING: frozenset({S.PAUSED, S.COMPLETED, S.FAILED, S.CANCELLED}),
    S.PAUSED: frozenset({S.RUNNING, S.CANCELLED, S.FAILED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.FAILED: frozenset(),
}


async def move(
    session: AsyncSession,
    campaign: Campaign,
    to: S,
    *,
    events: CampaignEvents,
    now: datetime,
    actor_user_id: uuid.UUID | None = None,
    reason: str | None = None,
    detail: str | None = None,
) -> None:
    """Move ``campaign`` (held locked by the caller) to ``to``; 409 when not allowed."""
    current = S(campaign.status)
    if to not in ALLOWED[current]:
        raise CampaignStateConflict(
            f"a {current.value} campaign cannot become {to.value}",
            current_status=current.value,
        )
    campaign.status = to.value
    campaign.status_reason = reason
    campaign.status_detail = detail
    if to == S.RUNNING and campaign.started_at is None:
        campaign.started_at = now
    if to in (S.COMPLETED, S.CANCELLED, S.FAILED):
        campaign.finished_at = now
    await session.flush()
    await add_events(
        session,
        [events.status_changed(campaign, previous=current, actor_user_id=actor_user_id, now=now)],
    )
