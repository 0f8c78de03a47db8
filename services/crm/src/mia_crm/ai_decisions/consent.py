"""Whether the bot may write to a contact at all: not once they opted out on the channel."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import ConsentStatus
from mia_crm.consent.keywords import consent_channel_of
from mia_crm.models import ContactConsent

__all__ = ["opted_out"]


async def opted_out(
    session: AsyncSession, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, channel: str
) -> bool:
    status = await session.scalar(
        select(ContactConsent.status).where(
            ContactConsent.tenant_id == tenant_id,
            ContactConsent.contact_id == contact_id,
            ContactConsent.channel == consent_channel_of(channel).value,
        )
    )
    return status == ConsentStatus.OPTED_OUT
