"""The SQL of users: look-ups by id and email, a tenant's list, counting its owners, the
owner who never got in.

Emails are stored lower-cased and unique across the platform, whatever the tenant;
callers pass them normalized.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Role
from mia_common.pagination import PageParams, fetch_page
from mia_gateway.models import Tenant, User

__all__ = ["UserRepository"]


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> UserRepository:
        return cls(session)

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def save(self, user: User) -> User:
        """Write the user's changes now, so a constraint they break fails this call."""
        await self.session.flush()
        return user

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def get_of_tenant(self, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        return await self.session.scalar(
            select(User).where(User.id == user_id, User.tenant_id == tenant_id)
        )

    async def ids_of_tenant(
        self, *, tenant_id: uuid.UUID, user_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        """Which of ``user_ids`` are users of ``tenant_id`` (disabled ones too)."""
        if not user_ids:
            return set()
        found = await self.session.scalars(
            select(User.id).where(User.tenant_id == tenant_id, User.id.in_(list(user_ids)))
        )
        return set(found.all())

    async def by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def with_tenant_by_email(self, email: str) -> tuple[User, Tenant] | None:
        row = (
            await self.session.execute(
                select(User, Tenant)
                .join(Tenant, Tenant.id == User.tenant_id)
                .where(User.email == email)
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def email_taken(self, email: str) -> bool:
        count = await self.session.scalar(
            select(func.count()).select_from(User).where(User.email == email)
        )
        return bool(count)

    async def page_of_tenant(
        self,
        *,
        tenant_id: uuid.UUID,
        page: PageParams,
        search: str | None = None,
        role: Role | None = None,
    ) -> tuple[list[User], str | None]:
        query = select(User).where(User.tenant_id == tenant_id)
        if search:
            query = query.where(
                or_(User.email.ilike(f"%{search}%"), User.name.ilike(f"%{search}%"))
            )
        if role:
            query = query.where(User.role == role.value)
        return await fetch_page(self.session, query, page, keys=[User.id])

    async def count_active_owners(self, tenant_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.tenant_id == tenant_id,
                User.role == Role.owner.value,
                User.disabled_at.is_(None),
            )
        )
        return count or 0

    async def owner_awaiting_first_login(self, tenant_id: uuid.UUID) -> User | None:
        """The tenant's first owner who has no password and never logged in, if any."""
        return await self.session.scalar(
            select(User)
            .where(
                User.tenant_id == tenant_id,
                User.role == Role.owner.value,
                User.password_hash.is_(None),
                User.last_login_at.is_(None),
                User.disabled_at.is_(None),
            )
            .order_by(User.id)
            .limit(1)
        )
