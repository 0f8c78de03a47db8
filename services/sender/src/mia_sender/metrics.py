"""The sender's Prometheus metrics (served on ``/metrics`` with the platform's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = ["DISPATCH_QUEUE_DEPTH", "IN_FLIGHT", "PROVIDER_SECONDS", "SENDS"]

SENDS = Counter(
    "mia_sender_sends_total",
    "Send requests that ended, by channel, result and error code ('' when accepted)",
    ["channel", "result", "code"],
)
PROVIDER_SECONDS = Histogram(
    "mia_sender_provider_call_seconds",
    "Provider calls by channel and what came of them",
    ["channel", "result"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DISPATCH_QUEUE_DEPTH = Gauge(
    "mia_sender_dispatch_queue_depth",
    "Sends waiting (queued) per account this process dispatches",
    ["channel_account_id"],
)
IN_FLIGHT = Gauge(
    "mia_sender_provider_calls_in_flight",
    "Provider calls open now in this process",
)
