"""The SQL of logging in: login sessions, their refresh tokens, and what a token leads to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_gateway.models import RefreshToken, Session, Tenant, User

__all__ = ["LoginSessionRepository"]


class LoginSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> LoginSessionRepository:
        return cls(session)

    async def add(self, login: Session) -> Session:
        """Stored at once: its id goes into the tokens issued next."""
        self.session.add(login)
        await self.session.flush()
        return login

    def add_refresh_token(self, token: RefreshToken) -> None:
        self.session.add(token)

    async def of_access_token(
        self, *, user_id: uuid.UUID, session_id: uuid.UUID, tenant_id: uuid.UUID
    ) -> tuple[User, Tenant, Session] | None:
        """The user, tenant and login session an access token names, if all three match."""
        row = (
            await self.session.execute(
                select(User, Tenant, Session)
                .join(Tenant, Tenant.id == User.tenant_id)
                .join(Session, Session.user_id == User.id)
                .where(User.id == user_id, Session.id == session_id, Tenant.id == tenant_id)
            )
        ).first()
        return (row[0], row[1], row[2]) if row is not None else None

    async def of_refresh_token_for_update(
        self, token_hash: bytes
    ) -> tuple[RefreshToken, Session, User, Tenant] | None:
        """The refresh token by its hash, locked: two refreshes with one token serialize,
        so the second sees the first one's ``used_at`` and the reuse is caught."""
        row = (
            await self.session.execute(
                select(RefreshToken, Session, User, Tenant)
                .join(Session, Session.id == RefreshToken.session_id)
                .join(User, User.id == Session.user_id)
                .join(Tenant, Tenant.id == User.tenant_id)
                .where(RefreshToken.token_hash == token_hash)
                .with_for_update(of=RefreshToken)
            )
        ).first()
        return (row[0], row[1], row[2], row[3]) if row is not None else None

    async def revoke(self, *, session_id: uuid.UUID, reason: str, at: datetime) -> None:
        await self._revoke_where(Session.id == session_id, reason=reason, at=at)

    async def revoke_all_of_user(self, *, user_id: uuid.UUID, reason: str, at: datetime) -> None:
        await self._revoke_where(Session.user_id == user_id, reason=reason, at=at)

    async def revoke_all_of_tenant(
        self, *, tenant_id: uuid.UUID, reason: str, at: datetime
    ) -> None:
        await self._revoke_where(Session.tenant_id == tenant_id, reason=reason, at=at)

    async def _revoke_where(
        self, condition: ColumnElement[bool], *, reason: str, at: datetime
    ) -> None:
        # A session already ended keeps the time and reason it ended with.
        await self.session.execute(
            update(Session)
            .where(condition, Session.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
        )
