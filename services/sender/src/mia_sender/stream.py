"""The Kafka side of the sender: three thin subscribers, each with its own group.

- ``messages.send.v1`` (group ``sender``): record the request (``Intake``); dispatch is
  not done here, so a slow account never holds up a partition.
- ``messages.status.v1`` (group ``sender-reconcile``): settle sends whose answer was lost.
- ``messages.inbound.v1`` (group ``sender-window``): learn the 24-hour windows.

The handlers wait for the runtime: the broker starts consuming before the start-up hook
that builds it has run.
"""

from __future__ import annotations

import asyncio

from faststream.kafka import KafkaBroker

from mia_common.app import ServiceContext
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendRequest
from mia_common.messaging import create_broker, subscriber_options
from mia_sender.config import SenderSettings
from mia_sender.runtime import RUNTIME_KEY, SenderRuntime

__all__ = ["INTAKE_GROUP", "RECONCILE_GROUP", "WINDOW_GROUP", "create_sender_broker"]

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
        settings.send_topic, **subscriber_options(INTAKE_GROUP)
    )
    async def on_send_request(event: Envelope[SendRequest]) -> None:
        await (await runtime()).intake.accept(event)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.status_topic, **subscriber_options(RECONCILE_GROUP)
    )
    async def on_status(event: Envelope[MessageStatus]) -> None:
        await (await runtime()).reconciler.apply(event)

    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(WINDOW_GROUP)
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await (await runtime()).windows.record_inbound(event.data)

    return broker
