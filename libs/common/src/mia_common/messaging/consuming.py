"""The at-least-once consume path: retry, dead-letter, then commit.

FastStream has no dead-letter queue, acknowledges before handling by default, and its
nack-on-error redelivers a failing record at once, in a tight loop. This middleware
(subscribers run with ``AckPolicy.MANUAL``) retries the handler in place with an
exponential backoff and an attempt count; errors retrying cannot fix (a payload that does
not validate, a ``PermanentError``) skip the retries. When the attempts run out the
record goes to ``<topic>.dlq`` and the consumer moves on. The offset is committed only
after that. Should the dead-letter publish itself fail, the consumer seeks back to the
record after a pause, so it is handled again instead of skipped.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import structlog
from aiokafka import TopicPartition
from faststream import BaseMiddleware
from faststream.exceptions import HandlerException

from mia_common.messaging.commits import OffsetCommitter
from mia_common.messaging.dead_letter import publish_dead_letter
from mia_common.messaging.retry import RetryPolicy

if TYPE_CHECKING:
    from aiokafka import ConsumerRecord
    from faststream._internal.basic_types import AsyncFuncAny
    from faststream._internal.context.repository import ContextRepo
    from faststream.kafka import KafkaBroker
    from faststream.message import StreamMessage

__all__ = ["AtLeastOnceMiddleware"]

logger = structlog.get_logger(__name__)


class AtLeastOnceMiddleware(BaseMiddleware):
    """Per-message middleware; build it with ``AtLeastOnceMiddleware.factory(...)``."""

    def __init__(
        self,
        msg: Any,
        /,
        *,
        context: ContextRepo,
        policy: RetryPolicy,
        committer: OffsetCommitter,
    ) -> None:
        super().__init__(msg, context=context)
        self.policy = policy
        self.committer = committer

    @classmethod
    def factory(cls, policy: RetryPolicy, committer: OffsetCommitter) -> Any:
        def build(msg: Any, /, *, context: ContextRepo) -> AtLeastOnceMiddleware:
            return cls(msg, context=context, policy=policy, committer=committer)

        return build

    async def consume_scope(self, call_next: AsyncFuncAny, msg: StreamMessage[Any]) -> Any:
        record: ConsumerRecord[bytes, bytes] = msg.raw_message
        consumer = getattr(msg, "consumer", None)
        try:
            result = await self._handle(call_next, msg, record)
        except HandlerException:
            raise
        except Exception:
            if consumer is not None:
                await asyncio.sleep(self.policy.max_backoff)
                consumer.seek(TopicPartition(record.topic, record.partition), record.offset)
            raise
        if consumer is not None:
            await self.committer.handled(consumer, record)
        return result

    async def _handle(
        self, call_next: AsyncFuncAny, msg: StreamMessage[Any], record: ConsumerRecord[bytes, bytes]
    ) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call_next(msg)
            except HandlerException:
                raise  # an explicit ack / nack / reject from the handler
            except Exception as exc:
                if self.policy.gives_up(exc, attempt):
                    broker: KafkaBroker = self.context.get("broker")
                    await publish_dead_letter(broker, record, exc, attempt)
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
