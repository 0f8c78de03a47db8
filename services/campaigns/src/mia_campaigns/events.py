"""The events campaigns publishes, built for the outbox (``mia_common.outbox.add_events``).

Send requests carry ids derived from the ledger row (UUIDv5): a fill replayed after a crash
stages the same event id and the same request id, and the sender sends once per request id.
Campaign events carry their type in a header (``EVENT_TYPE_HEADER``): the gateway relays
progress and status changes to browsers and drops the recipients' batches undecoded.

Every status move stages its event here (``campaigns.lifecycle.move``), so this is where the
progress reporter (``sending.progress``) hears of them, whoever made the move: it is told
before the move commits, and waits to read the new status before it reports.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from mia_campaigns.config import CampaignsSettings
from mia_campaigns.models import Campaign
from mia_common.contracts import Envelope, SendRequest
from mia_common.contracts.campaigns import (
    EVENT_TYPE_HEADER,
    CampaignProgress,
    CampaignRecipientsUpdated,
    CampaignStatus,
    CampaignStatusChanged,
    RecipientOutcome,
)
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.contracts.topics import CAMPAIGNS_EVENTS, MESSAGES_SEND
from mia_common.outbox import StagedEvent

__all__ = ["SOURCE", "CampaignEvents"]

SOURCE = "/services/campaigns"
_NAMESPACE = uuid.UUID("5b0e6c44-2f7e-4a53-8f0e-63616d706169")
RECIPIENTS_PER_EVENT = 500
StatusListener = Callable[[uuid.UUID, CampaignStatus | None, CampaignStatus], None]
_CampaignData = CampaignStatusChanged | CampaignRecipientsUpdated | CampaignProgress


class CampaignEvents:
    def __init__(self, settings: CampaignsSettings) -> None:
        self._settings = settings
        # Told (campaign, previous, status) of every status move as it is staged: the
        # progress reporter, set once the context has built it.
        self.on_status: StatusListener | None = None

    def send(self, *, tenant_id: uuid.UUID, request: SendRequest) -> StagedEvent:
        envelope = Envelope[SendRequest](
            id=uuid.uuid5(_NAMESPACE, f"send:{request.request_id}"),
            type=MESSAGES_SEND.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(request.request_id),
            data=request,
        )
        return StagedEvent(
            self._settings.send_topic,
            str(request.channel_account_id),
            envelope,
            {ORIGIN_HEADER: request.origin.value},
        )

    def status_changed(
        self,
        campaign: Campaign,
        *,
        previous: CampaignStatus | None,
        actor_user_id: uuid.UUID | None,
        now: datetime,
    ) -> StagedEvent:
        change = CampaignStatusChanged(
            campaign_id=campaign.id,
            name=campaign.name,
            status=CampaignStatus(campaign.status),
            previous=previous,
            reason=campaign.status_reason,
            detail=campaign.status_detail,
            actor_user_id=actor_user_id,
            occurred_at=now,
        )
        if self.on_status is not None:
            self.on_status(campaign.id, previous, change.status)
        return self._campaign_event(campaign.tenant_id, campaign.id, change)

    def progress(self, *, tenant_id: uuid.UUID, progress: CampaignProgress) -> StagedEvent:
        return self._campaign_event(tenant_id, progress.campaign_id, progress)

    def recipients_updated(
        self,
        *,
        tenant_id: uuid.UUID,
        campaign_id: uuid.UUID,
        outcomes: list[RecipientOutcome],
        now: datetime,
    ) -> list[StagedEvent]:
        return [
            self._campaign_event(
                tenant_id,
                campaign_id,
                CampaignRecipientsUpdated(
                    campaign_id=campaign_id,
                    recipients=outcomes[start : start + RECIPIENTS_PER_EVENT],
                    occurred_at=now,
                ),
            )
            for start in range(0, len(outcomes), RECIPIENTS_PER_EVENT)
        ]

    def _campaign_event(
        self,
        tenant_id: uuid.UUID,
        campaign_id: uuid.UUID,
        data: _CampaignData,
    ) -> StagedEvent:
        envelope = Envelope[_CampaignData](
            type=CAMPAIGNS_EVENTS.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(campaign_id),
            data=data,
        )
        return StagedEvent(
            self._settings.campaigns_topic,
            str(campaign_id),
            envelope,
            {EVENT_TYPE_HEADER: data.type},
        )
