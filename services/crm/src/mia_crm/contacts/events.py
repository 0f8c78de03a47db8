"""``contact.created`` / ``contact.updated`` on the contacts topic, through the outbox.

Staged in the transaction of the change, so a consumer reading one finds it committed.
Every change people make to contacts goes out this way (the API, bulk actions, imports):
``contact_changed`` for one contact, ``contacts_changed`` for many (one query for their
tags, one INSERT into the outbox). ``changed`` names what changed: ``name``, ``email``,
``owner_user_id``, ``lifecycle_stage``, ``source``, ``language``, ``time_zone``, ``tags``,
``fields.<key>``...
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactChanged, ContactSnapshot
from mia_common.outbox import StagedEvent, add_events
from mia_crm.contacts.profile import time_zone_of
from mia_crm.models import Contact
from mia_crm.tags.repository import TagRepository

__all__ = ["SOURCE", "contact_changed", "contacts_changed", "snapshot_of"]

SOURCE = "/services/crm"


def snapshot_of(contact: Contact, tag_names: Sequence[str]) -> ContactSnapshot:
    time_zone, _ = time_zone_of(contact)
    return ContactSnapshot(
        id=contact.id,
        name=contact.name,
        phone=contact.phone,
        channel_user_id=contact.channel_user_id,
        email=contact.email,
        owner_user_id=contact.owner_user_id,
        lifecycle_stage=contact.lifecycle_stage,
        source=contact.source,
        language=contact.language,
        time_zone=time_zone,
        tags=list(tag_names),
        fields=dict(contact.fields or {}),
    )


async def contact_changed(
    session: AsyncSession,
    *,
    topic: str,
    contact: Contact,
    changed: Sequence[str],
    actor_user_id: uuid.UUID | None,
    occurred_at: datetime,
    created: bool = False,
    tag_names: Sequence[str] | None = None,
) -> None:
    """Stage the event of one contact's change (its tags read unless ``tag_names``)."""
    await contacts_changed(
        session,
        topic=topic,
        contacts=[contact],
        changed=changed,
        actor_user_id=actor_user_id,
        occurred_at=occurred_at,
        created=created,
        tag_names={contact.id: list(tag_names)} if tag_names is not None else None,
    )


async def contacts_changed(
    session: AsyncSession,
    *,
    topic: str,
    contacts: Sequence[Contact],
    changed: Sequence[str],
    actor_user_id: uuid.UUID | None,
    occurred_at: datetime,
    created: bool = False,
    tag_names: dict[uuid.UUID, list[str]] | None = None,
) -> None:
    """Stage one event per contact (all of one tenant or not), in one outbox INSERT;
    their tags are read in one query unless ``tag_names`` (contact id → names) is given.
    Flushes first, so the snapshots are what will be committed."""
    if not contacts:
        return
    await session.flush()
    if tag_names is None:
        tag_names = {}
        tags = TagRepository.from_session(session)
        for tenant_id in {contact.tenant_id for contact in contacts}:
            found = await tags.of_contacts(
                tenant_id=tenant_id,
                contact_ids=[c.id for c in contacts if c.tenant_id == tenant_id],
            )
            tag_names.update({cid: [tag.name for tag in held] for cid, held in found.items()})
    kind = "contact.created" if created else "contact.updated"
    await add_events(
        session,
        [
            StagedEvent(
                topic=topic,
                key=str(contact.id),
                event=Envelope[ContactChanged](
                    type=kind,
                    source=SOURCE,
                    tenantid=contact.tenant_id,
                    subject=str(contact.id),
                    data=ContactChanged(
                        type=kind,
                        contact=snapshot_of(contact, tag_names.get(contact.id, [])),
                        changed=list(changed),
                        actor_user_id=actor_user_id,
                        occurred_at=occurred_at,
                    ),
                ),
            )
            for contact in contacts
        ],
    )
