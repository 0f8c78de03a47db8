"""SQL of a contact's timeline: one newest-first list over several tables.

Each source is its own keyset query (``(at, id) < cursor``, newest first, ``limit + 1``
rows, on the index that orders it: per conversation or per lead, since those indexes lead
with the conversation or the lead) and the branches are merged by
one ``UNION ALL`` with an outer sort of a few times ``limit + 1`` rows: a page costs the
same whether the contact has ten events or a million. Each branch shapes its row as
(kind, id, at, detail jsonb), so the union has one column set; ids are UUIDv7 of every
table, unique enough to break ties of ``at`` across sources.

Sources: messages (both ways, with their delivery status), notes on the contact's
conversations, stage changes of the contact's leads, consent changes. Campaign sends have
a place in the API (``kind: campaign_send``) but no branch yet: campaigns do not exist. The
campaigns service will own its per-recipient ledger; this list will read it through that
service (or a projection of its events), not through the crm's tables.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    func,
    literal,
    literal_column,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from mia_crm.models import ConsentEvent, Conversation, ConversationNote, Message
from mia_crm.models.lead import Lead, LeadStageChange
from mia_crm.models.pipeline import PipelineStage

__all__ = ["TimelineRepository", "TimelineRow"]

# Any SELECT: ``newest`` only adds WHERE, ORDER BY and LIMIT, which keep its row type.
S = TypeVar("S", bound=Select[*tuple[Any, ...]])

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
        page = _Page(tenant_id=tenant_id, contact_id=contact_id, before=before, limit=limit)
        conversations = (
            await self.session.execute(
                select(Conversation.id, Conversation.channel).where(
                    Conversation.tenant_id == tenant_id, Conversation.contact_id == contact_id
                )
            )
        ).all()
        branches = [
            *(_messages(page, row.id, row.channel) for row in conversations),
            *(_notes(page, row.id) for row in conversations),
            _stage_changes(page),
            _consent_changes(page),
        ]
        union = union_all(*branches).subquery()
        query = (
            select(union.c.kind, union.c.id, union.c.at, union.c.detail)
            .order_by(union.c.at.desc(), union.c.id.desc())
            .limit(limit)
        )
        rows = (await self.session.execute(query)).all()
        return [(row.kind, row.id, row.at, row.detail) for row in rows]


@dataclass(frozen=True, slots=True)
class _Page:
    tenant_id: uuid.UUID
    contact_id: uuid.UUID
    before: tuple[datetime, uuid.UUID] | None
    limit: int

    def newest(self, query: S, at: Any, id_: Any) -> S:
        """``query`` from before the cursor, newest first, limited."""
        if self.before is not None:
            query = query.where(
                tuple_(at, id_) < tuple_(literal(self.before[0]), literal(self.before[1]))
            )
        return query.order_by(at.desc(), id_.desc()).limit(self.limit)


def _row(kind: str, id_: Any, at: Any, **detail: Any) -> list[Any]:
    """The union's columns; the detail is built only for the rows a branch keeps."""
    pairs: list[Any] = []
    for key, value in detail.items():
        pairs += [literal(key), value]
    return [
        literal(kind).label("kind"),
        id_.label("id"),
        at.label("at"),
        func.jsonb_build_object(*pairs).label("detail"),
    ]


def _written_id(value: uuid.UUID) -> ColumnElement[uuid.UUID]:
    """``value`` written into the statement, not bound: the planner then sees how many rows
    this conversation holds (a bound or LATERAL id plans for the average one, and sorts all
    of a long thread to keep ``limit``). A UUID prints as hex digits and dashes only."""
    return literal_column(f"'{uuid.UUID(str(value))}'::uuid")


def _messages(page: _Page, conversation_id: uuid.UUID, channel: str) -> Select[Any]:
    # One branch per conversation (a contact has a handful: one per number it wrote to),
    # read newest first by the thread's index (conversation_id, occurred_at, id).
    conversation = _written_id(conversation_id)
    query = select(
        *_row(
            "message",
            Message.id,
            Message.occurred_at,
            conversation_id=Message.conversation_id,
            channel=literal(channel),
            direction=Message.direction,
            type=Message.kind,
            text=Message.text,
            status=Message.status,
            error_code=Message.error_code,
            sent_by_user_id=Message.sent_by_user_id,
        )
    ).where(Message.conversation_id == conversation, Message.tenant_id == page.tenant_id)
    return page.newest(query, Message.occurred_at, Message.id)


def _notes(page: _Page, conversation_id: uuid.UUID) -> Select[Any]:
    query = select(
        *_row(
            "note",
            ConversationNote.id,
            ConversationNote.created_at,
            conversation_id=ConversationNote.conversation_id,
            author_user_id=ConversationNote.author_user_id,
            author_persona_name=ConversationNote.author_persona_name,
            text=ConversationNote.text,
        )
    ).where(
        ConversationNote.conversation_id == _written_id(conversation_id),
        ConversationNote.tenant_id == page.tenant_id,
    )
    return page.newest(query, ConversationNote.created_at, ConversationNote.id)


def _stage_changes(page: _Page) -> Select[Any]:
    # Per lead of the contact, its newest changes by (lead_id, at, id). The history
    # outlives a deleted stage: its name is then unknown (null).
    lead = (
        select(Lead.id, Lead.title, Lead.pipeline_id)
        .where(Lead.tenant_id == page.tenant_id, Lead.contact_id == page.contact_id)
        .subquery("lead")
    )
    newest = page.newest(
        select(
            LeadStageChange.id,
            LeadStageChange.at,
            LeadStageChange.from_stage_id,
            LeadStageChange.to_stage_id,
            LeadStageChange.actor_kind,
            LeadStageChange.actor_user_id,
            LeadStageChange.reason,
            LeadStageChange.confidence,
        ).where(LeadStageChange.lead_id == lead.c.id, LeadStageChange.tenant_id == page.tenant_id),
        LeadStageChange.at,
        LeadStageChange.id,
    ).lateral("change")
    kept = (
        select(newest, lead.c.id.label("lead_id"), lead.c.title, lead.c.pipeline_id)
        .select_from(lead.join(newest, true()))
        .order_by(newest.c.at.desc(), newest.c.id.desc())
        .limit(page.limit)
        .subquery("kept")
    )
    before, after = aliased(PipelineStage, name="from_stage"), aliased(PipelineStage, name="to")
    return (
        select(
            *_row(
                "stage_change",
                kept.c.id,
                kept.c.at,
                lead_id=kept.c.lead_id,
                lead_title=kept.c.title,
                pipeline_id=kept.c.pipeline_id,
                from_stage_id=kept.c.from_stage_id,
                from_stage_name=before.name,
                to_stage_id=kept.c.to_stage_id,
                to_stage_name=after.name,
                actor_kind=kept.c.actor_kind,
                actor_user_id=kept.c.actor_user_id,
                reason=kept.c.reason,
                confidence=kept.c.confidence,
            )
        )
        .select_from(kept)
        .outerjoin(before, before.id == kept.c.from_stage_id)
        .outerjoin(after, after.id == kept.c.to_stage_id)
    )


def _consent_changes(page: _Page) -> Select[Any]:
    # The ledger's own index (contact_id, occurred_at, id) reads it newest first.
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
    ).where(ConsentEvent.tenant_id == page.tenant_id, ConsentEvent.contact_id == page.contact_id)
    return page.newest(query, ConsentEvent.occurred_at, ConsentEvent.id)
