"""The gateway's process context: its settings, its infrastructure and its singletons.

``GatewayContext.build`` runs in ``create_app`` before anything subscribes or serves, and
nothing in it connects until the app starts: the broker (complete, with the live
subscriber included by ``main``), the database engine and session factory, the Redis
client, and the objects one gateway process keeps for its whole life:

- ``live``: the hub of the browsers' live connections, fed by ``stream.py``;
- ``upstream``: the pooled HTTP clients that forward ``/api/v1/<area>/...`` to services;
- ``login_throttle``: the per-account and per-address login buckets in Redis;
- ``oauth_directory``: the providers' discovery documents and signing keys, cached;
- ``autocommit_sessions``: sessions on the same pool whose statements each commit alone,
  for the authentication of a forwarded request or a live socket (one SELECT, at most one
  UPDATE): no BEGIN and COMMIT round trips, which were a third of the database time of a
  forwarded request (py-spy).

Endpoints reach it through ``ContextDep`` (and the settings through ``SettingsDep``), the
WebSocket endpoint through ``websocket.app.state.context``, Kafka handlers through the
router's closure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.app import Infrastructure, build_infrastructure, context_of
from mia_common.db import create_session_factory
from mia_gateway.auth.throttle import LoginThrottle
from mia_gateway.config import GatewaySettings
from mia_gateway.live.hub import LiveHub
from mia_gateway.oauth.discovery import ProviderDirectory
from mia_gateway.ratelimits.limiter import RequestLimiter
from mia_gateway.routing.client import UpstreamClients

GATEWAY_POOL_SIZE = 25

__all__ = [
    "GATEWAY_POOL_SIZE",
    "ContextDep",
    "GatewayContext",
    "SettingsDep",
    "settings_of",
]


@dataclass(kw_only=True, eq=False)
class GatewayContext:
    settings: GatewaySettings
    infra: Infrastructure
    live: LiveHub
    upstream: UpstreamClients
    login_throttle: LoginThrottle
    limiter: RequestLimiter
    """The request limits per company and per API key (``auth.dependencies``)."""
    oauth_directory: ProviderDirectory
    autocommit_sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def build(cls, settings: GatewaySettings) -> GatewayContext:
        # The gateway publishes nothing, so it has no outbox relay: its broker carries the
        # live consumer only.
        # Every forwarded request takes a connection for its authentication: with the
        # default 10 (and 10 more that close again on return), 50 callers at once had the
        # pool open and close connections all along (asyncpg's connect was 9 % of the
        # gateway's CPU when forwarding).
        infra = build_infrastructure(settings, client_id="gateway", pool_size=GATEWAY_POOL_SIZE)
        assert infra.engine is not None, "the gateway always has a database"
        return cls(
            settings=settings,
            infra=infra,
            live=LiveHub(
                queue_size=settings.live_queue_size, resume_seconds=settings.live_resume_seconds
            ),
            upstream=UpstreamClients(timeout_seconds=settings.upstream_timeout_seconds),
            login_throttle=LoginThrottle(
                infra.redis_client, attempts_per_minute=settings.login_attempts_per_minute
            ),
            limiter=RequestLimiter.from_settings(infra.redis_client, settings),
            oauth_directory=ProviderDirectory(),
            # A copy of the engine sharing its pool; a connection's isolation level is put
            # back when it returns to the pool.
            autocommit_sessions=create_session_factory(
                infra.engine.execution_options(isolation_level="AUTOCOMMIT")
            ),
        )


# A coroutine although it never waits: FastAPI runs a plain ``def`` dependency in its
# thread pool, a hop per request (a tenth of the event loop when forwarding).
ContextDep = Annotated[GatewayContext, Depends(context_of)]


async def settings_of(context: ContextDep) -> GatewaySettings:
    """The settings the app was built with (never a second read of the environment)."""
    return context.settings


SettingsDep = Annotated[GatewaySettings, Depends(settings_of)]
