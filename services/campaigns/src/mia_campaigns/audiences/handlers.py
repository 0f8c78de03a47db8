"""Kafka handler of the crm's contact events: one transaction each, then the service."""

from __future__ import annotations

from mia_campaigns.audiences.contact_changes import apply_contact_change
from mia_campaigns.context import CampaignsContext
from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactEvent
from mia_common.db import unit_of_work

__all__ = ["handle_contact_event"]


async def handle_contact_event(context: CampaignsContext, event: Envelope[ContactEvent]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        await apply_contact_change(session, event)
