"""The service app factory and the process's infrastructure.

A service's ``main.py`` builds, in this order and all in plain functions:

1. its settings;
2. ``build_infrastructure(settings, ...)``: the Kafka broker (complete, before anything
   subscribes), the database engine and session factory, the Redis client and the outbox
   relay. Nothing connects yet: connections open when the app starts;
3. its own typed process context (a dataclass with ``settings`` and ``infra`` and the
   service's singletons: key ring, HTTP clients, runtime objects), never a string-keyed
   bag;
4. its Kafka router (``stream.py``), included into ``infra.broker``;
5. ``create_service_app(context, routers=...)``: FastAPI with the lifespan that starts
   and stops all of it, health, metrics and problem+json.

See ``docs/service-anatomy.md``.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.requests import HTTPConnection
from structlog.contextvars import bind_contextvars, unbind_contextvars

from mia_common.db.engine import OUTBOX_RELAY_INFO, create_engine, create_session_factory
from mia_common.errors import install_problem_handlers
from mia_common.health import ReadinessCheck, health_router
from mia_common.logging import configure_logging
from mia_common.messaging.broker import create_broker, stop_broker
from mia_common.messaging.retry import RetryPolicy
from mia_common.metrics import HTTP_REQUEST_SECONDS, metrics_router
from mia_common.openapi import document_problems
from mia_common.outbox.relay import OutboxRelay
from mia_common.settings import ServiceSettings
from mia_common.telemetry import configure_tracing, instrument_app, tracing_enabled
from mia_common.webhooks.routes import DirectRoutes

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUEST_ID_HEADER",
    "Hook",
    "Infrastructure",
    "ProcessContext",
    "build_infrastructure",
    "context_of",
    "create_service_app",
]

REQUEST_ID_HEADER = "X-Request-Id"
Hook = Callable[[], Awaitable[None]]


@dataclass(kw_only=True, eq=False)
class Infrastructure:
    """The servers a process talks to, as clients built once per process."""

    broker: KafkaBroker
    engine: AsyncEngine | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    redis: Redis | None = None
    relay: OutboxRelay | None = None

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """The session factory; a service built without a database has none."""
        if self.session_factory is None:
            raise RuntimeError("this service was built without a database")
        return self.session_factory

    @property
    def redis_client(self) -> Redis:
        if self.redis is None:
            raise RuntimeError("this service was built without Redis")
        return self.redis

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        checks: dict[str, ReadinessCheck] = {}
        if self.engine is not None:
            engine = self.engine

            async def database() -> bool:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                return True

            checks["database"] = database
        broker = self.broker

        async def kafka() -> bool:
            return await broker.ping(timeout=1.5)

        checks["kafka"] = kafka
        if self.redis is not None:
            redis = self.redis

            async def redis_ping() -> bool:
                return bool(await redis.ping())

            checks["redis"] = redis_ping
        return checks


def build_infrastructure(
    settings: ServiceSettings,
    *,
    client_id: str,
    database: bool = True,
    redis: bool = True,
    outbox_relay: bool = False,
    retry_policy: RetryPolicy | None = None,
    pool_size: int = 10,
) -> Infrastructure:
    """Clients for Kafka, PostgreSQL and Redis; none of them connects before the app starts."""
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(service=settings.service_name, otlp_endpoint=settings.otlp_endpoint)
    broker = create_broker(settings, client_id=client_id, retry_policy=retry_policy)
    engine = create_engine(settings.own_database_url, pool_size=pool_size) if database else None
    relay: OutboxRelay | None = None
    session_factory = None
    if engine is not None:
        session_factory = create_session_factory(engine)
        if outbox_relay:
            relay = OutboxRelay(session_factory=session_factory, broker=broker)
            # Sessions that stage outbox rows wake the relay once they commit.
            session_factory.kw.setdefault("info", {})[OUTBOX_RELAY_INFO] = relay
    return Infrastructure(
        broker=broker,
        engine=engine,
        session_factory=session_factory,
        redis=_redis_client(settings.redis_url) if redis else None,
        relay=relay,
    )


class ProcessContext(Protocol):
    """What every service's own context dataclass has (it adds typed singletons)."""

    @property
    def settings(self) -> ServiceSettings: ...

    @property
    def infra(self) -> Infrastructure: ...


async def context_of(connection: HTTPConnection) -> Any:
    """The process context the app was built with (each service types it as ``ContextDep``).

    A coroutine on purpose: FastAPI runs a plain-function dependency in its thread pool, a
    measured tenth of the gateway's event loop when it was one.
    """
    return connection.app.state.context


