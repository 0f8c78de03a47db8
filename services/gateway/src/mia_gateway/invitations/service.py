"""Invitations: an admin invites an address with a role; accepting creates the account.

The link's token is shown once and only its SHA-256 is stored. Accepting it proves the
person holds the address it was sent to, so the account's email counts as verified.

The platform's invitation is the other kind: a tenant a platform administrator creates
comes with its owner's account, without a password, and a link for that owner
(``invite_owner``). Accepting it sets the account's password instead of creating one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.errors import Conflict, NotFound
from mia_common.identity import Role
from mia_common.pagination import PageParams
from mia_gateway.audit.service import ActorKind, record, record_platform_action
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

__all__ = ["accept", "invite", "invite_owner", "list_pending", "revoke"]


async def _issue(
    *,
    session: AsyncSession,
    tenant_id: uuid.UUID,
    email: str,
    role: Role,
    invited_by: uuid.UUID,
    settings: GatewaySettings,
) -> tuple[Invitation, str]:
    token = new_token()
    invitation = await InvitationRepository.from_session(session).add(
        Invitation(
            tenant_id=tenant_id,
            email=email,
            role=role.value,
            token_hash=digest(token),
            invited_by=invited_by,
            expires_at=datetime.now(UTC) + timedelta(hours=settings.invitation_hours),
        )
    )
    return invitation, token


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
    invitation, token = await _issue(
        session=session,
        tenant_id=actor.tenant_id,
        email=email,
        role=role,
        invited_by=actor.id,
        settings=settings,
    )
    await record(
        session=session,
        action="invitation.created",
        tenant_id=actor.tenant_id,
        actor_id=actor.id,
        actor_kind=actor.kind,
        # The invitation, not the address: an address may be longer than a target.
        target=str(invitation.id),
        details={"email": email, "role": role.value},
    )
    return invitation, token


async def invite_owner(
    *, session: AsyncSession, owner: User, admin_id: uuid.UUID, settings: GatewaySettings
) -> tuple[Invitation, str]:
    """The link that lets the owner of a tenant the platform created set their password.

    Any earlier link of theirs stops working: the one handed over last is the one to use.
    The tenant's log shows the platform inviting, the platform's log the administrator.
    """
    invitations = InvitationRepository.from_session(session)
    now = datetime.now(UTC)
    await invitations.revoke_pending_for(tenant_id=owner.tenant_id, email=owner.email, at=now)
    invitation, token = await _issue(
        session=session,
        tenant_id=owner.tenant_id,
        email=owner.email,
        role=Role(owner.role),
        # The column wants an inviter; no answer of the tenant API shows it.
        invited_by=admin_id,
        settings=settings,
    )
    await record_platform_action(
        session=session,
        action="invitation.created",
        tenant_id=owner.tenant_id,
        admin_id=admin_id,
        target=str(invitation.id),
        details={"email": owner.email, "role": owner.role},
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
            actor_kind=actor.kind,
            target=str(invitation.id),
            details={"email": invitation.email},
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
    existing = await users.by_email(invitation.email)
    if existing is not None and not _awaits_password(existing, invitation):
        raise Conflict("an account with this email already exists", code="email_taken")
    if existing is not None and existing.disabled_at is not None:
        raise InvitationGone("this account is disabled", code="user_disabled")
    check_policy(password, email=invitation.email)
    invitation.accepted_at = now
    # Only the address's owner could have opened the link that was sent to it.
    if existing is not None:
        user = existing
        user.password_hash = hash_password(password)
        user.email_verified = True
        if name:
            user.name = name
    else:
        user = await users.add(
            User(
                tenant_id=invitation.tenant_id,
                email=invitation.email,
                name=name,
                role=invitation.role,
                password_hash=hash_password(password),
                email_verified=True,
            )
        )
    await record(
        session=session,
        action="invitation.accepted",
        tenant_id=invitation.tenant_id,
        actor_id=user.id,
        actor_kind=ActorKind.user,
        target=str(invitation.id),
        details={"email": invitation.email},
    )
    return await start_session(
        session=session, user=user, method="invitation", settings=settings, ip=ip
    )


def _awaits_password(user: User, invitation: Invitation) -> bool:
    """Whether ``invitation`` is the one that completes ``user``: an account of the same
    tenant that has no password (the owner the platform created with the tenant). Any
    other account with the address is someone else's, or one that logs in already."""
    return user.tenant_id == invitation.tenant_id and user.password_hash is None
