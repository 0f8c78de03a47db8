"""Telling others what became of a lead: ``leads.events.v1`` through the outbox.

Staged in the transaction that made the change, so an open board that refetches on
hearing it finds the change. The key is the lead id (one lead's events keep their order);
the envelope carries the tenant, by which the gateway's live socket delivers it to that
tenant's browsers only. A rebalanced column is ``lead.column_rebalanced``, keyed by the
stage id, in records of at most ``REBALANCED_LEADS_PER_RECORD`` cards.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.leads import (
    REBALANCED_LEADS_PER_RECORD,
    ColumnRebalanced,
    LeadEvent,
    LeadEventType,
    LeadSnapshot,
    RebalancedLead,
)
from mia_common.contracts.topics import LEADS_EVENTS
from mia_common.outbox import StagedEvent, add_events
from mia_crm.inbox_events import SOURCE
from mia_crm.models.lead import Lead

__all__ = ["announce", "lead_event", "rebalance_events", "snapshot"]

_LeadEnvelope = Envelope[LeadEvent]
_RebalanceEnvelope = Envelope[ColumnRebalanced]


def snapshot(lead: Lead) -> LeadSnapshot:
    return LeadSnapshot(
        id=lead.id,
        pipeline_id=lead.pipeline_id,
        stage_id=lead.stage_id,
        contact_id=lead.contact_id,
        title=lead.title,
        value=lead.value,
        currency=lead.currency,
        owner_user_id=lead.owner_user_id,
        position=lead.position,
        version=lead.version,
    )


def lead_event(
    *,
    topic: str,
    type: LeadEventType,
    lead: Lead,
    occurred_at: datetime,
    from_stage_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None,
    reason: str | None = None,
    confidence: float | None = None,
) -> StagedEvent:
    """The event about ``lead`` as it is now (a deleted lead: as it was)."""
    return StagedEvent(
        topic=topic,
        key=str(lead.id),
        event=_LeadEnvelope(
            type=LEADS_EVENTS.name,
            source=SOURCE,
            tenantid=lead.tenant_id,
            subject=str(lead.id),
            data=LeadEvent(
                type=type,
                lead=snapshot(lead),
                from_stage_id=from_stage_id,
                actor_user_id=actor_user_id,
                reason=reason,
                confidence=confidence,
                occurred_at=occurred_at,
            ),
        ),
    )


def rebalance_events(
    *,
    topic: str,
    tenant_id: uuid.UUID,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    leads: Sequence[RebalancedLead],
    occurred_at: datetime,
    actor_user_id: uuid.UUID | None = None,
) -> list[StagedEvent]:
    """The column's new keys and versions (``leads`` top to bottom), one record per
    ``REBALANCED_LEADS_PER_RECORD`` cards, keyed by the stage so they keep their order."""
    size = REBALANCED_LEADS_PER_RECORD
    pages = [leads[start : start + size] for start in range(0, len(leads), size)] or [[]]
    return [
        StagedEvent(
            topic=topic,
            key=str(stage_id),
            event=_RebalanceEnvelope(
                type=LEADS_EVENTS.name,
                source=SOURCE,
                tenantid=tenant_id,
                subject=str(stage_id),
                data=ColumnRebalanced(
                    pipeline_id=pipeline_id,
                    stage_id=stage_id,
                    leads=list(page),
                    part=number,
                    parts=len(pages),
                    actor_user_id=actor_user_id,
                    occurred_at=occurred_at,
                ),
            ),
        )
        for number, page in enumerate(pages, start=1)
    ]


async def announce(session: AsyncSession, events: list[StagedEvent]) -> None:
    await add_events(session, events)
