"""The segments' SQL: the saved rows, and counts and pages of the contacts a filter matches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, distinct, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import keyset
from mia_crm.models import Contact, ContactTag, Segment

__all__ = ["SegmentRepository", "TimedOut"]

# SQLSTATE 57014: the statement was cancelled (statement_timeout).
_QUERY_CANCELED = "57014"


class TimedOut(Exception):
    """A bounded read took longer than it was given."""


@dataclass(frozen=True)
class SegmentRepository:
    session: AsyncSession

    @classmethod
    def from_session(cls, session: AsyncSession) -> SegmentRepository:
        return cls(session)

    # --- saved segments --------------------------------------------------------------------

    async def get(self, *, tenant_id: uuid.UUID, segment_id: uuid.UUID) -> Segment | None:
        found: Segment | None = await self.session.scalar(
            select(Segment).where(Segment.tenant_id == tenant_id, Segment.id == segment_id)
        )
        return found

    async def name_taken(
        self, *, tenant_id: uuid.UUID, name: str, other_than: uuid.UUID | None = None
    ) -> bool:
        query = select(Segment.id).where(Segment.tenant_id == tenant_id, Segment.name == name)
        if other_than is not None:
            query = query.where(Segment.id != other_than)
        return (await self.session.scalar(query.limit(1))) is not None

    async def page(
        self, *, tenant_id: uuid.UUID, cursor: str | None, limit: int
    ) -> Sequence[Segment]:
        query = keyset(
            select(Segment).where(Segment.tenant_id == tenant_id),
            keys=[Segment.created_at, Segment.id],
            cursor=cursor,
            limit=limit,
        )
        return (await self.session.scalars(query)).all()

    async def delete(self, *, tenant_id: uuid.UUID, segment_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(Segment)
            .where(Segment.tenant_id == tenant_id, Segment.id == segment_id)
            .returning(Segment.id)
        )
        return result.first() is not None

    # --- members ---------------------------------------------------------------------------

    async def count(self, condition: ColumnElement[bool], *, timeout_ms: int) -> int:
        """How many contacts match; ``TimedOut`` past ``timeout_ms``."""
        query = select(func.count()).select_from(Contact).where(condition)
        return int(await self._bounded(lambda: self.session.scalar(query), timeout_ms))

    async def count_tagged(
        self, *, tenant_id: uuid.UUID, tag_ids: Sequence[uuid.UUID], timeout_ms: int
    ) -> int:
        """How many of the tenant's contacts carry any of ``tag_ids``, from the index on
        (tag_id, tenant_id, contact_id) alone; ``TimedOut`` past ``timeout_ms``."""
        matched = func.count() if len(tag_ids) == 1 else func.count(distinct(ContactTag.contact_id))
        query = select(matched).where(
            ContactTag.tag_id.in_(tag_ids), ContactTag.tenant_id == tenant_id
        )
        return int(await self._bounded(lambda: self.session.scalar(query), timeout_ms))

    async def newest(
        self, condition: ColumnElement[bool], *, limit: int, timeout_ms: int
    ) -> list[Contact]:
        """The ``limit`` newest matching contacts; ``TimedOut`` past ``timeout_ms``."""
        query = (
            select(Contact)
            .where(condition)
            .order_by(Contact.created_at.desc(), Contact.id.desc())
            .limit(limit)
        )

        async def read() -> list[Contact]:
            return list((await self.session.scalars(query)).all())

        contacts: list[Contact] = await self._bounded(read, timeout_ms)
        return contacts

    async def contacts_page(
        self, condition: ColumnElement[bool], *, cursor: str | None, limit: int
    ) -> Sequence[Contact]:
        """Matching contacts newest first (the contact list's order and index)."""
        query = keyset(
            select(Contact).where(condition),
            keys=[Contact.created_at, Contact.id],
            cursor=cursor,
            limit=limit,
        )
        return (await self.session.scalars(query)).all()

    async def _bounded(self, read: Any, timeout_ms: int) -> Any:
        # A savepoint: a cancelled statement rolls back to it (and the settings with it),
        # leaving the request's transaction usable; a finished one restores them.
        previous = (
            await self.session.execute(
                text("SELECT current_setting('statement_timeout'), current_setting('jit')")
            )
        ).one()
        try:
            async with self.session.begin_nested():
                await self._settings(statement_timeout=f"{int(timeout_ms)}ms", jit="off")
                result = await read()
                await self._settings(statement_timeout=str(previous[0]), jit=str(previous[1]))
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == _QUERY_CANCELED or _cancelled(error):
                raise TimedOut from None
            raise
        return result

    async def _settings(self, *, statement_timeout: str, jit: str) -> None:
        # JIT off: it compiles for a second where these counts run in milliseconds (their
        # EXISTS subplans make the planner's estimate cross jit_above_cost).
        await self.session.execute(
            text(
                "SELECT set_config('statement_timeout', :timeout, true),"
                " set_config('jit', :jit, true)"
            ),
            {"timeout": statement_timeout, "jit": jit},
        )


def _cancelled(error: DBAPIError) -> bool:
    cause = error.orig.__cause__ if error.orig is not None else None
    return getattr(cause, "sqlstate", None) == _QUERY_CANCELED
