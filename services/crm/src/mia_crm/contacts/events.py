"""``contact.created`` / ``contact.updated`` on the contacts topic, through the outbox.

Staged in the transaction of the change, so a consumer reading one finds it committed.
Every change people make to contacts goes out this way (the API, bulk actions, imports):
``contact_changed`` for one contact, ``contacts_changed`` for many (one query for their
tags, one INSERT into the outbox). ``changed`` names what changed: ``name``, ``email``,
``owner_user_id``, ``lifecycle_stage``, ``source``, ``language``, ``time_zone``, ``tags``,
``fields.<key>``...

The envelopes of ``contacts_changed`` are built as JSON directly, not through the pydantic
models (an import stages 100,000 of them): every value comes from a ``Contact`` row the
database already checked, and the result is the same JSON object, key for key, as
``Envelope[ContactChanged](...).to_json_dict()`` (services/crm/tests/imports/test_events_json.py
compares them). They go into the outbox with one ``INSERT ... SELECT unnest(...)``: one
statement text whatever the batch's size, each column one array parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from pydantic import TypeAdapter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.contacts import ContactSnapshot
from mia_common.contracts.envelope import new_event_id
from mia_common.db.engine import OUTBOX_STAGED_INFO
from mia_crm.contacts.profile import derived_time_zone, time_zone_of
from mia_crm.models import Contact
from mia_crm.tags.repository import TagRepository

__all__ = [
    "SOURCE",
    "ContactValues",
    "contact_changed",
    "contacts_changed",
    "envelope_json",
    "snapshot_of",
]

SOURCE = "/services/crm"


class ContactValues(Protocol):
    """What an event tells of a contact: a ``Contact``, or a row of its columns (an
    import reads back only these, not whole ORM objects)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def tenant_id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def channel_user_id(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...
    @property
    def owner_user_id(self) -> uuid.UUID | None: ...
    @property
    def lifecycle_stage(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def language(self) -> str | None: ...
    @property
    def time_zone(self) -> str | None: ...
    @property
    def fields(self) -> dict[str, Any]: ...


_DATETIME: TypeAdapter[datetime] = TypeAdapter(datetime)

# One statement text for any number of events (prepared once per connection).
_STAGE = text(
    "INSERT INTO outbox_events (id, topic, key, payload, headers)"
    " SELECT unnest(CAST(:ids AS uuid[])), :topic, unnest(CAST(:keys AS bytea[])),"
    " CAST(unnest(CAST(:payloads AS text[])) AS jsonb), CAST('{}' AS jsonb)"
)


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
    contacts: Sequence[ContactValues],
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
    when = _DATETIME.dump_python(occurred_at, mode="json")
    now = _DATETIME.dump_python(datetime.now(UTC), mode="json")
    actor = None if actor_user_id is None else str(actor_user_id)
    names = list(changed)
    ids: list[uuid.UUID] = []
    payloads: list[str] = []
    for contact in contacts:
        event_id = new_event_id()
        ids.append(event_id)
        payload = envelope_json(
            event_id=event_id,
            kind=kind,
            time=now,
            contact=contact,
            tag_names=tag_names.get(contact.id, []),
            changed=names,
            actor_user_id=actor,
            occurred_at=when,
        )
        payloads.append(orjson.dumps(payload).decode())
    await session.execute(
        _STAGE,
        {
            "ids": ids,
            "topic": topic,
            "keys": [str(contact.id).encode() for contact in contacts],
            "payloads": payloads,
        },
    )
    session.info[OUTBOX_STAGED_INFO] = True


def envelope_json(
    *,
    event_id: uuid.UUID,
    kind: str,
    time: str,
    contact: ContactValues,
    tag_names: Sequence[str],
    changed: list[str],
    actor_user_id: str | None,
    occurred_at: str,
) -> dict[str, Any]:
    """``Envelope[ContactChanged](...).to_json_dict()`` of one contact's change, without
    the models (``time`` and ``occurred_at`` already in their JSON form)."""
    contact_id = str(contact.id)
    owner = contact.owner_user_id
    time_zone = contact.time_zone or derived_time_zone(contact.phone)  # as time_zone_of
    return {
        "specversion": "1.0",
        "id": str(event_id),
        "type": kind,
        "source": SOURCE,
        "time": time,
        "tenantid": str(contact.tenant_id),
        "subject": contact_id,
        "datacontenttype": "application/json",
        "data": {
            "type": kind,
            "contact": {
                "id": contact_id,
                "name": contact.name,
                "phone": contact.phone,
                "channel_user_id": contact.channel_user_id,
                "email": contact.email,
                "owner_user_id": None if owner is None else str(owner),
                "lifecycle_stage": contact.lifecycle_stage,
                "source": contact.source,
                "language": contact.language,
                "time_zone": time_zone,
                "tags": list(tag_names),
                "fields": dict(contact.fields or {}),
            },
            "changed": list(changed),
            "actor_user_id": actor_user_id,
            "occurred_at": occurred_at,
        },
    }
