"""Prometheus metrics: the ``/metrics`` endpoint and the HTTP request histogram."""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, make_asgi_app
from starlette.types import ASGIApp

__all__ = ["HTTP_REQUEST_SECONDS", "metrics_app"]

HTTP_REQUEST_SECONDS = Histogram(
    "mia_http_request_duration_seconds",
    "HTTP requests by route template and status",
    ["method", "route", "status"],
)


def metrics_app(registry: CollectorRegistry = REGISTRY) -> ASGIApp:
    return make_asgi_app(registry=registry)
