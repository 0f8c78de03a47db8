"""Retries with backoff, then a dead-letter record: no message is lost, none loops forever.

FastStream has no dead-letter queue, and its nack-on-error redelivers a failing message at
once, in a tight loop. This broker middleware retries the handler in place with an
exponential backoff and an attempt count; errors that retrying cannot fix (a payload that
does not validate, a ``PermanentError``) skip the retries. When the attempts run out the
original record goes, byte for byte, to ``<topic>.dlq`` with the reason in its headers,
and the consumer moves on. Only if the dead-letter publish itself fails does the error
escape, so the record is not committed and comes back later.
"""

from __future__ import annotations

import asyncio
import json
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog
from faststream import BaseMiddleware
from faststream.exceptions import HandlerException
from pydantic import ValidationError

from mia_common.contracts.topics import dead_letter_topic

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord
    from faststream._internal.basic_types import AsyncFuncAny
    from faststream._internal.context.repository import ContextRepo
    from faststream.kafka import KafkaBroker
    from faststream.message import StreamMessage

__all__ = ["DLQ_HEADER_PREFIX", "DeadLetterMiddleware", "PermanentError", "RetryPolicy"]

DLQ_HEADER_PREFIX = "x-dlq-"
logger = structlog.get_logger(__name__)


class PermanentError(Exception):
    """Raised by a handler for input it can never handle: dead-lettered without retries."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    initial_backoff: float = 0.2
    max_backoff: float = 5.0
    multiplier: float = 2.0
    permanent_errors: tuple[type[BaseException], ...] = field(
        default=(ValidationError, PermanentError, json.JSONDecodeError, UnicodeDecodeError)
    )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))

    def is_permanent(self, exc: BaseException) -> bool:
        return isinstance(exc, self.permanent_errors)


class DeadLetterMiddleware(BaseMiddleware):
    """Per-message middleware; build it with ``DeadLetterMiddleware.factory(policy)``."""

    policy: RetryPolicy = RetryPolicy()

    def __init__(self, msg: Any, /, *, context: ContextRepo, policy: RetryPolicy) -> None:
        super().__init__(msg, context=context)
        self.policy = policy

    @classmethod
    def factory(cls, policy: RetryPolicy) -> Any:
        def build(msg: Any, /, *, context: ContextRepo) -> DeadLetterMiddleware:
            return cls(msg, context=context, policy=policy)

        return build

    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call_next(msg)
            except HandlerException:
                raise  # explicit ack / nack / reject from the handler
            except Exception as exc:
                record: ConsumerRecord[bytes, bytes] = msg.raw_message
                if self.policy.is_permanent(exc) or attempt >= self.policy.max_attempts:
                    await self._dead_letter(record, exc, attempt)
                    return None
                delay = self.policy.backoff(attempt)
                logger.warning(
                    "handler failed, retrying",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    attempt=attempt,
                    retry_in=delay,
                    error=repr(exc),
                )
                await asyncio.sleep(delay)

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], exc: BaseException, attempts: int
    ) -> None:
        broker: KafkaBroker = self.context.get("broker")
        reason = f"{type(exc).__name__}: {exc}"
        headers = {
            k: v.decode("utf-8", "replace")
            for k, v in (record.headers or ())
            if not k.startswith(DLQ_HEADER_PREFIX)
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
        await broker.publish(
            record.value or b"",
            topic=dead_letter_topic(record.topic),
            key=record.key,
            headers=headers,
        )
        logger.error(
            "message dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            attempts=attempts,
            reason=reason,
        )
