"""A stand-in for the sender on Kafka: it reads campaigns' send requests and answers with
outcomes as the sender does (event id from the request id, the origin header), per channel
account ``accept`` at once, ``hold`` (answer later, by hand), or ``fail`` some numbers.

The real sender, its idempotency and the Meta sandbox are exercised end to end in
``tests-e2e``; here campaigns' ledger and flow control are watched request by request."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mia_common.contracts import (
    ChannelError,
    Envelope,
    SendOutcome,
    SendRequest,
    SendResult,
)
from mia_common.contracts.messages import ORIGIN_HEADER

__all__ = ["FakeSender"]

_NAMESPACE = uuid.UUID("0c2a8d1e-5e1f-4b7a-9d0e-73656e646572")


@dataclass
class _Account:
    mode: str = "accept"
    failing: dict[str, str] = field(default_factory=dict)
    requests: list[SendRequest] = field(default_factory=list)
    held: list[tuple[uuid.UUID, SendRequest]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    """When each request arrived (``time.monotonic``), in order."""


class FakeSender:
    def __init__(self, bootstrap: str, *, send_topic: str, outcome_topic: str) -> None:
        self._bootstrap = bootstrap
        self._send_topic = send_topic
        self._outcome_topic = outcome_topic
        self._accounts: dict[uuid.UUID, _Account] = defaultdict(_Account)
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None

    def account(self, account_id: uuid.UUID) -> _Account:
        return self._accounts[account_id]

    def requests(self, account_id: uuid.UUID) -> list[SendRequest]:
        return self._accounts[account_id].requests

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
        await self._producer.start()
        partitions = await self._producer.partitions_for(self._send_topic)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None)
        assigned = [TopicPartition(self._send_topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        await self._consumer.start()
        await self._consumer.seek_to_beginning(*assigned)
        self._task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=100)
            sent = []
            for records in batch.values():
                for record in records:
                    envelope = Envelope[SendRequest].model_validate_json(record.value)
                    sent += await self._received(envelope.tenantid, envelope.data)
            # A poll's outcomes go out together, as the sender's outbox relay sends them.
            await asyncio.gather(*sent)

    async def _received(
        self, tenant_id: uuid.UUID, request: SendRequest
    ) -> list[asyncio.Future[object]]:
        account = self._accounts[request.channel_account_id]
        account.requests.append(request)
        account.arrivals.append(time.monotonic())
        if account.mode == "hold":
            account.held.append((tenant_id, request))
            return []
        return [await self._answer(tenant_id, request, account)]

    async def release(self, account_id: uuid.UUID, count: int | None = None) -> int:
        """Answer ``count`` held requests (all when None); how many were answered."""
        account = self._accounts[account_id]
        chosen = account.held if count is None else account.held[:count]
        account.held = [] if count is None else account.held[count:]
        await asyncio.gather(*[await self._answer(t, r, account) for t, r in chosen])
        return len(chosen)

    async def _answer(
        self, tenant_id: uuid.UUID, request: SendRequest, account: _Account
    ) -> asyncio.Future[object]:
        """Queue the outcome of ``request``; the future resolves once the broker has it."""
        assert self._producer is not None
        code = account.failing.get(request.to or "")
        outcome = SendOutcome(
            request_id=request.request_id,
            channel=request.channel,
            channel_account_id=request.channel_account_id,
            to=request.to,
            result=SendResult.FAILED if code else SendResult.ACCEPTED,
            external_message_id=None if code else f"wamid.{request.request_id.hex}",
            error=ChannelError(code=code, title=f"failed: {code}", permanent=True)
            if code
            else None,
            attempts=1,
            origin=request.origin,
            origin_ref=request.origin_ref,
            occurred_at=datetime.now(UTC),
        )
        envelope = Envelope[SendOutcome](
            id=uuid.uuid5(_NAMESPACE, f"outcome:{request.request_id}"),
            type="messages.outcome.v1",
            source="/tests/fake-sender",
            tenantid=tenant_id,
            data=outcome,
        )
        return await self._producer.send(
            self._outcome_topic,
            envelope.model_dump_json().encode(),
            key=str(request.channel_account_id).encode(),
            headers=[(ORIGIN_HEADER, request.origin.value.encode())],
        )
