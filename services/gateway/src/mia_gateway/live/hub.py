"""The live hub of one gateway process: tenant → open connections, and a replay buffer.

``publish`` is called by the Kafka consumer for every event and never waits: each
connection has its own bounded queue, and a connection whose queue is full is closed as
too slow (``LiveConnection.offer``). One slow browser therefore costs nobody else
anything, and the consumer never falls behind because of a browser.

Each tenant's recent events are kept for ``resume_seconds`` (at most ``replay_limit``)
so a browser that lost its connection resumes from the last event id it saw. The buffer
is ordered as this process received the events; events of different partitions may
reach two replicas in different orders, so a browser resuming on another replica could
see an event twice: browsers deduplicate by event id. The buffer also drops an event
Kafka delivers twice (at-least-once), so a browser never sees one twice from one replica.

One hub per process, on the gateway's context (``context.live``): ``stream.py`` feeds it,
the WebSocket endpoint registers connections with it, and the app's shutdown closes them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable

from mia_gateway.live.connection import CLOSE_SERVICE_RESTART, LiveConnection, Offer
from mia_gateway.live.events import RESYNC_FRAME, LiveEvent
from mia_gateway.live.metrics import CONNECTIONS, EVENTS_RECEIVED, RESUMES

__all__ = ["LiveHub"]

_Buffer = OrderedDict[str, tuple[float, LiveEvent]]


class LiveHub:
    """In-memory fan-out; every method runs on the event loop and none of them waits."""

    def __init__(
        self,
        *,
        queue_size: int,
        resume_seconds: float,
        replay_limit: int = 10_000,
        ping_seconds: float = 25.0,
        revalidate_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.queue_size = queue_size
        self.resume_seconds = resume_seconds
        self.replay_limit = replay_limit
        # Read by each connection's tasks at every turn, so a test may shorten them.
        self.ping_seconds = ping_seconds
        self.revalidate_seconds = revalidate_seconds
        self._clock = clock
        self._connections: dict[uuid.UUID, set[LiveConnection]] = {}
        self._buffers: dict[uuid.UUID, _Buffer] = {}
        self._next_sweep = clock() + resume_seconds
        self._ready = asyncio.Event()

    # -- connections -------------------------------------------------------------------

    def connect(
        self,
        tenant_id: uuid.UUID,
        *,
        topics: Iterable[str] | None = None,
        last_event_id: str | None = None,
    ) -> LiveConnection:
        """A new connection of ``tenant_id``; with ``last_event_id`` it starts with what it
        missed, or with a resync frame when that id is no longer (or never was) buffered.

        Registering and computing the backlog happen without an await in between, so no
        event falls between the replay and the live stream, and none comes twice.
        """
        connection = LiveConnection(tenant_id=tenant_id, queue_size=self.queue_size, topics=topics)
        if last_event_id is not None:
            missed = self._events_after(tenant_id, last_event_id)
            if missed is None:
                connection.initial_frames.append(RESYNC_FRAME)
                RESUMES.labels("resync").inc()
            else:
                connection.initial_frames.extend(
                    event.frame for event in missed if connection.wants(event.topic)
                )
                RESUMES.labels("replayed").inc()
        self._connections.setdefault(tenant_id, set()).add(connection)
        CONNECTIONS.inc()
        return connection

    def disconnect(self, connection: LiveConnection) -> None:
        connections = self._connections.get(connection.tenant_id)
        if connections is None or connection not in connections:
            return
        connections.discard(connection)
        if not connections:
            del self._connections[connection.tenant_id]
        CONNECTIONS.dec()

    def connections_of(self, tenant_id: uuid.UUID) -> frozenset[LiveConnection]:
        return frozenset(self._connections.get(tenant_id, ()))

    def close_all(self, code: int, reason: str) -> None:
        for connections in self._connections.values():
            for connection in connections:
                connection.close(code, reason)

    async def close_for_restart(self) -> None:
        """Shutdown hook: close every connection, so the browsers reconnect elsewhere."""
        self.close_all(CLOSE_SERVICE_RESTART, "gateway restarting")

    # -- events ------------------------------------------------------------------------

    def publish(self, event: LiveEvent) -> int:
        """Buffer ``event`` and queue it for its tenant's connections; how many took it."""
        now = self._clock()
        buffer = self._buffers.get(event.tenant_id)
        if buffer is None:
            buffer = self._buffers[event.tenant_id] = OrderedDict()
        elif event.id in buffer:
            return 0  # Kafka redelivered it (at-least-once): the browsers already have it
        self._expire(buffer, now)
        buffer[event.id] = (now, event)
        if len(buffer) > self.replay_limit:
            buffer.popitem(last=False)
        EVENTS_RECEIVED.labels(event.topic).inc()
        queued = 0
        for connection in self._connections.get(event.tenant_id, ()):
            if not connection.wants(event.topic):
                continue
            if connection.offer(event.frame) is Offer.QUEUED:
                queued += 1
        if now >= self._next_sweep:
            self._sweep(now)
        return queued

    def _events_after(self, tenant_id: uuid.UUID, event_id: str) -> list[LiveEvent] | None:
        buffer = self._buffers.get(tenant_id)
        if buffer is None:
            return None
        self._expire(buffer, self._clock())
        if event_id not in buffer:
            return None
        missed: list[LiveEvent] = []
        # From the newest back: the browser usually missed only the last few events.
        for buffered_id in reversed(buffer):
            if buffered_id == event_id:
                break
            missed.append(buffer[buffered_id][1])
        missed.reverse()
        return missed

    def _expire(self, buffer: _Buffer, now: float) -> None:
        horizon = now - self.resume_seconds
        while buffer:
            oldest_id = next(iter(buffer))
            if buffer[oldest_id][0] >= horizon:
                break
            del buffer[oldest_id]

    def _sweep(self, now: float) -> None:
        """Expire the buffers of tenants that went quiet, so they do not stay in memory."""
        for tenant_id, buffer in list(self._buffers.items()):
            self._expire(buffer, now)
            if not buffer:
                del self._buffers[tenant_id]
        self._next_sweep = now + self.resume_seconds

    # -- readiness of the Kafka consumer -----------------------------------------------

    def mark_ready(self) -> None:
        """The consumer has its partitions and knows where it reads from."""
        self._ready.set()

    def mark_unready(self) -> None:
        self._ready.clear()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    async def wait_ready(self) -> None:
        """Until an event published from now on is sure to reach the hub."""
        await self._ready.wait()
