"""Replacing a Kafka producer that aiokafka has given up on.

aiokafka's idempotent producer fails a batch that waited longer than its request timeout
for a partition without a leader (a broker restarting), but keeps the sequence numbers it
gave that batch. The next batch then reaches the broker with a gap and the broker answers
``OutOfOrderSequenceNumber``; aiokafka fails that batch and every later one of the
partition the same way, for as long as the process runs (or, on some paths, fails the
whole producer). Seen after a Kafka restart of about 15 s: meta-ingest answered 500
to every webhook until it was restarted by hand. The Java client bumps the producer epoch
in this case; aiokafka does not, so we do the equivalent: a new producer (a new producer
id, sequences from zero) in place of the broken one, inside the same FastStream broker.

A replacement made while the broker is still away cannot connect: the broker is then left
without a producer, stays marked, and the next publish tries again (before, every later
publish raised FastStream's "connect broker first" for as long as the process ran: the
crm's outbox relay stopped for good after a Kafka restart on a busy machine).

Nothing is lost: the records of the failed batches were reported failed to their callers
(a webhook answered 500 and is sent again, the outbox relay retries the rows it did not
mark), and the consumers' idempotency absorbs any that did reach the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import TYPE_CHECKING, Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    LeaderNotAvailableError,
    NotLeaderForPartitionError,
    OutOfOrderSequenceNumber,
)
from faststream.exceptions import IncorrectState

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

__all__ = [
    "aiokafka_producer",
    "await_acks",
    "ensure_producer",
    "note_publish_error",
    "producer_is_broken",
]

logger = structlog.get_logger(__name__)
_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()
_SUSPECT: weakref.WeakSet[Any] = weakref.WeakSet()
# The sequence gap itself, and the two ways aiokafka fails a batch it had numbered and
# then expired (no leader in time): after any of them the producer's numbering is off.
_SEQUENCE_BREAKING = (OutOfOrderSequenceNumber, LeaderNotAvailableError, NotLeaderForPartitionError)


def note_publish_error(broker: KafkaBroker, exc: BaseException) -> None:
    """Remember that a publish failed in a way that leaves the producer's sequence numbers
    broken; the next ``ensure_producer`` replaces it."""
    if isinstance(exc, _SEQUENCE_BREAKING):
        _SUSPECT.add(broker)


async def await_acks(broker: KafkaBroker, acks: list[Any]) -> None:
    """Await the broker's acknowledgements of sends handed over together; a failure that
    breaks the producer's numbering marks it for replacement, and is raised."""
    try:
        await asyncio.gather(*acks)
    except Exception as exc:
        note_publish_error(broker, exc)
        raise


def aiokafka_producer(broker: KafkaBroker) -> AIOKafkaProducer | None:
    """The broker's aiokafka producer (None before the broker is started)."""
    # FastStream 0.7 keeps the aiokafka producer in a state object of its publisher.
    state = getattr(broker.config.producer, "_producer", None)
    try:
        producer = getattr(state, "producer", None)
    except IncorrectState:  # disconnected: a replacement that could not connect
        return None
    return producer if isinstance(producer, AIOKafkaProducer) else None


def producer_is_broken(broker: KafkaBroker) -> bool:
    """True when the producer's sender has died: every send would raise its error."""
    if broker in _SUSPECT:
        return True
    producer = aiokafka_producer(broker)
    if producer is None:
        return False
    accumulator = getattr(producer, "_message_accumulator", None)
    return getattr(accumulator, "_exception", None) is not None


async def ensure_producer(broker: KafkaBroker) -> None:
    """Replace the broker's producer if it is broken; a no-op (one check) otherwise."""
    if not producer_is_broken(broker):
        return
    lock = _LOCKS.setdefault(broker, asyncio.Lock())
    async with lock:
        if not producer_is_broken(broker):
            return  # another publish replaced it while this one waited
        old = aiokafka_producer(broker)
        error = getattr(getattr(old, "_message_accumulator", None), "_exception", None)
        logger.warning("kafka producer broken, replacing it", error=repr(error))
        fast_producer: Any = broker.config.producer
        with contextlib.suppress(Exception):
            # Stopping re-raises the sender's error; the old producer is done either way.
            await fast_producer.disconnect()
        config = broker.config.broker_config
        replacement = AIOKafkaProducer(**broker._connection_kwargs)
        try:
            await fast_producer.connect(
                replacement,
                serializer=config.fd_config._serializer,
                codec=config.broker_codec,
            )
        except BaseException:
            # Still marked: the next publish tries again. The half-started client is closed
            # so its connections and tasks do not pile up while the broker is away.
            with contextlib.suppress(Exception):
                await replacement.stop()
            raise
        _SUSPECT.discard(broker)
