"""Invite, list pending, revoke, and accept (which creates the user and logs them in)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, Field
from sqlalchemy import func, select

from mia_common.db.requests import SessionDep
from mia_common.errors import AppError, Conflict, NotFound
from mia_common.identity import Role
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_gateway.audit.service import record
from mia_gateway.auth.endpoints import client_ip, set_refresh_cookie, token_response
from mia_gateway.auth.passwords import check_policy, hash_password
from mia_gateway.auth.principal import AdminPrincipal
from mia_gateway.auth.schemas import TokenResponse
from mia_gateway.auth.secrets import digest, new_token
from mia_gateway.auth.sessions import start_session
from mia_gateway.context import SettingsDep
from mia_gateway.models import Invitation, Tenant, TenantStatus, User
from mia_gateway.users.service import check_may_assign

router = APIRouter(prefix="/api/v1/invitations", tags=["invitations"])


class InvitationGone(AppError):
    status_code = 410
    title = "Invitation no longer valid"


class InvitationCreate(BaseModel):
    email: EmailStr
    role: Role = Role.agent


class InvitationOut(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    expires_at: datetime
    created_at: datetime


class InvitationCreated(InvitationOut):
    accept_url: str = Field(description="shown once: send it to the person invited")
    token: str


class AcceptInvitation(BaseModel):
    token: str = Field(min_length=10, max_length=200)
    name: str = Field(default="", max_length=200)
    password: str = Field(min_length=1, max_length=256)


def _out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=Role(invitation.role),
        expires_at=invitation.expires_at,
        created_at=invitation.created_at,
    )


@router.post("", response_model=InvitationCreated, status_code=201, summary="Invite a person")
async def invite(
    body: InvitationCreate, principal: AdminPrincipal, session: SessionDep, settings: SettingsDep
) -> InvitationCreated:
    check_may_assign(principal, body.role)
    email = str(body.email).lower()
    if await session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise Conflict("an account with this email already exists", code="email_taken")
    token = new_token()
    invitation = Invitation(
        tenant_id=principal.tenant_id,
        email=email,
        role=body.role.value,
        token_hash=digest(token),
        invited_by=principal.id,
        expires_at=datetime.now(UTC) + timedelta(hours=settings.invitation_hours),
    )
    session.add(invitation)
    await session.flush()
    await session.refresh(invitation)
    await record(
        session,
        action="invitation.created",
        tenant_id=principal.tenant_id,
        actor_id=principal.id,
        target=email,
        details={"role": body.role.value},
    )
    return InvitationCreated(
        **_out(invitation).model_dump(),
        token=token,
        accept_url=f"{settings.public_url}/accept-invitation#token={token}",
    )


@router.get("", response_model=Page[InvitationOut], summary="Pending invitations")
async def list_invitations(
    principal: AdminPrincipal, session: SessionDep, page: PageQuery
) -> Page[InvitationOut]:
    query = select(Invitation).where(
        Invitation.tenant_id == principal.tenant_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > datetime.now(UTC),
    )
    rows, cursor = await fetch_page(session, query, page, key=Invitation.id)
    return Page(items=[_out(i) for i in rows], next_cursor=cursor)


@router.delete("/{invitation_id}", status_code=204, summary="Revoke a pending invitation")
async def revoke_invitation(
    invitation_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> Response:
    invitation = await session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.tenant_id == principal.tenant_id
        )
    )
    if invitation is None:
        raise NotFound("no such invitation")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = datetime.now(UTC)
        await record(
            session,
            action="invitation.revoked",
            tenant_id=principal.tenant_id,
            actor_id=principal.id,
            target=invitation.email,
        )
    return Response(status_code=204)


@router.post(
    "/accept",
    response_model=TokenResponse,
    status_code=201,
    summary="Accept an invitation: creates the account and logs in",
)
async def accept_invitation(
    body: AcceptInvitation,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(body.token)).with_for_update()
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
    tenant = await session.get(Tenant, invitation.tenant_id)
    if tenant is None or tenant.status != TenantStatus.ACTIVE:
        raise InvitationGone("this company's account is suspended", code="tenant_suspended")
    if await session.scalar(
        select(func.count()).select_from(User).where(User.email == invitation.email)
    ):
        raise Conflict("an account with this email already exists", code="email_taken")
    check_policy(body.password, email=invitation.email)
    user = User(
        tenant_id=invitation.tenant_id,
        email=invitation.email,
        name=body.name,
        role=invitation.role,
        password_hash=hash_password(body.password),
        # Only the address's owner could have opened the link that was sent to it.
        email_verified=True,
    )
    session.add(user)
    invitation.accepted_at = now
    await session.flush()
    await record(
        session,
        action="invitation.accepted",
        tenant_id=invitation.tenant_id,
        actor_id=user.id,
        target=invitation.email,
    )
    tokens = await start_session(
        session, user=user, method="invitation", settings=settings, ip=client_ip(request)
    )
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)
