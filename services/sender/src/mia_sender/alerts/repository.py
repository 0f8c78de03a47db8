"""All SQL over ``channel_alerts``."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import ChannelAlertKind
from mia_common.db.base import new_uuid7
from mia_common.pagination import PageParams, fetch_page
from mia_sender.models import ChannelAccount, ChannelAlertRecord

__all__ = ["AlertRepository"]


class AlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> AlertRepository:
        return cls(session)

    async def insert_once(
        self,
        *,
        account: ChannelAccount,
        kind: ChannelAlertKind,
        message: str,
        details: dict[str, Any],
        occurred_at: datetime,
        dedupe_key: str | None,
    ) -> bool:
        """Insert the alert row; False when one with ``dedupe_key`` exists already."""
        statement = (
            insert(ChannelAlertRecord)
            .values(
                id=new_uuid7(),
                tenant_id=account.tenant_id,
                channel_account_id=account.id,
                channel=account.channel,
                kind=kind.value,
                message=message,
                details=details,
                occurred_at=occurred_at,
                dedupe_key=dedupe_key,
            )
            .on_conflict_do_nothing(index_elements=[ChannelAlertRecord.dedupe_key])
            .returning(ChannelAlertRecord.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def page_for_tenant(
        self,
        tenant_id: uuid.UUID,
        page: PageParams,
        *,
        channel_account_id: uuid.UUID | None = None,
        kind: ChannelAlertKind | None = None,
    ) -> tuple[Sequence[ChannelAlertRecord], str | None]:
        """One page of the tenant's alerts, newest first, and the cursor of the next."""
        query = select(ChannelAlertRecord).where(ChannelAlertRecord.tenant_id == tenant_id)
        if channel_account_id is not None:
            query = query.where(ChannelAlertRecord.channel_account_id == channel_account_id)
        if kind is not None:
            query = query.where(ChannelAlertRecord.kind == kind.value)
        return await fetch_page(
            self.session, query, page, keys=[ChannelAlertRecord.id], newest_first=True
        )
