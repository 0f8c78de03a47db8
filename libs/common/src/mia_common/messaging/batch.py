"""At-least-once batch consumption: handle a poll's records together, then commit.

A busy topic cannot afford a transaction per record (the sender's send requests, the
statuses it reconciles from, the crm's inbound messages). ``BatchConsumer`` polls up to
``max_records`` records, validates them into the given pydantic model, hands the list to
the handler (one transaction, typically), and commits the offsets after it returned.

The guarantees are those of the single-record path (``mia_common.messaging.consuming``),
with the same ``RetryPolicy``, dead letters and metrics:

- offsets are committed only after every record of the batch was handled or dead-lettered;
  whatever a crash or a rebalance leaves uncommitted is delivered again, so handlers must
  be idempotent (they are: an event id or a request id is applied once);
- a record that does not validate goes to ``<topic>.dlq`` byte for byte with the reason,
  after one attempt, and the batch goes on without it;
- a batch whose handler fails is handled again **one record at a time**, each with the
  policy's attempts and backoff, so only a poison record is retried and dead-lettered
  (after its attempts, or at once for a ``PermanentError``) and it never stalls its
  partition; the good records of the batch are handled on the way;
- a dead letter that cannot be published is retried (capped backoff) until it is: the
  record is never skipped;
- ``commit_interval_seconds`` (optional, 0 by default: after every batch) lets the offsets
  of handled batches wait up to that long and go in one commit; they are committed when
  the consumer stops and before its partitions are taken away, and whatever a crash
  leaves uncommitted is delivered again, as above. A quiet topic's consumer otherwise
  makes a commit request for every record (the media copier at a few messages a second);
- ``linger_seconds`` (optional, 0 by default) waits that long after a poll that returned
  less than a full batch and takes what arrived meanwhile into the same batch: a steady
  trickle becomes fewer, larger transactions, for that much added latency;
- ``skip`` (optional) looks at each raw record before it is decoded: a record it returns
  True for is counted as handled and committed with the batch, never decoded (the media
  copier skips text messages by a header, for a few microseconds each).

Start it after the broker (the dead letters go out through the broker's producer) and stop
it before: ``await consumer.start()`` / ``await consumer.stop()``. Stopping lets a batch
being handled finish (within ``shutdown_seconds``) and abandons retries in progress; what
was not committed is delivered again to the next owner of the partition.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from faststream.prometheus.container import MetricsContainer
from faststream.prometheus.manager import MetricsManager
from faststream.prometheus.types import ProcessingStatus
from prometheus_client import REGISTRY, CollectorRegistry
from pydantic import BaseModel

from mia_common.messaging.dead_letter import publish_dead_letter
from mia_common.messaging.retry import RetryPolicy
from mia_common.telemetry import tracing_enabled

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

    from mia_common.settings import PlatformSettings

__all__ = ["BatchConsumer", "BatchHandler"]

logger = structlog.get_logger(__name__)

T = TypeVar("T", bound=BaseModel)
BatchHandler: TypeAlias = Callable[[list[T]], Awaitable[object]]
Record: TypeAlias = ConsumerRecord[bytes, bytes]

# The same metric names and labels as FastStream's Prometheus middleware on the broker
# (``create_broker``): a dashboard sees batch and single-record consumers alike.
_METRICS_PREFIX = "mia"
_BROKER_LABEL = "kafka"


class _Stopping(Exception):
    """Raised inside a retry when the consumer is stopping: abandon, do not commit."""


class _CommitBeforeRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Commits what was handled of the partitions a rebalance is taking away."""

    def __init__(self, commit: Callable[[], Awaitable[None]]) -> None:
        self._commit = commit

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._commit()

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        return None


