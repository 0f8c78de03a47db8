"""SQL about custom field definitions, and the contacts' values of one field.

A field being deleted (``deletion_job_id`` set, ``mia_crm.custom_fields.deletion``) is
left out of the definitions every read and every check of values uses (``live()``); only
``by_key`` (is the key taken?) and ``get(deleting=True)`` still find it.

Its values stay on contacts (and leads) until the job reaches them; what the API shows of
a record leaves them out (``visible_fields``). The keys being deleted are read once per
session, before its first statement about contacts or leads, by a ``do_orm_execute``
hook (one query over the partial index of ``deletion_job_id``, a handful of rows at most,
kept in ``session.info``): every path that loads a contact or a lead, whichever feature
it belongs to, then shows it without them, with no query per record.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, event, exists, func, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, object_session

from mia_crm.batch_sql import one_of
from mia_crm.models import Contact, CustomField, Lead

__all__ = ["CustomFieldRepository", "deleting_keys", "live", "visible_fields"]

_DELETING = "mia_crm.custom_fields.deleting"
"""``session.info`` key: {tenant id: keys of its fields being deleted}, read once."""
_HOLDERS = (Contact, Lead)


def live() -> ColumnElement[bool]:
    """The fields not being deleted."""
    return CustomField.deletion_job_id.is_(None)


def _read_deleting(session: Session) -> dict[uuid.UUID, frozenset[str]]:
    known: dict[uuid.UUID, frozenset[str]] | None = session.info.get(_DELETING)
    if known is None:
        session.info[_DELETING] = {}  # the query below must not come back here
        found: dict[uuid.UUID, set[str]] = {}
        rows = session.execute(
            select(CustomField.tenant_id, CustomField.key).where(
                CustomField.deletion_job_id.is_not(None)
            )
        )
        for tenant_id, key in rows:
            found.setdefault(tenant_id, set()).add(key)
        known = {tenant_id: frozenset(keys) for tenant_id, keys in found.items()}
        session.info[_DELETING] = known
    return known


@event.listens_for(Session, "do_orm_execute")
def _remember_deleting(state: ORMExecuteState) -> None:
    """Before a session's first statement about contacts or leads: the keys being
    deleted, for ``visible_fields`` (sync: the hook runs inside the async session's
    greenlet, as its lazy loads do)."""
    if _DELETING in state.session.info:
        return
    if any(mapper.class_ in _HOLDERS for mapper in state.all_mappers):
        _read_deleting(state.session)


async def deleting_keys(session: AsyncSession, *, tenant_id: uuid.UUID) -> frozenset[str]:
    """The keys of the tenant's fields being deleted (read once per session)."""
    known = await session.run_sync(_read_deleting)
    return known.get(tenant_id, frozenset())


def visible_fields(record: Contact | Lead) -> dict[str, Any]:
    """The custom field values of a contact or a lead as the API shows them: without those
    of fields being deleted (the keys its session read, see above)."""
    fields = dict(record.fields or {})
    if not fields:
        return fields
    session = object_session(record)
    known = session.info.get(_DELETING) if session is not None else None
    hidden = known.get(record.tenant_id) if known else None
    if not hidden:
        return fields
    return {key: value for key, value in fields.items() if key not in hidden}


class CustomFieldRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> CustomFieldRepository:
        return cls(session)

    async def of_tenant(self, *, tenant_id: uuid.UUID) -> list[CustomField]:
        """Every definition of the tenant (a bounded number), in display order; none being
        deleted."""
        query = (
            select(CustomField)
            .where(CustomField.tenant_id == tenant_id, live())
            .order_by(CustomField.position, CustomField.id)
        )
        return list((await self.session.scalars(query)).all())

    async def get(
        self,
        *,
        tenant_id: uuid.UUID,
        field_id: uuid.UUID,
        for_update: bool = False,
        deleting: bool = False,
    ) -> CustomField | None:
        """The tenant's field; ``deleting``: also while a job deletes it."""
        query = select(CustomField).where(
            CustomField.tenant_id == tenant_id, CustomField.id == field_id
        )
        if not deleting:
            query = query.where(CustomField.deletion_job_id.is_(None))
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def by_key(self, *, tenant_id: uuid.UUID, key: str) -> CustomField | None:
        """The tenant's field of ``key``, one being deleted too (its key stays taken)."""
        query = select(CustomField).where(
            CustomField.tenant_id == tenant_id, CustomField.key == key
        )
        return (await self.session.scalars(query)).one_or_none()

    async def count_and_last_position(self, *, tenant_id: uuid.UUID) -> tuple[int, int]:
        query = select(
            func.count().filter(CustomField.deletion_job_id.is_(None)),
            func.coalesce(func.max(CustomField.position), -1),
        ).where(CustomField.tenant_id == tenant_id)
        count, last = (await self.session.execute(query)).one()
        return int(count), int(last)

    async def add(self, field: CustomField) -> CustomField:
        self.session.add(field)
        await self.session.flush()
        return field

    async def delete(self, field: CustomField) -> None:
        await self.session.delete(field)
        await self.session.flush()

    async def lock_tenant(self, *, tenant_id: uuid.UUID) -> None:
        """Serializes the tenant's definition changes (creating, reordering) until commit."""
        key = int.from_bytes(tenant_id.bytes[:8], "big", signed=True) ^ 0x637573746F6D
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def set_positions(self, *, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        for position, field_id in enumerate(ids):
            await self.session.execute(
                update(CustomField)
                .where(CustomField.tenant_id == tenant_id, CustomField.id == field_id)
                .values(position=position)
                .execution_options(synchronize_session=False)
            )

    # --- the values contacts hold --------------------------------------------------------

    async def any_value(self, *, tenant_id: uuid.UUID, key: str) -> bool:
        """Whether a contact of the tenant holds a value of ``key``."""
        query = select(exists().where(Contact.tenant_id == tenant_id, Contact.fields.has_key(key)))
        return bool(await self.session.scalar(query))

    async def options_held(
        self, *, tenant_id: uuid.UUID, key: str, options: Sequence[str], multi: bool
    ) -> list[str]:
        """Which of ``options`` some contact holds in ``key`` (``fields @> ...``, indexed)."""
        held = []
        for option in options:
            value: Any = [option] if multi else option
            query = select(
                exists().where(
                    Contact.tenant_id == tenant_id,
                    Contact.fields.contains(literal({key: value}, JSONB)),
                )
            )
            if await self.session.scalar(query):
                held.append(option)
        return held

    async def remove_some_values(
        self,
        *,
        tenant_id: uuid.UUID,
        key: str,
        after: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Contact]:
        """Drops ``key`` from the next ``limit`` contacts holding it, in the contact list's
        order after ``after`` (created_at, id): one pass over the tenant's contacts for the
        whole deletion. The contacts as they are now, in that order (none left: empty)."""
        holders = select(Contact.id).where(
            Contact.tenant_id == tenant_id, Contact.fields.has_key(key)
        )
        if after is not None:
            holders = holders.where(
                tuple_(Contact.created_at, Contact.id)
                > tuple_(literal(after[0]), literal(after[1]))
            )
        holders = holders.order_by(Contact.created_at, Contact.id).limit(limit)
        ids = list((await self.session.scalars(holders)).all())
        if not ids:
            return []
        statement = (
            update(Contact)
            .where(Contact.tenant_id == tenant_id, one_of(Contact.id, ids))
            .values(fields=Contact.fields.op("-", return_type=JSONB)(literal(key, String)))
            .returning(Contact)
            .execution_options(populate_existing=True)
        )
        changed = list((await self.session.scalars(statement)).all())
        return sorted(changed, key=lambda contact: (contact.created_at, contact.id))
