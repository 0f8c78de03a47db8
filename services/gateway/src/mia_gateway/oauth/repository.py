"""The SQL of OAuth logins: provider links and the users they lead to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_gateway.models import OAuthIdentity, User

__all__ = ["add_link", "linked_user", "user_by_email"]


async def linked_user(
    session: AsyncSession, *, provider: str, subject: str
) -> tuple[OAuthIdentity, User] | None:
    row = (
        await session.execute(
            select(OAuthIdentity, User)
            .join(User, User.id == OAuthIdentity.user_id)
            .where(OAuthIdentity.provider == provider, OAuthIdentity.subject == subject)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def user_by_email(session: AsyncSession, *, email: str) -> User | None:
    # Emails are stored lower-cased and unique across the platform, whatever the tenant.
    return await session.scalar(select(User).where(User.email == email.strip().lower()))


async def add_link(
    session: AsyncSession, *, user: User, provider: str, subject: str, email: str
) -> OAuthIdentity:
    link = OAuthIdentity(user_id=user.id, provider=provider, subject=subject, email=email)
    session.add(link)
    await session.flush()
    return link
