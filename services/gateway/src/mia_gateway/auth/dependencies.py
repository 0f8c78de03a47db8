"""The caller of a request as a dependency: ``CurrentPrincipal`` and the role checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from mia_common.db.requests import SessionDep
from mia_common.errors import Forbidden
from mia_common.identity import Role
from mia_gateway.auth.principal import Principal
from mia_gateway.auth.service import authenticate
from mia_gateway.context import ContextDep
from mia_gateway.ratelimits.dependencies import admit_request

__all__ = [
    "AdminPrincipal",
    "CurrentPrincipal",
    "ManagerPrincipal",
    "OwnerPrincipal",
    "PlatformAdmin",
    "get_principal",
    "require_platform_admin",
    "require_role",
]


def _credentials(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    return request.headers.get("x-api-key")


async def get_principal(request: Request, session: SessionDep, context: ContextDep) -> Principal:
    """The caller, authenticated, and admitted by the request limits (429 when its company
    or its API key has no tokens left): every signed-in route is limited this way, the
    forwarded ones too (``routing.endpoints.get_forwarding_principal``)."""
    principal = await authenticate(
        session=session, credentials=_credentials(request), settings=context.settings
    )
    request.state.principal = principal
    await admit_request(context.limiter, request, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_role(minimum: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting ``minimum`` and the roles above it."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.role.at_least(minimum):
            raise Forbidden(f"this needs the {minimum.value} role or above", code="role_required")
        return principal

    return check


async def require_platform_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_platform_admin:
        raise Forbidden("only platform administrators may do this", code="platform_admin_required")
    return principal


ManagerPrincipal = Annotated[Principal, Depends(require_role(Role.manager))]
AdminPrincipal = Annotated[Principal, Depends(require_role(Role.admin))]
OwnerPrincipal = Annotated[Principal, Depends(require_role(Role.owner))]
PlatformAdmin = Annotated[Principal, Depends(require_platform_admin)]
