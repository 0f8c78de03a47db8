"""SQL of a contact's timeline: one newest-first list over several tables.

Each source is its own keyset query (``(at, id) < cursor``, newest first, ``limit + 1``
rows, on the index that orders it) and the branches are merged by one ``UNION ALL`` with
an outer sort of at most ``sources * (limit + 1)`` rows: a page costs the same whether the
contact has ten events or a million. Each branch shapes its row as (kind, id, at, detail
jsonb), so the union has one column set; ids are UUIDv7 of every table, unique enough to
break ties of ``at`` across sources.

Sources: messages (both ways, with their delivery status), notes on the contact's
conversations, stage changes of the contact's leads, consent changes. Campaign sends have
a place in the API (``kind: campaign_send``) but no branch yet: campaigns do not exist. The
campaigns service will own its per-recipient ledger; this list will read it through that
service (or a projection of its events), not through the crm's tables.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from mia_crm.models import ConsentEvent, Conversation, ConversationNote, Message
from mia_crm.models.lead import Lead, LeadStageChange
from mia_crm.models.pipeline import PipelineStage

__all__ = ["TimelineRepository", "TimelineRow"]

TimelineRow = tuple[str, uuid.UUID, datetime, dict[str, Any]]
"""(kind, id, at, detail)."""


class TimelineRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> TimelineRepository:
        return cls(session)

    async def page(
        self,
        *,
        tenant_id: uuid.UUID,
        contact_id: uuid.UUID,
        before: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[TimelineRow]:
        """Up to ``limit`` rows older than ``before`` (at, id), newest first."""
        branches = [
            _messages(tenant_id, contact_id),
            _notes(tenant_id, contact_id),
            _stage_changes(tenant_id, contact_id),
            _consent_changes(tenant_id, contact_id),
        ]
        limited = [
            _keyset(branch, at=at, id_=id_, before=before, limit=limit)
            for branch, at, id_ in branches
        ]
        union = union_all(*limited).subquery()
        query = (
            select(union.c.kind, union.c.id, union.c.at, union.c.detail)
            .order_by(union.c.at.desc(), union.c.id.desc())
            .limit(limit)
        )
        rows = (await self.session.execute(query)).all()
        return [(row.kind, row.id, row.at, row.detail) for row in rows]


_Branch = tuple[Select[Any], InstrumentedAttribute[datetime], InstrumentedAttribute[uuid.UUID]]


def _keyset(
    query: Select[Any],
    *,
    at: InstrumentedAttribute[datetime],
    id_: InstrumentedAttribute[uuid.UUID],
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Select[Any]:
    if before is not None:
        query = query.where(tuple_(at, id_) < tuple_(literal(before[0]), literal(before[1])))
    return query.order_by(at.desc(), id_.desc()).limit(limit)


def _row(kind: str, id_: Any, at: Any, **detail: ColumnElement[Any] | Any) -> list[Any]:
    pairs: list[Any] = []
    for key, value in detail.items():
        pairs += [literal(key), value]
    return [
        literal(kind).label("kind"),
        id_.label("id"),
        at.label("at"),
        func.jsonb_build_object(*pairs).label("detail"),
    ]


def _messages(tenant_id: uuid.UUID, contact_id: uuid.UUID) -> _Branch:
    query = (
        select(
            *_row(
                "message",
                Message.id,
                Message.occurred_at,
                conversation_id=Message.conversation_id,
                channel=Conversation.channel,
                direction=Message.direction,
                type=Message.kind,
                text=Message.text,
                status=Message.status,
                error_code=Message.error_code,
                sent_by_user_id=Message.sent_by_user_id,
            )
        )
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Conversation.tenant_id == tenant_id,
            Conversation.contact_id == contact_id,
            Message.tenant_id == tenant_id,
        )
    )
    return query, Message.occurred_at, Message.id


def _notes(tenant_id: uuid.UUID, contact_id: uuid.UUID) -> _Branch:
    query = (
        select(
            *_row(
                "note",
                ConversationNote.id,
                ConversationNote.created_at,
                conversation_id=ConversationNote.conversation_id,
                author_user_id=ConversationNote.author_user_id,
                text=ConversationNote.text,
            )
        )
        .join(Conversation, Conversation.id == ConversationNote.conversation_id)
        .where(
            Conversation.tenant_id == tenant_id,
            Conversation.contact_id == contact_id,
            ConversationNote.tenant_id == tenant_id,
        )
    )
    return query, ConversationNote.created_at, ConversationNote.id


def _stage_changes(tenant_id: uuid.UUID, contact_id: uuid.UUID) -> _Branch:
    # The history outlives a deleted stage: its name is then unknown (null).
    before, after = aliased(PipelineStage, name="from_stage"), aliased(PipelineStage, name="to")
    query = (
        select(
            *_row(
                "stage_change",
                LeadStageChange.id,
                LeadStageChange.at,
                lead_id=LeadStageChange.lead_id,
                lead_title=Lead.title,
                pipeline_id=Lead.pipeline_id,
                from_stage_id=LeadStageChange.from_stage_id,
                from_stage_name=before.name,
                to_stage_id=LeadStageChange.to_stage_id,
                to_stage_name=after.name,
                actor_kind=LeadStageChange.actor_kind,
                actor_user_id=LeadStageChange.actor_user_id,
                reason=LeadStageChange.reason,
                confidence=LeadStageChange.confidence,
            )
        )
        .join(Lead, Lead.id == LeadStageChange.lead_id)
        .outerjoin(before, before.id == LeadStageChange.from_stage_id)
        .outerjoin(after, after.id == LeadStageChange.to_stage_id)
        .where(
            Lead.tenant_id == tenant_id,
            Lead.contact_id == contact_id,
            LeadStageChange.tenant_id == tenant_id,
        )
    )
    return query, LeadStageChange.at, LeadStageChange.id


def _consent_changes(tenant_id: uuid.UUID, contact_id: uuid.UUID) -> _Branch:
    query = select(
        *_row(
            "consent_change",
            ConsentEvent.id,
            ConsentEvent.occurred_at,
            channel=ConsentEvent.channel,
            status=ConsentEvent.status,
            source=ConsentEvent.source,
            actor_user_id=ConsentEvent.actor_user_id,
            note=ConsentEvent.note,
        )
    ).where(ConsentEvent.tenant_id == tenant_id, ConsentEvent.contact_id == contact_id)
    return query, ConsentEvent.occurred_at, ConsentEvent.id
