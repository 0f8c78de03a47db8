"""Authentication: who a request's credentials belong to; logging in, out and signing up.

``authenticate`` runs on every request (see ``auth.principal``). ``log_in`` throttles
before it checks the password, and a refused login raises ``LoginFailed`` carrying what
the endpoint audits in a transaction of its own (``audit.refusals``): the request's own
transaction rolls back with the refusal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Forbidden, Unauthorized
from mia_common.identity import Role
from mia_gateway.api_keys.repository import ApiKeyRepository
from mia_gateway.audit.service import record
from mia_gateway.auth.passwords import hash_password, needs_rehash, verify_password
from mia_gateway.auth.principal import Principal, parse_api_key
from mia_gateway.auth.repository import LoginSessionRepository
from mia_gateway.auth.secrets import matches
from mia_gateway.auth.sessions import (
    IssuedTokens,
    RefreshReuse,
    end_session,
    refresh_session,
    start_session,
)
from mia_gateway.auth.throttle import LoginThrottle
from mia_gateway.auth.tokens import decode_access_token
from mia_gateway.config import GatewaySettings
from mia_gateway.models import Tenant, TenantStatus, User
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.tenants.service import create_tenant_with_owner
from mia_gateway.users.repository import UserRepository

__all__ = [
    "LAST_USED_RESOLUTION",
    "LoginFailed",
    "authenticate",
    "caller_of",
    "log_in",
    "log_out",
    "refresh",
    "sign_up",
]

# Writing last_used_at on every call would turn each read into a write; a minute is
# precise enough to tell which keys are in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class LoginFailed(Unauthorized):
    """Wrong email or password; says whose account was tried, for the audit log only."""

    def __init__(self, *, email: str, user: User | None, tenant: Tenant | None) -> None:
        super().__init__("wrong email or password", code="login_failed")
        # Attributes, not problem fields: the answer must not tell whether the account exists.
        self.email = email
        self.user_id = user.id if user else None
        self.tenant_id = tenant.id if tenant else None


# -- who is calling ---------------------------------------------------------------------


async def _user_principal(
    session: AsyncSession, token: str, settings: GatewaySettings
) -> Principal:
    claims = decode_access_token(token, secret=settings.jwt_secret.get_secret_value())
    found = await LoginSessionRepository.from_session(session).of_access_token(
        user_id=claims.user_id, session_id=claims.session_id, tenant_id=claims.tenant_id
    )
    if found is None:
        raise Unauthorized("the session no longer exists", code="session_revoked")
    user, tenant, login = found
    if login.revoked_at is not None:
        raise Unauthorized("the session was ended: log in again", code="session_revoked")
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    return Principal(
        kind="user",
        id=user.id,
        tenant_id=tenant.id,
        role=Role(user.role),
        email=user.email,
        is_platform_admin=user.is_platform_admin,
        session_id=login.id,
    )


async def _key_principal(session: AsyncSession, prefix: str, secret: str) -> Principal:
    keys = ApiKeyRepository.from_session(session)
    found = await keys.with_tenant_by_prefix(prefix)
    if found is None or not matches(secret, found[0].secret_hash):
        raise Unauthorized("the API key is not valid", code="api_key_invalid")
    key, tenant = found
    if key.revoked_at is not None:
        raise Unauthorized("the API key was revoked", code="api_key_revoked")
    if tenant.status != TenantStatus.ACTIVE:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    now = datetime.now(UTC)
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        await keys.mark_used(key_id=key.id, at=now)
    return Principal(
        kind="api_key",
        id=key.id,
        tenant_id=tenant.id,
        role=Role(key.role),
        scopes=tuple(key.scopes),
    )


async def authenticate(
    *, session: AsyncSession, credentials: str | None, settings: GatewaySettings
) -> Principal:
    """The principal of an access token or an API key; ``Unauthorized`` saying why not."""
    if not credentials:
        raise Unauthorized("log in or send an API key", code="credentials_missing")
    parsed = parse_api_key(credentials)
    if parsed is not None:
        return await _key_principal(session, *parsed)
    return await _user_principal(session, credentials, settings)


async def caller_of(*, session: AsyncSession, principal: Principal) -> tuple[Tenant, User | None]:
    """The caller's tenant, and the user when the caller is one (not an API key)."""
    tenant = await TenantRepository.from_session(session).get(principal.tenant_id)
    assert tenant is not None, "an authenticated principal's tenant exists"
    if principal.kind != "user":
        return tenant, None
    user = await UserRepository.from_session(session).get(principal.id)
    assert user is not None, "an authenticated user exists"
    return tenant, user


# -- logging in and out -----------------------------------------------------------------


async def log_in(
    *,
    session: AsyncSession,
    throttle: LoginThrottle,
    settings: GatewaySettings,
    email: str,
    password: str,
    ip: str | None,
    user_agent: str | None,
) -> IssuedTokens:
    """A new login session for the account of ``email`` with ``password``."""
    email = email.lower()
    await throttle.check(email=email, ip=ip)
    found = await UserRepository.from_session(session).with_tenant_by_email(email)
    user, tenant = found if found is not None else (None, None)
    # Verified even without an account: a miss costs as much time as a hit.
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise LoginFailed(email=email, user=user, tenant=tenant)
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    assert tenant is not None
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    tokens = await start_session(
        session=session,
        user=user,
        method="password",
        settings=settings,
        ip=ip,
        user_agent=user_agent,
    )
    await record(
        session=session, action="login.succeeded", tenant_id=tenant.id, actor_id=user.id, ip=ip
    )
    return tokens


async def refresh(
    *, session: AsyncSession, refresh_token: str, settings: GatewaySettings, ip: str | None
) -> IssuedTokens:
    """Spend the refresh token; on ``RefreshReuse`` the revocation is staged and audited in
    ``session``, which the caller commits before it refuses."""
    try:
        return await refresh_session(
            session=session, refresh_token=refresh_token, settings=settings
        )
    except RefreshReuse:
        await record(session=session, action="session.refresh_reused", tenant_id=None, ip=ip)
        raise


async def log_out(*, session: AsyncSession, principal: Principal) -> None:
    """End the caller's login session (an API key has none: nothing to end)."""
    if principal.session_id is None:
        return
    await end_session(session=session, session_id=principal.session_id, reason="logout")
    await record(
        session=session, action="logout", tenant_id=principal.tenant_id, actor_id=principal.id
    )


async def sign_up(
    *,
    session: AsyncSession,
    settings: GatewaySettings,
    company: str,
    email: str,
    password: str,
    name: str,
    timezone: str,
    ip: str | None,
) -> IssuedTokens:
    """A new company, its owner, and the owner's first login session."""
    if not settings.signup_enabled:
        raise Forbidden("self-service sign-up is switched off", code="signup_disabled")
    tenant, owner = await create_tenant_with_owner(
        session=session,
        name=company,
        owner_email=email,
        owner_password=password,
        owner_name=name,
        timezone=timezone,
    )
    await record(session=session, action="tenant.signed_up", tenant_id=tenant.id, actor_id=owner.id)
    return await start_session(
        session=session, user=owner, method="signup", settings=settings, ip=ip
    )
