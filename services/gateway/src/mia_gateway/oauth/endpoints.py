"""OAuth login endpoints: the providers on offer, the start redirect and the callback.

The callback ends on the dashboard with a refresh cookie, never a token in the URL (URLs
leak into history, logs and Referer headers): the dashboard then calls
``POST /api/v1/auth/refresh`` for its first access token.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Cookie, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from mia_common.db.requests import SessionDep
from mia_common.errors import AppError, NotFound
from mia_gateway.audit.refusals import record_refusal
from mia_gateway.auth.endpoints import client_ip, set_refresh_cookie
from mia_gateway.config import GatewaySettings, OAuthProviderSettings
from mia_gateway.context import ContextDep, SettingsDep
from mia_gateway.oauth import service
from mia_gateway.oauth.discovery import ProviderDirectory
from mia_gateway.oauth.errors import LoginAttemptInvalid
from mia_gateway.oauth.flow import begin_login, finish_login
from mia_gateway.oauth.pending import (
    STATE_COOKIE,
    STATE_COOKIE_PATH,
    STATE_TTL_SECONDS,
    binding_matches,
    browser_binding,
    relative_next,
    take,
)

__all__ = ["OAuthProviders", "router"]

router = APIRouter(prefix="/api/v1/auth/oauth", tags=["auth"])
# What a provider's ``error`` may look like when we pass it on to the login page.
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")


class OAuthProviders(BaseModel):
    providers: list[str]


async def provider_directory(context: ContextDep) -> ProviderDirectory:
    """The process's cache of discovery documents and signing keys."""
    return context.oauth_directory


DirectoryDep = Annotated[ProviderDirectory, Depends(provider_directory)]


def _provider(settings: GatewaySettings, name: str) -> OAuthProviderSettings:
    provider = settings.oauth_providers().get(name)
    if provider is None:
        raise NotFound(f"no login provider named {name!r}", code="oauth_provider_unknown")
    return provider


def _forget_state(response: RedirectResponse, settings: GatewaySettings) -> None:
    response.delete_cookie(
        STATE_COOKIE, path=STATE_COOKIE_PATH, httponly=True, secure=settings.cookie_secure
    )


@router.get(
    "/providers", response_model=OAuthProviders, summary="The providers the login page offers"
)
async def providers(settings: SettingsDep) -> OAuthProviders:
    return OAuthProviders(providers=sorted(settings.oauth_providers()))


@router.get(
    "/{provider}/start",
    status_code=302,
    response_class=RedirectResponse,
    summary="Send the browser to the provider to log in",
)
async def start(
    provider: str,
    context: ContextDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    next_path: Annotated[str, Query(alias="next", max_length=2000)] = "/",
) -> RedirectResponse:
    config = _provider(settings, provider)
    authorization = await begin_login(
        provider=config,
        directory=directory,
        redis=context.infra.redis_client,
        public_url=settings.public_url,
        next_path=relative_next(next_path),
    )
    response = RedirectResponse(authorization.url, status_code=302)
    # Lax, not Strict: the provider's redirect back is a cross-site navigation, and a Strict
    # cookie would stay behind.
    response.set_cookie(
        STATE_COOKIE,
        browser_binding(authorization.state),
        max_age=STATE_TTL_SECONDS,
        path=STATE_COOKIE_PATH,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )
    return response


@router.get(
    "/{provider}/callback",
    status_code=302,
    response_class=RedirectResponse,
    summary="Where the provider sends the browser back; logs in and goes on to the dashboard",
)
async def callback(
    provider: str,
    request: Request,
    session: SessionDep,
    context: ContextDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    mia_oauth_state: Annotated[str | None, Cookie()] = None,
) -> RedirectResponse:
    config = _provider(settings, provider)
    redis = context.infra.redis_client
    bound = state is not None and binding_matches(mia_oauth_state, state)
    if error is not None:
        # The person declined, or the provider failed: the login page says so.
        if state is not None and bound:
            await take(redis, state=state)
        reason = error if _ERROR_CODE.fullmatch(error) else "oauth_failed"
        response = RedirectResponse("/login?" + urlencode({"error": reason}), status_code=302)
        _forget_state(response, settings)
        return response
    if not state or not code:
        raise LoginAttemptInvalid("the provider sent no code or state", code="oauth_state_invalid")
    # The cookie first: a state copied into another browser must fail without spending it.
    if not bound:
        raise LoginAttemptInvalid(
            "this login was started in another browser, or its cookie expired: start again",
            code="oauth_state_invalid",
        )
    pending = await take(redis, state=state)
    if pending is None or pending.provider != config.name:
        raise LoginAttemptInvalid(
            "this login attempt expired or was already used: start again",
            code="oauth_state_invalid",
        )
    identity = await finish_login(
        provider=config,
        directory=directory,
        pending=pending,
        code=code,
        public_url=settings.public_url,
    )
    ip = client_ip(request)
    try:
        tokens = await service.log_in(
            session=session,
            provider=config.name,
            identity=identity,
            settings=settings,
            ip=ip,
            user_agent=request.headers.get("user-agent"),
        )
    except AppError as exc:
        # This request's transaction rolls back; the refusal is audited all the same.
        await record_refusal(
            sessions=context.infra.sessions,
            action="login.failed",
            tenant_id=None,
            ip=ip,
            details={
                "method": f"oauth:{config.name}",
                "reason": exc.extra.get("code"),
                "email": identity.email,
            },
        )
        raise
    response = RedirectResponse(pending.next_path, status_code=302)
    set_refresh_cookie(response, tokens, settings)
    _forget_state(response, settings)
    return response
