"""Which of our users a provider's account is.

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
from mia_gateway.models import Tenant, TenantStatus, User
from mia_gateway.oauth.id_token import ProviderIdentity
from mia_gateway.oauth.repository import add_link, linked_user, user_by_email
from mia_gateway.tenants.service import create_tenant_with_owner

__all__ = ["LinkedAccount", "account_for"]


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    user: User
    tenant: Tenant


async def _sign_up(
    session: AsyncSession, *, provider: str, identity: ProviderIdentity, email: str
) -> User:
    # A new company named after the address's domain; its owner renames it in settings.
    tenant, owner = await create_tenant_with_owner(
        session,
        name=email.rpartition("@")[2] or email,
        owner_email=email,
        owner_password=None,
        owner_name=identity.name,
        email_verified=True,
    )
    await record(
        session,
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
    user = await user_by_email(session, email=identity.email)
    if user is None:
        if not signup_enabled:
            raise Forbidden(
                f"no account uses {identity.email}: ask your company's owner for an invitation",
                code="oauth_no_account",
            )
        user = await _sign_up(session, provider=provider, identity=identity, email=identity.email)
    await add_link(
        session, user=user, provider=provider, subject=identity.subject, email=identity.email
    )
    # The provider vouched for the address, and the person just proved they hold that account.
    user.email_verified = True
    await record(
        session,
        action="oauth.linked",
        tenant_id=user.tenant_id,
        actor_id=user.id,
        target=f"{provider}:{identity.subject}",
        ip=ip,
        details={"provider": provider, "email": identity.email},
    )
    return user


async def account_for(
    session: AsyncSession,
    *,
    provider: str,
    identity: ProviderIdentity,
    signup_enabled: bool,
    ip: str | None = None,
) -> LinkedAccount:
    """The user ``identity`` logs in as, linking it on first use; refuses with a code."""
    found = await linked_user(session, provider=provider, subject=identity.subject)
    if found is not None:
        link, user = found
        if identity.email is not None:
            # Kept for support staff ("which Google account is this?"); it decides nothing.
            link.email = identity.email
    else:
        user = await _link_by_email(
            session, provider=provider, identity=identity, signup_enabled=signup_enabled, ip=ip
        )
    tenant = await session.get(Tenant, user.tenant_id)
    assert tenant is not None, "users.tenant_id is a foreign key"
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    return LinkedAccount(user=user, tenant=tenant)
