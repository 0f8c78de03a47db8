"""SQL about merge suggestions: pairs of one tenant's contacts that look like one person.

Two reasons, each one indexed self-join of ``contacts``, keyset-paged on its own key and
merged in one ``UNION ALL`` (each branch limited, so a page reads about ``limit`` rows per
reason whatever the tenant holds):

- ``phone``: an eight-digit Brazilian mobile and its nine-digit twin (see ``ninth_digit``);
  a partial index holds only the eight-digit mobiles, the twin is read by the unique
  ``(tenant_id, phone)`` index. Exactly equal phones cannot be two contacts (unique).
- ``email``: the same address, case-insensitively (``lower(email)``, indexed per tenant).

The same BSUID cannot be two contacts either (unique per tenant), and an inbound message
that names a phone and a BSUID of two contacts merges them itself (``contacts.resolution``).

A dismissed pair (``merge_dismissals``) is never suggested again.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, func, literal, select, true, tuple_, union_all
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mia_crm.batch_sql import one_of
from mia_crm.duplicates.ninth_digit import EIGHT_DIGIT_MOBILE, nine_digit_form_sql
from mia_crm.models import Contact, MergeDismissal

__all__ = ["REASONS", "DuplicateRepository", "PairKey"]

REASONS = ("email", "phone")
"""In the order pages list them (and their keyset compares them)."""


@dataclass(frozen=True, slots=True)
class PairKey:
    """Where a suggestion stands in the list: its reason, the shared value, the two ids."""

    reason: str
    key: str
    contact_id: uuid.UUID
    other_contact_id: uuid.UUID


class DuplicateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> DuplicateRepository:
        return cls(session)

    async def suggestions(
        self, *, tenant_id: uuid.UUID, after: PairKey | None, limit: int
    ) -> list[PairKey]:
        """Up to ``limit`` suggested pairs after ``after``, in (reason, key, ids) order."""
        branches = [
            branch
            for reason in REASONS
            if (branch := _branch(reason, tenant_id=tenant_id, after=after, limit=limit))
            is not None
        ]
        if not branches:
            return []
        union = union_all(*branches).subquery()
        query = (
            select(union.c.reason, union.c.key, union.c.contact_id, union.c.other_contact_id)
            .order_by(union.c.reason, union.c.key, union.c.contact_id, union.c.other_contact_id)
            .limit(limit)
        )
        rows = (await self.session.execute(query)).all()
        return [PairKey(row.reason, row.key, row.contact_id, row.other_contact_id) for row in rows]

    async def contacts(
        self, *, tenant_id: uuid.UUID, contact_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, Contact]:
        if not contact_ids:
            return {}
        query = select(Contact).where(
            Contact.tenant_id == tenant_id, one_of(Contact.id, contact_ids)
        )
        return {contact.id: contact for contact in (await self.session.scalars(query)).all()}

    async def lock_pair(
        self, *, tenant_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, Contact]:
        """The tenant's contacts among ``contact_ids``, locked in id order (two merges of
        overlapping pairs lock in the same order, so they wait instead of deadlocking)."""
        query = (
            select(Contact)
            .where(Contact.tenant_id == tenant_id, one_of(Contact.id, contact_ids))
            .order_by(Contact.id)
            .with_for_update()
        )
        return {contact.id: contact for contact in (await self.session.scalars(query)).all()}

    async def dismiss(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_id: uuid.UUID,
        other_contact_id: uuid.UUID,
        user_id: uuid.UUID | None,
    ) -> None:
        low, high = sorted((contact_id, other_contact_id))
        statement = (
            insert(MergeDismissal)
            .values(
                tenant_id=tenant_id,
                contact_id=low,
                other_contact_id=high,
                dismissed_by_user_id=user_id,
            )
            .on_conflict_do_nothing()
        )
        await self.session.execute(statement)


def _branch(
    reason: str, *, tenant_id: uuid.UUID, after: PairKey | None, limit: int
) -> Select[str, str, uuid.UUID, uuid.UUID] | None:
    if after is not None and reason < after.reason:
        return None
    first, second = aliased(Contact, name="first"), aliased(Contact, name="second")
    key: ColumnElement[str]
    if reason == "email":
        key = func.lower(first.email)
        joined = and_(
            second.tenant_id == first.tenant_id,
            func.lower(second.email) == key,
            second.id > first.id,
        )
        only = first.email.is_not(None)
    else:
        # Ordered by the eight-digit form: the nine-digit one sorts the same way.
        key = first.phone  # type: ignore[assignment]
        joined = and_(
            second.tenant_id == first.tenant_id,
            second.phone == nine_digit_form_sql(first.phone),  # type: ignore[arg-type]
        )
        only = first.phone.op("~")(EIGHT_DIGIT_MOBILE)
    dismissed = (
        select(MergeDismissal.contact_id)
        .where(
            MergeDismissal.contact_id == func.least(first.id, second.id),
            MergeDismissal.other_contact_id == func.greatest(first.id, second.id),
        )
        .exists()
    )
    position: ColumnElement[bool] = true()
    if after is not None and reason == after.reason:
        position = tuple_(key, first.id, second.id) > tuple_(
            literal(after.key), literal(after.contact_id), literal(after.other_contact_id)
        )
    return (
        select(
            literal(reason).label("reason"),
            key.label("key"),
            first.id.label("contact_id"),
            second.id.label("other_contact_id"),
        )
        .select_from(first)
        .join(second, joined)
        .where(first.tenant_id == tenant_id, only, ~dismissed, position)
        .order_by(key, first.id, second.id)
        .limit(limit)
    )
