"""The Kafka side of meta-ingest: following the channel accounts, and copying media.

The channel accounts are read by every process, every partition, without a consumer
group: each process answers webhooks from its own directory in memory, so each must see
every account's state (a group would hand each process only some partitions). The topic
is compacted, and a state the directory already has (loaded from the table at start)
costs only its decoding. Media copying is shared work: one consumer group, each inbound
event copied by one process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from mia_common.contracts import ChannelAccountState, Envelope
from mia_common.messaging import SUBSCRIBER_DEFAULTS, subscriber_options
from mia_meta_ingest.accounts import handlers as accounts
from mia_meta_ingest.media import handlers as media

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["create_router"]


async def _undecoded(message: KafkaMessage) -> media.InboundRecord:
    """A FastStream decoder that leaves the record's value as it is, beside its headers.

    A coroutine, and the handler takes no ``KafkaMessage`` context parameter: FastStream
    runs a plain-function decoder, and resolves a context parameter, in a thread pool, a
    thread hop for every record.
    """
    return media.InboundRecord(headers=message.headers, value=bytes(message.body))


def create_router(context: MetaIngestContext) -> KafkaRouter:
    settings = context.settings
    router = KafkaRouter()

    # No group_id: every partition, from the start of the compacted topic (see above).
    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(settings.channels_topic, **SUBSCRIBER_DEFAULTS)  # type: ignore[untyped-decorator]
    async def on_channel_state(event: Envelope[ChannelAccountState]) -> None:
        await accounts.handle_channel_state(context, event)

    # The value as it is (no JSON decoding): the handler reads the headers first.
    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, decoder=_undecoded, **subscriber_options(media.MEDIA_GROUP)
    )
    async def on_inbound(record: media.InboundRecord) -> None:
        await media.handle_inbound_record(context, record)

    return router
