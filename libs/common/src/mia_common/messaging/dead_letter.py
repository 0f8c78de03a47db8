"""Dead-letter records: the original record, byte for byte, on ``<topic>.dlq``.

The key, value and headers are kept so the record can be replayed to its topic as it
was; the reason, the error type, a short traceback, where the record came from and how
many attempts were made travel in ``x-dlq-*`` headers.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from mia_common.contracts.topics import dead_letter_topic
from mia_common.messaging.producer_health import ensure_producer, note_publish_error

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord
    from faststream.kafka import KafkaBroker

__all__ = ["DLQ_HEADER_PREFIX", "publish_dead_letter"]

DLQ_HEADER_PREFIX = "x-dlq-"
logger = structlog.get_logger(__name__)


async def publish_dead_letter(
    broker: KafkaBroker, record: ConsumerRecord[bytes, bytes], exc: BaseException, attempts: int
) -> None:
    reason = f"{type(exc).__name__}: {exc}"
    headers = {
        key: value.decode("utf-8", "replace")
        for key, value in (record.headers or ())
        if not key.startswith(DLQ_HEADER_PREFIX)
    }
    headers.update(
        {
            f"{DLQ_HEADER_PREFIX}reason": reason[:4000],
            f"{DLQ_HEADER_PREFIX}error-type": type(exc).__name__,
            f"{DLQ_HEADER_PREFIX}traceback": "".join(traceback.format_exception(exc, limit=8))[
                -4000:
            ],
            f"{DLQ_HEADER_PREFIX}original-topic": record.topic,
            f"{DLQ_HEADER_PREFIX}original-partition": str(record.partition),
            f"{DLQ_HEADER_PREFIX}original-offset": str(record.offset),
            f"{DLQ_HEADER_PREFIX}attempts": str(attempts),
            f"{DLQ_HEADER_PREFIX}failed-at": datetime.now(UTC).isoformat(),
        }
    )
    await ensure_producer(broker)
    try:
        await broker.publish(
            record.value or b"",
            topic=dead_letter_topic(record.topic),
            key=record.key,
            headers=headers,
        )
    except Exception as exc:
        note_publish_error(broker, exc)
        raise
    logger.error(
        "message dead-lettered",
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        attempts=attempts,
        reason=reason,
    )
