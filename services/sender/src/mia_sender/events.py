"""The events the sender publishes, built for the outbox (``mia_common.outbox.add_events``).

Each builder returns a ``StagedEvent``; a transaction collects what it produces and stages
it with one ``add_events`` call, one multi-row INSERT: the dispatcher ends hundreds of
sends per second, and an INSERT round trip per outcome would cost more than the send.

Outcome event ids derive from the request id (UUIDv5): however a send ends, and whatever
replays a bug might cause, consumers see at most one outcome per request.
"""

from __future__ import annotations

import uuid

from mia_common.contracts import (
    ORIGIN_HEADER,
    ChannelAccountState,
    ChannelAlert,
    Envelope,
    SendOutcome,
)
from mia_common.contracts.topics import CHANNELS_ALERTS, CHANNELS_STATE, MESSAGES_OUTCOME
from mia_common.outbox import StagedEvent
from mia_sender.config import SenderSettings

__all__ = ["SOURCE", "SenderEvents"]

SOURCE = "/services/sender"
_NAMESPACE = uuid.UUID("0c2a8d1e-5e1f-4b7a-9d0e-73656e646572")


class SenderEvents:
    """Builds the sender's events for the topics the settings name."""

    def __init__(self, settings: SenderSettings) -> None:
        self._settings = settings

    def outcome(self, *, tenant_id: uuid.UUID, outcome: SendOutcome) -> StagedEvent:
        envelope = Envelope[SendOutcome](
            id=uuid.uuid5(_NAMESPACE, f"outcome:{outcome.request_id}"),
            type=MESSAGES_OUTCOME.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(outcome.request_id),
            data=outcome,
        )
        # Keyed like the send requests: an account's outcomes stay in order. The origin
        # header lets a consumer of one origin's outcomes skip the rest undecoded.
        headers = {ORIGIN_HEADER: outcome.origin.value} if outcome.origin else {}
        return StagedEvent(
            self._settings.outcome_topic, str(outcome.channel_account_id), envelope, headers
        )

    def state(self, state: ChannelAccountState) -> StagedEvent:
        envelope = Envelope[ChannelAccountState](
            type=CHANNELS_STATE.name,
            source=SOURCE,
            tenantid=state.tenant_id,
            subject=str(state.channel_account_id),
            data=state,
        )
        return StagedEvent(self._settings.channels_topic, str(state.channel_account_id), envelope)

    def alert(self, *, tenant_id: uuid.UUID, alert: ChannelAlert) -> StagedEvent:
        envelope = Envelope[ChannelAlert](
            type=CHANNELS_ALERTS.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(alert.channel_account_id),
            data=alert,
        )
        return StagedEvent(self._settings.alerts_topic, str(alert.channel_account_id), envelope)
