"""The path of one signed webhook delivery: parse → normalize → envelope → publish.

The caller has found whose delivery it is and checked its signature (``signatures``);
what it hands the edge is the raw body and two functions of its provider: ``parse`` (the
body into the provider's payload model) and ``normalize`` (the payload into our events,
with the problems of items that cannot become one). The edge

- dead-letters a body ``parse`` refuses, raw, with the reason, and accepts it: the
  provider retrying it cannot make it readable;
- dead-letters the body once with every ``normalize`` problem, and still publishes the
  events that came out of it;
- drops events a ``Deduplicator`` already saw (a provider's retries), publishes the rest
  with acks=all, all at once, and only then marks them seen, so a crash in between
  republishes instead of losing;
- returns only when Kafka has everything: answering the provider then is safe.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from mia_common.errors import AppError
from mia_common.messaging.publishing import OutgoingRecord, publish_many
from mia_common.webhooks.dead_letter import publish_raw_dead_letter
from mia_common.webhooks.dedupe import Deduplicator
from mia_common.webhooks.envelopes import encode_envelope

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

__all__ = [
    "HAS_MEDIA_HEADER",
    "Accepted",
    "EdgeEvent",
    "Normalized",
    "PayloadTooLarge",
    "WebhookEdge",
    "check_body_size",
]

PayloadT = TypeVar("PayloadT")
# On inbound message records: "1" when the message carries media, "0" when not. A media
# consumer reads this header and skips a record without decoding its value.
HAS_MEDIA_HEADER = "mia-has-media"
_JSON_HEADERS = {"content-type": "application/json"}


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"


def check_body_size(raw: bytes, limit: int) -> None:
    """Refuse a body over ``limit`` bytes before anything reads it."""
    if len(raw) > limit:
        raise PayloadTooLarge(f"webhook bodies are at most {limit} bytes")


@dataclass(frozen=True, slots=True)
class EdgeEvent:
    """One event a delivery yields: where it goes, its envelope's attributes, its payload."""

    topic: str
    type: str
    id: uuid.UUID
    tenant_id: uuid.UUID
    subject: str | None
    data: BaseModel
    key: bytes
    dedupe_key: str | None = None
    """What the provider's retries repeat; None: not deduplicated (idempotent consumers
    still apply the event once by its id)."""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Normalized:
    events: list[EdgeEvent] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Items of the delivery that could not become events (each says which and why)."""


@dataclass(frozen=True, slots=True)
class Accepted:
    """What became of a delivery the edge accepted."""

    published: int
    duplicates: int
    dead_lettered: bool


class WebhookEdge:
    def __init__(
        self,
        *,
        broker: KafkaBroker,
        source: str,
        dead_letter_source: str,
        deduplicator: Deduplicator | None = None,
    ) -> None:
        """``source`` is the CloudEvents source of the events (``/services/meta-ingest``);
        ``dead_letter_source`` says in dead letters which webhook a body came to."""
        self._broker = broker
        self._source = source
        self._dead_letter_source = dead_letter_source
        self._dedupe = deduplicator

    async def accept(
        self,
        raw: bytes,
        *,
        parse: Callable[[bytes], PayloadT],
        normalize: Callable[[PayloadT], Normalized],
        unparseable: str,
        dead_letter_topic: str,
        dead_letter_key: bytes | None = None,
    ) -> Accepted:
        """Publish what the signed body ``raw`` holds.

        ``unparseable`` starts the reason of a body ``parse`` refuses ("unparseable
        delivery: <the validation errors>"); the raw body goes to ``dead_letter_topic``'s
        dead-letter topic, keyed ``dead_letter_key``.
        """
        try:
            payload = parse(raw)
        except (ValidationError, ValueError, UnicodeDecodeError) as exc:
            await self.dead_letter(
                raw, f"{unparseable}: {exc}", topic=dead_letter_topic, key=dead_letter_key
            )
            return Accepted(published=0, duplicates=0, dead_lettered=True)
        normalized = normalize(payload)
        if normalized.problems:
            await self.dead_letter(
                raw, "; ".join(normalized.problems), topic=dead_letter_topic, key=dead_letter_key
            )
        events = normalized.events
        fresh = await self._unseen(events)
        await self.publish(fresh)
        if self._dedupe is not None:
            await self._dedupe.mark_seen([e.dedupe_key for e in fresh if e.dedupe_key])
        return Accepted(
            published=len(fresh),
            duplicates=len(events) - len(fresh),
            dead_lettered=bool(normalized.problems),
        )

    async def publish(self, events: list[EdgeEvent]) -> None:
        """Publish ``events``; returns when the broker acknowledged every one (acks=all)."""
        if not events:
            return
        now = datetime.now(UTC)
        await publish_many(
            self._broker,
            [
                OutgoingRecord(
                    topic=event.topic,
                    value=encode_envelope(
                        id=event.id,
                        type=event.type,
                        source=self._source,
                        time=now,
                        tenant_id=event.tenant_id,
                        subject=event.subject,
                        data=event.data,
                    ),
                    key=event.key,
                    headers={**_JSON_HEADERS, **event.headers},
                )
                for event in events
            ],
        )

    async def dead_letter(
        self, raw: bytes, reason: str, *, topic: str, key: bytes | None = None
    ) -> None:
        await publish_raw_dead_letter(
            self._broker, raw, topic=topic, reason=reason, source=self._dead_letter_source, key=key
        )

    async def _unseen(self, events: list[EdgeEvent]) -> list[EdgeEvent]:
        if self._dedupe is None:
            return events
        keyed = [event for event in events if event.dedupe_key]
        unseen = await self._dedupe.unseen([event.dedupe_key or "" for event in keyed])
        seen = {id(event) for event, new in zip(keyed, unseen, strict=True) if not new}
        return [event for event in events if id(event) not in seen]
