"""The events the sender publishes, each written to the outbox in the caller's transaction.

Outcome event ids derive from the request id (UUIDv5): however a send ends, and whatever
replays a bug might cause, consumers see at most one outcome per request.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    ChannelAccountState,
    ChannelAlert,
    Envelope,
    SendOutcome,
)
from mia_common.contracts.topics import CHANNELS_ALERTS, CHANNELS_STATE, MESSAGES_OUTCOME
from mia_common.outbox import add_event
from mia_sender.config import SenderSettings

__all__ = ["SOURCE", "EventWriter"]

SOURCE = "/services/sender"
_NAMESPACE = uuid.UUID("0c2a8d1e-5e1f-4b7a-9d0e-73656e646572")


class EventWriter:
    """Stages sender events in the outbox, on the topics the settings name."""

    def __init__(self, settings: SenderSettings) -> None:
        self._settings = settings

    async def outcome(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, outcome: SendOutcome
    ) -> None:
        envelope = Envelope[SendOutcome](
            id=uuid.uuid5(_NAMESPACE, f"outcome:{outcome.request_id}"),
            type=MESSAGES_OUTCOME.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(outcome.request_id),
            data=outcome,
        )
        # Keyed like the send requests: an account's outcomes stay in order.
        await add_event(
            session,
            topic=self._settings.outcome_topic,
            key=str(outcome.channel_account_id),
            event=envelope,
        )

    async def state(self, session: AsyncSession, state: ChannelAccountState) -> None:
        envelope = Envelope[ChannelAccountState](
            type=CHANNELS_STATE.name,
            source=SOURCE,
            tenantid=state.tenant_id,
            subject=str(state.channel_account_id),
            data=state,
        )
        await add_event(
            session,
            topic=self._settings.channels_topic,
            key=str(state.channel_account_id),
            event=envelope,
        )

    async def alert(
        self, session: AsyncSession, *, tenant_id: uuid.UUID, alert: ChannelAlert
    ) -> None:
        envelope = Envelope[ChannelAlert](
            type=CHANNELS_ALERTS.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(alert.channel_account_id),
            data=alert,
        )
        await add_event(
            session,
            topic=self._settings.alerts_topic,
            key=str(alert.channel_account_id),
            event=envelope,
        )
