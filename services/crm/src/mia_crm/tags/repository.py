"""SQL about tags and the contacts carrying them; every query is scoped to one tenant.

The many-at-once methods (``add_to_contacts``, ``remove_from_contacts``) are one statement
each whatever the number of contacts and tags, ids bound as arrays (the same text for any
count, prepared once): bulk actions and the importer tag thousands of contacts per chunk.
Ids of another tenant are ignored, never tagged.

A tag being deleted (``deletion_job_id`` set, ``mia_crm.tags.deletion``) is left out of
every read here, and is put on no contact, while its job takes it off the contacts.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, String, any_, delete, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.search import contains
from mia_common.pagination import InvalidCursor
from mia_crm.batch_sql import one_of
from mia_crm.models import Contact, ContactTag, Tag

__all__ = ["TagRepository", "live", "tag_cursor"]


def _order_key() -> ColumnElement[str]:
    return func.lower(Tag.name)


def live() -> ColumnElement[bool]:
    """The tags not being deleted."""
    return Tag.deletion_job_id.is_(None)


def tag_cursor(tag: Tag) -> str:
    """The cursor after ``tag`` in the name order (the name need not survive ``|``)."""
    raw = f"{tag.id}|{tag.name.lower()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[uuid.UUID, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        tag_id, _, name = raw.partition("|")
        return uuid.UUID(tag_id), name
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor from None


class TagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> TagRepository:
        return cls(session)

    # --- tags ------------------------------------------------------------------------------

    async def get(
        self,
        *,
        tenant_id: uuid.UUID,
        tag_id: uuid.UUID,
        for_update: bool = False,
        deleting: bool = False,
    ) -> Tag | None:
        """The tenant's tag; ``deleting``: also while a job deletes it."""
        query = select(Tag).where(Tag.tenant_id == tenant_id, Tag.id == tag_id)
        if not deleting:
            query = query.where(live())
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def many(self, *, tenant_id: uuid.UUID, tag_ids: Collection[uuid.UUID]) -> list[Tag]:
        """The tenant's tags among ``tag_ids`` (others' ids are left out)."""
        if not tag_ids:
            return []
        query = select(Tag).where(Tag.tenant_id == tenant_id, one_of(Tag.id, tag_ids), live())
        return list((await self.session.scalars(query)).all())

    async def by_name(self, *, tenant_id: uuid.UUID, name: str) -> Tag | None:
        """The tenant's tag of this name, whatever its case; one being deleted too (its
        name stays taken until it is gone)."""
        query = select(Tag).where(Tag.tenant_id == tenant_id, _order_key() == name.lower())
        return (await self.session.scalars(query)).one_or_none()

    async def by_names(self, *, tenant_id: uuid.UUID, names: Collection[str]) -> list[Tag]:
        """The tenant's tags of these names, whatever their case (the importer's tags)."""
        if not names:
            return []
        lowered = [name.lower() for name in names]
        query = select(Tag).where(
            Tag.tenant_id == tenant_id,
            _order_key() == any_(literal(lowered, ARRAY(String()))),
            live(),
        )
        return list((await self.session.scalars(query)).all())

    async def insert_unless_taken(
        self, *, tenant_id: uuid.UUID, name: str, color: str
    ) -> Tag | None:
        """The new tag, or None when the tenant has one of this name (any case)."""
        statement = (
            pg_insert(Tag)
            .values(tenant_id=tenant_id, name=name, color=color)
            .on_conflict_do_nothing()
            .returning(Tag)
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def page(
        self, *, tenant_id: uuid.UUID, q: str | None, cursor: str | None, limit: int
    ) -> list[Tag]:
        """Tags by name (case-insensitive), ``limit`` + 1 of them (one more tells a next
        page follows), containing ``q`` when given."""
        query = select(Tag).where(Tag.tenant_id == tenant_id, live())
        if q:
            query = query.where(contains(Tag.name, q.strip()))
        if cursor is not None:
            after_id, after_name = _decode(cursor)
            query = query.where(tuple_(_order_key(), Tag.id) > tuple_(after_name, after_id))
        query = query.order_by(_order_key(), Tag.id).limit(limit + 1)
        return list((await self.session.scalars(query)).all())

    async def delete(self, tag: Tag) -> None:
        await self.session.delete(tag)
        await self.session.flush()

    # --- tags on contacts --------------------------------------------------------------------

    async def add_to_contacts(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_ids: Collection[uuid.UUID],
        tag_ids: Collection[uuid.UUID],
    ) -> set[uuid.UUID]:
        """Every tag on every contact, in one statement (pairs already there are kept:
        ON CONFLICT DO NOTHING); the ids of the contacts that got a tag they lacked.
        Contacts and tags of another tenant are left out."""
        if not contact_ids or not tag_ids:
            return set()
        pairs = (
            select(literal(tenant_id).label("tenant_id"), Contact.id, Tag.id)
            .select_from(Contact)
            .join(Tag, Tag.tenant_id == Contact.tenant_id)
            .where(
                Contact.tenant_id == tenant_id,
                one_of(Contact.id, contact_ids),
                one_of(Tag.id, tag_ids),
                live(),
            )
            # Rows locked in one order: two bulk actions on overlapping contacts wait, never
            # deadlock.
            .order_by(Contact.id, Tag.id)
        )
        statement = (
            pg_insert(ContactTag)
            .from_select(["tenant_id", "contact_id", "tag_id"], pairs)
            .on_conflict_do_nothing()
            .returning(ContactTag.contact_id)
        )
        return set((await self.session.scalars(statement)).all())

    async def remove_from_contacts(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_ids: Collection[uuid.UUID],
        tag_ids: Collection[uuid.UUID],
    ) -> set[uuid.UUID]:
        """Every tag off every contact, in one statement; the ids of the contacts that lost
        one."""
        if not contact_ids or not tag_ids:
            return set()
        statement = (
            delete(ContactTag)
            .where(
                ContactTag.tenant_id == tenant_id,
                one_of(ContactTag.contact_id, contact_ids),
                one_of(ContactTag.tag_id, tag_ids),
            )
            .returning(ContactTag.contact_id)
        )
        return set((await self.session.scalars(statement)).all())

    async def of_contacts(
        self, *, tenant_id: uuid.UUID, contact_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[Tag]]:
        """Each contact's tags by name (one query for a page of contacts); a contact
        without tags is absent."""
        if not contact_ids:
            return {}
        query = (
            select(ContactTag.contact_id, Tag)
            .join(Tag, Tag.id == ContactTag.tag_id)
            .where(
                ContactTag.tenant_id == tenant_id,
                one_of(ContactTag.contact_id, contact_ids),
                live(),
            )
            .order_by(_order_key(), Tag.id)
        )
        found: dict[uuid.UUID, list[Tag]] = defaultdict(list)
        for contact_id, tag in (await self.session.execute(query)).all():
            found[contact_id].append(tag)
        return dict(found)

    async def holders_after(
        self, *, tag_id: uuid.UUID, after: uuid.UUID | None, limit: int
    ) -> list[uuid.UUID]:
        """The next ``limit`` contacts carrying the tag, in id order (index on tag, contact)."""
        query = select(ContactTag.contact_id).where(ContactTag.tag_id == tag_id)
        if after is not None:
            query = query.where(ContactTag.contact_id > after)
        query = query.order_by(ContactTag.contact_id).limit(limit)
        return list((await self.session.scalars(query)).all())

    async def detach_some(self, *, tag_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        """Takes the tag off up to ``limit`` contacts; their ids (none left: empty)."""
        some = (
            select(ContactTag.contact_id)
            .where(ContactTag.tag_id == tag_id)
            .order_by(ContactTag.contact_id)
            .limit(limit)
            .scalar_subquery()
        )
        statement = (
            delete(ContactTag)
            .where(ContactTag.tag_id == tag_id, ContactTag.contact_id.in_(some))
            .returning(ContactTag.contact_id)
        )
        return list((await self.session.scalars(statement)).all())
