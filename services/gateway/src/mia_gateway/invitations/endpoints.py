"""Invite, list pending, revoke, and accept (which creates the user and logs them in)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from mia_common.db.requests import SessionDep
from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.pagination import Page, PageQuery
from mia_gateway.auth.dependencies import AdminPrincipal
from mia_gateway.auth.endpoints import client_ip, set_refresh_cookie, token_response
from mia_gateway.auth.schemas import TokenResponse
from mia_gateway.context import SettingsDep
from mia_gateway.invitations import service
from mia_gateway.invitations.schemas import (
    AcceptInvitation,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/invitations", tags=["invitations"])


@router.post("", response_model=InvitationCreated, status_code=201, summary="Invite a person")
async def invite(
    body: InvitationCreate, principal: AdminPrincipal, session: SessionDep, settings: SettingsDep
) -> InvitationCreated:
    invitation, token = await service.invite(
        session=session, actor=principal, email=str(body.email), role=body.role, settings=settings
    )
    return InvitationCreated.issued(invitation, token=token, public_url=settings.public_url)


@router.get("", response_model=Page[InvitationOut], summary="Pending invitations")
async def list_invitations(
    principal: AdminPrincipal, session: SessionDep, page: PageQuery
) -> Page[InvitationOut]:
    rows, cursor = await service.list_pending(
        session=session, tenant_id=principal.tenant_id, page=page
    )
    return Page(items=[InvitationOut.of(i) for i in rows], next_cursor=cursor)


@router.delete("/{invitation_id}", status_code=204, summary="Revoke a pending invitation")
async def revoke_invitation(
    invitation_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> Response:
    await service.revoke(session=session, actor=principal, invitation_id=invitation_id)
    return Response(status_code=204)


@router.post(
    "/accept",
    response_model=TokenResponse,
    status_code=201,
    summary="Accept an invitation: creates the account (or sets its password) and logs in",
    description="A link to an owner's account the platform created sets that account's"
    " password. 410 when the link was used, revoked or expired, or the company is"
    " suspended (`code` says which).",
    responses={410: PROBLEM_RESPONSE},
)
async def accept_invitation(
    body: AcceptInvitation,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    tokens = await service.accept(
        session=session,
        token=body.token,
        name=body.name,
        password=body.password,
        settings=settings,
        ip=client_ip(request),
    )
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)
