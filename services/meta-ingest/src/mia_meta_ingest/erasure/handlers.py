"""``contact.erased`` on the contacts topic: the person's media deleted, once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.db import unit_of_work
from mia_common.messaging.erasure import erased_event_of
from mia_common.outbox import claim_event
from mia_meta_ingest.erasure.service import forget_media

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["CONSUMER", "ERASURE_GROUP", "erase", "erased_event_of", "handle_contact_record"]

logger = structlog.get_logger(__name__)

ERASURE_GROUP = "meta-ingest.erasure"
CONSUMER = "meta-ingest.erasure"


async def handle_contact_record(context: MetaIngestContext, value: bytes) -> None:
    event = erased_event_of(value)
    if event is not None:
        await erase(context, event)


async def erase(context: MetaIngestContext, event: Envelope[ContactErased]) -> int:
    """The number of media deleted (0 for a redelivery).

    The claim commits after the files are gone: a failed deletion leaves the event
    unclaimed, so its retry deletes them (deleting what is already gone costs nothing).
    """
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return 0
        deleted = await forget_media(
            context.media.storage, tenant_id=event.tenantid, media=event.data.media
        )
    if deleted:
        logger.info("erased media deleted", tenant_id=str(event.tenantid), media=deleted)
    return deleted
