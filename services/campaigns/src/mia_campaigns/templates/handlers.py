"""Kafka handler of Meta's template reviews: one transaction each, then the service.

Applying a review is idempotent by construction (``meta_status_at`` only moves forward),
so no claim table is needed; a record that does not decode is dead-lettered by the
shared consumer before this runs."""

from __future__ import annotations

from mia_campaigns.context import CampaignsContext
from mia_campaigns.templates.status import apply_status_change
from mia_common.contracts import Envelope, TemplateStatusChanged
from mia_common.db import unit_of_work

__all__ = ["handle_template_event"]


async def handle_template_event(
    context: CampaignsContext, event: Envelope[TemplateStatusChanged]
) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        await apply_status_change(session, event)
