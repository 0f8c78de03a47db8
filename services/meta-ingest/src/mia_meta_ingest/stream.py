"""The Kafka side of meta-ingest: the channel-account projection and media copying.

Each subscriber has its own consumer group, so copying a large media file never holds up
a channel account's new state. Subscribers are thin: each hands its event to its
feature's handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream.kafka import KafkaRouter

from mia_common.contracts import ChannelAccountState, Envelope, InboundMessage
from mia_common.messaging import subscriber_options
from mia_meta_ingest.accounts import handlers as accounts
from mia_meta_ingest.media import handlers as media

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["ACCOUNTS_GROUP", "create_router"]

ACCOUNTS_GROUP = "meta-ingest.channel-accounts"


def create_router(context: MetaIngestContext) -> KafkaRouter:
    settings = context.settings
    router = KafkaRouter()

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.channels_topic, **subscriber_options(ACCOUNTS_GROUP)
    )
    async def on_channel_state(event: Envelope[ChannelAccountState]) -> None:
        await accounts.handle_channel_state(context, event)

    @router.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(media.MEDIA_GROUP)
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        await media.handle_inbound(context, event)

    return router
