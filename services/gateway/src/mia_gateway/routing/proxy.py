"""Forwarding one request to the service that owns its API area.

The path is forwarded unchanged: ``GET /api/v1/crm/contacts?x=1`` becomes
``GET {routes["crm"]}/api/v1/crm/contacts?x=1``. A service declares its routes under the
same ``/api/v1/<area>`` prefix the public API shows, so nothing is rewritten on the way
and a service's own OpenAPI paths are the public ones.

What the service receives:

- the method, the query string and the body, streamed: the gateway never holds a whole
  request or response body in memory;
- the caller's end-to-end headers, minus hop-by-hop ones, the caller's credentials
  (``Authorization``, ``Cookie``, ``X-Api-Key``: they stay at the edge) and anything in the
  gateway's own ``X-Mia-`` namespace, so a client cannot forge an identity;
- ``X-Mia-Identity``: a 60-second identity token naming the tenant, the user (for an API
  key, the key's id) and the role, which ``mia_common.identity`` verifies;
- ``X-Request-Id`` (the caller's, or the one the gateway made), ``traceparent`` of the
  gateway's span, and ``X-Forwarded-For/Proto/Host``.

What the caller receives: the service's status, headers and body as they are (a service's
problem+json passes through), except that an unreachable service answers 502, one that
does not answer within ``upstream_timeout_seconds`` 504, a full connection pool 503, and
a 5xx without a problem+json body 502 problem+json, so a stack trace never leaks out.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Final
from urllib.parse import quote

import aiohttp
import structlog
from multidict import CIMultiDict
from opentelemetry import propagate
from prometheus_client import Histogram
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send
from yarl import URL

from mia_common.app import REQUEST_ID_HEADER
from mia_common.errors import PROBLEM_JSON
from mia_common.identity import IDENTITY_HEADER, Identity, issue_identity_token
from mia_gateway.auth.principal import Principal
from mia_gateway.config import GatewaySettings
from mia_gateway.routing.client import AreaClient
from mia_gateway.routing.errors import (
    AreaNotInScope,
    GatewayBusy,
    InvalidForwardPath,
    UnknownArea,
    UpstreamFailed,
    UpstreamTimeout,
    UpstreamUnreachable,
)

__all__ = [
    "IDENTITY_TTL_SECONDS",
    "UPSTREAM_SECONDS",
    "UpstreamResponse",
    "forward",
    "forwarded_headers",
    "owning_service",
    "upstream_url",
]

# Long enough for a service to finish the request it came with, short enough that a
# token leaked from a service's logs is useless by the time anyone reads it.
IDENTITY_TTL_SECONDS: Final = 60
UPSTREAM_SECONDS = Histogram(
    "mia_gateway_upstream_seconds",
    "Time until a service's response headers; status is the service's, or timeout,"
    " unreachable, busy, client_gone when there was none",
    ["area", "status"],
)
logger = structlog.get_logger(__name__)

# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP: Final = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# The caller's credentials stay at the gateway: services trust the identity token only.
# The forwarding headers are dropped too and rewritten from what the gateway saw.
_REQUEST_DROPPED: Final = HOP_BY_HOP | {
    "host",
    "authorization",
    "cookie",
    "x-api-key",
    "x-request-id",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
}
# The gateway's own headers: whatever a client sends under this prefix is dropped.
_RESERVED_PREFIX: Final = "x-mia-"
# The gateway owns the browser's cookies (the refresh token among them) and its own
# Date, Server and X-Request-Id.
_RESPONSE_DROPPED: Final = HOP_BY_HOP | {"set-cookie", "date", "server", "x-request-id"}


def owning_service(settings: GatewaySettings, principal: Principal, area: str) -> str:
    """The base URL of the service owning ``area``, if ``principal`` may call it."""
    base_url = settings.routes.get(area)
    if base_url is None:
        raise UnknownArea(area)
    if not principal.may_use_area(area):
        raise AreaNotInScope(area)
    return base_url


def upstream_url(request: Request, base_url: str) -> str:
    """``base_url`` + the request's path and query, exactly as the caller encoded them."""
    # A client or a proxy on the way may resolve dot segments, so /api/v1/crm/../../metrics
    # would reach the service's /metrics: an area's prefix must be a boundary the caller
    # cannot climb.
    if any(segment in {".", ".."} for segment in str(request.scope["path"]).split("/")):
        raise InvalidForwardPath("the path may not contain . or .. segments")
    raw_path = request.scope.get("raw_path")
    # raw_path keeps %2F and friends as sent; some ASGI clients append the query to it.
    path = (
        raw_path.split(b"?", 1)[0].decode("latin-1")
        if isinstance(raw_path, bytes) and raw_path
        else quote(str(request.scope["path"]))
    )
    query = bytes(request.scope.get("query_string", b"")).decode("latin-1")
    return f"{base_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def forwarded_headers(
    request: Request, *, identity_token: str, request_id: str
) -> CIMultiDict[str]:
    """The headers the service receives (see the module docstring)."""
    named_in_connection = {
        token.strip().lower() for token in request.headers.get("connection", "").split(",")
    }
    headers = CIMultiDict(
        [
            (name, value)
            for name, value in request.headers.items()
            if name not in _REQUEST_DROPPED
            and name not in named_in_connection
            and not name.startswith(_RESERVED_PREFIX)
        ]
    )
    headers[IDENTITY_HEADER] = identity_token
    headers[REQUEST_ID_HEADER] = request_id
    # request.client is already the real caller when uvicorn runs with --proxy-headers
    # behind trusted proxies; a chain sent by the client itself would be unverifiable.
    if request.client is not None:
        headers["X-Forwarded-For"] = request.client.host
    headers["X-Forwarded-Proto"] = request.url.scheme
    if "host" in request.headers:
        headers["X-Forwarded-Host"] = request.headers["host"]
    # The gateway's span continues the caller's trace; without an active span (tracing
    # not configured) the caller's own traceparent passes through unchanged.
    propagate.inject(headers)
    return headers


