"""Signed webhook deliveries, retried the way Meta retries them.

A body is serialized once and those exact bytes are both signed
(``X-Hub-Signature-256: sha256=<HMAC-SHA256 hex>`` under the number's app secret) and
posted, so a receiver that re-serializes before checking fails here as it would with
Meta. Like Meta, the JSON escapes ``/`` and non-ASCII characters.

Posts go through one shared ``WebhookPoster`` (keep-alive connections, at most
``connections`` in flight). A delivery that is not answered 2xx (or not answered at all)
is retried with exponential backoff (0.5 s doubling up to 30 s by default) until it is
accepted or its retry window (10 minutes by default) is over. Every attempt is recorded
for ``GET /sandbox/webhooks``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import structlog

from mia_meta_sandbox.http_post import PostError, WebhookPoster

__all__ = [
    "DeliveryState",
    "RetryPolicy",
    "WebhookDelivery",
    "WebhookDispatcher",
    "encode_body",
    "sign",
]

logger = structlog.get_logger(__name__)
DeliveryState = Literal["pending", "delivered", "gave_up", "cancelled"]
SIGNATURE_HEADER = "X-Hub-Signature-256"
REPORT_INTERVAL = 10.0


def encode_body(payload: dict[str, Any]) -> bytes:
    """Compact JSON as Meta writes it: ASCII only, and ``/`` escaped as ``\\/``."""
    # "/" only ever appears inside JSON strings, so escaping every one is safe.
    return json.dumps(payload, separators=(",", ":")).replace("/", "\\/").encode("ascii")


def sign(raw_body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value of ``raw_body``."""
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def _legacy_sign(raw_body: bytes, app_secret: str) -> str:
    # Meta still sends the SHA-1 signature beside the SHA-256 one.
    return "sha1=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha1).hexdigest()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    first_backoff: float = 0.5
    max_backoff: float = 30.0
    give_up_after: float = 600.0


@dataclass
class WebhookDelivery:
    """One webhook body and the story of its attempts."""

    kind: Literal["status", "message", "template"]
    phone_number_id: str
    url: str
    body: bytes
    signature: str
    legacy_signature: str
    wamid: str | None = None
    status: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    created_monotonic: float = field(default_factory=time.monotonic)
    state: DeliveryState = "pending"
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    settled: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def settle(self, state: DeliveryState) -> None:
        self.state = state
        if state == "delivered":
            self.delivered_at = datetime.now(UTC)
        self.settled.set()


class WebhookDispatcher:
    """Posts deliveries with one shared HTTP client and keeps their record."""

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        timeout_seconds: float = 10.0,
        connections: int = 32,
        history: int = 50_000,
    ) -> None:
        self._policy = policy
        self._timeout = timeout_seconds
        self._connections = connections
        self._poster: WebhookPoster | None = None
        self._reported: dict[str, float] = {}
        # Bounded so a long benchmark cannot eat the memory; an evicted pending delivery
        # is still retried by its task, it just no longer shows in the listing.
        self._deliveries: deque[WebhookDelivery] = deque(maxlen=history)
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        # One poster shared by every delivery: its connections are reused across them.
        self._poster = WebhookPoster(
            connections=self._connections,
            timeout_seconds=self._timeout,
            user_agent="facebookexternalua",
        )

    async def aclose(self) -> None:
        await self.cancel_all()
        if self._poster is not None:
            await self._poster.aclose()
            self._poster = None

    def prepare(
        self,
        *,
        kind: Literal["status", "message", "template"],
        phone_number_id: str,
        url: str,
        app_secret: str,
        payload: dict[str, Any],
        wamid: str | None = None,
        status: str | None = None,
    ) -> WebhookDelivery:
        raw = encode_body(payload)
        delivery = WebhookDelivery(
            kind=kind,
            phone_number_id=phone_number_id,
            url=url,
            body=raw,
            signature=sign(raw, app_secret),
            legacy_signature=_legacy_sign(raw, app_secret),
            wamid=wamid,
            status=status,
        )
        self._deliveries.append(delivery)
        return delivery

    async def attempt(self, delivery: WebhookDelivery) -> bool:
        """One POST; True when the receiver answered 2xx."""
        if self._poster is None:
            raise RuntimeError("the dispatcher is not started")
        delivery.attempts += 1
        try:
            response = await self._poster.post(
                delivery.url,
                delivery.body,
                {
                    "Content-Type": "application/json",
                    SIGNATURE_HEADER: delivery.signature,
                    "X-Hub-Signature": delivery.legacy_signature,
                },
            )
        except PostError as exc:
            delivery.last_status_code = None
            delivery.last_error = str(exc)[:500]
            return False
        delivery.last_status_code = response.status
        if response.ok:
            delivery.last_error = None
            delivery.settle("delivered")
            return True
        delivery.last_error = f"HTTP {response.status}: {response.text()}"
        return False

    async def deliver(self, delivery: WebhookDelivery) -> bool:
        """Attempt until accepted or out of time; returns whether it was accepted."""
        if delivery.attempts == 0 and await self.attempt(delivery):
            return True
        if delivery.state != "pending":
            return delivery.state == "delivered"
        deadline = delivery.created_monotonic + self._policy.give_up_after
        backoff = self._policy.first_backoff * 2 ** max(0, delivery.attempts - 1)
        while True:
            backoff = min(backoff, self._policy.max_backoff)
            if time.monotonic() + backoff > deadline:
                delivery.settle("gave_up")
                logger.warning(
                    "webhook given up",
                    delivery_id=delivery.id,
                    url=delivery.url,
                    attempts=delivery.attempts,
                    last_error=delivery.last_error,
                )
                return False
            if delivery.attempts == 1:
                self._report_refusal(delivery)
            await asyncio.sleep(backoff)
            if await self.attempt(delivery):
                return True
            backoff *= 2

    @property
    def in_flight(self) -> int:
        """Background tasks still running: scheduled statuses and retries."""
        return len(self._tasks)

    def _report_refusal(self, delivery: WebhookDelivery) -> None:
        # A receiver that is down refuses every delivery: one line per URL and interval,
        # not thousands a second.
        now = time.monotonic()
        if now - self._reported.get(delivery.url, -REPORT_INTERVAL) < REPORT_INTERVAL:
            return
        self._reported[delivery.url] = now
        logger.warning(
            "webhook refused, retrying",
            url=delivery.url,
            delivery_id=delivery.id,
            last_error=delivery.last_error,
            pending=sum(1 for d in self._deliveries if d.state == "pending"),
        )

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``work`` in the background, keeping a reference until it ends."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("background webhook work failed", exc_info=task.exception())

    def deliveries(
        self,
        *,
        kind: str | None = None,
        wamid: str | None = None,
        phone_number_id: str | None = None,
        state: str | None = None,
    ) -> list[WebhookDelivery]:
        return [
            d
            for d in self._deliveries
            if (kind is None or d.kind == kind)
            and (wamid is None or d.wamid == wamid)
            and (phone_number_id is None or d.phone_number_id == phone_number_id)
            and (state is None or d.state == state)
        ]

    async def cancel_all(self) -> None:
        """Stop every pending delivery and scheduled status (reset and shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for delivery in self._deliveries:
            if delivery.state == "pending":
                delivery.settle("cancelled")

    async def reset(self) -> None:
        await self.cancel_all()
        self._deliveries.clear()
