"""The Kafka side of the sender: its three consumers, each with its own group.

- ``messages.send.v1`` (group ``sender``): record the requests (``Intake``), in batches;
  dispatch is not done here, so a slow account never holds up a partition.
- ``messages.status.v1`` (group ``sender-reconcile``): settle sends whose answer was lost,
  in batches (statuses come three or more per message).
- ``messages.inbound.v1`` (group ``sender-window``): learn the 24-hour windows, a FastStream
  subscriber like the platform's others (its handler waits for the runtime: the broker
  starts consuming before the start-up hook that builds it has run).

The broker is also the producer of the outbox relay and of dead letters.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faststream.kafka import KafkaBroker

from mia_common.app_legacy import ServiceContext
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendRequest
from mia_common.messaging import create_broker, subscriber_options
from mia_common.messaging.batch import BatchConsumer
from mia_sender.config import SenderSettings
from mia_sender.runtime import RUNTIME_KEY, SenderRuntime

__all__ = [
    "INTAKE_GROUP",
    "RECONCILE_GROUP",
    "WINDOW_GROUP",
    "create_batch_consumers",
    "create_sender_broker",
]

INTAKE_GROUP = "sender"
RECONCILE_GROUP = "sender-reconcile"
WINDOW_GROUP = "sender-window"


def create_sender_broker(settings: SenderSettings, context: ServiceContext) -> KafkaBroker:
    broker = create_broker(settings, client_id="sender")

    async def runtime() -> SenderRuntime:
        ready: SenderRuntime | None = context.extras.get(RUNTIME_KEY)
        # Set right after the broker starts; waiting here is at most that long.
        while ready is None:
            await asyncio.sleep(0.05)
            ready = context.extras.get(RUNTIME_KEY)
        await ready.ready.wait()
        return ready

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(WINDOW_GROUP)
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await (await runtime()).windows.record_inbound(event.data)

    return broker


def create_batch_consumers(
    settings: SenderSettings, context: ServiceContext, runtime: SenderRuntime
) -> list[BatchConsumer[Any]]:
    """The send-request and status consumers (started once the runtime exists)."""
    assert context.broker is not None
    intake = BatchConsumer(
        settings=settings,
        broker=context.broker,
        topic=settings.send_topic,
        group_id=INTAKE_GROUP,
        model=Envelope[SendRequest],
        handle=runtime.intake.accept,
    )
    reconcile = BatchConsumer(
        settings=settings,
        broker=context.broker,
        topic=settings.status_topic,
        group_id=RECONCILE_GROUP,
        model=Envelope[MessageStatus],
        handle=runtime.reconciler.apply,
    )
    return [intake, reconcile]
