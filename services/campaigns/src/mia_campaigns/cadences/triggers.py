"""Enrollment by event: a contact created, a tag added, a lead entering a stage.

An event enrolls the person in every active cadence of the tenant with a matching trigger,
through the same path as enrolling by hand (the crm's member line: number, consent, the
fields the messages read), in the name of the cadence's author. Enrolling is once per
(cadence, contact), so a replayed event, or a tag removed and added again, enrolls no one
twice. "Tag added" is read from a ``contact.updated`` whose tags changed and hold the tag.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.cadences.enroll import enroll_lines
from mia_campaigns.cadences.schemas import CadenceStatus
from mia_campaigns.models import Cadence
from mia_campaigns.sending.messages import compile_message, member_fields
from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactChanged, ContactEvent
from mia_common.contracts.leads import LeadEvent
from mia_common.db import unit_of_work
from mia_common.identity import Identity, Role

__all__ = ["enroll_on_contact_event", "enroll_on_lead_event"]

_Wanted = Callable[[dict[str, Any]], bool]


async def enroll_on_contact_event(
    sessions: async_sessionmaker[AsyncSession], crm: CrmMembers, event: Envelope[ContactEvent]
) -> int:
    """How many enrollments the event made."""
    change = event.data
    if not isinstance(change, ContactChanged):
        return 0
    wanted: _Wanted
    if change.type == "contact.created":
        wanted = lambda trigger: trigger["event"] == "contact_created"  # noqa: E731
    elif "tags" in change.changed:
        tags = {tag.casefold() for tag in change.contact.tags}
        wanted = lambda trigger: (  # noqa: E731
            trigger["event"] == "tag_added" and str(trigger["tag"]).casefold() in tags
        )
    else:
        return 0
    return await _enroll(sessions, crm, event.tenantid, change.contact.id, wanted)


async def enroll_on_lead_event(
    sessions: async_sessionmaker[AsyncSession],
    crm: CrmMembers,
    tenant_id: uuid.UUID,
    change: LeadEvent,
) -> int:
    if change.type not in ("lead.created", "lead.stage_changed") or change.lead.contact_id is None:
        return 0
    stage = str(change.lead.stage_id)
    return await _enroll(
        sessions,
        crm,
        tenant_id,
        change.lead.contact_id,
        lambda trigger: trigger["event"] == "lead_entered_stage" and trigger["stage_id"] == stage,
    )


async def _listed(lines: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for line in lines:
        yield line


async def _enroll(
    sessions: async_sessionmaker[AsyncSession],
    crm: CrmMembers,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    wanted: _Wanted,
) -> int:
    async with sessions() as session:
        cadences = [
            cadence
            for cadence in await session.scalars(
                select(Cadence).where(
                    Cadence.tenant_id == tenant_id,
                    Cadence.status == CadenceStatus.ACTIVE.value,
                    Cadence.triggers != [],
                )
            )
            if any(wanted(trigger) for trigger in cadence.triggers)
        ]
    enrolled = 0
    for cadence in cadences:
        identity = Identity(
            user_id=cadence.created_by_user_id, tenant_id=tenant_id, role=Role.manager
        )
        fields = member_fields(
            [compile_message(s["message"]) for s in cadence.steps if s["type"] == "send"]
        )
        # Read before the transaction: no row is locked while the crm answers. A crm that
        # cannot answer fails the record, which the consumer retries.
        audience = {"kind": "contacts", "contact_ids": [contact_id]}
        async with crm.request(identity, audience, fields=fields) as stream:
            lines = [line async for line in stream.lines()]
            requires_consent = stream.requires_consent
        async with unit_of_work(sessions) as session:
            result = await enroll_lines(
                session,
                cadence,
                _listed(lines),
                requires_consent=requires_consent,
                source="event",
                now=datetime.now(UTC),
            )
        enrolled += result.enrolled
    return enrolled
