"""The campaigns process context: its settings and infrastructure, built once per process.

``CampaignsContext.build`` runs in ``create_app`` before anything subscribes or serves;
nothing connects until the app starts. Endpoints reach it through ``ContextDep``, Kafka
handlers through the closures of ``stream.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from mia_campaigns.config import CampaignsSettings
from mia_common.app import Infrastructure, context_of
from mia_common.contracts.topics import CAMPAIGNS_EVENTS, MESSAGES_SEND, Topic
from mia_common.identity import check_identity_secret
from mia_common.messaging.admin import ensure_topics

__all__ = ["CampaignsContext", "ContextDep", "produced_topics"]


def produced_topics(settings: CampaignsSettings) -> list[Topic]:
    """The topics the campaigns outbox publishes to, under the names the settings give them."""
    return [
        dataclasses.replace(MESSAGES_SEND, name=settings.send_topic),
        dataclasses.replace(CAMPAIGNS_EVENTS, name=settings.campaigns_topic),
    ]


@dataclass(kw_only=True, eq=False)
class CampaignsContext:
    settings: CampaignsSettings
    infra: Infrastructure

    @classmethod
    def build(cls, settings: CampaignsSettings, infra: Infrastructure) -> CampaignsContext:
        return cls(settings=settings, infra=infra)

    async def check_identity_secret(self) -> None:
        check_identity_secret(self.settings, service="campaigns")

    async def ensure_produced_topics(self) -> None:
        """Create the produced topics if they are missing (the broker never auto-creates):
        one outbox row for a missing topic would hold back every row behind it."""
        await ensure_topics(self.settings.kafka_bootstrap_servers, produced_topics(self.settings))


ContextDep = Annotated[CampaignsContext, Depends(context_of)]
