"""The CloudEvents 1.0 envelope every event travels in (JSON structured mode).

``tenantid`` is a CloudEvents extension attribute: every event belongs to one tenant,
and consumers check it before touching data. W3C trace context does not live here but in
the Kafka headers (``traceparent``), as the CloudEvents Kafka binding suggests.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Envelope", "new_event_id"]

DataT = TypeVar("DataT", bound=BaseModel)


_RAND_B_MASK = (1 << 62) - 1
_last_id = 0


def new_event_id() -> uuid.UUID:
    """A UUIDv7: time-ordered, so ids sort by creation and index well (RFC 9562).

    Monotonic within the process (RFC 9562 6.2, method 3): the 12 bits after the
    millisecond carry its fraction, and an id made in the same tick as the last one is
    that one plus one. Several events staged in one transaction share its ``created_at``,
    and the outbox relay orders them by id: they must leave in the order they were made.
    """
    global _last_id
    unix_ns = time.time_ns()
    unix_ms, sub_ms = divmod(unix_ns, 1_000_000)
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (sub_ms * 4096 // 1_000_000) << 64  # rand_a: the millisecond's fraction
    value |= 0b10 << 62  # RFC 4122 variant
    value |= int.from_bytes(os.urandom(8), "big") & _RAND_B_MASK  # rand_b, 62 bits
    if value <= _last_id and (_last_id & _RAND_B_MASK) != _RAND_B_MASK:
        value = _last_id + 1
    _last_id = value
    return uuid.UUID(int=value)


class Envelope(BaseModel, Generic[DataT]):
    """A CloudEvent carrying one typed payload."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID = Field(default_factory=new_event_id, description="unique per event")
    type: str = Field(description="event type, e.g. 'messages.inbound.v1'", min_length=1)
    source: str = Field(description="producer, e.g. '/services/meta-ingest'", min_length=1)
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    tenantid: uuid.UUID = Field(description="the tenant the event belongs to")
    subject: str | None = Field(default=None, description="what the event is about")
    datacontenttype: Literal["application/json"] = "application/json"
    data: DataT

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
