"""What a launch would do, counted before it: who would get the message, who is left out
and why, and how many are outside the 24-hour window (only a template reaches them, and
each counts against the number's daily limit of unique customers).

The audience is read as the launch reads it (the crm's member stream) and nothing is
written. Duplicates are told apart by a set of the numbers seen (a few tens of bytes a
recipient); the frequency cap is checked against the ledger in chunks of ``CHUNK``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import MemberStream
from mia_campaigns.audiences.snapshot import CHUNK, exclusion_of
from mia_campaigns.models import Campaign, Recipient

__all__ = ["WINDOW", "AudienceReview", "review_audience"]

WINDOW = timedelta(hours=24)


@dataclass
class AudienceReview:
    members: int = 0
    recipients: int = 0
    outside_window: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    """Recipients by the country of their number (ISO code; ``ZZ``: unknown)."""


async def review_audience(
    session: AsyncSession,
    campaign: Campaign,
    stream: MemberStream,
    *,
    country_of: Any,
    now: datetime,
) -> AudienceReview:
    review = AudienceReview()
    seen: set[str] = set()
    pending: list[tuple[uuid.UUID, dict[str, Any]]] = []

    def exclude(reason: str) -> None:
        review.excluded[reason] = review.excluded.get(reason, 0) + 1

    async def settle(chunk: list[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        capped: set[uuid.UUID] = set()
        if campaign.frequency_cap_hours and chunk:
            since = now - timedelta(hours=campaign.frequency_cap_hours)
            capped = set(
                await session.scalars(
                    select(Recipient.contact_id).where(
                        Recipient.tenant_id == campaign.tenant_id,
                        Recipient.contact_id.in_([contact for contact, _ in chunk]),
                        Recipient.campaign_id != campaign.id,
                        Recipient.requested_at >= since,
                    )
                )
            )
        for contact_id, line in chunk:
            if contact_id in capped:
                exclude("frequency_cap")
                continue
            review.recipients += 1
            country = country_of(line["phone"])
            review.by_country[country] = review.by_country.get(country, 0) + 1
            wrote = line.get("last_inbound_at")
            if wrote is None or now - datetime.fromisoformat(wrote) > WINDOW:
                review.outside_window += 1

    async for line in stream.lines():
        review.members += 1
        reason = exclusion_of(line, campaign.channel, stream.requires_consent)
        if reason is None and line["phone"] in seen:
            reason = "duplicate_address"
        if reason is not None:
            exclude(reason)
            continue
        seen.add(line["phone"])
        pending.append((uuid.UUID(line["id"]), line))
        if len(pending) >= CHUNK:
            await settle(pending)
            pending = []
    await settle(pending)
    return review
