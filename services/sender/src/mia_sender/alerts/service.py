"""Raising a channel alert: a row for the dashboard and an event on ``channels.alerts.v1``.

Both are written in the caller's transaction. Alerts raised "once" (a spam pause, once a
day for the daily limit) carry a ``dedupe_key``: a second raise with the same key, from
any replica, finds the row and publishes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert

from mia_common.contracts import Channel, ChannelAlert, ChannelAlertKind
from mia_common.db.base import new_uuid7
from mia_sender.db import Tx
from mia_sender.events import EventWriter
from mia_sender.models import ChannelAccount, ChannelAlertRecord

__all__ = ["raise_alert"]


async def raise_alert(
    tx: Tx,
    events: EventWriter,
    *,
    account: ChannelAccount,
    kind: ChannelAlertKind,
    message: str,
    details: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Record and publish the alert; False when ``dedupe_key`` was raised already."""
    occurred_at = datetime.now(UTC)
    alert_id = new_uuid7()
    statement = (
        insert(ChannelAlertRecord)
        .values(
            id=alert_id,
            tenant_id=account.tenant_id,
            channel_account_id=account.id,
            channel=account.channel,
            kind=kind.value,
            message=message,
            details=details or {},
            occurred_at=occurred_at,
            dedupe_key=dedupe_key,
        )
        .on_conflict_do_nothing(index_elements=[ChannelAlertRecord.dedupe_key])
        .returning(ChannelAlertRecord.id)
    )
    if (await tx.session.execute(statement)).scalar_one_or_none() is None:
        return False
    alert = ChannelAlert(
        channel_account_id=account.id,
        channel=Channel(account.channel),
        kind=kind,
        message=message,
        occurred_at=occurred_at,
        details=details or {},
    )
    events.alert(tx.outbox, tenant_id=account.tenant_id, alert=alert)
    return True
