"""The pooled HTTP clients the gateway forwards with: one per API area, per process.

``UpstreamClients`` lives on the process context; a client is created on an area's first
forwarded request and then reused, so every request rides keep-alive connections. The
app's shutdown closes them all. One pool per area is a bulkhead: a hung service can fill
its own pool (its callers then get 503) but never take the connections other areas'
services need.
"""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Final

import httpx

__all__ = ["UPSTREAM_LIMITS", "UpstreamClients"]

UPSTREAM_LIMITS: Final = httpx.Limits(
    # Beyond this many requests in flight to one service, callers queue for up to the
    # timeout and then get 503, rather than the gateway opening sockets without end.
    max_connections=256,
    max_keepalive_connections=64,
    # Below uvicorn's 5 s keep-alive timeout, which our services run with: reusing a
    # connection the service is closing at that instant fails the request (ReadError).
    keepalive_expiry=4.0,
)


class UpstreamClients:
    """The area → client map of one process; ``timeout_seconds`` applies to each phase."""

    def __init__(self, *, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._clients: dict[str, httpx.AsyncClient] = {}

    def for_area(self, area: str) -> httpx.AsyncClient:
        """The client for ``area``, created on first use."""
        client = self._clients.get(area)
        if client is not None:
            return client
        # No await between the lookup and the store: concurrent first requests to an area
        # cannot create two clients.
        client = self._clients[area] = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout_seconds),
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

    async def aclose(self) -> None:
        """Close the pooled connections of every area that opened some (at shutdown)."""
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()
