"""Invitations: an admin invites an address with a role; accepting creates the account.

The link's token is shown once and only its SHA-256 is stored. Accepting it proves the
person holds the address it was sent to, so the new account's email counts as verified.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.audit.service import record
from mia_gateway.auth.passwords import check_policy, hash_password
from mia_gateway.auth.principal import Principal
from mia_gateway.auth.secrets import digest, new_token
from mia_gateway.auth.sessions import IssuedTokens, start_session
from mia_gateway.config import GatewaySettings
from mia_gateway.invitations.errors import InvitationGone
from mia_gateway.invitations.repository import InvitationRepository
from mia_gateway.models import Invitation, TenantStatus, User
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.users.repository import UserRepository
from mia_gateway.users.service import check_may_assign

__all__ = ["accept", "invite", "list_pending", "revoke"]


async def invite(
    *,
    session: AsyncSession,
    actor: Principal,
    email: str,
    role: Role,
    settings: GatewaySettings,
) -> tuple[Invitation, str]:
    """The invitation and its link token (shown once, never stored)."""
    check_may_assign(actor, role)
    email = email.lower()
    if await UserRepository.from_session(session).email_taken(email):
        raise Conflict("an account with this email already exists", code="email_taken")
    token = new_token()
    invitation = await InvitationRepository.from_session(session).add(
        Invitation(
            tenant_id=actor.tenant_id,
            email=email,
            role=role.value,
            token_hash=digest(token),
            invited_by=actor.id,
            expires_at=datetime.now(UTC) + timedelta(hours=settings.invitation_hours),
        )
    )
    await record(
        session=session,
        action="invitation.created",
        tenant_id=actor.tenant_id,
        actor_id=actor.id,
        target=email,
        details={"role": role.value},
    )
    return invitation, token


async def list_pending(
    *, session: AsyncSession, tenant_id: uuid.UUID, page: PageParams
) -> tuple[list[Invitation], str | None]:
    return await InvitationRepository.from_session(session).page_pending(
        tenant_id=tenant_id, page=page, now=datetime.now(UTC)
    )


async def revoke(*, session: AsyncSession, actor: Principal, invitation_id: uuid.UUID) -> None:
    """A pending invitation's link stops working; a used or revoked one stays as it is."""
    invitation = await InvitationRepository.from_session(session).get_of_tenant(
        tenant_id=actor.tenant_id, invitation_id=invitation_id
    )
    if invitation is None:
        raise NotFound("no such invitation")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = datetime.now(UTC)
        await record(
            session=session,
            action="invitation.revoked",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            target=invitation.email,
        )


async def accept(
    *,
    session: AsyncSession,
    token: str,
    name: str,
    password: str,
    settings: GatewaySettings,
    ip: str | None,
) -> IssuedTokens:
    """The invited person's account, created and logged in; ``InvitationGone`` saying why
    a link no longer works."""
    invitation = await InvitationRepository.from_session(session).by_token_hash_for_update(
        digest(token)
    )
    if invitation is None:
        raise NotFound("this invitation link is not valid")
    now = datetime.now(UTC)
    if invitation.accepted_at is not None:
        raise InvitationGone("this invitation was already used", code="invitation_used")
    if invitation.revoked_at is not None:
        raise InvitationGone("this invitation was revoked", code="invitation_revoked")
    if invitation.expires_at <= now:
        raise InvitationGone(
            "this invitation expired: ask for a new one", code="invitation_expired"
        )
    tenant = await TenantRepository.from_session(session).get(invitation.tenant_id)
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        raise InvitationGone("this company's account is suspended", code="tenant_suspended")
    users = UserRepository.from_session(session)
    if await users.email_taken(invitation.email):
        raise Conflict("an account with this email already exists", code="email_taken")
    check_policy(password, email=invitation.email)
    invitation.accepted_at = now
    user = await users.add(
        User(
            tenant_id=invitation.tenant_id,
            email=invitation.email,
            name=name,
            role=invitation.role,
            password_hash=hash_password(password),
            # Only the address's owner could have opened the link that was sent to it.
            email_verified=True,
        )
    )
    await record(
        session=session,
        action="invitation.accepted",
        tenant_id=invitation.tenant_id,
        actor_id=user.id,
        target=invitation.email,
    )
    return await start_session(
        session=session, user=user, method="invitation", settings=settings, ip=ip
    )
