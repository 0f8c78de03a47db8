"""The SQL of OAuth logins: provider links and the users they lead to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_gateway.models import OAuthIdentity, User

__all__ = ["OAuthIdentityRepository"]


class OAuthIdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> OAuthIdentityRepository:
        return cls(session)

    async def linked_user(
        self, *, provider: str, subject: str
    ) -> tuple[OAuthIdentity, User] | None:
        row = (
            await self.session.execute(
                select(OAuthIdentity, User)
                .join(User, User.id == OAuthIdentity.user_id)
                .where(OAuthIdentity.provider == provider, OAuthIdentity.subject == subject)
            )
        ).first()
        return (row[0], row[1]) if row is not None else None

    async def add(self, link: OAuthIdentity) -> OAuthIdentity:
        self.session.add(link)
        await self.session.flush()
        return link
