"""OpenTelemetry tracing across FastAPI, httpx, asyncpg and Kafka headers.

Spans are always created (so logs carry trace ids and Kafka headers carry
``traceparent`` from the FastStream telemetry middleware); they leave the process only
when ``MIA_OTLP_ENDPOINT`` is set.
"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

__all__ = ["configure_tracing", "instrument_app"]

_configured = False


def configure_tracing(*, service: str, otlp_endpoint: str | None) -> None:
    """Install the process-wide tracer provider and client instrumentations, once."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces"))
        )
    trace.set_tracer_provider(provider)
    HTTPXClientInstrumentor().instrument()
    # The asyncpg instrumentor is not annotated; it takes no arguments here.
    AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]
    _configured = True


def instrument_app(app: FastAPI) -> None:
    # No span per WebSocket frame: on a live fan-out that doubled the gateway's CPU per
    # event; the connection itself is still traced.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="healthz,readyz,metrics", exclude_spans=["send", "receive"]
    )
