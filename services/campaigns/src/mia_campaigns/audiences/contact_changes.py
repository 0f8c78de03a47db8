"""What the crm says about people that changes who a campaign may still reach.

- ``contact.consent_changed`` to ``opted_out`` on WhatsApp or SMS: the person's queued
  rows on that channel are cancelled at once (reason ``opted_out``); what was already
  requested is beyond recall.
- ``contact.deleted``: queued rows cancelled (``contact_deleted``).
- ``contact.erased``: queued rows cancelled (``contact_erased``), and every row forgets
  the person: number, name and template values (the counts stay right).

Each change is one UPDATE and applying it twice changes nothing, so a replayed record is
harmless.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.models import Campaign, Recipient
from mia_common.contracts import Channel, Envelope
from mia_common.contracts.campaigns import RecipientState
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentStatus,
    ContactDeleted,
    ContactErased,
    ContactEvent,
)

__all__ = ["apply_contact_change"]

_CHANNELS = {
    ConsentChannel.WHATSAPP: (Channel.WHATSAPP_CLOUD.value, Channel.WHATSAPP_WEB.value),
    ConsentChannel.SMS: (Channel.SMS.value,),
}


async def _cancel_queued(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    reason: str,
    channels: tuple[str, ...] | None,
    now: datetime,
) -> None:
    condition = [
        Recipient.tenant_id == tenant_id,
        Recipient.contact_id == contact_id,
        Recipient.state == RecipientState.QUEUED.value,
    ]
    if channels is not None:
        condition.append(
            Recipient.campaign_id.in_(
                select(Campaign.id).where(
                    Campaign.tenant_id == tenant_id, Campaign.channel.in_(channels)
                )
            )
        )
    await session.execute(
        update(Recipient)
        .where(*condition)
        .values(state=RecipientState.CANCELLED.value, reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def apply_contact_change(
    session: AsyncSession, event: Envelope[ContactEvent], *, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    change = event.data
    tenant_id = event.tenantid
    if isinstance(change, ConsentChanged):
        channels = _CHANNELS.get(change.channel)
        if change.status == ConsentStatus.OPTED_OUT and channels is not None:
            await _cancel_queued(
                session,
                tenant_id=tenant_id,
                contact_id=change.contact_id,
                reason="opted_out",
                channels=channels,
                now=now,
            )
    elif isinstance(change, ContactDeleted):
        await _cancel_queued(
            session,
            tenant_id=tenant_id,
            contact_id=change.contact_id,
            reason="contact_deleted",
            channels=None,
            now=now,
        )
    elif isinstance(change, ContactErased) and change.part == 1:
        await _cancel_queued(
            session,
            tenant_id=tenant_id,
            contact_id=change.contact_id,
            reason="contact_erased",
            channels=None,
            now=now,
        )
        await session.execute(
            update(Recipient)
            .where(Recipient.tenant_id == tenant_id, Recipient.contact_id == change.contact_id)
            .values(address=None, name=None, values={}, updated_at=now)
            .execution_options(synchronize_session=False)
        )
