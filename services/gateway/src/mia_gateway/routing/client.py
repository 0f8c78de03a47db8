"""The pooled HTTP clients the gateway forwards with: one per API area, per process.

Created on an area's first forwarded request and kept in ``ctx.extras`` so every request
reuses keep-alive connections; ``close_upstream`` is the app's shutdown hook that closes
them all. One pool per area is a bulkhead: a hung service can fill its own pool (its
callers then get 503) but never take the connections other areas' services need.
"""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Final

import httpx

from mia_common.app_legacy import ServiceContext

__all__ = ["UPSTREAM_CLIENTS_KEY", "UPSTREAM_LIMITS", "close_upstream", "upstream_client"]

UPSTREAM_CLIENTS_KEY: Final = "upstream_clients"
UPSTREAM_LIMITS: Final = httpx.Limits(
    # Beyond this many requests in flight to one service, callers queue for up to the
    # timeout and then get 503, rather than the gateway opening sockets without end.
    max_connections=256,
    max_keepalive_connections=64,
    # Below uvicorn's 5 s keep-alive timeout, which our services run with: reusing a
    # connection the service is closing at that instant fails the request (ReadError).
    keepalive_expiry=4.0,
)


def _clients(ctx: ServiceContext) -> dict[str, httpx.AsyncClient]:
    clients = ctx.extras.setdefault(UPSTREAM_CLIENTS_KEY, {})
    assert isinstance(clients, dict)
    return clients


def upstream_client(ctx: ServiceContext, *, area: str, timeout_seconds: float) -> httpx.AsyncClient:
    """The client for ``area``, created on first use with ``timeout_seconds`` per phase."""
    clients = _clients(ctx)
    client = clients.get(area)
    if client is not None:
        return client
    # No await between the lookup and the store: concurrent first requests to an area
    # cannot create two clients.
    client = clients[area] = httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        limits=UPSTREAM_LIMITS,
        # Internal calls must never go through an HTTP(S)_PROXY meant for the outside.
        trust_env=False,
        # A redirect is the service's answer to the caller, not for us to follow.
        follow_redirects=False,
        # Shared by every caller of every tenant: a cookie a service sets for one caller
        # must never ride along on another's request, so the jar accepts none.
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
    )
    return client


async def close_upstream(ctx: ServiceContext) -> None:
    """Shutdown hook: close the pooled connections of every area that opened some."""
    clients = ctx.extras.pop(UPSTREAM_CLIENTS_KEY, {})
    for client in clients.values():
        await client.aclose()
