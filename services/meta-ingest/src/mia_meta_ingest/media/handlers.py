"""``messages.inbound.v1``: copy the media of each inbound WhatsApp message we published.

A consumer group of its own, so copying media never holds up anyone else; a failed
download is retried, then dead-lettered, and the media endpoint still fetches on demand.

Most inbound messages are text: the record's ``mia-has-media`` header (set by the webhook
edge) says so, and ``BatchConsumer`` skips such a record before its value is decoded
(a few microseconds; through a FastStream subscriber it was ~100 us, a sixth of
meta-ingest's CPU per delivery). A record without the header (published before it
existed, or by another producer) is decoded and judged by its content, as before.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiokafka import ConsumerRecord

from mia_common.contracts import Channel, Envelope, InboundMessage
from mia_common.messaging import PermanentError
from mia_common.webhooks import HAS_MEDIA_HEADER
from mia_meta_ingest.media.graph import GraphRefused, MediaGone, MediaTooLarge
from mia_meta_ingest.media.service import MediaErased, NoAccessToken
from mia_meta_ingest.webhook.events import SOURCE

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["MEDIA_GROUP", "InboundEnvelope", "copy_media", "marked_without_media"]

MEDIA_GROUP = "meta-ingest.media"
InboundEnvelope = Envelope[InboundMessage]
# Downloads of one batch at a time: a burst of pictures is copied together, without
# opening a connection to Graph for each.
_CONCURRENT_DOWNLOADS = 8
_NO_MEDIA = (HAS_MEDIA_HEADER, b"0")


def marked_without_media(record: ConsumerRecord[bytes, bytes]) -> bool:
    return _NO_MEDIA in (record.headers or ())


async def copy_media(context: MetaIngestContext, events: list[InboundEnvelope]) -> None:
    """Store the media of each event that has some; raises if any copy failed (the batch
    is then handled again one event at a time, and copies already made are kept)."""
    with_media = [event for event in events if _has_media(event)]
    if len(with_media) == 1:
        await _copy(context, with_media[0])
        return
    limit = asyncio.Semaphore(_CONCURRENT_DOWNLOADS)

    async def copy_one(event: InboundEnvelope) -> None:
        async with limit:
            await _copy(context, event)

    async with asyncio.TaskGroup() as group:
        for event in with_media:
            group.create_task(copy_one(event))


def _has_media(event: InboundEnvelope) -> bool:
    message = event.data
    return (
        event.source == SOURCE
        and message.media is not None
        and message.channel is Channel.WHATSAPP_CLOUD
    )


async def _copy(context: MetaIngestContext, event: InboundEnvelope) -> None:
    message = event.data
    assert message.media is not None
    account = context.accounts.get(message.channel_account_id)
    if account is None:
        raise PermanentError(f"unknown channel account {message.channel_account_id}")
    try:
        await context.media.ensure_stored(account, message.media.media_id)
    except MediaErased:
        return  # its sender was erased: nothing to keep, nothing to retry
    except (MediaGone, MediaTooLarge, NoAccessToken, GraphRefused) as exc:
        # Retrying cannot help (a person must fix the token first); Meta away or a damaged
        # download is retried. The media endpoint still fetches on demand afterwards.
        raise PermanentError(str(exc)) from exc
