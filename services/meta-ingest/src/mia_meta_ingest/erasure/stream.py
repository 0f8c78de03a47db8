"""The erasure subscriber on the contacts topic (group ``meta-ingest.erasure``: one
process deletes each person's files)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage

from mia_common.messaging import subscriber_options
from mia_meta_ingest.erasure.handlers import ERASURE_GROUP, handle_contact_record

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["subscribe_erasures"]


async def _raw_value(message: KafkaMessage) -> bytes:
    # A coroutine (FastStream runs a plain decoder in a thread pool): the value as it came,
    # so the topic's other events are dropped without being parsed.
    return bytes(message.body)


def subscribe_erasures(router: KafkaRouter, context: MetaIngestContext, *, topic: str) -> None:
    subscriber = router.subscriber(topic, decoder=_raw_value, **subscriber_options(ERASURE_GROUP))

    async def on_contact_record(value: bytes) -> None:
        await handle_contact_record(context, value)

    subscriber(on_contact_record)
