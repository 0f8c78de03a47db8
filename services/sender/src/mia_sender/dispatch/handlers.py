"""Kafka: send requests are recorded, statuses settle sends in doubt; a batch a transaction.

Both topics are consumed in batches (``mia_common.messaging.batch``): each handler gets a
poll's records, opens the batch's unit of work and calls the service. What must happen
only once the batch committed (waking the dispatchers of accounts with new sends) happens
after the block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mia_common.contracts import Envelope, MessageStatus, SendRequest
from mia_common.db import unit_of_work
from mia_sender.dispatch.reconcile import settle_from_statuses

if TYPE_CHECKING:
    from mia_sender.context import SenderContext

__all__ = ["handle_send_requests", "handle_statuses"]


async def handle_send_requests(
    context: SenderContext, envelopes: list[Envelope[SendRequest]]
) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        queued = await context.intake.record(session, envelopes)
    for account_id in queued:
        context.scheduler.notify(account_id)


async def handle_statuses(context: SenderContext, envelopes: list[Envelope[MessageStatus]]) -> int:
    async with unit_of_work(context.infra.sessions) as session:
        return await settle_from_statuses(session, events=context.events, envelopes=envelopes)
