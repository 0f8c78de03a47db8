"""The Meta sandbox app: ``uvicorn --factory mia_meta_sandbox.main:create_app``.

Deliberately not ``mia_common.app.create_service_app``: the sandbox stands in for Meta,
it is not one of our services, and under the sender benchmark (hundreds of sends and
three times as many webhooks a second) tracing spans, metrics and the request-id
middleware on every call cost more CPU than everything the sandbox itself does. It keeps
the platform's logging, problem+json errors and ``/healthz`` + ``/readyz``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mia_common.errors import install_problem_handlers
from mia_common.health import health_router
from mia_common.logging import configure_logging
from mia_meta_sandbox.config import SandboxSettings, get_settings
from mia_meta_sandbox.context import Sandbox
from mia_meta_sandbox.control import router as control_router
from mia_meta_sandbox.customers import router as customers_router
from mia_meta_sandbox.graph_api import router as graph_router
from mia_meta_sandbox.graph_errors import GraphError
from mia_meta_sandbox.verification import verify_webhook

__all__ = ["create_app"]


def create_app(settings: SandboxSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(
        service=settings.service_name, level=settings.log_level, json=settings.log_json
    )
    # A line per Graph call would drown the log under the sender benchmark, and
    # configure_logging turns uvicorn's access log back on even under --no-access-log;
    # GET /sandbox/sent and /sandbox/webhooks are the record instead.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    sandbox = Sandbox.build(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await sandbox.start()
        if settings.verify_webhook_on_start:
            sandbox.dispatcher.spawn(
                verify_webhook(settings.webhook_url, settings.verify_token.get_secret_value())
            )
        try:
            yield
        finally:
            await sandbox.aclose()

    app = FastAPI(
        title="Master IA Meta sandbox",
        lifespan=lifespan,
        # FastAPI's own OpenTelemetry hooks run per request (and switch on in a test
        # process where a service configured a tracer): off, for the reason above.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.sandbox = sandbox
    # Nothing to check beyond the process itself: /readyz answers as soon as it serves.
    app.state.readiness_checks = {}
    install_problem_handlers(app)

    @app.exception_handler(GraphError)
    async def _graph_error(request: Request, exc: GraphError) -> JSONResponse:
        return exc.response()

    app.include_router(health_router())
    # The control routes come before the Graph ones: "/sandbox/stats" would otherwise
    # read as the Graph path "/{version}/{object_id}".
    app.include_router(control_router)
    app.include_router(customers_router)
    app.include_router(graph_router)
    return app