def _current_request_id(request: Request) -> str:
    # The app middleware binds the id it answers with (the caller's or a new one).
    bound = structlog.contextvars.get_contextvars().get("request_id")
    if isinstance(bound, str) and bound:
        return bound
    return request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex


def _request_body(request: Request) -> AsyncIterator[bytes] | None:
    """The body as a stream, or None when the request has none (no chunked GETs)."""
    has_body = "transfer-encoding" in request.headers or request.headers.get(
        "content-length", "0"
    ) not in {"", "0"}
    if not has_body:
        return None

    async def chunks() -> AsyncIterator[bytes]:
        # Starlette ends the stream with b""; in a chunked upload that would read as
        # the terminating chunk, so empty chunks are not passed on.
        async for chunk in request.stream():
            if chunk:
                yield chunk

    return chunks()


def _is_problem(response: aiohttp.ClientResponse) -> bool:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == PROBLEM_JSON


def _observe(area: str, status: str, started: float) -> None:
    UPSTREAM_SECONDS.labels(area, status).observe(time.perf_counter() - started)


class UpstreamResponse(StreamingResponse):
    """The service's answer streamed to the caller; its connection is released after.

    Releasing in ``__call__``'s ``finally`` (not a background task, which Starlette skips
    when the caller disconnects) returns the connection and the in-flight slot in every
    case; an answer not read to its end closes its connection instead of pooling it.
    """

    def __init__(self, upstream: aiohttp.ClientResponse, in_flight: asyncio.Semaphore) -> None:
        # Raw bytes (no decompression in the session): a compressed body stays compressed,
        # matching its Content-Encoding and Content-Length.
        super().__init__(upstream.content.iter_any(), status_code=upstream.status)
        # Raw header pairs, so repeated headers (Link, Vary) survive.
        self.raw_headers = [
            (name.lower(), value)
            for name, value in upstream.raw_headers
            if name.decode("latin-1").lower() not in _RESPONSE_DROPPED
        ]
        self.upstream = upstream
        self.in_flight = in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.upstream.release()
            self.in_flight.release()


async def _take_slot(
    client: AreaClient, area: str, started: float, log: structlog.BoundLogger
) -> None:
    try:
        async with asyncio.timeout(client.timeout_seconds):
            await client.in_flight.acquire()
    except TimeoutError as error:
        _observe(area, "busy", started)
        log.warning("upstream pool exhausted")
        raise GatewayBusy(area) from error


async def forward(
    request: Request,
    *,
    client: AreaClient,
    area: str,
    base_url: str,
    principal: Principal,
    settings: GatewaySettings,
) -> Response:
    """Send ``request`` to the service at ``base_url`` as ``principal``; its answer."""
    request_id = _current_request_id(request)
    identity_token = issue_identity_token(
        Identity(
            user_id=principal.id,
            tenant_id=principal.tenant_id,
            role=principal.role,
            request_id=request_id,
        ),
        secret=settings.identity_token_secret,
        ttl_seconds=IDENTITY_TTL_SECONDS,
    )
    url = URL(upstream_url(request, base_url), encoded=True)  # sent as the caller encoded it
    headers = forwarded_headers(request, identity_token=identity_token, request_id=request_id)
    log = logger.bind(area=area, method=request.method, path=request.url.path)
    started = time.perf_counter()
    await _take_slot(client, area, started, log)
    try:
        upstream = await client.session.request(
            request.method,
            url,
            headers=headers,
            data=_request_body(request),
            # A redirect is the service's answer to the caller, not for us to follow.
            allow_redirects=False,
        )
    except BaseException as error:
        client.in_flight.release()
        _raise_for_transport(error, area=area, started=started, log=log, settings=settings)
        if isinstance(error, ClientDisconnect):
            # The caller left while its body was being relayed: nobody is left to answer.
            _observe(area, "client_gone", started)
            log.info("caller disconnected during upload")
            return Response(status_code=499)
        raise
    _observe(area, str(upstream.status), started)
    if upstream.status >= 500 and not _is_problem(upstream):
        upstream.release()
        client.in_flight.release()
        log.warning("upstream failed", upstream_status=upstream.status)
        raise UpstreamFailed(area, upstream.status)
    return UpstreamResponse(upstream, client.in_flight)


def _raise_for_transport(
    error: BaseException,
    *,
    area: str,
    started: float,
    log: structlog.BoundLogger,
    settings: GatewaySettings,
) -> None:
    """The problem for a request that got no answer; returns for anything else."""
    if isinstance(error, TimeoutError):
        # Connecting, or waiting for the service's first bytes, took longer than allowed.
        _observe(area, "timeout", started)
        log.warning("upstream timed out", error=repr(error))
        raise UpstreamTimeout(area, settings.upstream_timeout_seconds) from error
    if isinstance(error, aiohttp.ClientConnectorError):
        _observe(area, "unreachable", started)
        log.warning("upstream unreachable", error=repr(error))
        raise UpstreamUnreachable(area) from error
    if isinstance(error, aiohttp.ClientError):
        _observe(area, "unreachable", started)
        log.warning("upstream broke off", error=repr(error))
        raise UpstreamUnreachable(area, f"the {area} service broke off the exchange") from error
