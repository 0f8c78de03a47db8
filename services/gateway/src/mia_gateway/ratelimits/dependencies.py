"""The limit, taken right after the caller is authenticated.

``admit_request`` runs inside ``auth.dependencies.get_principal`` (which the forwarding
route's ``get_forwarding_principal`` calls too): every signed-in route, and only those,
takes its tokens, once per request, with no second authentication. An anonymous caller
is refused (401) before any bucket is touched; a limited one (429) before the route does
anything. The verdict is kept in the request's state for ``headers`` to put on the answer.
"""

from typing import Any, Final

from fastapi import Request

from mia_gateway.auth.principal import Principal
from mia_gateway.ratelimits.limiter import RateVerdict, RequestLimiter

__all__ = ["VERDICT_STATE", "admit_request", "verdict_of"]

# The key of the verdict in the ASGI scope's state (``request.state``).
VERDICT_STATE: Final = "mia_rate_verdict"


def verdict_of(state: dict[str, Any]) -> RateVerdict | None:
    verdict = state.get(VERDICT_STATE)
    return verdict if isinstance(verdict, RateVerdict) else None


async def admit_request(limiter: RequestLimiter, request: Request, principal: Principal) -> None:
    """Take the request's tokens; keep the verdict for the headers; raise the 429."""
    verdict = await limiter.admit(principal)
    if verdict is None:
        return
    request.scope.setdefault("state", {})[VERDICT_STATE] = verdict
    if not verdict.allowed:
        raise verdict.refusal()
