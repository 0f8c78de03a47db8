"""All SQL over ``channel_accounts``. Tenant-facing reads always filter on the tenant and
never return deleted accounts: another tenant's id and a deleted id both read as absent."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams, fetch_page
from mia_sender.models import ChannelAccount

__all__ = ["AccountRepository"]


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> AccountRepository:
        return cls(session)

    async def get_for_tenant(
        self, tenant_id: uuid.UUID, account_id: uuid.UUID, *, for_update: bool = False
    ) -> ChannelAccount | None:
        query = select(ChannelAccount).where(
            ChannelAccount.id == account_id,
            ChannelAccount.tenant_id == tenant_id,
            ChannelAccount.deleted_at.is_(None),
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def page_for_tenant(
        self,
        tenant_id: uuid.UUID,
        page: PageParams,
        *,
        channel: str | None = None,
        status: str | None = None,
    ) -> tuple[Sequence[ChannelAccount], str | None]:
        """One page of the tenant's live accounts in id order, and the next cursor."""
        query = select(ChannelAccount).where(
            ChannelAccount.tenant_id == tenant_id, ChannelAccount.deleted_at.is_(None)
        )
        if channel is not None:
            query = query.where(ChannelAccount.channel == channel)
        if status is not None:
            query = query.where(ChannelAccount.status == status)
        return await fetch_page(self.session, query, page, keys=[ChannelAccount.id])

    async def get(self, account_id: uuid.UUID) -> ChannelAccount | None:
        """Any account by id, deleted or not (the dispatcher's and intake's view)."""
        return await self.session.get(ChannelAccount, account_id)

    async def by_ids(self, account_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, ChannelAccount]:
        rows = await self.session.scalars(
            select(ChannelAccount).where(ChannelAccount.id.in_(account_ids))
        )
        return {row.id: row for row in rows}

    async def lock(self, account_id: uuid.UUID) -> ChannelAccount | None:
        return (
            await self.session.scalars(
                select(ChannelAccount).where(ChannelAccount.id == account_id).with_for_update()
            )
        ).one_or_none()

    async def live_with_phone_number_id(
        self, phone_number_id: str, *, excluding: uuid.UUID | None = None
    ) -> ChannelAccount | None:
        query = select(ChannelAccount).where(
            ChannelAccount.phone_number_id == phone_number_id, ChannelAccount.deleted_at.is_(None)
        )
        if excluding is not None:
            query = query.where(ChannelAccount.id != excluding)
        return (await self.session.scalars(query)).first()

    def add(self, account: ChannelAccount) -> None:
        self.session.add(account)

    async def flush(self) -> None:
        await self.session.flush()

    def detach(self, account: ChannelAccount) -> None:
        """Keep using ``account`` after the session closes, as it was read."""
        self.session.expunge(account)
