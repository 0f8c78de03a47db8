"""Telling others what became of a lead: ``leads.events.v1`` through the outbox.

Staged in the transaction that made the change, so an open board that refetches on
hearing it finds the change. The key is the lead id (one lead's events keep their order);
the envelope carries the tenant, by which the gateway's live socket delivers it to that
tenant's browsers only.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.leads import LeadEvent, LeadEventType, LeadSnapshot
from mia_common.contracts.topics import LEADS_EVENTS
from mia_common.outbox import StagedEvent, add_events
from mia_crm.inbox_events import SOURCE
from mia_crm.models.lead import Lead

__all__ = ["announce", "lead_event", "snapshot"]

_LeadEnvelope = Envelope[LeadEvent]


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


async def announce(session: AsyncSession, events: list[StagedEvent]) -> None:
    await add_events(session, events)
