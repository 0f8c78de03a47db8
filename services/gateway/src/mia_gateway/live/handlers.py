"""What the live subscriber does with a record: read it as a live event, hand it to the hub.

Thin on purpose: ``events.parse_event`` says what a live event is, ``hub.LiveHub.publish``
fans it out without waiting. A record that is no live event raises ``PermanentError``,
and the platform's consume path dead-letters it without retries. Events no browser needs
(``NOT_FOR_BROWSERS``: a campaign's recipients in batches) are dropped, by their header
when the producer sets it, so they are not even parsed.
"""

from __future__ import annotations

from collections.abc import Container

from mia_gateway.config import NOT_FOR_BROWSERS
from mia_gateway.live.events import LiveRecord, parse_event
from mia_gateway.live.hub import LiveHub

__all__ = ["relay"]


def relay(
    hub: LiveHub, record: LiveRecord, *, not_for_browsers: Container[str] = NOT_FOR_BROWSERS
) -> int:
    """Fan the record's event out to its tenant's connections; how many queued it."""
    if record.event_type in not_for_browsers:
        return 0
    event = parse_event(record.value, topic=record.topic)
    if event.kind in not_for_browsers:
        return 0
    return hub.publish(event)
