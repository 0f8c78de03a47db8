"""SQL about parked statuses (see ``mia_crm.models.pending_status``)."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.models import PendingStatus

__all__ = ["PendingStatusRepository"]


class PendingStatusRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> PendingStatusRepository:
        return cls(session)

    async def lock_channel_id(
        self, *, channel_account_id: uuid.UUID, external_message_id: str
    ) -> None:
        """Until the transaction ends, be the only one matching statuses to a message by
        this channel id. An outcome that learns the id and applies what was parked, and a
        receipt that finds no message and parks, each in its own transaction, would
        otherwise miss each other and leave the receipt parked for good."""
        key = f"{channel_account_id}:{external_message_id}"
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0)))
        )

    async def park(self, pending: PendingStatus) -> None:
        self.session.add(pending)
        await self.session.flush()

    async def take(
        self,
        *,
        tenant_id: uuid.UUID,
        channel_account_id: uuid.UUID,
        external_message_id: str | None,
        send_request_id: str,
    ) -> list[PendingStatus]:
        """Remove and return the statuses parked for one message, oldest first: those
        naming its channel id on its account, and those naming our send request id."""
        keys = [PendingStatus.send_request_id == send_request_id]
        if external_message_id is not None:
            keys.append(
                and_(
                    PendingStatus.channel_account_id == channel_account_id,
                    PendingStatus.external_message_id == external_message_id,
                )
            )
        query = (
            select(PendingStatus)
            .where(PendingStatus.tenant_id == tenant_id, or_(*keys))
            .order_by(PendingStatus.occurred_at, PendingStatus.id)
            .with_for_update()
        )
        parked = list((await self.session.scalars(query)).all())
        if parked:
            await self.session.execute(
                delete(PendingStatus)
                .where(PendingStatus.id.in_([row.id for row in parked]))
                .execution_options(synchronize_session=False)
            )
        return parked
