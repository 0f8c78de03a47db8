"""Prometheus metrics: the ``/metrics`` endpoint and the HTTP request histogram."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)

__all__ = ["HTTP_REQUEST_SECONDS", "metrics_router"]

HTTP_REQUEST_SECONDS = Histogram(
    "mia_http_request_duration_seconds",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)


def metrics_router(registry: CollectorRegistry = REGISTRY) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
