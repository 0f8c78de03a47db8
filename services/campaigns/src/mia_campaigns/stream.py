"""The Kafka side of campaigns.

- ``messages.outcome.v1`` (group ``<group>.outcomes``), in batches (``BatchConsumer``):
  the sender's outcomes of the campaign's own send requests (the others are skipped by
  their origin header, undecoded). Each batch is one transaction that moves the ledger,
  then wakes the fan-out to refill the room it freed.

campaigns publishes only through its outbox (see ``context.produced_topics``).
"""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from mia_campaigns.context import CampaignsContext
from mia_campaigns.sending.outcomes import record_outcomes
from mia_common.contracts import Envelope, SendOrigin, SendOutcome
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.db import unit_of_work
from mia_common.messaging.batch import BatchConsumer, Record

__all__ = ["create_outcome_consumer", "create_router"]

_CAMPAIGN = SendOrigin.CAMPAIGN.value.encode()


def _not_ours(record: Record) -> bool:
    for key, value in record.headers or ():
        if key == ORIGIN_HEADER:
            return bool(value != _CAMPAIGN)
    return False  # no header (an older sender): decoded and filtered by origin


def create_outcome_consumer(context: CampaignsContext) -> BatchConsumer[Envelope[SendOutcome]]:
    settings = context.settings

    async def handle(events: list[Envelope[SendOutcome]]) -> None:
        async with unit_of_work(context.infra.sessions) as session:
            moved = await record_outcomes(session, events, events=context.events)
        if moved:
            context.fan_out.wake()

    return BatchConsumer(
        settings=settings,
        broker=context.infra.broker,
        topic=settings.outcome_topic,
        group_id=f"{settings.consumer_group}.outcomes",
        model=Envelope[SendOutcome],
        handle=handle,
        skip=_not_ours,
        client_id="campaigns",
    )


def create_router(context: CampaignsContext) -> KafkaRouter:
    del context  # statuses and replies come next; they will close over it
    return KafkaRouter()
