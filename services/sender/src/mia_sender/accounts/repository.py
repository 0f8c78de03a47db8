"""All SQL over ``channel_accounts``. Tenant-facing reads always filter on the tenant and
never return deleted accounts: another tenant's id and a deleted id both read as absent."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_sender.models import ChannelAccount

__all__ = [
    "accounts_by_id",
    "get_account",
    "get_for_tenant",
    "live_with_phone_number_id",
    "lock_account",
    "tenant_accounts",
]


async def get_for_tenant(
    session: AsyncSession, tenant_id: uuid.UUID, account_id: uuid.UUID, *, for_update: bool = False
) -> ChannelAccount | None:
    query = select(ChannelAccount).where(
        ChannelAccount.id == account_id,
        ChannelAccount.tenant_id == tenant_id,
        ChannelAccount.deleted_at.is_(None),
    )
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


def tenant_accounts(tenant_id: uuid.UUID) -> Select[ChannelAccount]:
    return select(ChannelAccount).where(
        ChannelAccount.tenant_id == tenant_id, ChannelAccount.deleted_at.is_(None)
    )


async def get_account(session: AsyncSession, account_id: uuid.UUID) -> ChannelAccount | None:
    """Any account by id, deleted or not (the dispatcher's and intake's view)."""
    return await session.get(ChannelAccount, account_id)


async def accounts_by_id(
    session: AsyncSession, account_ids: set[uuid.UUID]
) -> dict[uuid.UUID, ChannelAccount]:
    rows = await session.scalars(select(ChannelAccount).where(ChannelAccount.id.in_(account_ids)))
    return {row.id: row for row in rows}


async def lock_account(session: AsyncSession, account_id: uuid.UUID) -> ChannelAccount | None:
    return (
        await session.scalars(
            select(ChannelAccount).where(ChannelAccount.id == account_id).with_for_update()
        )
    ).one_or_none()


async def live_with_phone_number_id(
    session: AsyncSession, phone_number_id: str, *, excluding: uuid.UUID | None = None
) -> ChannelAccount | None:
    query = select(ChannelAccount).where(
        ChannelAccount.phone_number_id == phone_number_id, ChannelAccount.deleted_at.is_(None)
    )
    if excluding is not None:
        query = query.where(ChannelAccount.id != excluding)
    return (await session.scalars(query)).first()
