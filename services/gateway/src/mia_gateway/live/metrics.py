"""Prometheus metrics of the live events, served on the gateway's ``/metrics``.

No tenant label: tenants are unbounded, and a label per tenant would be a series per
tenant. Per-tenant questions belong in the logs.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

__all__ = [
    "CONNECTIONS",
    "EVENTS_DELIVERED",
    "EVENTS_RECEIVED",
    "RESUMES",
    "SLOW_CLIENTS_DROPPED",
]

CONNECTIONS = Gauge("mia_gateway_live_connections", "Open live WebSocket connections")
EVENTS_RECEIVED = Counter(
    "mia_gateway_live_events_received_total", "Events read from Kafka for live fan-out", ["topic"]
)
EVENTS_DELIVERED = Counter(
    "mia_gateway_live_events_delivered_total", "Event frames written to live WebSockets"
)
SLOW_CLIENTS_DROPPED = Counter(
    "mia_gateway_live_slow_clients_dropped_total",
    "Live connections closed because their queue overflowed",
)
RESUMES = Counter(
    "mia_gateway_live_resumes_total",
    "Reconnections with a last_event_id: replayed from the buffer, or told to resync",
    ["outcome"],
)
