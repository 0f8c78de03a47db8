"""Raising a channel alert: a row for the dashboard and an event on ``channels.alerts.v1``.

Both are written in the caller's transaction. Alerts raised "once" (a spam pause, once a
day for the daily limit) carry a ``dedupe_key``: a second raise with the same key, from
any replica, finds the row and publishes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelAlert, ChannelAlertKind
from mia_common.outbox import add_events
from mia_sender.alerts.repository import AlertRepository
from mia_sender.events import SenderEvents
from mia_sender.models import ChannelAccount

__all__ = ["raise_alert"]


async def raise_alert(
    session: AsyncSession,
    *,
    events: SenderEvents,
    account: ChannelAccount,
    kind: ChannelAlertKind,
    message: str,
    details: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Record and publish the alert; False when ``dedupe_key`` was raised already."""
    occurred_at = datetime.now(UTC)
    inserted = await AlertRepository.from_session(session).insert_once(
        account=account,
        kind=kind,
        message=message,
        details=details or {},
        occurred_at=occurred_at,
        dedupe_key=dedupe_key,
    )
    if not inserted:
        return False
    alert = ChannelAlert(
        channel_account_id=account.id,
        channel=Channel(account.channel),
        kind=kind,
        message=message,
        occurred_at=occurred_at,
        details=details or {},
    )
    await add_events(session, [events.alert(tenant_id=account.tenant_id, alert=alert)])
    return True
