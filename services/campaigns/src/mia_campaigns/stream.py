"""The Kafka side of campaigns: no subscriber yet (outcomes, statuses and replies come with
the campaigns' ledger). campaigns publishes only through its outbox
(see ``context.produced_topics``)."""

from __future__ import annotations

from faststream.kafka import KafkaRouter

from mia_campaigns.context import CampaignsContext

__all__ = ["create_router"]


def create_router(context: CampaignsContext) -> KafkaRouter:
    del context  # the subscribers will close over it
    return KafkaRouter()
