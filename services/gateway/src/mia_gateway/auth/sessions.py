"""Login sessions: start one, refresh it (rotating the refresh token), end it.

Refresh tokens rotate on every use. A token presented a second time means two parties
hold it (a theft, or a replay), so the whole session, the "family", is revoked and both
must log in again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Unauthorized
from mia_gateway.auth.repository import LoginSessionRepository
from mia_gateway.auth.secrets import digest, new_token
from mia_gateway.auth.tokens import issue_access_token
from mia_gateway.config import GatewaySettings
from mia_gateway.models import RefreshToken, Session, TenantStatus, User

__all__ = [
    "IssuedTokens",
    "RefreshReuse",
    "end_session",
    "end_user_sessions",
    "refresh_session",
    "start_session",
]


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    session_id: uuid.UUID
    user: User


class RefreshReuse(Unauthorized):
    """A spent refresh token came back; the revocation it caused must be committed."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="refresh_reused")


def _issue(
    sessions: LoginSessionRepository, *, login: Session, user: User, settings: GatewaySettings
) -> IssuedTokens:
    now = datetime.now(UTC)
    refresh = new_token()
    refresh_expires = now + timedelta(days=settings.refresh_token_days)
    sessions.add_refresh_token(
        RefreshToken(session_id=login.id, token_hash=digest(refresh), expires_at=refresh_expires)
    )
    access, access_expires = issue_access_token(
        user_id=user.id,
        tenant_id=user.tenant_id,
        session_id=login.id,
        secret=settings.jwt_secret.get_secret_value(),
        ttl_seconds=settings.access_token_seconds,
        now=now,
    )
    return IssuedTokens(access, access_expires, refresh, refresh_expires, login.id, user)


async def start_session(
    *,
    session: AsyncSession,
    user: User,
    method: str,
    settings: GatewaySettings,
    ip: str | None = None,
    user_agent: str | None = None,
) -> IssuedTokens:
    sessions = LoginSessionRepository.from_session(session)
    login = await sessions.add(
        Session(
            tenant_id=user.tenant_id,
            user_id=user.id,
            method=method,
            ip=ip,
            user_agent=(user_agent or "")[:400] or None,
        )
    )
    user.last_login_at = datetime.now(UTC)
    return _issue(sessions, login=login, user=user, settings=settings)


async def refresh_session(
    *, session: AsyncSession, refresh_token: str, settings: GatewaySettings
) -> IssuedTokens:
    """Spend ``refresh_token`` for a new pair; a spent token revokes its whole session.

    Raises ``Unauthorized`` with ``code`` saying why; ``RefreshReuse`` after revoking the
    session, which the caller must let commit even though it answers 401.
    """
    sessions = LoginSessionRepository.from_session(session)
    found = await sessions.of_refresh_token_for_update(digest(refresh_token))
    if found is None:
        raise Unauthorized("the refresh token is not valid", code="refresh_invalid")
    token, login, user, tenant = found
    now = datetime.now(UTC)
    if login.revoked_at is not None:
        raise Unauthorized("the session was ended: log in again", code="session_revoked")
    if token.used_at is not None:
        login.revoked_at = now
        login.revoked_reason = "refresh_token_reused"
        raise RefreshReuse("this refresh token was already used: the session is ended")
    if token.expires_at <= now:
        raise Unauthorized("the session expired: log in again", code="refresh_expired")
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    token.used_at = now
    return _issue(sessions, login=login, user=user, settings=settings)


async def end_session(*, session: AsyncSession, session_id: uuid.UUID, reason: str) -> None:
    await LoginSessionRepository.from_session(session).revoke(
        session_id=session_id, reason=reason, at=datetime.now(UTC)
    )


async def end_user_sessions(*, session: AsyncSession, user_id: uuid.UUID, reason: str) -> None:
    await LoginSessionRepository.from_session(session).revoke_all_of_user(
        user_id=user_id, reason=reason, at=datetime.now(UTC)
    )
