"""``messages.inbound.v1``: copy the media of each inbound WhatsApp message we published.

A consumer group of its own, so copying media never holds up anyone else; a failed
download is retried, then dead-lettered, and the media endpoint still fetches on demand.

Most inbound messages are text: the record's ``mia-has-media`` header (set by the webhook
edge) says so, and such a record is skipped before its value is decoded. A record
without the header (published before it existed, or by another producer) is decoded and
judged by its content, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mia_common.contracts import Channel, Envelope, InboundMessage
from mia_common.messaging import PermanentError
from mia_common.webhooks import HAS_MEDIA_HEADER
from mia_meta_ingest.media.graph import MediaGone, MediaTooLarge
from mia_meta_ingest.media.service import NoAccessToken
from mia_meta_ingest.webhook.events import SOURCE

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["MEDIA_GROUP", "InboundRecord", "handle_inbound_record"]

MEDIA_GROUP = "meta-ingest.media"
_InboundEnvelope = Envelope[InboundMessage]


@dataclass(frozen=True, slots=True)
class InboundRecord:
    """An inbound record as it is on the topic: its headers, its value undecoded."""

    headers: Mapping[str, str]
    value: bytes


async def handle_inbound_record(context: MetaIngestContext, record: InboundRecord) -> None:
    if record.headers.get(HAS_MEDIA_HEADER) == "0":
        return
    # A value that is no inbound event fails here: dead-lettered, never retried.
    event = _InboundEnvelope.model_validate_json(record.value)
    message = event.data
    if event.source != SOURCE or message.media is None:
        return
    if message.channel is not Channel.WHATSAPP_CLOUD:
        return
    account = context.accounts.get(message.channel_account_id)
    if account is None:
        raise PermanentError(f"unknown channel account {message.channel_account_id}")
    try:
        await context.media.ensure_stored(account, message.media.media_id)
    except (MediaGone, MediaTooLarge, NoAccessToken) as exc:
        raise PermanentError(str(exc)) from exc
