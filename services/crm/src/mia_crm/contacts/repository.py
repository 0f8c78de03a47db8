"""SQL about contacts; every query is scoped to one tenant."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.batch_sql import one_of
from mia_crm.contacts.phones import digits_of
from mia_crm.models import Contact
from mia_crm.search import contains

__all__ = ["ContactRepository", "matches_contact"]

# Digits and the punctuation people type in phone numbers, nothing else.
_PHONE_LIKE = re.compile(r"[\d\s+().-]+")


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> ContactRepository:
        return cls(session)

    async def get(
        self, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, for_update: bool = False
    ) -> Contact | None:
        query = select(Contact).where(Contact.tenant_id == tenant_id, Contact.id == contact_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def find_by_phone(self, *, tenant_id: uuid.UUID, phone: str) -> Contact | None:
        query = (
            select(Contact)
            .where(Contact.tenant_id == tenant_id, Contact.phone == phone)
            .with_for_update()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def find_by_channel_user_id(
        self, *, tenant_id: uuid.UUID, channel_user_id: str
    ) -> Contact | None:
        query = (
            select(Contact)
            .where(Contact.tenant_id == tenant_id, Contact.channel_user_id == channel_user_id)
            .with_for_update()
        )
        return (await self.session.scalars(query)).one_or_none()

    async def known_by_for_update(
        self,
        *,
        tenant_ids: Collection[uuid.UUID],
        phones: Collection[str],
        user_ids: Collection[str],
    ) -> list[Contact]:
        """The contacts of ``tenant_ids`` having one of the phones or channel user ids, locked
        (in id order, so concurrent batches lock shared rows in the same order). A superset:
        a phone of one tenant matches in another too; the caller keys by tenant."""
        if not tenant_ids or not (phones or user_ids):
            return []
        query = (
            select(Contact)
            .where(
                one_of(Contact.tenant_id, tenant_ids),
                or_(one_of(Contact.phone, phones), one_of(Contact.channel_user_id, user_ids)),
            )
            .order_by(Contact.id)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    async def insert_unless_taken(
        self,
        *,
        tenant_id: uuid.UUID,
        phone: str | None,
        channel_user_id: str | None,
        name: str | None,
    ) -> Contact | None:
        """The new contact, or None when a concurrent insert took the phone or user id."""
        statement = (
            insert(Contact)
            .values(tenant_id=tenant_id, phone=phone, channel_user_id=channel_user_id, name=name)
            .on_conflict_do_nothing()
            .returning(Contact)
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def delete(self, contact: Contact) -> None:
        await self.session.delete(contact)
        await self.session.flush()

    async def page(
        self, *, tenant_id: uuid.UUID, q: str | None, cursor: str | None, limit: int
    ) -> list[Contact]:
        """Newest contacts first, matching ``q`` by name, email or phone digits."""
        query = select(Contact).where(Contact.tenant_id == tenant_id)
        if q:
            query = query.where(matches_contact(q))
        query = keyset(query, keys=[Contact.created_at, Contact.id], cursor=cursor, limit=limit)
        return list((await self.session.scalars(query)).all())


def matches_contact(q: str) -> ColumnElement[bool]:
    """A contact whose name or email contains ``q``, whose user id is ``q``, or, when ``q``
    reads like a phone number ("(11) 9999", "+55 11"), whose phone contains its digits."""
    text = q.strip()
    conditions = [
        contains(Contact.name, text),
        contains(Contact.email, text),
        Contact.channel_user_id == text,
    ]
    digits = digits_of(text)
    if digits and _PHONE_LIKE.fullmatch(text):
        conditions.append(contains(Contact.phone, digits))
    return or_(*conditions)
