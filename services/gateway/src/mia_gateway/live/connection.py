"""One browser's live connection as the hub sees it: a bounded queue and a close signal.

The hub only ever calls ``offer``, which never waits: when the queue is full the
connection is marked too slow and closed, and the event is not kept for it. Whoever
serves the WebSocket waits on ``closed`` and closes the socket with ``close_code``.
"""

from __future__ import annotations

import asyncio
import enum
import time
import uuid
from collections.abc import Iterable
from typing import Final

import structlog

from mia_gateway.live.metrics import SLOW_CLIENTS_DROPPED

__all__ = [
    "CLOSE_BAD_REQUEST",
    "CLOSE_FORBIDDEN",
    "CLOSE_SERVER_ERROR",
    "CLOSE_SERVICE_RESTART",
    "CLOSE_TRY_AGAIN_LATER",
    "CLOSE_UNAUTHORIZED",
    "LiveConnection",
    "Offer",
]

logger = structlog.get_logger(__name__)

# RFC 6455 codes where one fits; 4xxx (free for applications) mirror the HTTP statuses.
CLOSE_BAD_REQUEST: Final = 1008
CLOSE_SERVER_ERROR: Final = 1011
CLOSE_SERVICE_RESTART: Final = 1012
CLOSE_TRY_AGAIN_LATER: Final = 1013
CLOSE_UNAUTHORIZED: Final = 4401
CLOSE_FORBIDDEN: Final = 4403


class Offer(enum.Enum):
    """What became of a frame offered to a connection."""

    QUEUED = "queued"
    IGNORED = "ignored"  # the connection is already closing
    DROPPED = "dropped"  # the queue overflowed: this offer closed the connection


class LiveConnection:
    def __init__(
        self,
        *,
        tenant_id: uuid.UUID,
        queue_size: int,
        topics: Iterable[str] | None = None,
        initial_frames: Iterable[str] = (),
    ) -> None:
        self.id = uuid.uuid4()
        self.tenant_id = tenant_id
        self.topics = frozenset(topics) if topics is not None else None
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=max(1, queue_size))
        # Sent before anything from the queue: the replayed events, or the resync frame.
        self.initial_frames = list(initial_frames)
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason = ""
        self.last_sent = time.monotonic()
        # Successful credential checks after the first: how often it was found still valid.
        self.revalidations = 0

    def wants(self, topic: str) -> bool:
        return self.topics is None or topic in self.topics

    def offer(self, frame: str) -> Offer:
        """Queue ``frame`` without waiting; a full queue closes the connection instead."""
        if self.close_code is not None:
            return Offer.IGNORED
        try:
            self.queue.put_nowait(frame)
        except asyncio.QueueFull:
            self.close(CLOSE_TRY_AGAIN_LATER, "too slow")
            SLOW_CLIENTS_DROPPED.inc()
            logger.info(
                "live client too slow, dropped",
                tenant_id=str(self.tenant_id),
                connection_id=str(self.id),
                queue_size=self.queue.maxsize,
            )
            return Offer.DROPPED
        return Offer.QUEUED

    def close(self, code: int, reason: str) -> None:
        """Ask for the connection to be closed; the first reason given is the one sent."""
        if self.close_code is not None:
            return
        self.close_code = code
        self.close_reason = reason
        self.closed.set()
        # Whatever was queued will not be sent: free it now, not when the socket is gone.
        while not self.queue.empty():
            self.queue.get_nowait()

    def __repr__(self) -> str:
        return f"LiveConnection(id={self.id}, tenant_id={self.tenant_id})"
