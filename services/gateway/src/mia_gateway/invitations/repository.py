"""The SQL of invitations: create, list the pending ones, find by id or by link token,
revoke the pending ones of an address."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams, fetch_page
from mia_gateway.models import Invitation

__all__ = ["InvitationRepository"]


class InvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> InvitationRepository:
        return cls(session)

    async def add(self, invitation: Invitation) -> Invitation:
        """Stored and read back, with the timestamps the database set."""
        self.session.add(invitation)
        await self.session.flush()
        await self.session.refresh(invitation)
        return invitation

    async def page_pending(
        self, *, tenant_id: uuid.UUID, page: PageParams, now: datetime
    ) -> tuple[list[Invitation], str | None]:
        """Neither accepted, revoked nor expired at ``now``."""
        query = select(Invitation).where(
            Invitation.tenant_id == tenant_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        return await fetch_page(self.session, query, page, keys=[Invitation.id])

    async def get_of_tenant(
        self, *, tenant_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> Invitation | None:
        return await self.session.scalar(
            select(Invitation).where(
                Invitation.id == invitation_id, Invitation.tenant_id == tenant_id
            )
        )

    async def by_token_hash_for_update(self, token_hash: bytes) -> Invitation | None:
        """Locked: two accepts of one link serialize, and the second finds it used."""
        return await self.session.scalar(
            select(Invitation).where(Invitation.token_hash == token_hash).with_for_update()
        )

    async def revoke_pending_for(self, *, tenant_id: uuid.UUID, email: str, at: datetime) -> None:
        """Every pending link of ``email`` in the tenant stops working at ``at``."""
        await self.session.execute(
            update(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                Invitation.email == email,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
