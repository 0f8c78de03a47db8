"""Fetching the media of every inbound message this service published.

A consumer of our own ``messages.inbound.v1`` events rather than work inside the webhook
request: Meta gets its 200 fast, and a failed download is retried (then dead-lettered
with the reason) by the usual at-least-once machinery while the media id is still valid.
"""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from mia_common.app_legacy import ServiceContext
from mia_common.contracts import Channel, Envelope, InboundMessage
from mia_common.messaging import PermanentError, subscriber_options
from mia_meta_ingest.accounts.repository import account_by_id
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.media.fetching import MediaFetcher, NoAccessToken
from mia_meta_ingest.media.graph import MediaGone, MediaTooLarge
from mia_meta_ingest.webhook.events import SOURCE

__all__ = ["MEDIA_FETCHER_KEY", "subscribe_media_fetching"]

MEDIA_FETCHER_KEY = "media_fetcher"
MEDIA_GROUP = "meta-ingest.media"


def subscribe_media_fetching(
    broker: KafkaBroker, settings: MetaIngestSettings, context: ServiceContext
) -> None:
    @broker.subscriber(  # type: ignore[untyped-decorator]
        settings.inbound_topic, **subscriber_options(MEDIA_GROUP)
    )
    async def on_inbound(event: Envelope[InboundMessage]) -> None:
        message = event.data
        if event.source != SOURCE or message.media is None:
            return
        if message.channel is not Channel.WHATSAPP_CLOUD:
            return
        assert context.session_factory is not None
        async with context.session_factory() as session:
            account = await account_by_id(session, message.channel_account_id)
        if account is None:
            raise PermanentError(f"unknown channel account {message.channel_account_id}")
        fetcher: MediaFetcher = context.extras[MEDIA_FETCHER_KEY]
        try:
            await fetcher.ensure_stored(account, message.media.media_id)
        except (MediaGone, MediaTooLarge, NoAccessToken) as exc:
            raise PermanentError(str(exc)) from exc