class BatchConsumer(Generic[T]):
    """One consumer group member reading ``topic`` in batches for ``handle``."""

    def __init__(
        self,
        *,
        settings: PlatformSettings,
        broker: KafkaBroker,
        topic: str,
        group_id: str,
        model: type[T],
        handle: BatchHandler[T],
        skip: Callable[[Record], bool] | None = None,
        retry_policy: RetryPolicy | None = None,
        max_records: int = 500,
        poll_timeout_seconds: float = 0.5,
        commit_interval_seconds: float = 0.0,
        linger_seconds: float = 0.0,
        fetch_max_wait_ms: int = 500,
        fetch_min_bytes: int = 1,
        shutdown_seconds: float = 10.0,
        client_id: str | None = None,
        metrics_registry: CollectorRegistry | None = None,
    ) -> None:
        self.topic = topic
        self.group_id = group_id
        self._broker = broker
        self._model = model
        self._handle = handle
        self._skip = skip
        self._policy = retry_policy or RetryPolicy()
        self._max_records = max_records
        self._poll_timeout_ms = int(poll_timeout_seconds * 1000)
        self._commit_interval = commit_interval_seconds
        self._linger = linger_seconds
        # The broker holds a fetch until it has fetch_min_bytes or fetch_max_wait_ms
        # passed: fewer fetches for a consumer that can wait (aiokafka's defaults: 1, 500).
        self._fetch = {"fetch_max_wait_ms": fetch_max_wait_ms, "fetch_min_bytes": fetch_min_bytes}
        self._uncommitted: dict[TopicPartition, int] = {}
        # None: nothing committed yet, so the first batch commits at once. (Not 0.0: the
        # monotonic clock counts from the host's boot, and a host up for less than the
        # interval would hold the first commit back.)
        self._last_commit: float | None = None
        self._shutdown_seconds = shutdown_seconds
        # A service's settings name it; the platform's alone (tests) do not.
        self._client_id: str = client_id or str(getattr(settings, "service_name", "mia"))
        self._bootstrap = settings.kafka_bootstrap_servers
        self._trace = tracing_enabled(settings.otlp_endpoint)
        self._metrics = MetricsManager(
            MetricsContainer(
                metrics_registry or REGISTRY, metrics_prefix=_METRICS_PREFIX, custom_label_names=()
            ),
            app_name=self._client_id,
        )
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._handling = False
        self._log = logger.bind(topic=topic, group=group_id)

    # --- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Join the group and start consuming in a task of its own."""
        if self._task is not None:
            return
        self._stopping.clear()
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.group_id,
            client_id=self._client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # Retries happen between polls; they stay well under this, or the group rebalances.
            max_poll_interval_ms=300_000,
            **self._fetch,
        )
        self._consumer.subscribe(
            [self.topic], listener=_CommitBeforeRevoke(self._commit_before_revoke)
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"consume-batches:{self.group_id}")

    async def stop(self) -> None:
        """Finish the batch in hand (within ``shutdown_seconds``), then leave the group."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            if not self._handling:
                task.cancel()  # polling or between batches: nothing to finish
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), self._shutdown_seconds)
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            # Bounded: a broker that cannot take the commit (down, or the topic deleted
            # under us, which aiokafka retries forever) must not keep the process from
            # stopping. Offsets left uncommitted are redelivered to idempotent handlers.
            try:
                await asyncio.wait_for(self._commit_uncommitted(consumer), self._shutdown_seconds)
            except TimeoutError:
                self._log.warning("offset commit at stop gave up", seconds=self._shutdown_seconds)
            try:
                await asyncio.wait_for(consumer.stop(), self._shutdown_seconds)
            except TimeoutError:
                self._log.warning("consumer stop gave up", seconds=self._shutdown_seconds)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    # --- the loop ----------------------------------------------------------------------

    async def _run(self) -> None:
        with contextlib.suppress(_Stopping):
            await self._loop()

    async def _loop(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        while not self._stopping.is_set():
            try:
                polled = await consumer.getmany(
                    timeout_ms=self._poll_timeout_ms, max_records=self._max_records
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._log.warning("poll failed", error=repr(exc))
                await self._pause(1.0)
                continue
            records = [record for part in polled.values() for record in part]
            if not records:
                if self._uncommitted and self._commit_due():
                    await self._commit_uncommitted(consumer)
                continue
            if self._linger and len(records) < self._max_records:
                polled = await self._lingered(consumer, polled, len(records))
                records = [record for part in polled.values() for record in part]
            self._handling = True
            try:
                # A _Stopping raised in here leaves the batch uncommitted: it is delivered
                # again to the partition's next owner.
                await self._consume(records)
            finally:
                self._handling = False
            self._uncommitted.update(
                {tp: part[-1].offset + 1 for tp, part in polled.items() if part}
            )
            if self._commit_due():
                await self._commit_uncommitted(consumer)

    async def _consume(self, records: list[Record]) -> None:
        self._count_received(records)
        with self._span(records):
            items: list[tuple[Record, T]] = []
            skipped = 0
            for record in records:
                if self._skip is not None and self._skip(record):
                    skipped += 1
                    continue
                try:
                    items.append((record, self._model.model_validate_json(record.value or b"")))
                except Exception as exc:
                    # Validation is deterministic: another attempt would fail the same way.
                    await self._dead_letter(record, exc, 1)
                    self._count_processed(1, ProcessingStatus.error)
            if skipped:
                self._count_processed(skipped, ProcessingStatus.skipped)
            if not items:
                return
            try:
                await self._call([item for _, item in items])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._log.warning(
                    "batch failed, handling its records one at a time",
                    records=len(items),
                    error=repr(exc),
                )
                if len(items) == 1:
                    # The batch was the record alone: that was its first attempt.
                    await self._handle_alone(*items[0], first_failure=exc)
                    return
                for record, item in items:
                    await self._handle_alone(record, item)
                return
            self._count_processed(len(items), ProcessingStatus.acked)

    async def _handle_alone(
        self, record: Record, item: T, *, first_failure: Exception | None = None
    ) -> None:
        """The single-record path: attempts with backoff, then the dead-letter topic."""
        attempt = 0
        while True:
            attempt += 1
            try:
                if first_failure is not None:
                    failed, first_failure = first_failure, None
                    raise failed
                await self._call([item])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._policy.gives_up(exc, attempt):
                    await self._dead_letter(record, exc, attempt)
                    self._count_processed(1, ProcessingStatus.error)
                    return
                delay = self._policy.backoff(attempt)
                self._log.warning(
                    "handler failed, retrying",
                    partition=record.partition,
                    offset=record.offset,
                    attempt=attempt,
                    retry_in=delay,
                    error=repr(exc),
                )
                await self._pause(delay)
            else:
                self._count_processed(1, ProcessingStatus.acked)
                return

    async def _call(self, items: list[T]) -> None:
        started = time.perf_counter()
        self._metrics.add_received_message_in_process(
            amount=len(items), broker=_BROKER_LABEL, handler=self.topic
        )
        try:
            await self._handle(items)
        except Exception as exc:
            self._metrics.add_received_processed_message_exception(
                exception_type=type(exc).__name__, broker=_BROKER_LABEL, handler=self.topic
            )
            raise
        finally:
            self._metrics.remove_received_message_in_process(
                amount=len(items), broker=_BROKER_LABEL, handler=self.topic
            )
            self._metrics.observe_received_processed_message_duration(
                duration=time.perf_counter() - started, broker=_BROKER_LABEL, handler=self.topic
            )

    async def _dead_letter(self, record: Record, exc: BaseException, attempts: int) -> None:
        failures = 0
        while True:
            try:
                await publish_dead_letter(self._broker, record, exc, attempts)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # Skipping the record would lose it: keep trying until the DLQ takes it.
                failures += 1
                self._log.error(
                    "dead-lettering failed, retrying",
                    partition=record.partition,
                    offset=record.offset,
                    error=repr(error),
                )
                await self._pause(self._policy.backoff(failures + 1))

    async def _lingered(
        self,
        consumer: AIOKafkaConsumer,
        polled: dict[TopicPartition, list[Record]],
        count: int,
    ) -> dict[TopicPartition, list[Record]]:
        """``polled`` and what arrived within the linger, up to a full batch."""
        await self._pause(self._linger)
        try:
            more = await consumer.getmany(timeout_ms=0, max_records=self._max_records - count)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._log.warning("poll failed", error=repr(exc))
            return polled
        merged = {tp: list(part) for tp, part in polled.items()}
        for tp, part in more.items():
            merged.setdefault(tp, []).extend(part)
        return merged

    async def _commit_before_revoke(self) -> None:
        consumer = self._consumer
        if consumer is not None and self._uncommitted:
            await self._commit_uncommitted(consumer)

    def _commit_due(self) -> bool:
        return (
            self._last_commit is None
            or time.monotonic() - self._last_commit >= self._commit_interval
        )

    async def _commit_uncommitted(self, consumer: AIOKafkaConsumer) -> None:
        offsets, self._uncommitted = self._uncommitted, {}
        self._last_commit = time.monotonic()
        if not offsets:
            return
        try:
            await consumer.commit(offsets)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Typically a rebalance took the partitions away: their new owner starts from
            # the last commit and the idempotent handler drops what was applied.
            self._log.warning("offset commit failed", error=repr(exc))

    async def _pause(self, seconds: float) -> None:
        """Sleep, but give up at once when the consumer is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        if self._stopping.is_set():
            raise _Stopping

    # --- metrics and tracing -------------------------------------------------------------

    def _count_received(self, records: list[Record]) -> None:
        self._metrics.add_received_message(
            amount=len(records), broker=_BROKER_LABEL, handler=self.topic
        )
        self._metrics.observe_received_messages_size(
            size=sum(len(record.value or b"") for record in records),
            broker=_BROKER_LABEL,
            handler=self.topic,
        )

    def _count_processed(self, amount: int, status: ProcessingStatus) -> None:
        self._metrics.add_received_processed_message(
            amount=amount, status=status, broker=_BROKER_LABEL, handler=self.topic
        )

    @contextlib.contextmanager
    def _span(self, records: list[Record]) -> Iterator[None]:
        """One span per batch, linked to each record's producer span (when exported)."""
        if not self._trace:
            yield
            return
        from opentelemetry import propagate, trace

        links: list[Any] = []
        for record in records:
            carrier = {key: value.decode("latin-1") for key, value in record.headers or ()}
            context = trace.get_current_span(propagate.extract(carrier)).get_span_context()
            if context.is_valid:
                links.append(trace.Link(context))
        tracer = trace.get_tracer(__name__)
        with tracer.start_as_current_span(
            f"{self.topic} process",
            kind=trace.SpanKind.CONSUMER,
            links=links,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": self.topic,
                "messaging.consumer.group.name": self.group_id,
                "messaging.batch.message_count": len(records),
            },
        ):
            yield
