"""Erasing a person from the crm, and telling every other service to.

In the request's transaction: the text, media and channel ids of their messages go (the
messages stay as empty rows: the inbox's counts and the tenant's reports keep them), the
team's notes on their conversations are deleted, the conversations lose their preview,
their leads lose what describes them (title, fields, reasons) but stay on the board, the
contact keeps only its id, tenant, owner and times (name, phone, email, user id, fields,
profile cleared; tags removed). The consent ledger is kept, notes cleared: it names
nobody once the contact is anonymous, and it shows the tenant honoured what was asked.
The crm's outbox rows about the person (their contact, conversations, leads) are
deleted, and ``contact.erased`` is staged with the addresses the person had, for the
other services: the sender's send log forgets them, the gateway records the erasure in
the tenant's audit log, meta-ingest deletes its copies of the files they sent (the event
names each by channel account and media id, read before the messages are emptied: the
addresses alone cannot find them). A person who sent thousands of files is announced in
several records (``erasure_parts``: the addresses on the first, a page of media on each),
so none nears Kafka's 1 MB. Kafka's topics keep what was published until their retention
ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_common.messaging.erasure import erasure_parts
from mia_common.outbox import StagedEvent, add_events
from mia_crm.consent.repository import ConsentRepository
from mia_crm.consent.service import SOURCE
from mia_crm.errors import ContactNotFound
from mia_crm.privacy.repository import PrivacyRepository

__all__ = ["Erasure", "erase_contact"]


@dataclass(frozen=True, slots=True)
class Erasure:
    contact_id: uuid.UUID
    conversations: int
    messages: int
    leads: int
    erased_at: datetime


async def erase_contact(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    requested_by_user_id: uuid.UUID,
    contacts_topic: str,
    now: datetime,
) -> Erasure:
    repository = PrivacyRepository.from_session(session)
    contact = await repository.lock_contact(tenant_id=tenant_id, contact_id=contact_id)
    if contact is None:
        raise ContactNotFound(f"no contact {contact_id}")
    conversation_ids = await repository.conversation_ids(tenant_id=tenant_id, contact_id=contact_id)
    lead_ids = await repository.lead_ids(tenant_id=tenant_id, contact_id=contact_id)
    # Before the messages lose their media.
    media = [
        ErasedMedia(channel_account_id=account_id, media_id=media_id)
        for account_id, media_id in await repository.sent_media(conversation_ids=conversation_ids)
    ]

    messages = await repository.erase_messages(conversation_ids=conversation_ids)
    await repository.erase_conversations(conversation_ids=conversation_ids)
    await repository.erase_leads(lead_ids=lead_ids)
    await ConsentRepository.from_session(session).clear_notes(
        tenant_id=tenant_id, contact_id=contact_id
    )
    await repository.erase_contact(contact_id=contact_id)
    await repository.purge_events(
        subjects=[str(contact_id), *map(str, conversation_ids), *map(str, lead_ids)]
    )
    erased = ContactErased(
        contact_id=contact_id,
        phones=[contact["phone"]] if contact.get("phone") else [],
        channel_user_ids=[contact["channel_user_id"]] if contact.get("channel_user_id") else [],
        emails=[contact["email"]] if contact.get("email") else [],
        media=media,
        requested_by_user_id=requested_by_user_id,
        occurred_at=now,
    )
    # Keyed by the contact: the parts are read in order.
    await add_events(
        session,
        [
            StagedEvent(
                topic=contacts_topic,
                key=str(contact_id),
                event=Envelope[ContactErased](
                    type=erased.type,
                    source=SOURCE,
                    tenantid=tenant_id,
                    subject=str(contact_id),
                    data=part,
                ),
            )
            for part in erasure_parts(erased)
        ],
    )
    # The ORM's copies of what changed underneath it (the statements above are Core).
    session.expire_all()
    return Erasure(
        contact_id=contact_id,
        conversations=len(conversation_ids),
        messages=messages,
        leads=len(lead_ids),
        erased_at=now,
    )
