"""The old service app factory, until every service builds a ProcessContext (see app.py).

A service's ``main.py`` builds its settings, its broker (with its subscribers) and its
routers, then calls ``create_service_app``. The broker is started in the FastAPI lifespan
(FastStream 0.7 deprecates its FastAPI plugin router); the outbox relay runs beside it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from faststream.kafka import KafkaBroker
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from mia_common.db.engine import create_engine, create_session_factory
from mia_common.errors import install_problem_handlers
from mia_common.health import ReadinessCheck, health_router
from mia_common.logging import configure_logging
from mia_common.messaging.broker import stop_broker
from mia_common.metrics import HTTP_REQUEST_SECONDS, metrics_router
from mia_common.outbox.relay import OutboxRelay
from mia_common.settings import ServiceSettings
from mia_common.telemetry import configure_tracing, instrument_app

__all__ = ["REQUEST_ID_HEADER", "ServiceContext", "create_service_app"]

REQUEST_ID_HEADER = "X-Request-Id"
Hook = Callable[["ServiceContext"], Awaitable[None]]


@dataclass
class ServiceContext:
    """Per-process singletons, built in the lifespan and kept on ``app.state.context``."""

    settings: ServiceSettings
    broker: KafkaBroker | None = None
    engine: AsyncEngine | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    redis: Redis | None = None
    relay: OutboxRelay | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def _readiness_checks(ctx: ServiceContext) -> dict[str, ReadinessCheck]:
    checks: dict[str, ReadinessCheck] = {}
    if ctx.engine is not None:
        engine = ctx.engine

        async def database() -> bool:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True

        checks["database"] = database
    if ctx.broker is not None:
        broker = ctx.broker

        async def kafka() -> bool:
            return await broker.ping(timeout=1.5)

        checks["kafka"] = kafka
    if ctx.redis is not None:
        redis = ctx.redis

        async def redis_ping() -> bool:
            return bool(await redis.ping())

        checks["redis"] = redis_ping
    return checks


def create_service_app(
    settings: ServiceSettings,
    *,
    broker: KafkaBroker | None = None,
    routers: Sequence[APIRouter] = (),
    uses_database: bool = True,
    uses_redis: bool = True,
    runs_outbox_relay: bool = True,
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    **fastapi_options: Any,
) -> FastAPI:
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    configure_tracing(service=settings.service_name, otlp_endpoint=settings.otlp_endpoint)
    ctx = ServiceContext(settings=settings, broker=broker)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if uses_database:
            ctx.engine = create_engine(settings.own_database_url)
            ctx.session_factory = create_session_factory(ctx.engine)
        if uses_redis:
            ctx.redis = Redis.from_url(settings.redis_url)
        if ctx.broker is not None:
            await ctx.broker.start()
            if runs_outbox_relay and ctx.session_factory is not None:
                ctx.relay = OutboxRelay(session_factory=ctx.session_factory, broker=ctx.broker)
                ctx.relay.start()
        app.state.readiness_checks = _readiness_checks(ctx)
        for hook in on_startup:
            await hook(ctx)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(ctx)
            if ctx.relay is not None:
                await ctx.relay.stop()
            if ctx.broker is not None:
                await stop_broker(ctx.broker)
            if ctx.redis is not None:
                await ctx.redis.aclose()
            if ctx.engine is not None:
                await ctx.engine.dispose()

    fastapi_options.setdefault("title", f"Master IA {settings.service_name}")
    app = FastAPI(lifespan=lifespan, **fastapi_options)
    app.state.context = ctx
    app.state.readiness_checks = {}
    install_problem_handlers(app)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    app.include_router(metrics_router())
    instrument_app(app, otlp_endpoint=settings.otlp_endpoint)

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        route = request.scope.get("route")
        HTTP_REQUEST_SECONDS.labels(
            request.method, getattr(route, "path", "unmatched"), str(response.status_code)
        ).observe(time.perf_counter() - started)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response

    return app
