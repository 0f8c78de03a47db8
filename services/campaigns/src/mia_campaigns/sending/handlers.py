"""Kafka handlers of the sending side: each batch is one transaction, then the service.

Every one is idempotent by construction (a ledger row only moves forward), so none needs a
claim table. After each commit the campaigns that moved are marked for the progress
reporter (``sending.progress``), which publishes their snapshots at most once a second.
"""

from __future__ import annotations

from mia_campaigns.cadences import outcomes as cadences
from mia_campaigns.context import CampaignsContext
from mia_campaigns.sending.outcomes import record_outcomes
from mia_campaigns.sending.statuses import record_replies, record_statuses
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, SendOrigin, SendOutcome
from mia_common.db import unit_of_work

__all__ = ["handle_inbound", "handle_outcomes", "handle_statuses"]


async def handle_outcomes(context: CampaignsContext, events: list[Envelope[SendOutcome]]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        moved = await record_outcomes(session, events, events=context.events)
        # A cadence's step waits on its send's outcome (``cadences.outcomes``).
        steps = [e.data for e in events if e.data.origin == SendOrigin.CADENCE]
        cadence_moved = bool(steps) and await cadences.record_outcomes(
            session, steps, retry_seconds=context.settings.cadence_retry_seconds
        )
    if cadence_moved:
        context.cadence_timers.wake()
    if moved:
        # After the commit: the refill must see the room the outcomes freed.
        context.fan_out.wake()
        context.progress.moved(moved)


async def handle_statuses(context: CampaignsContext, events: list[Envelope[MessageStatus]]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        moved = await record_statuses(session, events)
        await cadences.record_reads(session, [e.data for e in events])
    context.progress.moved(moved)


async def handle_inbound(context: CampaignsContext, events: list[Envelope[InboundMessage]]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        moved = await record_replies(session, events)
        await cadences.record_replies(session, [(e.tenantid, e.data) for e in events])
    context.progress.moved(moved)
