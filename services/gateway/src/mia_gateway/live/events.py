"""What a live event is, how it is read from Kafka, and the frames browsers receive.

The envelope is read loosely, as a plain JSON object, not as the typed ``Envelope``: the
gateway relays events of every service and must not break when one of them adds a
field or a new event type. It only needs the id (to resume), the tenant (to route) and
the type (for the browser). A record that is not JSON, or lacks them, can never be
relayed, so it raises ``PermanentError`` and the platform's consume path dead-letters it
without retries. Parsed and the frame written with orjson: once per event, however many
browsers receive it.

Some event types are for other services, not browsers (``config.NOT_FOR_BROWSERS``): a
record whose ``mia-event-type`` header names one is dropped before its value is parsed;
one without the header (an older producer) is dropped by its data's ``type`` once parsed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

import orjson

from mia_common.messaging import PermanentError

__all__ = [
    "AUTHENTICATED_FRAME",
    "PING_FRAME",
    "RESYNC_FRAME",
    "LiveEvent",
    "LiveRecord",
    "parse_event",
]

# Control frames carry a "type" but no "id": a browser tells them from events by that.
PING_FRAME: Final = '{"type":"ping"}'
# The answer to a browser's {"type":"auth","access_token":...}: the new token is in use.
AUTHENTICATED_FRAME: Final = '{"type":"authenticated"}'
RESYNC_FRAME: Final = '{"type":"resync"}'
MAX_EVENT_ID_LENGTH: Final = 200


@dataclass(frozen=True, slots=True)
class LiveRecord:
    """A record of a live topic as it came from Kafka, its value not decoded yet."""

    topic: str
    value: bytes
    event_type: str | None = None
    """The producer's ``mia-event-type`` header (the data's ``type``), when it sets one."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One event of one tenant, with its browser frame serialised once for every client."""

    id: str
    tenant_id: uuid.UUID
    type: str
    topic: str
    frame: str
    kind: str | None = None
    """The data's own ``type`` (``campaign.progress``), for topics whose events carry one."""


def _required_text(envelope: dict[str, Any], name: str) -> str:
    value = envelope.get(name)
    if not isinstance(value, str) or not value or len(value) > MAX_EVENT_ID_LENGTH:
        raise PermanentError(f"live event without a valid {name!r}")
    return value


def parse_event(body: Any, *, topic: str) -> LiveEvent:
    """The live event of a CloudEvents record; ``PermanentError`` when it has none."""
    if isinstance(body, bytes | str):
        try:
            body = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise PermanentError("live event that is not JSON") from None
    if not isinstance(body, dict):
        raise PermanentError(f"live event is a JSON {type(body).__name__}, not an object")
    event_id = _required_text(body, "id")
    event_type = _required_text(body, "type")
    try:
        tenant_id = uuid.UUID(_required_text(body, "tenantid"))
    except ValueError:
        raise PermanentError("live event whose 'tenantid' is not a UUID") from None
    data = body.get("data")
    frame = orjson.dumps(
        {
            "id": event_id,
            "type": event_type,
            "topic": topic,
            "tenantid": str(tenant_id),
            "time": body.get("time"),
            "data": data,
        }
    ).decode()
    kind = data.get("type") if isinstance(data, dict) else None
    return LiveEvent(
        id=event_id,
        tenant_id=tenant_id,
        type=event_type,
        topic=topic,
        frame=frame,
        kind=kind if isinstance(kind, str) else None,
    )
