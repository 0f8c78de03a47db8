"""The Kafka side of meta-ingest: the channel-account projection and media fetching."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from mia_common.app_legacy import ServiceContext
from mia_common.contracts import ChannelAccountState, Envelope
from mia_common.db import unit_of_work
from mia_common.messaging import create_broker, subscriber_options
from mia_meta_ingest.accounts.projection import apply_state
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.media.consumer import subscribe_media_fetching

__all__ = ["create_ingest_broker"]


def create_ingest_broker(settings: MetaIngestSettings, context: ServiceContext) -> KafkaBroker:
    broker = create_broker(settings, client_id="meta-ingest")

    # The options come as **kwargs, which FastStream's overloads cannot type.
    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.channels_topic, **subscriber_options("meta-ingest.channel-accounts")
    )
    async def on_channel_state(event: Envelope[ChannelAccountState]) -> None:
        assert context.session_factory is not None
        async with unit_of_work(context.session_factory) as session:
            await apply_state(session, event.data)

    subscribe_media_fetching(broker, settings, context)
    return broker
