"""SQL about leads; every query is scoped to one tenant.

A column's order is its leads' ``position`` (fractional index keys, compared byte by
byte), read through the unique index (tenant_id, stage_id, position): a column page is
one ordered index range, whatever the pipeline holds.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Select,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.db.search import contains
from mia_common.pagination import InvalidCursor, decode_cursor
from mia_crm.batch_sql import one_of
from mia_crm.contacts.repository import matches_contact
from mia_crm.leads.schemas import LeadSort
from mia_crm.models import Contact, Tag
from mia_crm.models.lead import Lead, LeadStageChange, LeadTag
from mia_crm.models.pipeline import PipelineStage
from mia_crm.tags.repository import live as live_tag

__all__ = ["LeadFilter", "LeadRepository", "LeadRow", "StageTotal"]


@dataclass(frozen=True, slots=True)
class LeadFilter:
    """What the board, its columns and the list narrow leads to (None: any)."""

    owner_user_id: uuid.UUID | None = None
    tag_id: uuid.UUID | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    rotting: bool | None = None
    q: str | None = None
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class LeadRow:
    """A lead with what its card shows of its contact, its tags, and whether it rots."""

    lead: Lead
    contact_name: str | None
    contact_phone: str | None
    rotting: bool
    tags: list[tuple[uuid.UUID, str, str]]


@dataclass(frozen=True, slots=True)
class StageTotal:
    stage_id: uuid.UUID
    currency: str
    count: int
    total_value: Decimal
    weighted_value: Decimal


_UUIDS = ARRAY(UUID(as_uuid=True))
_CENT = Decimal("0.01")


def _rotting(now: datetime) -> ColumnElement[bool]:
    cutoff = literal(now, DateTime(timezone=True)) - func.make_interval(
        0, 0, 0, PipelineStage.rotting_days
    )
    return PipelineStage.rotting_days.is_not(None) & (Lead.stage_entered_at < cutoff)


def _conditions(tenant_id: uuid.UUID, wanted: LeadFilter, now: datetime) -> list[Any]:
    conditions: list[Any] = [Lead.tenant_id == tenant_id]
    if wanted.pipeline_id is not None:
        conditions.append(Lead.pipeline_id == wanted.pipeline_id)
    if wanted.stage_id is not None:
        conditions.append(Lead.stage_id == wanted.stage_id)
    if wanted.contact_id is not None:
        conditions.append(Lead.contact_id == wanted.contact_id)
    if wanted.conversation_id is not None:
        conditions.append(Lead.conversation_id == wanted.conversation_id)
    if wanted.owner_user_id is not None:
        conditions.append(Lead.owner_user_id == wanted.owner_user_id)
    if wanted.min_value is not None:
        conditions.append(Lead.value >= wanted.min_value)
    if wanted.max_value is not None:
        conditions.append(Lead.value <= wanted.max_value)
    if wanted.tag_id is not None:
        conditions.append(
            exists().where(LeadTag.lead_id == Lead.id, LeadTag.tag_id == wanted.tag_id)
        )
    if wanted.rotting is not None:
        rotting = _rotting(now)
        conditions.append(rotting if wanted.rotting else ~rotting)
    if wanted.q and wanted.q.strip():
        q = wanted.q.strip()
        conditions.append(or_(contains(Lead.title, q), matches_contact(q)))
    return conditions


def _needs_joins(wanted: LeadFilter) -> tuple[bool, bool]:
    """Whether the filter reads the contact, the stage."""
    return bool(wanted.q and wanted.q.strip()), wanted.rotting is not None


def _rows() -> Select[*tuple[Any, ...]]:
    return (
        select(Lead, Contact.name, Contact.phone, PipelineStage.rotting_days)
        .join(Contact, Contact.id == Lead.contact_id)
        .join(PipelineStage, PipelineStage.id == Lead.stage_id)
    )


_SORTS: dict[LeadSort, tuple[Any, bool, type]] = {
    # sort → (column, descending, the cursor's kind)
    LeadSort.NEWEST: (Lead.created_at, True, datetime),
    LeadSort.OLDEST: (Lead.created_at, False, datetime),
    LeadSort.VALUE_DESC: (Lead.value, True, Decimal),
    LeadSort.VALUE_ASC: (Lead.value, False, Decimal),
    LeadSort.LONGEST_IN_STAGE: (Lead.stage_entered_at, False, datetime),
    LeadSort.NEWEST_IN_STAGE: (Lead.stage_entered_at, True, datetime),
}


def sort_key(lead: Lead, sort: LeadSort) -> tuple[Any, uuid.UUID]:
    column = _SORTS[sort][0]
    return getattr(lead, column.key), lead.id


def _after_cursor(
    query: Select[*tuple[Any, ...]], sort: LeadSort, cursor: str | None
) -> Select[*tuple[Any, ...]]:
    column, descending, kind = _SORTS[sort]
    if cursor is not None:
        raw, last_id = decode_cursor(cursor, [str if kind is Decimal else kind, uuid.UUID])
        if kind is Decimal:
            try:
                raw = Decimal(raw)
            except InvalidOperation:
                raise InvalidCursor from None
            if not raw.is_finite():
                raise InvalidCursor
        row, last = tuple_(column, Lead.id), tuple_(literal(raw, column.type), literal(last_id))
        query = query.where(row < last if descending else row > last)
    if descending:
        return query.order_by(column.desc(), Lead.id.desc())
    return query.order_by(column.asc(), Lead.id.asc())


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> LeadRepository:
        return cls(session)

    # --- one lead ------------------------------------------------------------------------

    async def get(
        self, *, tenant_id: uuid.UUID, lead_id: uuid.UUID, for_update: bool = False
    ) -> Lead | None:
        query = select(Lead).where(Lead.tenant_id == tenant_id, Lead.id == lead_id)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(query)).one_or_none()

    async def lock_many(
        self, *, tenant_id: uuid.UUID, lead_ids: Collection[uuid.UUID]
    ) -> list[Lead]:
        """The tenant's leads among ``lead_ids``, locked in id order (concurrent moves lock
        shared neighbours in the same order), with their current values."""
        if not lead_ids:
            return []
        query = (
            select(Lead)
            .where(Lead.tenant_id == tenant_id, one_of(Lead.id, lead_ids))
            .order_by(Lead.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(query)).all())

    async def add(self, lead: Lead) -> Lead:
        self.session.add(lead)
        await self.session.flush()
        return lead

    async def delete(self, lead: Lead) -> None:
        await self.session.delete(lead)
        await self.session.flush()

    async def row(
        self, *, tenant_id: uuid.UUID, lead_id: uuid.UUID, now: datetime
    ) -> LeadRow | None:
        query = _rows().where(Lead.tenant_id == tenant_id, Lead.id == lead_id)
        rows = await self._rows(query, now)
        return rows[0] if rows else None

    # --- a column's order ----------------------------------------------------------------

    async def any_between(
        self,
        *,
        tenant_id: uuid.UUID,
        stage_id: uuid.UUID,
        low: str | None,
        high: str | None,
        besides: uuid.UUID,
    ) -> bool:
        """Whether a lead other than ``besides`` sits in the column strictly between the
        keys ``low`` and ``high`` (None: that end of the column)."""
        query = select(Lead.id).where(
            Lead.tenant_id == tenant_id, Lead.stage_id == stage_id, Lead.id != besides
        )
        if low is not None:
            query = query.where(Lead.position > low)
        if high is not None:
            query = query.where(Lead.position < high)
        return (await self.session.scalar(select(exists(query)))) is True

    async def last_position(
        self, *, tenant_id: uuid.UUID, stage_id: uuid.UUID, besides: uuid.UUID | None = None
    ) -> str | None:
        query = select(func.max(Lead.position)).where(
            Lead.tenant_id == tenant_id, Lead.stage_id == stage_id
        )
        if besides is not None:
            query = query.where(Lead.id != besides)
        return await self.session.scalar(query)

    async def first_position(self, *, tenant_id: uuid.UUID, stage_id: uuid.UUID) -> str | None:
        return await self.session.scalar(
            select(func.min(Lead.position)).where(
                Lead.tenant_id == tenant_id, Lead.stage_id == stage_id
            )
        )

    async def column_ids_for_update(
        self, *, tenant_id: uuid.UUID, stage_id: uuid.UUID
    ) -> list[uuid.UUID]:
        """Every lead of the column, top to bottom, locked."""
        query = (
            select(Lead.id)
            .where(Lead.tenant_id == tenant_id, Lead.stage_id == stage_id)
            .order_by(Lead.position, Lead.id)
            .with_for_update()
        )
        return list((await self.session.scalars(query)).all())

    async def rewrite_positions(
        self, *, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID], positions: Sequence[str]
    ) -> list[tuple[uuid.UUID, str, int]]:
        """Give ``ids`` the keys ``positions`` in one statement, bumping their versions;
        (id, key, version) of each, in the order of the keys. The column's unique key is
        checked at commit (the rows pass through each other's old keys on the way)."""
        await self.session.execute(text("SET CONSTRAINTS uq_leads_column_position DEFERRED"))
        pairs = (
            select(
                func.unnest(literal(list(ids), _UUIDS)).label("id"),
                func.unnest(literal(list(positions), ARRAY(Lead.position.type))).label("position"),
            )
        ).subquery("pairs")
        rewritten = await self.session.execute(
            update(Lead)
            .where(Lead.tenant_id == tenant_id, Lead.id == pairs.c.id)
            .values(position=pairs.c.position, version=Lead.version + 1, updated_at=func.now())
            .returning(Lead.id, Lead.position, Lead.version)
            .execution_options(synchronize_session=False)
        )
        # Keys compare byte by byte (the column's "C" collation), as Python's str does.
        rows = sorted(((row[0], row[1], row[2]) for row in rewritten), key=lambda row: row[1])
        await self.session.execute(text("SET CONSTRAINTS uq_leads_column_position IMMEDIATE"))
        return rows

    async def move_column(
        self,
        *,
        tenant_id: uuid.UUID,
        from_stage_id: uuid.UUID,
        to_stage: PipelineStage,
        ids: Sequence[uuid.UUID],
        positions: Sequence[str],
        lost_reason: str | None,
    ) -> None:
        """Move the leads ``ids`` of one column to ``to_stage`` with keys ``positions``."""
        pairs = (
            select(
                func.unnest(literal(list(ids), _UUIDS)).label("id"),
                func.unnest(literal(list(positions), ARRAY(Lead.position.type))).label("position"),
            )
        ).subquery("pairs")
        values: dict[str, Any] = {
            "stage_id": to_stage.id,
            "position": pairs.c.position,
            "version": Lead.version + 1,
            "stage_entered_at": func.now(),
            "updated_at": func.now(),
        }
        if lost_reason is not None:
            values["lost_reason"] = func.coalesce(Lead.lost_reason, lost_reason)
        else:
            values["lost_reason"] = None
        await self.session.execute(
            update(Lead)
            .where(
                Lead.tenant_id == tenant_id, Lead.stage_id == from_stage_id, Lead.id == pairs.c.id
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def leads_by_ids(self, *, tenant_id: uuid.UUID, ids: Collection[uuid.UUID]) -> list[Lead]:
        query = (
            select(Lead)
            .where(Lead.tenant_id == tenant_id, one_of(Lead.id, ids))
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(query)).all())

    async def count_in_stage(self, *, tenant_id: uuid.UUID, stage_id: uuid.UUID) -> int:
        count = await self.session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.tenant_id == tenant_id, Lead.stage_id == stage_id)
        )
        return int(count or 0)

    async def any_in_pipeline(self, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID) -> bool:
        query = select(Lead.id).where(Lead.tenant_id == tenant_id, Lead.pipeline_id == pipeline_id)
        return (await self.session.scalar(select(exists(query)))) is True

    # --- tags ----------------------------------------------------------------------------

    async def existing_tags(
        self, *, tenant_id: uuid.UUID, tag_ids: Collection[uuid.UUID]
    ) -> set[uuid.UUID]:
        if not tag_ids:
            return set()
        found = await self.session.scalars(
            select(Tag.id).where(Tag.tenant_id == tenant_id, one_of(Tag.id, tag_ids), live_tag())
        )
        return set(found.all())

    async def set_tags(
        self, *, tenant_id: uuid.UUID, lead_id: uuid.UUID, tag_ids: Collection[uuid.UUID]
    ) -> None:
        await self.session.execute(
            delete(LeadTag).where(
                LeadTag.lead_id == lead_id, LeadTag.tag_id.not_in(list(tag_ids) or [None])
            )
        )
        if tag_ids:
            await self.session.execute(
                insert(LeadTag)
                .values(
                    [{"tenant_id": tenant_id, "lead_id": lead_id, "tag_id": t} for t in tag_ids]
                )
                .on_conflict_do_nothing()
            )

    async def tag_ids_of(self, lead_id: uuid.UUID) -> set[uuid.UUID]:
        found = await self.session.scalars(select(LeadTag.tag_id).where(LeadTag.lead_id == lead_id))
        return set(found.all())

    # --- pages ---------------------------------------------------------------------------

    async def column_page(
        self,
        *,
        tenant_id: uuid.UUID,
        stage_id: uuid.UUID,
        wanted: LeadFilter,
        cursor: str | None,
        limit: int,
        now: datetime,
    ) -> list[LeadRow]:
        """One page of a column, top to bottom (keyset on position, id), one row more than
        ``limit`` when another page follows."""
        query = _rows().where(*_conditions(tenant_id, wanted, now), Lead.stage_id == stage_id)
        if cursor is not None:
            position, last_id = decode_cursor(cursor, [str, uuid.UUID])
            query = query.where(tuple_(Lead.position, Lead.id) > tuple_(position, last_id))
        query = query.order_by(Lead.position, Lead.id).limit(limit + 1)
        return await self._rows(query, now)

    async def first_pages(
        self,
        *,
        tenant_id: uuid.UUID,
        stage_ids: Sequence[uuid.UUID],
        wanted: LeadFilter,
        limit: int,
        now: datetime,
    ) -> dict[uuid.UUID, list[LeadRow]]:
        """The first page (and one row more) of each column, in one query: for each stage a
        LATERAL index range of its leads."""
        if not stage_ids:
            return {}
        stages = select(func.unnest(literal(list(stage_ids), _UUIDS)).label("stage_id")).subquery(
            "columns"
        )
        needs_contact, needs_stage = _needs_joins(wanted)
        page = select(Lead.id.label("lead_id"))
        if needs_contact:
            page = page.join(Contact, Contact.id == Lead.contact_id)
        if needs_stage:
            page = page.join(PipelineStage, PipelineStage.id == Lead.stage_id)
        page_sq = (
            page.where(*_conditions(tenant_id, wanted, now), Lead.stage_id == stages.c.stage_id)
            .order_by(Lead.position, Lead.id)
            .limit(limit + 1)
            # Only the column list is the outer query's: the leads (and contacts, stages)
            # read inside are the lateral's own, not the outer query's joins.
            .correlate(stages)
            .lateral("page")
        )
        query = (
            select(Lead, Contact.name, Contact.phone, PipelineStage.rotting_days)
            .select_from(stages)
            .join(page_sq, true())
            .join(Lead, Lead.id == page_sq.c.lead_id)
            .join(Contact, Contact.id == Lead.contact_id)
            .join(PipelineStage, PipelineStage.id == Lead.stage_id)
            .order_by(Lead.stage_id, Lead.position, Lead.id)
        )
        pages: dict[uuid.UUID, list[LeadRow]] = {stage_id: [] for stage_id in stage_ids}
        for row in await self._rows(query, now):
            pages[row.lead.stage_id].append(row)
        return pages

    async def totals(
        self, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, wanted: LeadFilter, now: datetime
    ) -> list[StageTotal]:
        """Per stage and currency: how many leads match, their values, weighted."""
        needs_contact, _ = _needs_joins(wanted)
        weighted = func.sum(Lead.value * PipelineStage.probability / 100)
        query = (
            select(
                Lead.stage_id,
                Lead.currency,
                func.count(),
                func.coalesce(func.sum(Lead.value), 0),
                func.coalesce(weighted, 0),
            )
            .join(PipelineStage, PipelineStage.id == Lead.stage_id)
            .where(*_conditions(tenant_id, wanted, now), Lead.pipeline_id == pipeline_id)
            .group_by(Lead.stage_id, Lead.currency)
        )
        if needs_contact:
            query = query.join(Contact, Contact.id == Lead.contact_id)
        return [
            StageTotal(
                stage_id,
                currency,
                int(count),
                Decimal(total).quantize(_CENT),
                Decimal(weighted_total).quantize(_CENT, rounding=ROUND_HALF_EVEN),
            )
            for stage_id, currency, count, total, weighted_total in await self.session.execute(
                query
            )
        ]

    async def page(
        self,
        *,
        tenant_id: uuid.UUID,
        wanted: LeadFilter,
        sort: LeadSort,
        cursor: str | None,
        limit: int,
        now: datetime,
    ) -> list[LeadRow]:
        query = _rows().where(*_conditions(tenant_id, wanted, now))
        query = _after_cursor(query, sort, cursor).limit(limit + 1)
        return await self._rows(query, now)

    async def _rows(self, query: Select[*tuple[Any, ...]], now: datetime) -> list[LeadRow]:
        found = (await self.session.execute(query)).all()
        tags = await self._tags([row[0].id for row in found])
        return [
            LeadRow(
                lead=lead,
                contact_name=name,
                contact_phone=phone,
                rotting=rotting_days is not None
                and (now - lead.stage_entered_at).total_seconds() > rotting_days * 86_400,
                tags=tags.get(lead.id, []),
            )
            for lead, name, phone, rotting_days in found
        ]

    async def _tags(
        self, lead_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]]:
        if not lead_ids:
            return {}
        query = (
            select(LeadTag.lead_id, Tag.id, Tag.name, Tag.color)
            .join(Tag, Tag.id == LeadTag.tag_id)
            .where(one_of(LeadTag.lead_id, lead_ids), live_tag())
            .order_by(func.lower(Tag.name), Tag.id)
        )
        tags: dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]] = {}
        for lead_id, tag_id, name, color in await self.session.execute(query):
            tags.setdefault(lead_id, []).append((tag_id, name, color))
        return tags

    # --- history -------------------------------------------------------------------------

    async def add_change(self, change: LeadStageChange) -> None:
        self.session.add(change)

    async def add_changes(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(LeadStageChange), rows)

    async def history(
        self, *, tenant_id: uuid.UUID, lead_id: uuid.UUID, cursor: str | None, limit: int
    ) -> list[LeadStageChange]:
        query = select(LeadStageChange).where(
            LeadStageChange.tenant_id == tenant_id, LeadStageChange.lead_id == lead_id
        )
        if cursor is not None:
            at, last_id = decode_cursor(cursor, [datetime, uuid.UUID])
            query = query.where(
                tuple_(LeadStageChange.at, LeadStageChange.id) < tuple_(at, last_id)
            )
        query = query.order_by(LeadStageChange.at.desc(), LeadStageChange.id.desc()).limit(
            limit + 1
        )
        return list((await self.session.scalars(query)).all())
