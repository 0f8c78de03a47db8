"""A webhook body nobody can use, raw, on ``<topic>.dlq`` with the reason.

The consumed-record twin is ``mia_common.messaging.dead_letter``: the same ``x-dlq-*``
headers, so one tool reads both; a raw body has no original record, so it says where it
came from (``x-dlq-source``: ``meta-webhook``, ``twilio-webhook``) instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from mia_common.contracts.topics import dead_letter_topic
from mia_common.messaging.dead_letter import DLQ_HEADER_PREFIX
from mia_common.messaging.producer_health import ensure_producer, note_publish_error

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

__all__ = ["publish_raw_dead_letter"]

logger = structlog.get_logger(__name__)


async def publish_raw_dead_letter(
    broker: KafkaBroker,
    raw: bytes,
    *,
    topic: str,
    reason: str,
    source: str,
    key: bytes | None = None,
) -> None:
    """Publish ``raw`` to ``topic``'s dead-letter topic; returns once Kafka has it."""
    await ensure_producer(broker)
    try:
        await broker.publish(
            raw,
            topic=dead_letter_topic(topic),
            key=key,
            headers={
                f"{DLQ_HEADER_PREFIX}reason": reason[:4000],
                f"{DLQ_HEADER_PREFIX}source": source,
                f"{DLQ_HEADER_PREFIX}failed-at": datetime.now(UTC).isoformat(),
            },
        )
    except Exception as exc:
        note_publish_error(broker, exc)
        raise
    logger.error("webhook delivery dead-lettered", source=source, topic=topic, reason=reason[:500])
