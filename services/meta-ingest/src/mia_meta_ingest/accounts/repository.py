"""Reading the projection: which accounts a webhook delivery names."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_meta_ingest.models import ChannelAccount

__all__ = ["accounts_by_phone_number_id"]


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
