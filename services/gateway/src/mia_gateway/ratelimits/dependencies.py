"""The limit as a dependency that runs right after the caller is authenticated.

``limit_requests(limiter, principal_of)`` depends on the very dependency the routes get
their principal from (``auth.dependencies.get_principal``, or the forwarding route's
``get_forwarding_principal``): FastAPI solves it once per request and hands both the same
principal, so the limit costs no second authentication. An anonymous caller is refused
(401) before any bucket is touched; a limited one (429) before the route does anything.
The verdict is kept in the request's state for ``headers`` to put on the answer.

No ``from __future__ import annotations`` here: the dependency's signature names
``principal_of``, a variable of the factory, which FastAPI could not resolve from a string.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Final

from fastapi import Depends, Request

from mia_gateway.auth.principal import Principal
from mia_gateway.ratelimits.limiter import RateVerdict, RequestLimiter

__all__ = ["VERDICT_STATE", "limit_requests", "verdict_of"]

# The key of the verdict in the ASGI scope's state (``request.state``).
VERDICT_STATE: Final = "mia_rate_verdict"


def verdict_of(state: dict[str, Any]) -> RateVerdict | None:
    verdict = state.get(VERDICT_STATE)
    return verdict if isinstance(verdict, RateVerdict) else None


def limit_requests(
    limiter: RequestLimiter, principal_of: Callable[..., Awaitable[Principal]]
) -> Callable[..., Awaitable[None]]:
    """A dependency taking the request's tokens as the principal ``principal_of`` gives."""

    async def take_request_tokens(
        request: Request, principal: Annotated[Principal, Depends(principal_of)]
    ) -> None:
        verdict = await limiter.admit(principal)
        if verdict is None:
            return
        request.scope.setdefault("state", {})[VERDICT_STATE] = verdict
        if not verdict.allowed:
            raise verdict.refusal()

    return take_request_tokens
