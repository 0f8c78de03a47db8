"""What the crm says about people that stops or refreshes their enrollments.

- ``contact.consent_changed`` to ``opted_out`` on a cadence's channel: stopped at once
  (``opted_out``), whatever step it was at (an opt-out keyword reply lands here too,
  through the crm).
- ``contact.deleted`` / ``contact.erased`` / ``contact.merged`` (the absorbed one):
  stopped; an erasure also forgets the number, the name and the values.
- ``contact.updated``: the running enrollments take the contact's new name, number and
  fields, so a message days later says what the crm says then.
- a lead's stage change stops the person's enrollments in cadences that stop on it
  (those that began before the change: the change may be what enrolled them).

Each is a single pass over the person's active rows; applying one twice changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.snapshot import values_of
from mia_campaigns.cadences.schemas import EnrollmentState
from mia_campaigns.cadences.steps import finish
from mia_campaigns.models import Cadence, Enrollment
from mia_common.contracts import Channel, Envelope
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentStatus,
    ContactChanged,
    ContactDeleted,
    ContactErased,
    ContactEvent,
    ContactsMerged,
)
from mia_common.contracts.leads import LeadEvent

__all__ = ["apply_contact_change", "apply_lead_change"]

_ACTIVE = EnrollmentState.ACTIVE.value
_CHANNELS = {
    ConsentChannel.WHATSAPP: (Channel.WHATSAPP_CLOUD.value, Channel.WHATSAPP_WEB.value),
    ConsentChannel.SMS: (Channel.SMS.value,),
}


async def _stop(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    reason: str,
    now: datetime,
    channels: tuple[str, ...] | None = None,
    stage_stoppers_before: datetime | None = None,
) -> None:
    query = (
        select(Enrollment)
        .join(Cadence, Cadence.id == Enrollment.cadence_id)
        .where(
            Enrollment.tenant_id == tenant_id,
            Enrollment.contact_id == contact_id,
            Enrollment.state == _ACTIVE,
        )
        .with_for_update(of=Enrollment)
    )
    if channels is not None:
        query = query.where(Cadence.channel.in_(channels))
    if stage_stoppers_before is not None:
        query = query.where(
            Cadence.stop_on_stage_change.is_(True), Enrollment.created_at < stage_stoppers_before
        )
    for row in await session.scalars(query):
        finish(row, EnrollmentState.STOPPED, now, reason=reason)


async def apply_contact_change(
    session: AsyncSession, event: Envelope[ContactEvent], *, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    change = event.data
    tenant_id = event.tenantid
    if isinstance(change, ConsentChanged):
        channels = _CHANNELS.get(change.channel)
        if change.status == ConsentStatus.OPTED_OUT and channels is not None:
            await _stop(
                session,
                tenant_id=tenant_id,
                contact_id=change.contact_id,
                reason="opted_out",
                channels=channels,
                now=now,
            )
    elif isinstance(change, ContactDeleted):
        await _stop(
            session,
            tenant_id=tenant_id,
            contact_id=change.contact_id,
            reason="contact_deleted",
            now=now,
        )
    elif isinstance(change, ContactsMerged):
        await _stop(
            session,
            tenant_id=tenant_id,
            contact_id=change.absorbed_id,
            reason="contact_merged",
            now=now,
        )
    elif isinstance(change, ContactErased) and change.part == 1:
        await _stop(
            session,
            tenant_id=tenant_id,
            contact_id=change.contact_id,
            reason="contact_erased",
            now=now,
        )
        await session.execute(
            update(Enrollment)
            .where(Enrollment.tenant_id == tenant_id, Enrollment.contact_id == change.contact_id)
            .values(address=None, name=None, values={}, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    elif isinstance(change, ContactChanged) and change.type == "contact.updated":
        contact = change.contact
        await session.execute(
            update(Enrollment)
            .where(
                Enrollment.tenant_id == tenant_id,
                Enrollment.contact_id == contact.id,
                Enrollment.state == _ACTIVE,
            )
            .values(
                address=contact.phone,
                name=(contact.name or "")[:256] or None,
                values=values_of(contact.model_dump(mode="json")),
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )


async def apply_lead_change(
    session: AsyncSession, tenant_id: uuid.UUID, change: LeadEvent, *, now: datetime | None = None
) -> None:
    now = now or datetime.now(UTC)
    if change.type != "lead.stage_changed" or change.lead.contact_id is None:
        return
    await _stop(
        session,
        tenant_id=tenant_id,
        contact_id=change.lead.contact_id,
        reason="stage_changed",
        now=now,
        stage_stoppers_before=change.occurred_at,
    )
