"""SQL about merge suggestions: pairs of one tenant's contacts that look like one person.

Two reasons, listed in this order, each read in the order of an index and paged by a
keyset (reason, shared value, ids), so a page costs about the same at the first and the
last page, and the whole list is read once however it is paged:

- ``email``: the same address, case-insensitively. The tenant's addresses are read in
  ``lower(email)`` order (an index per tenant); a window keeps the rows whose neighbour
  has the same address (duplicates sit next to each other in that order), so no self-join
  probes every contact. A group is paired within itself (the first ``MAX_GROUP`` members:
  an address shared by dozens, "nao@tem.com", is a placeholder, not a person).
- ``phone``: an eight-digit Brazilian mobile and its nine-digit twin (see ``ninth_digit``):
  a partial index holds only the eight-digit mobiles (few, fewer every year); their twins
  are looked up in one ``phone = ANY(...)`` through the unique ``(tenant_id, phone)``
  index. Exactly equal phones cannot be two contacts (unique).

The same BSUID cannot be two contacts either (unique per tenant), and an inbound message
that names a phone and a BSUID of two contacts merges them itself (``contacts.resolution``).
A dismissed pair (``merge_dismissals``) is never suggested again.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import combinations, groupby

from sqlalchemy import func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.batch_sql import one_of, rows_in
from mia_crm.duplicates.ninth_digit import EIGHT_DIGIT_MOBILE, ninth_digit_twin
from mia_crm.models import Contact, MergeDismissal

__all__ = ["MAX_GROUP", "REASONS", "DuplicateRepository", "PairKey"]

REASONS = ("email", "phone")
"""In the order pages list them (and their keyset compares them)."""
MAX_GROUP = 20
"""Members of one shared address that are paired (the rest is a placeholder's crowd)."""
_CHUNK = 500
"""Rows read per query while filling a page."""
# Written out as the partial index's predicate is, so the planner sees it implies it (a
# bound parameter would not).
_EIGHT_DIGIT_MOBILE = text(f"contacts.phone ~ '{EIGHT_DIGIT_MOBILE}'")


@dataclass(frozen=True, slots=True, order=True)
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
        found: list[PairKey] = []
        if after is None or after.reason == "email":
            found += await self._email_pairs(tenant_id, after=after, limit=limit)
        if len(found) < limit:
            phone_after = after if after is not None and after.reason == "phone" else None
            found += await self._phone_pairs(tenant_id, after=phone_after, limit=limit - len(found))
        return found[:limit]

    async def _email_pairs(
        self, tenant_id: uuid.UUID, *, after: PairKey | None, limit: int
    ) -> list[PairKey]:
        found: list[PairKey] = []
        start: str | None = after.key if after is not None else None
        inclusive = True
        while len(found) < limit:
            # About what the page still needs (a pair is two rows at least): sparse duplicates
            # are found without reading far ahead of the page.
            chunk = min(_CHUNK, max(MAX_GROUP + 1, 2 * (limit - len(found)) + 2))
            rows = await self._shared_emails(
                tenant_id, start=start, inclusive=inclusive, limit=chunk
            )
            if not rows:
                break
            groups = [
                (key, [row[1] for row in members])
                for key, members in groupby(rows, key=lambda row: row[0])
            ]
            if len(rows) == chunk and len(groups) > 1:
                groups.pop()  # perhaps cut short: the next read starts with it again
            start, inclusive = groups[-1][0], False
            pairs = [
                PairKey("email", key, first, second)
                for key, members in groups
                for first, second in combinations(members[:MAX_GROUP], 2)
            ]
            if after is not None:
                pairs = [pair for pair in pairs if pair > after]
            found += await self._not_dismissed(tenant_id, pairs)
            if len(rows) < chunk:
                break
        return found[:limit]

    async def _shared_emails(
        self, tenant_id: uuid.UUID, *, start: str | None, inclusive: bool, limit: int
    ) -> list[tuple[str, uuid.UUID]]:
        """The next rows (address, id) of addresses held by more than one contact, in
        (address, id) order, from ``start``."""
        key = func.lower(Contact.email)
        query = select(
            key.label("key"),
            Contact.id.label("id"),
            func.lag(key).over(order_by=key).label("before"),
            func.lead(key).over(order_by=key).label("after"),
        ).where(Contact.tenant_id == tenant_id, Contact.email.is_not(None))
        if start is not None:
            query = query.where(key >= start if inclusive else key > start)
        ordered = query.subquery()
        shared = (
            select(ordered.c.key, ordered.c.id)
            .where(or_(ordered.c.before == ordered.c.key, ordered.c.after == ordered.c.key))
            .order_by(ordered.c.key, ordered.c.id)
            .limit(limit)
        )
        return [(row.key, row.id) for row in (await self.session.execute(shared)).all()]

    async def _phone_pairs(
        self, tenant_id: uuid.UUID, *, after: PairKey | None, limit: int
    ) -> list[PairKey]:
        found: list[PairKey] = []
        start = after.key if after is not None else None
        while len(found) < limit:
            query = select(Contact.id, Contact.phone).where(
                Contact.tenant_id == tenant_id, _EIGHT_DIGIT_MOBILE
            )
            if start is not None:
                # One twin per number (phones are unique): the key alone is the position.
                query = query.where(Contact.phone > start)
            rows = (await self.session.execute(query.order_by(Contact.phone).limit(_CHUNK))).all()
            if not rows:
                break
            start = rows[-1].phone
            twins: dict[str, tuple[uuid.UUID, str]] = {}
            for row in rows:
                twin = ninth_digit_twin(row.phone)
                if twin is not None:
                    twins[twin] = (row.id, row.phone)
            held = await self.session.execute(
                select(Contact.id, Contact.phone).where(
                    Contact.tenant_id == tenant_id, one_of(Contact.phone, list(twins))
                )
            )
            by_twin = {row.phone: row.id for row in held.all()}
            pairs = sorted(
                PairKey("phone", phone, contact_id, by_twin[twin])
                for twin, (contact_id, phone) in twins.items()
                if twin in by_twin
            )
            found += await self._not_dismissed(tenant_id, pairs)
            if len(rows) < _CHUNK:
                break
        return found[:limit]

    async def _not_dismissed(self, tenant_id: uuid.UUID, pairs: Sequence[PairKey]) -> list[PairKey]:
        if not pairs:
            return []
        ordered = {pair: tuple(sorted((pair.contact_id, pair.other_contact_id))) for pair in pairs}
        rows = await self.session.execute(
            select(MergeDismissal.contact_id, MergeDismissal.other_contact_id).where(
                MergeDismissal.tenant_id == tenant_id,
                rows_in(
                    [MergeDismissal.contact_id, MergeDismissal.other_contact_id],
                    set(ordered.values()),
                ),
            )
        )
        dismissed = {(row.contact_id, row.other_contact_id) for row in rows}
        return [pair for pair in pairs if ordered[pair] not in dismissed]

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
