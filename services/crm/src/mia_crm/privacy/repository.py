"""SQL of a contact's export and erasure, over the crm's tables as their metadata says.

Tables are reached by name in the models' metadata (``Base.metadata``), with every column,
so a column added to a contact or a lead is exported without a change here; the tables of
features that may be absent (tags, leads) are simply skipped when they are.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    any_,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

import mia_crm.models  # noqa: F401  (registers every crm table in the metadata)
from mia_common.db import Base
from mia_crm.models.message import Direction

__all__ = ["PAGE_ROWS", "PrivacyRepository", "table"]

PAGE_ROWS: Final = 500
"""Rows read per query while exporting: memory stays flat for a thread of any length."""


def table(name: str) -> Table | None:
    """The crm table ``name``, or None when no model of this build defines it."""
    return Base.metadata.tables.get(name)


def _required(name: str) -> Table:
    found = table(name)
    assert found is not None, f"the crm has a {name} table"
    return found


def _ids(values: Collection[uuid.UUID]) -> ColumnElement[Any]:
    return literal(list(values), ARRAY(UUID(as_uuid=True)))


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> PrivacyRepository:
        return cls(session)

    # --- reading ---------------------------------------------------------------------------

    async def contact(self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> dict[str, Any]:
        contacts = _required("contacts")
        query = select(contacts).where(
            contacts.c.tenant_id == tenant_id, contacts.c.id == contact_id
        )
        row = (await self.session.execute(query)).mappings().one()
        return dict(row)

    async def tags(self, *, contact_id: uuid.UUID) -> list[dict[str, Any]]:
        links, tags = table("contact_tags"), table("tags")
        if links is None or tags is None:
            return []
        query = (
            select(tags.c.name, tags.c.color, links.c.created_at.label("tagged_at"))
            .join(links, links.c.tag_id == tags.c.id)
            .where(links.c.contact_id == contact_id)
            .order_by(tags.c.name)
        )
        return [dict(row) for row in (await self.session.execute(query)).mappings()]

    async def conversation_ids(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID
    ) -> list[uuid.UUID]:
        conversations = _required("conversations")
        query = (
            select(conversations.c.id)
            .where(conversations.c.tenant_id == tenant_id, conversations.c.contact_id == contact_id)
            .order_by(conversations.c.id)
        )
        return list((await self.session.scalars(query)).all())

    async def lead_ids(self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID) -> list[uuid.UUID]:
        leads = table("leads")
        if leads is None:
            return []
        query = (
            select(leads.c.id)
            .where(leads.c.tenant_id == tenant_id, leads.c.contact_id == contact_id)
            .order_by(leads.c.id)
        )
        return list((await self.session.scalars(query)).all())

    async def one(self, name: str, *, row_id: uuid.UUID) -> dict[str, Any]:
        found = _required(name)
        row = (await self.session.execute(select(found).where(found.c.id == row_id))).mappings()
        return dict(row.one())

    async def rows(
        self,
        name: str,
        *,
        order: Sequence[str] = (),
        where: ColumnElement[bool] | None = None,
        **equal: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Every row of table ``name`` whose columns equal ``equal``, in ``order`` (column
        names ending in a unique one; the primary key when empty), read ``PAGE_ROWS`` at a
        time (keyset), never all at once."""
        found = table(name)
        if found is None:
            return
        keys = [found.c[column] for column in order] or list(found.primary_key.columns)
        condition = and_(*(found.c[column] == value for column, value in equal.items()))
        if where is not None:
            condition = and_(condition, where)
        last: Sequence[Any] | None = None
        while True:
            query = select(found).where(condition).order_by(*keys).limit(PAGE_ROWS)
            if last is not None:
                query = query.where(tuple_(*keys) > tuple_(*(literal(v) for v in last)))
            page = list((await self.session.execute(query)).mappings())
            for row in page:
                yield dict(row)
            if len(page) < PAGE_ROWS:
                return
            last = [page[-1][column.name] for column in keys]

    # --- erasing ---------------------------------------------------------------------------

    async def sent_media(
        self, *, conversation_ids: Collection[uuid.UUID]
    ) -> list[tuple[uuid.UUID, str]]:
        """(channel account, media id) of every file the person sent in these
        conversations, once each, in a stable order: what meta-ingest keeps a copy of.
        Only inbound messages: meta-ingest copies nothing else, and a reply's media id may
        be a file the team also sent to others."""
        if not conversation_ids:
            return []
        messages, conversations = _required("messages"), _required("conversations")
        media_id = messages.c.media["media_id"].astext
        query = (
            select(conversations.c.channel_account_id, media_id)
            .distinct()
            .join(conversations, conversations.c.id == messages.c.conversation_id)
            .where(
                messages.c.conversation_id == any_(_ids(conversation_ids)),
                messages.c.direction == Direction.IN.value,
                media_id != "",
            )
            .order_by(conversations.c.channel_account_id, media_id)
        )
        return [(account_id, media) for account_id, media in await self.session.execute(query)]

    async def lock_contact(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID
    ) -> dict[str, Any] | None:
        contacts = _required("contacts")
        query = (
            select(contacts)
            .where(contacts.c.tenant_id == tenant_id, contacts.c.id == contact_id)
            .with_for_update()
        )
        row = (await self.session.execute(query)).mappings().one_or_none()
        return dict(row) if row is not None else None

    async def erase_messages(self, *, conversation_ids: Collection[uuid.UUID]) -> int:
        """What was said, sent and attached goes; that a message was exchanged, when and
        how it was delivered stays (the inbox's counts and the tenant's reports)."""
        if not conversation_ids:
            return 0
        messages = _required("messages")
        result = await self.session.execute(
            update(messages)
            .where(messages.c.conversation_id == any_(_ids(conversation_ids)))
            .values(
                text=None,
                media=None,
                extra={},
                # A WhatsApp message id encodes the customer's number.
                external_message_id=None,
                reply_to_external_id=None,
                error_title=None,
                # The statuses stay; a channel's error text may quote the number.
                status_timeline=text(
                    "(SELECT coalesce(jsonb_agg(entry - 'error'), '[]'::jsonb)"
                    " FROM jsonb_array_elements(messages.status_timeline) AS entry)"
                ),
                updated_at=func.now(),
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def erase_conversations(self, *, conversation_ids: Collection[uuid.UUID]) -> None:
        if not conversation_ids:
            return
        conversations = _required("conversations")
        await self.session.execute(
            update(conversations)
            .where(conversations.c.id == any_(_ids(conversation_ids)))
            .values(last_message_preview=None, updated_at=func.now())
        )
        notes = _required("conversation_notes")
        await self.session.execute(
            delete(notes).where(notes.c.conversation_id == any_(_ids(conversation_ids)))
        )

    async def erase_leads(self, *, lead_ids: Collection[uuid.UUID]) -> None:
        """The deals stay on the board (their value, stage and history count in the
        tenant's figures); what they say about the person goes."""
        leads = table("leads")
        if leads is None or not lead_ids:
            return
        values: dict[str, Any] = {"title": ERASED_TITLE}
        for column, blank in (("fields", {}), ("lost_reason", None), ("source", None)):
            if column in leads.c:
                values[column] = blank
        await self.session.execute(
            update(leads).where(leads.c.id == any_(_ids(lead_ids))).values(**values)
        )
        changes = table("lead_stage_changes")
        if changes is not None and "reason" in changes.c:
            await self.session.execute(
                update(changes).where(changes.c.lead_id == any_(_ids(lead_ids))).values(reason=None)
            )

    async def erase_contact(self, *, contact_id: uuid.UUID) -> None:
        contacts = _required("contacts")
        values: dict[str, Any] = {}
        for column in contacts.c:
            if column.name in _CONTACT_KEPT or column.primary_key:
                continue
            if column.name == "fields":
                values[column.name] = {}
            elif column.nullable:
                values[column.name] = None
        values["updated_at"] = func.now()
        await self.session.execute(
            update(contacts).where(contacts.c.id == contact_id).values(**values)
        )
        tags = table("contact_tags")
        if tags is not None:
            await self.session.execute(delete(tags).where(tags.c.contact_id == contact_id))

    async def purge_events(self, *, subjects: Collection[str]) -> int:
        """Outbox rows about the person (their contact, conversations, leads), published or
        not: published ones are kept a while and hold what the events said (names, phones,
        texts); unpublished ones would still tell others (a reply not sent yet is not
        sent). An earlier erasure's own event is kept: every service must read it."""
        outbox = _required("outbox_events")
        named = literal(list(subjects), ARRAY(String))
        result = await self.session.execute(
            delete(outbox).where(
                or_(
                    outbox.c.payload["subject"].astext == any_(named),
                    outbox.c.payload["data"]["contact_id"].astext == any_(named),
                ),
                outbox.c.payload["type"].astext != ERASED_EVENT,
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


ERASED_EVENT: Final = "contact.erased"
ERASED_TITLE: Final = "(erased)"

# Kept on an erased contact: who in the tenant looked after them and the times, which
# name nobody; everything else nullable is cleared.
_CONTACT_KEPT: Final = frozenset(
    {
        "tenant_id",
        "created_at",
        "updated_at",
        "owner_user_id",
        "last_inbound_at",
        "last_outbound_at",
    }
)
