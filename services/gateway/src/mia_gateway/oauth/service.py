"""Logging in with a provider's account: which of our users it is, then a login session.

A link, once made, decides from then on whatever email the provider reports later: people
change addresses, and the subject is what the provider promises to keep stable. Without a
link, the user with the same email is linked, but only when the provider says it verified
that address; otherwise anyone could claim the address at a careless provider and take the
account over. Emails are unique platform-wide, so the match is one user in one tenant and
never crosses into another company.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Forbidden, Unauthorized
from mia_gateway.audit.service import record
from mia_gateway.auth.sessions import IssuedTokens, start_session
from mia_gateway.config import GatewaySettings
from mia_gateway.models import OAuthIdentity, Tenant, TenantStatus, User
from mia_gateway.oauth.id_token import ProviderIdentity
from mia_gateway.oauth.repository import OAuthIdentityRepository
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.tenants.service import create_tenant_with_owner
from mia_gateway.users.repository import UserRepository

__all__ = ["LinkedAccount", "account_for", "log_in"]


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    user: User
    tenant: Tenant


async def _sign_up(
    session: AsyncSession, *, provider: str, identity: ProviderIdentity, email: str
) -> User:
    # A new company named after the address's domain; its owner renames it in settings.
    tenant, owner = await create_tenant_with_owner(
        session=session,
        name=email.rpartition("@")[2] or email,
        owner_email=email,
        owner_password=None,
        owner_name=identity.name,
        email_verified=True,
    )
    await record(
        session=session,
        action="tenant.signed_up",
        tenant_id=tenant.id,
        actor_id=owner.id,
        details={"method": f"oauth:{provider}"},
    )
    return owner


async def _link_by_email(
    session: AsyncSession,
    *,
    provider: str,
    identity: ProviderIdentity,
    signup_enabled: bool,
    ip: str | None,
) -> User:
    if identity.email is None:
        raise Forbidden(
            f"{provider} did not share an email address, so no account can be found",
            code="oauth_email_missing",
        )
    if not identity.email_verified:
        raise Forbidden(
            f"{provider} has not verified {identity.email}: verify it there and try again",
            code="oauth_email_unverified",
        )
    # Emails are stored lower-cased and unique across the platform, whatever the tenant.
    user = await UserRepository.from_session(session).by_email(identity.email.strip().lower())
    if user is None:
        if not signup_enabled:
            raise Forbidden(
                f"no account uses {identity.email}: ask your company's owner for an invitation",
                code="oauth_no_account",
            )
        user = await _sign_up(session, provider=provider, identity=identity, email=identity.email)
    await OAuthIdentityRepository.from_session(session).add(
        OAuthIdentity(
            user_id=user.id, provider=provider, subject=identity.subject, email=identity.email
        )
    )
    # The provider vouched for the address, and the person just proved they hold that account.
    user.email_verified = True
    await record(
        session=session,
        action="oauth.linked",
        tenant_id=user.tenant_id,
        actor_id=user.id,
        target=f"{provider}:{identity.subject}",
        ip=ip,
        details={"provider": provider, "email": identity.email},
    )
    return user


async def account_for(
    *,
    session: AsyncSession,
    provider: str,
    identity: ProviderIdentity,
    signup_enabled: bool,
    ip: str | None = None,
) -> LinkedAccount:
    """The user ``identity`` logs in as, linking it on first use; refuses with a code."""
    found = await OAuthIdentityRepository.from_session(session).linked_user(
        provider=provider, subject=identity.subject
    )
    if found is not None:
        link, user = found
        if identity.email is not None:
            # Kept for support staff ("which Google account is this?"); it decides nothing.
            link.email = identity.email
    else:
        user = await _link_by_email(
            session, provider=provider, identity=identity, signup_enabled=signup_enabled, ip=ip
        )
    tenant = await TenantRepository.from_session(session).get(user.tenant_id)
    assert tenant is not None, "users.tenant_id is a foreign key"
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    return LinkedAccount(user=user, tenant=tenant)


async def log_in(
    *,
    session: AsyncSession,
    provider: str,
    identity: ProviderIdentity,
    settings: GatewaySettings,
    ip: str | None,
    user_agent: str | None,
) -> IssuedTokens:
    """A login session for the user ``identity`` is; refuses with an ``AppError`` and a code
    (which the endpoint audits on its own, as this transaction rolls back)."""
    method = f"oauth:{provider}"
    account = await account_for(
        session=session,
        provider=provider,
        identity=identity,
        signup_enabled=settings.signup_enabled,
        ip=ip,
    )
    tokens = await start_session(
        session=session,
        user=account.user,
        method=method,
        settings=settings,
        ip=ip,
        user_agent=user_agent,
    )
    await record(
        session=session,
        action="login.succeeded",
        tenant_id=account.tenant.id,
        actor_id=account.user.id,
        ip=ip,
        details={"method": method},
    )
    return tokens
