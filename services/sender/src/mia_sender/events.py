"""The events the sender publishes, written to the outbox in the caller's transaction.

Events are staged in an ``OutboxBatch`` and written with one multi-row INSERT when the
batch is flushed (still inside the transaction): the dispatcher ends hundreds of sends per
second, and an INSERT round trip per outcome would cost more than the send itself.

Outcome event ids derive from the request id (UUIDv5): however a send ends, and whatever
replays a bug might cause, consumers see at most one outcome per request.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import (
    ChannelAccountState,
    ChannelAlert,
    Envelope,
    SendOutcome,
)
from mia_common.contracts.topics import CHANNELS_ALERTS, CHANNELS_STATE, MESSAGES_OUTCOME
from mia_common.outbox import OutboxEvent
from mia_sender.config import SenderSettings

__all__ = ["SOURCE", "EventWriter", "OutboxBatch"]

SOURCE = "/services/sender"
_NAMESPACE = uuid.UUID("0c2a8d1e-5e1f-4b7a-9d0e-73656e646572")


class OutboxBatch:
    """Outbox rows staged during a transaction, written together by ``flush``.

    The rows are exactly what ``mia_common.outbox.add_event`` writes (id = event id, the
    key as bytes, the CloudEvent as JSON); the relay publishes them in id order, which is
    the order they were staged in (UUIDv7 ids).
    """

    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []

    def add(self, *, topic: str, key: str, event: Envelope[Any]) -> None:
        self._rows.append(
            {
                "id": event.id,
                "topic": topic,
                "key": key.encode(),
                "payload": event.to_json_dict(),
                "headers": {},
            }
        )

    def __len__(self) -> int:
        return len(self._rows)

    async def flush(self, session: AsyncSession) -> int:
        rows, self._rows = self._rows, []
        if rows:
            await session.execute(insert(OutboxEvent), rows)
        return len(rows)


class EventWriter:
    """Builds the sender's events for the topics the settings name."""

    def __init__(self, settings: SenderSettings) -> None:
        self._settings = settings

    def outcome(self, batch: OutboxBatch, *, tenant_id: uuid.UUID, outcome: SendOutcome) -> None:
        envelope = Envelope[SendOutcome](
            id=uuid.uuid5(_NAMESPACE, f"outcome:{outcome.request_id}"),
            type=MESSAGES_OUTCOME.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(outcome.request_id),
            data=outcome,
        )
        # Keyed like the send requests: an account's outcomes stay in order.
        batch.add(
            topic=self._settings.outcome_topic, key=str(outcome.channel_account_id), event=envelope
        )

    def state(self, batch: OutboxBatch, state: ChannelAccountState) -> None:
        envelope = Envelope[ChannelAccountState](
            type=CHANNELS_STATE.name,
            source=SOURCE,
            tenantid=state.tenant_id,
            subject=str(state.channel_account_id),
            data=state,
        )
        batch.add(
            topic=self._settings.channels_topic, key=str(state.channel_account_id), event=envelope
        )

    def alert(self, batch: OutboxBatch, *, tenant_id: uuid.UUID, alert: ChannelAlert) -> None:
        envelope = Envelope[ChannelAlert](
            type=CHANNELS_ALERTS.name,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(alert.channel_account_id),
            data=alert,
        )
        batch.add(
            topic=self._settings.alerts_topic, key=str(alert.channel_account_id), event=envelope
        )
