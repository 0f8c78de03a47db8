"""SQL of imports: the file's chunks, its report, and the contacts a batch writes.

Batches are written with one statement per kind of write whatever their size (arrays
bound as parameters: ``mia_crm.batch_sql``), so each statement is prepared once per
connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.batch_sql import one_of, unnested
from mia_crm.models import (
    Contact,
    ContactConsent,
    ContactTag,
    Conversation,
    ImportChunk,
    ImportFile,
    ImportRejection,
    Tag,
)

__all__ = ["CONTACT_COLUMNS", "WRITTEN_COLUMNS", "ImportRepository"]

CONTACT_COLUMNS = (
    "name",
    "phone",
    "channel_user_id",
    "email",
    "owner_user_id",
    "lifecycle_stage",
    "source",
    "language",
    "time_zone",
)
"""The columns of ``contacts`` an import may set (besides ``fields``)."""

WRITTEN_COLUMNS = ("id", "tenant_id", *CONTACT_COLUMNS, "fields")
"""What the import reads back of the contacts it writes: what their events tell."""
_WRITTEN = [getattr(Contact, name) for name in WRITTEN_COLUMNS]


# One index probe per value: a LATERAL subquery with LIMIT 1 is never flattened into a join.
_BY_PHONE = text(
    "SELECT found.id FROM unnest(CAST(:values AS text[])) AS given(value)"
    " CROSS JOIN LATERAL (SELECT contacts.id FROM contacts"
    " WHERE contacts.tenant_id = :tenant_id AND contacts.phone = given.value"
    " LIMIT 1) AS found"
)
_BY_USER_ID = text(
    "SELECT found.id FROM unnest(CAST(:values AS text[])) AS given(value)"
    " CROSS JOIN LATERAL (SELECT contacts.id FROM contacts"
    " WHERE contacts.tenant_id = :tenant_id AND contacts.channel_user_id = given.value"
    " LIMIT 1) AS found"
)
# FOR UPDATE in the LATERAL subquery: one index probe and lock per id, in the array's order.
_LOCK_BY_ID = text(
    "SELECT locked.id, locked.phone, locked.channel_user_id, locked.name"
    " FROM unnest(CAST(:ids AS uuid[])) AS given(id)"
    " CROSS JOIN LATERAL (SELECT contacts.id, contacts.phone, contacts.channel_user_id,"
    " contacts.name"
    " FROM contacts WHERE contacts.id = given.id AND contacts.tenant_id = :tenant_id"
    " FOR UPDATE) AS locked"
)


class ImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ImportRepository:
        return cls(session)

    # --- the file ----------------------------------------------------------------------------

    async def add_chunk(self, *, import_id: uuid.UUID, seq: int, data: bytes) -> None:
        await self.session.execute(
            insert(ImportChunk).values(import_id=import_id, seq=seq, data=data)
        )

    async def chunk(self, *, import_id: uuid.UUID, seq: int) -> bytes | None:
        return await self.session.scalar(
            select(ImportChunk.data).where(
                ImportChunk.import_id == import_id, ImportChunk.seq == seq
            )
        )

    async def get(
        self, *, tenant_id: uuid.UUID, import_id: uuid.UUID, for_update: bool = False
    ) -> ImportFile | None:
        query = select(ImportFile).where(
            ImportFile.tenant_id == tenant_id, ImportFile.id == import_id
        )
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def add_counts(
        self,
        *,
        import_id: uuid.UUID,
        created: int,
        updated: int,
        skipped: int,
        rejected: int,
        total: int | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "created_count": ImportFile.created_count + created,
            "updated_count": ImportFile.updated_count + updated,
            "skipped_count": ImportFile.skipped_count + skipped,
            "rejected_count": ImportFile.rejected_count + rejected,
        }
        if total is not None:
            values["total_rows"] = total
        await self.session.execute(
            update(ImportFile).where(ImportFile.id == import_id).values(**values)
        )

    # --- the report --------------------------------------------------------------------------

    async def add_rejections(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            columns = [
                ImportRejection.import_id,
                ImportRejection.row_number,
                ImportRejection.position,
                ImportRejection.column,
                ImportRejection.reason,
                ImportRejection.values,
            ]
            await self.session.execute(
                insert(ImportRejection)
                .from_select([c.key for c in columns], unnested(columns, rows))
                .on_conflict_do_nothing()
            )

    async def rejections(
        self, *, import_id: uuid.UUID, after: tuple[int, int] | None, limit: int
    ) -> list[ImportRejection]:
        query = select(ImportRejection).where(ImportRejection.import_id == import_id)
        if after is not None:
            query = query.where(
                func.row(ImportRejection.row_number, ImportRejection.position)
                > func.row(after[0], after[1])
            )
        query = query.order_by(ImportRejection.row_number, ImportRejection.position).limit(limit)
        return list((await self.session.scalars(query)).all())

    # --- contacts ----------------------------------------------------------------------------

    async def known_for_update(
        self, *, tenant_id: uuid.UUID, phones: Collection[str], user_ids: Collection[str]
    ) -> list[tuple[uuid.UUID, str | None, str | None, str | None]]:
        """(id, phone, user id, name) of the tenant's contacts having one of the phones or
        user ids, locked in id order (two writers of shared contacts wait, never deadlock).

        Found with one index probe per value (a LATERAL subquery with LIMIT 1 is a nested
        loop), then locked by id, probe by probe in id order. A plain join of the unnested
        values, or ``= ANY``, the planner answers with a merge join over the whole
        (tenant_id, phone) index (EXPLAIN: 37,000 index rows read for a batch of 1,000
        at 37,000 contacts): every batch of a large import read all the contacts before it.
        The phone and user id returned are those of the locked row: one another writer
        changed meanwhile is what the batch then works with."""
        ids: set[uuid.UUID] = set()
        for probe, values in ((_BY_PHONE, phones), (_BY_USER_ID, user_ids)):
            if values:
                found = await self.session.scalars(
                    probe, {"tenant_id": tenant_id, "values": list(values)}
                )
                ids.update(found.all())
        if not ids:
            return []
        rows = await self.session.execute(_LOCK_BY_ID, {"tenant_id": tenant_id, "ids": sorted(ids)})
        return [(row[0], row[1], row[2], row[3]) for row in rows.all()]

    async def live_tag_ids(
        self, *, tenant_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        """Those of ``tag_ids`` that are the tenant's and not being deleted, sorted (the
        order of ``contacts.tag_ids``)."""
        if not tag_ids:
            return []
        query = select(Tag.id).where(
            Tag.tenant_id == tenant_id, one_of(Tag.id, tag_ids), Tag.deletion_job_id.is_(None)
        )
        return sorted((await self.session.scalars(query)).all())

    async def add_tags(
        self,
        *,
        contact_ids: Sequence[uuid.UUID],
        tag_ids: Sequence[uuid.UUID],
        tenant_id: uuid.UUID,
    ) -> None:
        """Every tag on every contact (the tags as ``live_tag_ids`` answered, the contacts
        the tenant's ones a batch just wrote); pairs already there are kept. The contacts
        are taken as given, not joined (see ``known_for_update``)."""
        if not contact_ids or not tag_ids:
            return
        kept = list(tag_ids)
        contacts = func.unnest(literal(list(contact_ids), ARRAY(UUID(as_uuid=True))))
        tags = func.unnest(literal(kept, ARRAY(UUID(as_uuid=True))))
        by_contact = contacts.table_valued("contact_id").render_derived()
        by_tag = tags.table_valued("tag_id").render_derived()
        contact, tag = by_contact.c.contact_id, by_tag.c.tag_id
        # Every contact with every tag, in key order: two batches tagging shared contacts
        # wait for each other, never deadlock.
        pairs = (
            select(literal(tenant_id, UUID(as_uuid=True)), contact, tag)
            .select_from(by_contact.join(by_tag, true()))
            .order_by(contact, tag)
        )
        await self.session.execute(
            insert(ContactTag)
            .from_select(["tenant_id", "contact_id", "tag_id"], pairs)
            .on_conflict_do_nothing()
        )

    async def insert_contacts(
        self, rows: Sequence[dict[str, Any]], *, tag_ids: Sequence[uuid.UUID] = ()
    ) -> list[Row[Any]]:
        """The contacts inserted (``WRITTEN_COLUMNS``, as rows: no ORM objects to build and
        track for a thousand contacts); a row whose phone or user id another writer took in
        the meantime is left out (ON CONFLICT DO NOTHING).

        ``tag_ids`` (sorted: ``live_tag_ids``) are the tags ``add_tags`` is about to put on
        every one of them: written into ``contacts.tag_ids`` now, the trigger on
        contact_tags finds every array right and writes no second version of the row."""
        if not rows:
            return []
        columns = [
            Contact.id,
            Contact.tenant_id,
            *(getattr(Contact, name) for name in CONTACT_COLUMNS),
            Contact.fields,
        ]
        values = unnested(columns, rows).add_columns(
            literal(list(tag_ids), ARRAY(UUID(as_uuid=True)))
        )
        statement = (
            insert(Contact)
            .from_select([*(c.key for c in columns), Contact.tag_ids.key], values)
            .on_conflict_do_nothing()
            .returning(*_WRITTEN)
        )
        return list((await self.session.execute(statement)).all())

    async def update_contacts(
        self, *, tenant_id: uuid.UUID, rows: Sequence[dict[str, Any]]
    ) -> list[Row[Any]]:
        """Each row's non-null values over its contact's (``id``); ``fields`` merged. The
        contacts as they are now (``WRITTEN_COLUMNS``)."""
        if not rows:
            return []
        columns = [
            Contact.id,
            *(getattr(Contact, name) for name in CONTACT_COLUMNS),
            Contact.fields,
        ]
        # The unnested columns by position: id, CONTACT_COLUMNS..., fields.
        given = list(unnested(columns, rows).subquery("given").c)
        values: dict[str, Any] = {
            name: func.coalesce(given[1 + index], getattr(Contact, name))
            for index, name in enumerate(CONTACT_COLUMNS)
        }
        no_fields: ColumnElement[Any] = literal_column("'{}'::jsonb")
        values["fields"] = Contact.fields.op("||")(func.coalesce(given[-1], no_fields))
        values["updated_at"] = func.now()
        statement = (
            update(Contact)
            .where(Contact.id == given[0], Contact.tenant_id == tenant_id)
            .values(**values)
            .returning(*_WRITTEN)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.execute(statement)).all())

    async def conversations_of(
        self, *, tenant_id: uuid.UUID, contact_ids: Collection[uuid.UUID]
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(id, contact id) of the contacts' conversations (by the contact index)."""
        if not contact_ids:
            return []
        query = select(Conversation.id, Conversation.contact_id).where(
            Conversation.tenant_id == tenant_id, one_of(Conversation.contact_id, contact_ids)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]

    async def opted_out(
        self, *, contact_ids: Collection[uuid.UUID], channel: str
    ) -> set[uuid.UUID]:
        """Which of the contacts are opted out on ``channel`` (an import never opts them
        back in: the person said stop)."""
        if not contact_ids:
            return set()
        query = select(ContactConsent.contact_id).where(
            one_of(ContactConsent.contact_id, contact_ids),
            ContactConsent.channel == channel,
            ContactConsent.status == "opted_out",
        )
        return set((await self.session.scalars(query)).all())
