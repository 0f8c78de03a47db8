"""The broker factory: one way to build a FastStream Kafka broker with safe settings.

aiokafka defaults to ``acks=1`` without idempotence, and FastStream acknowledges a message
before handling it (at-most-once). Here the producer waits for every in-sync replica and
is idempotent (a retried send is not duplicated), and subscribers commit only after the
handler succeeded or its message was dead-lettered (at-least-once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY, CollectorRegistry

from mia_common.messaging.dead_letter import DeadLetterMiddleware, RetryPolicy
from mia_common.settings import PlatformSettings

__all__ = ["SUBSCRIBER_DEFAULTS", "create_broker", "subscriber_options"]

# NACK_ON_ERROR: an error that escapes the dead-letter middleware (the DLQ itself is down)
# seeks back to the record instead of committing past it.
SUBSCRIBER_DEFAULTS: dict[str, Any] = {
    "ack_policy": AckPolicy.NACK_ON_ERROR,
    "auto_offset_reset": "earliest",
    # Retries happen inside one poll; keep them well under this, or the group rebalances.
    "max_poll_interval_ms": 300_000,
}


def subscriber_options(group_id: str, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments for ``broker.subscriber(topic, **subscriber_options(group))``."""
    return {**SUBSCRIBER_DEFAULTS, "group_id": group_id, **overrides}


def create_broker(
    settings: PlatformSettings,
    *,
    client_id: str,
    retry_policy: RetryPolicy | None = None,
    metrics_registry: CollectorRegistry | None = None,
    middlewares: Sequence[Any] = (),
    **kwargs: Any,
) -> KafkaBroker:
    """A broker for ``settings.kafka_bootstrap_servers`` with tracing, metrics and DLQ."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        # A few ms of lingering lets concurrent publishes share one produce request.
        linger_ms=5,
        request_timeout_ms=15_000,
        middlewares=[
            KafkaTelemetryMiddleware(),
            KafkaPrometheusMiddleware(
                registry=metrics_registry or REGISTRY, app_name=client_id, metrics_prefix="mia"
            ),
            DeadLetterMiddleware.factory(retry_policy or RetryPolicy()),
            *middlewares,
        ],
        **kwargs,
    )
