"""Kafka handlers of cadences: one transaction each, then the service; events that enroll
read the crm outside any transaction (``triggers``)."""

from __future__ import annotations

from mia_campaigns.cadences.contact_changes import apply_contact_change, apply_lead_change
from mia_campaigns.cadences.triggers import enroll_on_contact_event, enroll_on_lead_event
from mia_campaigns.context import CampaignsContext
from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactEvent
from mia_common.contracts.leads import LeadEvent, LeadsTopicEvent
from mia_common.db import unit_of_work

__all__ = ["handle_contact_event", "handle_lead_event"]


async def handle_contact_event(context: CampaignsContext, event: Envelope[ContactEvent]) -> None:
    """After the campaigns' side of the same event (``audiences.handlers``)."""
    async with unit_of_work(context.infra.sessions) as session:
        await apply_contact_change(session, event)
    if await enroll_on_contact_event(context.infra.sessions, context.crm, event):
        context.cadence_timers.wake()


async def handle_lead_event(context: CampaignsContext, event: Envelope[LeadsTopicEvent]) -> None:
    change = event.data
    if not isinstance(change, LeadEvent):
        return  # a column's rebalance: nobody's stage changed
    async with unit_of_work(context.infra.sessions) as session:
        await apply_lead_change(session, event.tenantid, change)
    if await enroll_on_lead_event(context.infra.sessions, context.crm, event.tenantid, change):
        context.cadence_timers.wake()
