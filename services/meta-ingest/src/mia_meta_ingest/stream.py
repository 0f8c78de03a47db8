"""The Kafka side of meta-ingest: following the channel accounts, copying media, and
deleting a person's media when they are erased.

The channel accounts are read by every process, every partition, without a consumer
group: each process answers webhooks from its own directory in memory, so each must see
every account's state (a group would hand each process only some partitions). The topic
is compacted, and a state the directory already has (loaded from the table at start)
costs only its decoding. Media copying is shared work: one consumer group, each inbound
event copied by one process, read in batches (``BatchConsumer``) so that the many
records without media are skipped by their header before anything decodes them.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from faststream.kafka import KafkaRouter

from mia_common.contracts import ChannelAccountState, Envelope
from mia_common.messaging import SUBSCRIBER_DEFAULTS
from mia_common.messaging.batch import BatchConsumer
from mia_meta_ingest.accounts import handlers as accounts
from mia_meta_ingest.erasure.stream import subscribe_erasures
from mia_meta_ingest.media import handlers as media

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["create_media_consumer", "create_router"]


def create_router(context: MetaIngestContext) -> KafkaRouter:
    settings = context.settings
    router = KafkaRouter()

    # No group_id: every partition, from the start of the compacted topic (see above).
    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(settings.channels_topic, **SUBSCRIBER_DEFAULTS)  # type: ignore[untyped-decorator]
    async def on_channel_state(event: Envelope[ChannelAccountState]) -> None:
        await accounts.handle_channel_state(context, event)

    # contact.erased: the person's media is deleted (group meta-ingest.erasure).
    subscribe_erasures(router, context, topic=settings.contacts_topic)
    return router


def create_media_consumer(context: MetaIngestContext) -> BatchConsumer[media.InboundEnvelope]:
    """Start it after the app's infrastructure, stop it before the broker (its dead
    letters go out through the broker)."""
    return BatchConsumer(
        settings=context.settings,
        broker=context.infra.broker,
        topic=context.settings.inbound_topic,
        group_id=media.MEDIA_GROUP,
        model=media.InboundEnvelope,
        handle=partial(media.copy_media, context),
        skip=media.marked_without_media,
        client_id="meta-ingest",
        # A copy may start a quarter second later (the media endpoint fetches on demand
        # meanwhile); in exchange a few messages a second no longer cost a fetch and a
        # commit request each.
        fetch_max_wait_ms=250,
        fetch_min_bytes=64 * 1024,
        commit_interval_seconds=1.0,
    )
