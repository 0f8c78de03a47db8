"""Freezing an audience into the ledger at launch, with the reasons some are left out.

The member stream is written in chunks of ``CHUNK`` rows as it arrives (memory stays flat
whatever the audience), every row ``queued`` or ``excluded`` with its reason:

- ``no_address``: no phone number for this channel;
- ``opted_out``: the contact opted out of this channel;
- ``no_consent``: the tenant requires consent for marketing and the contact never gave it;
- ``duplicate_address``: another contact of the audience has the same number (the first,
  in contact order, keeps it);
- ``frequency_cap``: a message of another campaign went to the contact in the last
  ``frequency_cap_hours``.

The last two are one UPDATE each once every row is in. Ledger ids derive from the campaign
and the contact (UUIDv5): they are the send request ids.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import MemberStream
from mia_campaigns.models import Campaign, Recipient
from mia_campaigns.sending.messages import variant_of
from mia_campaigns.sending.window import known_time_zones
from mia_common.contracts import Channel
from mia_common.contracts.campaigns import RecipientState

__all__ = ["CHUNK", "exclusion_of", "freeze", "recipient_id", "values_of"]

CHUNK = 1_000
_NAMESPACE = uuid.UUID("9d7f3c1a-0b5e-4c2d-8a61-72656369706e")
_CONSENT_CHANNEL = {Channel.WHATSAPP_CLOUD.value: "whatsapp", Channel.SMS.value: "sms"}
_Q = RecipientState.QUEUED.value
_X = RecipientState.EXCLUDED.value


def recipient_id(campaign_id: uuid.UUID, contact_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{campaign_id}:{contact_id}")


def values_of(line: dict[str, Any]) -> dict[str, Any]:
    """The values a template reads, by variable name (``fields.<key>`` flattened), and the
    contact's time zone for a per-contact send window (only a zone ``zoneinfo`` knows)."""
    values = {key: line.get(key) for key in ("name", "phone", "email")}
    zone = line.get("time_zone")
    values["time_zone"] = zone if zone in known_time_zones() else None
    for key, value in (line.get("fields") or {}).items():
        values[f"fields.{key}"] = None if value is None else str(value)
    return values


def exclusion_of(line: dict[str, Any], channel: str, requires_consent: bool) -> str | None:
    """Why the member ``line`` is left out of a campaign on ``channel``, or None."""
    if not line.get("phone"):
        return "no_address"
    consent = (line.get("consent") or {}).get(_CONSENT_CHANNEL.get(channel, ""))
    if consent == "opted_out":
        return "opted_out"
    if requires_consent and consent != "opted_in":
        return "no_consent"
    return None


async def freeze(
    session: AsyncSession,
    campaign: Campaign,
    stream: MemberStream,
    *,
    frequency_cap_hours: int | None,
    now: datetime,
) -> None:
    await session.execute(delete(Recipient).where(Recipient.campaign_id == campaign.id))
    chunk: list[dict[str, Any]] = []
    seq = 0
    percents = [int(v["percent"]) for v in campaign.variants] if campaign.variants else None
    async for line in stream.lines():
        contact_id = uuid.UUID(line["id"])
        reason = exclusion_of(line, campaign.channel, stream.requires_consent)
        chunk.append(
            {
                "id": recipient_id(campaign.id, contact_id),
                "campaign_id": campaign.id,
                "tenant_id": campaign.tenant_id,
                "contact_id": contact_id,
                "seq": seq,
                "address": line.get("phone"),
                "name": (line.get("name") or "")[:256] or None,
                "values": values_of(line),
                "state": _X if reason else _Q,
                "variant": variant_of(seq, percents) if percents else None,
                "reason": reason,
                "updated_at": now,
            }
        )
        seq += 1
        if len(chunk) >= CHUNK:
            await session.execute(insert(Recipient), chunk)
            chunk = []
    if chunk:
        await session.execute(insert(Recipient), chunk)
    await _exclude_duplicates(session, campaign.id)
    if frequency_cap_hours:
        await _exclude_recently_reached(
            session, campaign, now - timedelta(hours=frequency_cap_hours)
        )


async def _exclude_duplicates(session: AsyncSession, campaign_id: uuid.UUID) -> None:
    ranked = (
        select(
            Recipient.id,
            func.row_number()
            .over(partition_by=Recipient.address, order_by=Recipient.seq)
            .label("rank"),
        )
        .where(Recipient.campaign_id == campaign_id, Recipient.state == _Q)
        .subquery()
    )
    await session.execute(
        update(Recipient)
        .where(Recipient.id.in_(select(ranked.c.id).where(ranked.c.rank > 1)))
        .values(state=_X, reason="duplicate_address")
        .execution_options(synchronize_session=False)
    )


async def _exclude_recently_reached(
    session: AsyncSession, campaign: Campaign, since: datetime
) -> None:
    other = Recipient.__table__.alias("other")
    reached = (
        select(other.c.id)
        .where(
            other.c.tenant_id == Recipient.tenant_id,
            other.c.contact_id == Recipient.contact_id,
            other.c.campaign_id != campaign.id,
            other.c.requested_at >= since,
        )
        .exists()
    )
    await session.execute(
        update(Recipient)
        .where(Recipient.campaign_id == campaign.id, Recipient.state == _Q, reached)
        .values(state=_X, reason="frequency_cap")
        .execution_options(synchronize_session=False)
    )
