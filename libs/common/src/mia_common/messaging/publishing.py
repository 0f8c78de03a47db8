"""Publishing many records without waiting on the broker for each one.

Each send is handed to the producer at once and all acknowledgements are awaited
together, so aiokafka packs them into batches per partition (fan-out, the outbox relay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mia_common.messaging.producer_health import await_acks, ensure_producer

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

__all__ = ["OutgoingRecord", "publish_many"]


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    topic: str
    value: bytes | dict[str, Any]
    key: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


async def publish_many(broker: KafkaBroker, records: list[OutgoingRecord]) -> None:
    """Publish ``records``; returns when the broker acknowledged every one (acks=all).

    Raises the first failure; records of one key keep their order because the idempotent
    producer keeps per-partition order even when it retries.
    """
    await ensure_producer(broker)
    futures = [
        await broker.publish(
            record.value,
            topic=record.topic,
            key=record.key,
            headers=record.headers or None,
            no_confirm=True,
        )
        for record in records
    ]
    await await_acks(broker, futures)
