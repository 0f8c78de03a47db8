"""Login, refresh, logout, sign-up and ``/me``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response

from mia_common.db import unit_of_work
from mia_common.db.requests import SessionDep
from mia_common.errors import Unauthorized
from mia_gateway.audit.refusals import record_refusal
from mia_gateway.auth import service
from mia_gateway.auth.dependencies import CurrentPrincipal
from mia_gateway.auth.schemas import (
    LoginRequest,
    MeResponse,
    SignupRequest,
    TokenResponse,
)
from mia_gateway.auth.sessions import IssuedTokens, RefreshReuse
from mia_gateway.config import GatewaySettings
from mia_gateway.context import ContextDep, SettingsDep

__all__ = ["REFRESH_COOKIE", "client_ip", "router", "set_refresh_cookie", "token_response"]

REFRESH_COOKIE = "mia_refresh"
COOKIE_PATH = "/api/v1/auth"
router = APIRouter(prefix="/api/v1", tags=["auth"])


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def set_refresh_cookie(response: Response, tokens: IssuedTokens, settings: GatewaySettings) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=int((tokens.refresh_expires_at - datetime.now(UTC)).total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="strict",
    )


def token_response(tokens: IssuedTokens) -> TokenResponse:
    return TokenResponse(
        access_token=tokens.access_token,
        expires_in=max(0, int((tokens.access_expires_at - datetime.now(UTC)).total_seconds())),
        expires_at=tokens.access_expires_at,
    )


@router.post("/auth/login", response_model=TokenResponse, summary="Log in with email and password")
async def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    context: ContextDep,
    settings: SettingsDep,
) -> TokenResponse:
    ip = client_ip(request)
    try:
        tokens = await service.log_in(
            session=session,
            throttle=context.login_throttle,
            settings=settings,
            email=body.email,
            password=body.password,
            ip=ip,
            user_agent=request.headers.get("user-agent"),
        )
    except service.LoginFailed as failure:
        await record_refusal(
            sessions=context.infra.sessions,
            action="login.failed",
            tenant_id=failure.tenant_id,
            actor_id=failure.user_id,
            ip=ip,
            details={"email": failure.email},
        )
        raise
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)


@router.post("/auth/refresh", response_model=TokenResponse, summary="Spend the refresh cookie")
async def refresh(
    request: Request,
    response: Response,
    context: ContextDep,
    settings: SettingsDep,
    mia_refresh: Annotated[str | None, Cookie()] = None,
) -> TokenResponse:
    if not mia_refresh:
        raise Unauthorized("no refresh cookie: log in", code="refresh_missing")
    reused: RefreshReuse | None = None
    # Not SessionDep: a reused token's revocation must commit although the answer is 401.
    async with unit_of_work(context.infra.sessions) as session:
        try:
            tokens = await service.refresh(
                session=session, refresh_token=mia_refresh, settings=settings, ip=client_ip(request)
            )
        except RefreshReuse as exc:
            reused = exc
    if reused is not None:
        response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH)
        raise reused
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)


@router.post("/auth/logout", status_code=204, summary="End this session")
async def logout(principal: CurrentPrincipal, session: SessionDep, response: Response) -> Response:
    await service.log_out(session=session, principal=principal)
    response = Response(status_code=204)
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH)
    return response


@router.post(
    "/auth/signup", response_model=TokenResponse, status_code=201, summary="Create a new company"
)
async def signup(
    body: SignupRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> TokenResponse:
    tokens = await service.sign_up(
        session=session,
        settings=settings,
        company=body.company,
        email=str(body.email),
        password=body.password,
        name=body.name,
        timezone=body.timezone,
        ip=client_ip(request),
    )
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)


@router.get("/me", response_model=MeResponse, summary="The caller, their company and role")
async def me(principal: CurrentPrincipal, session: SessionDep) -> MeResponse:
    tenant, user = await service.caller_of(session=session, principal=principal)
    return MeResponse.of(principal, tenant=tenant, user=user)
