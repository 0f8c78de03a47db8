"""``contact.erased`` on the contacts topic: the person's media deleted, once.

A copy of one of their files may be under way when the erasure arrives (the inbound
media consumer, or the media endpoint fetching on demand), in another process. So the
erasure first commits the files' keys to ``erased_media``, then deletes the files; a
copy, after it stored a file, looks the key up and deletes what it wrote when it is
listed (``media.service.MediaFetcher``). Whichever comes first, no file is left: a copy
that looked before the keys were committed had stored its file before, so the deletion
that follows the commit finds it. Redeliveries of either are harmless: the keys are
listed once, deleting what is gone costs nothing, a listed key is never copied again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.db import unit_of_work
from mia_common.messaging.erasure import erased_event_of
from mia_common.outbox import claim_event
from mia_meta_ingest.erasure.repository import applied, record_erased
from mia_meta_ingest.erasure.service import erased_keys, forget_keys

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
    """The number of media deleted (0 for a redelivery). Each record of an erasure split
    in parts lists its own media and is applied by itself.

    The claim commits after the files are gone: a failed deletion leaves the event
    unclaimed, so its retry deletes them (deleting what is already gone costs nothing).
    """
    keys = erased_keys(event.tenantid, event.data.media)
    if not keys:
        return 0
    sessions = context.infra.sessions
    async with unit_of_work(sessions) as session:
        if await applied(session, consumer=CONSUMER, event_id=event.id):
            return 0
        await record_erased(session, tenant_id=event.tenantid, keys=keys)
    # Committed: from here on a copy that stores one of these files deletes it itself.
    deleted = await forget_keys(context.media.storage, keys)
    async with unit_of_work(sessions) as session:
        await claim_event(session, consumer=CONSUMER, event_id=event.id)
    if deleted:
        logger.info("erased media deleted", tenant_id=str(event.tenantid), media=deleted)
    return deleted
