"""The Kafka side of the sender: its three consumers, each with its own group.

- ``messages.send.v1`` (group ``sender``): record the requests, a poll's batch a
  transaction (``BatchConsumer``); dispatch is not done here, so a slow account never
  holds up a partition. A failing batch is handled again one record at a time, each
  retried for about 35 s before it goes to the dead-letter topic.
- ``messages.status.v1`` (group ``sender-reconcile``): settle sends whose answer was lost,
  in batches too (statuses come three or more per message).
- ``messages.inbound.v1`` (group ``sender-window``): learn the 24-hour windows, a
  FastStream subscriber on the router like the platform's others.

The broker is also the producer of the outbox relay and of dead letters.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaRouter

from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendRequest
from mia_common.messaging import RetryPolicy, subscriber_options
from mia_common.messaging.batch import BatchConsumer
from mia_sender.context import SenderContext
from mia_sender.dispatch import handlers as dispatch
from mia_sender.erasure.stream import subscribe_erasures
from mia_sender.windows import handlers as windows

__all__ = [
    "INTAKE_GROUP",
    "RECONCILE_GROUP",
    "WINDOW_GROUP",
    "create_batch_consumers",
    "create_router",
]

INTAKE_GROUP = "sender"
RECONCILE_GROUP = "sender-reconcile"
WINDOW_GROUP = "sender-window"
# A record failing alone is retried for about 35 s before it is dead-lettered: a send
# request is worth waiting for through a database restart, while a poison record still
# leaves its partition within a minute.
PATIENT_RETRIES = RetryPolicy(max_attempts=8, initial_backoff=0.5, max_backoff=10.0)


def create_router(context: SenderContext) -> KafkaRouter:
    router = KafkaRouter()

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(  # type: ignore[untyped-decorator]
        context.settings.inbound_topic, **subscriber_options(WINDOW_GROUP)
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await windows.handle_inbound(context, event)

    # contact.erased: the send log forgets the person.
    subscribe_erasures(router, context, topic=context.settings.contacts_topic)
    return router


def create_batch_consumers(context: SenderContext) -> list[BatchConsumer[Any]]:
    """The send-request and status consumers (started and stopped with the app)."""
    settings = context.settings

    async def on_send_requests(envelopes: list[Envelope[SendRequest]]) -> None:
        await dispatch.handle_send_requests(context, envelopes)

    async def on_statuses(envelopes: list[Envelope[MessageStatus]]) -> None:
        await dispatch.handle_statuses(context, envelopes)

    return [
        BatchConsumer(
            settings=settings,
            broker=context.infra.broker,
            topic=settings.send_topic,
            group_id=INTAKE_GROUP,
            model=Envelope[SendRequest],
            handle=on_send_requests,
            retry_policy=PATIENT_RETRIES,
            # Offsets at most once a second, not after every batch: a request taken again
            # after a crash finds its row (the request id is the key) and changes nothing.
            commit_interval_seconds=1.0,
        ),
        BatchConsumer(
            settings=settings,
            broker=context.infra.broker,
            topic=settings.status_topic,
            group_id=RECONCILE_GROUP,
            model=Envelope[MessageStatus],
            handle=on_statuses,
            retry_policy=PATIENT_RETRIES,
        ),
    ]
