"""The campaigns process context: its settings and infrastructure, built once per process.

``CampaignsContext.build`` runs in ``create_app`` before anything subscribes or serves;
nothing connects until the app starts. Endpoints reach it through ``ContextDep``, Kafka
handlers through the closures of ``stream.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.cadences.timers import CadenceTimers
from mia_campaigns.config import CampaignsSettings
from mia_campaigns.events import CampaignEvents
from mia_campaigns.sending.progress import ProgressReporter
from mia_campaigns.sending.runner import FanOut
from mia_campaigns.sending.sender_limits import SenderLimits
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
    events: CampaignEvents
    crm: CrmMembers
    fan_out: FanOut
    cadence_timers: CadenceTimers
    progress: ProgressReporter
    sender_limits: SenderLimits

    @classmethod
    def build(cls, settings: CampaignsSettings, infra: Infrastructure) -> CampaignsContext:
        events = CampaignEvents(settings)
        crm = CrmMembers(
            base_url=settings.crm_url, secret=settings.identity_token_secret.get_secret_value()
        )
        progress = ProgressReporter(sessions=infra.sessions, events=events)
        # Every status move is staged through the events: a pause, a completion, a start.
        events.on_status = progress.status_moving
        return cls(
            settings=settings,
            infra=infra,
            events=events,
            crm=crm,
            sender_limits=SenderLimits(
                base_url=settings.sender_url,
                secret=settings.identity_token_secret.get_secret_value(),
            ),
            fan_out=FanOut(
                sessions=infra.sessions,
                events=events,
                tick_seconds=settings.fan_out_tick_seconds,
                on_moved=progress.moved,
            ),
            cadence_timers=CadenceTimers(
                sessions=infra.sessions,
                events=events,
                crm=crm,
                tick_seconds=settings.cadence_tick_seconds,
                outcome_timeout=timedelta(seconds=settings.cadence_outcome_timeout_seconds),
                retry_seconds=settings.cadence_retry_seconds,
            ),
            progress=progress,
        )

    async def close(self) -> None:
        await self.crm.close()
        await self.sender_limits.close()

    async def check_identity_secret(self) -> None:
        check_identity_secret(self.settings, service="campaigns")

    async def ensure_produced_topics(self) -> None:
        """Create the produced topics if they are missing (the broker never auto-creates):
        one outbox row for a missing topic would hold back every row behind it."""
        await ensure_topics(self.settings.kafka_bootstrap_servers, produced_topics(self.settings))


ContextDep = Annotated[CampaignsContext, Depends(context_of)]
