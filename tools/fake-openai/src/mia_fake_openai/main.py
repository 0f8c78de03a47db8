"""The fake OpenAI app: ``uvicorn --factory mia_fake_openai.main:create_app``; its OpenAI
base URL is ``http://<host>:<port>/v1``.

Not ``mia_common.app.create_service_app``: it stands in for a third party, not one of our
services (no Kafka, database or metrics). It keeps the platform's logging and
``/healthz`` + ``/readyz``; errors of its OpenAI routes are OpenAI's shape, not
problem+json.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mia_common.errors import install_problem_handlers
from mia_common.health import health_router
from mia_common.logging import configure_logging
from mia_fake_openai.chat import router as chat_router
from mia_fake_openai.config import FakeOpenAISettings, get_settings
from mia_fake_openai.context import FakeOpenAI
from mia_fake_openai.control import router as control_router
from mia_fake_openai.embeddings import router as embeddings_router
from mia_fake_openai.errors import OpenAIError
from mia_fake_openai.models_api import router as models_router

__all__ = ["create_app"]


def create_app(settings: FakeOpenAISettings | None = None, *, own_logging: bool = True) -> FastAPI:
    """``own_logging=False`` inside another process's tests: its logging stays as it is
    (configuring ours would relabel every line of the process as the fake's)."""
    settings = settings or get_settings()
    if own_logging:
        configure_logging(
            service=settings.service_name, level=settings.log_level, json=settings.log_json
        )
        logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    app = FastAPI(
        title="Master IA fake OpenAI",
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.fake = FakeOpenAI.build(settings)
    app.state.readiness_checks = {}
    install_problem_handlers(app)

    @app.exception_handler(OpenAIError)
    async def _openai_error(request: Request, exc: OpenAIError) -> JSONResponse:
        return exc.response()

    app.include_router(health_router())
    app.include_router(control_router)
    app.include_router(chat_router)
    app.include_router(embeddings_router)
    app.include_router(models_router)
    return app
