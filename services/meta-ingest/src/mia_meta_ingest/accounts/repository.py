"""Reading the projection: which accounts a webhook delivery names."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_meta_ingest.models import ChannelAccount

__all__ = ["account_by_id", "accounts_by_phone_number_id", "accounts_by_waba_id"]


async def accounts_by_phone_number_id(
    session: AsyncSession, phone_number_ids: Iterable[str]
) -> dict[str, ChannelAccount]:
    ids = sorted(set(phone_number_ids))
    if not ids:
        return {}
    rows = await session.scalars(
        select(ChannelAccount).where(ChannelAccount.phone_number_id.in_(ids))
    )
    return {row.phone_number_id: row for row in rows}


async def accounts_by_waba_id(
    session: AsyncSession, waba_ids: Iterable[str]
) -> list[ChannelAccount]:
    """Every number of these WhatsApp Business Accounts (template updates name only those)."""
    ids = sorted(set(waba_ids))
    if not ids:
        return []
    return list(
        await session.scalars(select(ChannelAccount).where(ChannelAccount.waba_id.in_(ids)))
    )


async def account_by_id(session: AsyncSession, account_id: uuid.UUID) -> ChannelAccount | None:
    return await session.get(ChannelAccount, account_id)
