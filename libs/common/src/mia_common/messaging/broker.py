"""The broker factory: one way to build a FastStream Kafka broker with safe settings.

aiokafka defaults to ``acks=1`` without idempotence, and FastStream acknowledges a message
before handling it (at-most-once). Here the producer waits for every in-sync replica and
is idempotent (a retried send is not duplicated), and subscribers commit only after the
handler succeeded or its message was dead-lettered (at-least-once).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY, CollectorRegistry

from mia_common.messaging.commits import OffsetCommitter, committer_of, register_committer
from mia_common.messaging.consuming import AtLeastOnceMiddleware
from mia_common.messaging.partitioner import KeyHashPartitioner
from mia_common.messaging.publishing import PublishMetrics, register_publishing
from mia_common.messaging.retry import RetryPolicy
from mia_common.settings import PlatformSettings
from mia_common.telemetry import tracing_enabled

__all__ = ["SUBSCRIBER_DEFAULTS", "create_broker", "stop_broker", "subscriber_options"]

METRICS_PREFIX = "mia"

# MANUAL: FastStream neither acknowledges first nor commits per record; the
# AtLeastOnceMiddleware commits each offset after its record was handled or dead-lettered.
SUBSCRIBER_DEFAULTS: dict[str, Any] = {
    "ack_policy": AckPolicy.MANUAL,
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
    linger_ms: int = 0,
    request_timeout_ms: int = 15_000,
    **kwargs: Any,
) -> KafkaBroker:
    """A broker for ``settings.kafka_bootstrap_servers`` with tracing, metrics and DLQ."""
    committer = OffsetCommitter()
    registry = metrics_registry or REGISTRY
    tracing = tracing_enabled(settings.otlp_endpoint)
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        # No lingering by default: records that pile up while a request is in flight are
        # batched anyway, and a lone publish (a webhook) should not wait for company.
        linger_ms=linger_ms,
        request_timeout_ms=request_timeout_ms,
        partitioner=KeyHashPartitioner(),
        middlewares=[
            *([KafkaTelemetryMiddleware()] if tracing else []),
            KafkaPrometheusMiddleware(
                registry=registry, app_name=client_id, metrics_prefix=METRICS_PREFIX
            ),
            AtLeastOnceMiddleware.factory(retry_policy or RetryPolicy(), committer),
            *middlewares,
        ],
        # Per-record "Received"/"Processed" lines are debug detail, not operations logs.
        log_level=logging.DEBUG,
        **kwargs,
    )
    register_committer(broker, committer)
    register_publishing(
        broker,
        PublishMetrics(registry, app_name=client_id, prefix=METRICS_PREFIX),
        through_faststream=tracing,
    )
    return broker


async def stop_broker(broker: KafkaBroker) -> None:
    """Commit what was handled, then stop: a clean restart redelivers nothing."""
    committer = committer_of(broker)
    if committer is not None:
        await committer.flush_all()
    await broker.stop()