YOUNG_COLLECTION_THRESHOLD = 20_000


class _RequestContext:
    """Request id in and out, the request histogram, and the direct routes (a webhook's
    ``RequestOnlyRoute``, see ``mia_common.webhooks.routes``); a plain ASGI middleware.

    Starlette's ``BaseHTTPMiddleware`` runs the rest of the app in a task group and copies
    every body chunk through a stream: a measured few percent of a webhook's CPU.
    """

    def __init__(self, app: ASGIApp, *, direct: DirectRoutes | None = None) -> None:
        self.app = app
        self._header = REQUEST_ID_HEADER.lower().encode()
        self._direct = direct

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = ""
        for name, value in scope["headers"]:
            if name == self._header:
                request_id = value.decode("latin-1")
                break
        # Not uuid4: its os.urandom is a system call per request (~2 % of a webhook), and
        # a request id correlates log lines, it guards nothing.
        request_id = request_id or f"{random.getrandbits(128):032x}"
        encoded_id = request_id.encode("latin-1")
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (self._header, encoded_id)]
            await send(message)

        bind_contextvars(request_id=request_id)
        direct = self._direct
        route = direct.find(scope) if direct is not None else None
        try:
            if direct is None or route is None:
                await self.app(scope, receive, send_with_id)
            else:
                await direct.serve(route, scope, receive, send_with_id)
        finally:
            unbind_contextvars("request_id")
            matched = scope.get("route")
            HTTP_REQUEST_SECONDS.labels(
                scope["method"], getattr(matched, "path", "unmatched"), str(status)
            ).observe(time.perf_counter() - started)


REDIS_MAX_CONNECTIONS = 128
REDIS_POOL_WAIT_SECONDS = 5.0


def _redis_client(url: str) -> Redis:
    """A client whose pool makes a burst wait for a free connection: redis-py's default
    pool raises on the 101st concurrent command (seen under the gateway's rate limits)."""
    pool = BlockingConnectionPool.from_url(
        url, max_connections=REDIS_MAX_CONNECTIONS, timeout=REDIS_POOL_WAIT_SECONDS
    )
    return Redis(connection_pool=pool)


def create_service_app(
    context: ProcessContext,
    *,
    routers: Sequence[APIRouter] = (),
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    **fastapi_options: Any,
) -> FastAPI:
    """FastAPI around a built context: its lifespan starts the broker and the relay.

    ``on_startup`` hooks run before the broker consumes (create topics, first-run data);
    ``on_shutdown`` hooks run before it stops (drain what the service started).
    """
    settings = context.settings
    infra = context.infra

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup:
            await hook()
        await infra.broker.start()
        if infra.relay is not None:
            infra.relay.start()
        # What start-up built (modules, schemas, clients, projections) lives as long as the
        # process: frozen out of the collector's sight, a full collection no longer walks it
        # all, which stopped the loop for tens of ms under load (a webhook's p99 fell from
        # ~200 ms to ~40 ms, and a pacing slot of the sender was no longer missed).
        gc.collect()
        gc.freeze()
        # A young-generation collection every 700 allocations (the default) walks what the
        # requests in flight hold, several times per request; every 20,000 it walks it
        # far less often (meta-ingest: 0.40 -> 0.37 ms of CPU per webhook).
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook()
            if infra.relay is not None:
                await infra.relay.stop()
            await stop_broker(infra.broker)
            if infra.redis is not None:
                await infra.redis.aclose()
            if infra.engine is not None:
                await infra.engine.dispose()

    fastapi_options.setdefault("title", f"Master IA {settings.service_name}")
    # FastAPI's own OpenTelemetry hooks look up the tracer provider on every request (a
    # measured ~2.5 % of a webhook); tracing, when exported, is the instrumentation's job.
    fastapi_options.setdefault("telemetry", {"tracing": False, "metrics": False, "logs": False})
    app = FastAPI(lifespan=lifespan, **fastapi_options)
    app.state.context = context
    app.state.readiness_checks = infra.readiness_checks()
    install_problem_handlers(app)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    app.include_router(metrics_router())
    document_problems(app)
    instrument_app(app, otlp_endpoint=settings.otlp_endpoint)
    # Served directly only when no trace is exported: the instrumentation's middleware,
    # inside this one, must see every request then.
    direct = None if tracing_enabled(settings.otlp_endpoint) else DirectRoutes(app)
    app.add_middleware(_RequestContext, direct=direct)
    return app
