"""Login, refresh, logout, sign-up and ``/me``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response
from sqlalchemy import select

from mia_common.db import unit_of_work
from mia_common.db.requests import SessionDep
from mia_common.errors import Forbidden, Unauthorized
from mia_gateway.audit.service import record, record_independently
from mia_gateway.auth.passwords import hash_password, needs_rehash, verify_password
from mia_gateway.auth.principal import CurrentPrincipal
from mia_gateway.auth.schemas import (
    LoginRequest,
    MeResponse,
    SignupRequest,
    TenantSummary,
    TokenResponse,
    UserView,
)
from mia_gateway.auth.sessions import (
    IssuedTokens,
    RefreshReuse,
    end_session,
    refresh_session,
    start_session,
)
from mia_gateway.config import GatewaySettings
from mia_gateway.context import ContextDep, SettingsDep
from mia_gateway.models import Tenant, TenantStatus, User
from mia_gateway.tenants.service import create_tenant_with_owner

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
    email = body.email.lower()
    ip = client_ip(request)
    await context.login_throttle.check(email=email, ip=ip)
    row = (
        await session.execute(
            select(User, Tenant)
            .join(Tenant, Tenant.id == User.tenant_id)
            .where(User.email == email)
        )
    ).first()
    user, tenant = row if row else (None, None)
    if not verify_password(user.password_hash if user else None, body.password) or user is None:
        await record_independently(
            context.infra.sessions,
            action="login.failed",
            tenant_id=tenant.id if tenant else None,
            actor_id=user.id if user else None,
            ip=ip,
            details={"email": email},
        )
        raise Unauthorized("wrong email or password", code="login_failed")
    if user.disabled_at is not None:
        raise Unauthorized("this user is disabled", code="user_disabled")
    assert tenant is not None
    if tenant.status != TenantStatus.ACTIVE and not user.is_platform_admin:
        raise Unauthorized("this company's account is suspended", code="tenant_suspended")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(body.password)
    tokens = await start_session(
        session,
        user=user,
        method="password",
        settings=settings,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
    )
    await record(session, action="login.succeeded", tenant_id=tenant.id, actor_id=user.id, ip=ip)
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
            tokens = await refresh_session(session, refresh_token=mia_refresh, settings=settings)
        except RefreshReuse as exc:
            # Commit the family's revocation, then refuse.
            reused = exc
            await record(
                session, action="session.refresh_reused", tenant_id=None, ip=client_ip(request)
            )
    if reused is not None:
        response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH)
        raise reused
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)


@router.post("/auth/logout", status_code=204, summary="End this session")
async def logout(principal: CurrentPrincipal, session: SessionDep, response: Response) -> Response:
    if principal.session_id is not None:
        await end_session(session, session_id=principal.session_id, reason="logout")
        await record(session, action="logout", tenant_id=principal.tenant_id, actor_id=principal.id)
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
    if not settings.signup_enabled:
        raise Forbidden("self-service sign-up is switched off", code="signup_disabled")
    tenant, owner = await create_tenant_with_owner(
        session,
        name=body.company,
        owner_email=str(body.email),
        owner_password=body.password,
        owner_name=body.name,
        timezone=body.timezone,
    )
    await record(session, action="tenant.signed_up", tenant_id=tenant.id, actor_id=owner.id)
    tokens = await start_session(
        session, user=owner, method="signup", settings=settings, ip=client_ip(request)
    )
    set_refresh_cookie(response, tokens, settings)
    return token_response(tokens)


@router.get("/me", response_model=MeResponse, summary="The caller, their company and role")
async def me(principal: CurrentPrincipal, session: SessionDep) -> MeResponse:
    tenant = await session.get(Tenant, principal.tenant_id)
    assert tenant is not None
    user_view = None
    if principal.kind == "user":
        user = await session.get(User, principal.id)
        assert user is not None
        user_view = UserView(
            id=user.id,
            email=user.email,
            name=user.name,
            role=principal.role,
            is_platform_admin=user.is_platform_admin,
        )
    return MeResponse(
        kind=principal.kind,
        user=user_view,
        tenant=TenantSummary(
            id=tenant.id,
            name=tenant.name,
            slug=tenant.slug,
            timezone=tenant.timezone,
            status=tenant.status,
        ),
        role=principal.role,
        scopes=list(principal.scopes),
    )
