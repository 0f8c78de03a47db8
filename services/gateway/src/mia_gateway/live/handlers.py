"""What the live subscriber does with a record: read it as a live event, hand it to the hub.

Thin on purpose: ``events.parse_event`` says what a live event is, ``hub.LiveHub.publish``
fans it out without waiting. A record that is no live event raises ``PermanentError``,
and the platform's consume path dead-letters it without retries.
"""

from __future__ import annotations

from mia_gateway.live.events import LiveRecord, parse_event
from mia_gateway.live.hub import LiveHub

__all__ = ["relay"]


def relay(hub: LiveHub, record: LiveRecord) -> int:
    """Fan the record's event out to its tenant's connections; how many queued it."""
    return hub.publish(parse_event(record.value, topic=record.topic))
