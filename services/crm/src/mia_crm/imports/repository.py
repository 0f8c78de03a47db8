"""SQL of imports: the file's chunks, its report, and the contacts a batch writes.

Batches are written with one statement per kind of write whatever their size (arrays
bound as parameters: ``mia_crm.batch_sql``), so each statement is prepared once per
connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.batch_sql import one_of, unnested
from mia_crm.models import (
    Contact,
    ContactConsent,
    ImportChunk,
    ImportFile,
    ImportRejection,
)

__all__ = ["CONTACT_COLUMNS", "ImportRepository"]

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
    ) -> list[tuple[uuid.UUID, str | None, str | None]]:
        """(id, phone, user id) of the tenant's contacts having one of the phones or user
        ids, locked in id order (two writers of shared contacts wait, never deadlock)."""
        if not phones and not user_ids:
            return []
        query = (
            select(Contact.id, Contact.phone, Contact.channel_user_id)
            .where(
                Contact.tenant_id == tenant_id,
                or_(one_of(Contact.phone, phones), one_of(Contact.channel_user_id, user_ids)),
            )
            .order_by(Contact.id)
            .with_for_update()
        )
        return [(row[0], row[1], row[2]) for row in (await self.session.execute(query)).all()]

    async def insert_contacts(self, rows: Sequence[dict[str, Any]]) -> list[Contact]:
        """The contacts inserted; a row whose phone or user id another writer took in the
        meantime is left out (ON CONFLICT DO NOTHING)."""
        if not rows:
            return []
        columns = [
            Contact.id,
            Contact.tenant_id,
            *(getattr(Contact, name) for name in CONTACT_COLUMNS),
            Contact.fields,
        ]
        statement = (
            insert(Contact)
            .from_select([c.key for c in columns], unnested(columns, rows))
            .on_conflict_do_nothing()
            .returning(Contact)
        )
        return list((await self.session.scalars(statement)).all())

    async def update_contacts(
        self, *, tenant_id: uuid.UUID, rows: Sequence[dict[str, Any]]
    ) -> list[Contact]:
        """Each row's non-null values over its contact's (``id``); ``fields`` merged."""
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
            .returning(Contact)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.scalars(statement)).all())

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
