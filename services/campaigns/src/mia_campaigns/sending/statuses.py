"""Delivered and read receipts, and replies: the ledger's later steps.

A status names its send request (``send_request_id``, our ledger row id) and only ever
moves a row forward (accepted -> delivered -> read -> replied), so a late or repeated
receipt changes nothing. A status ``failed`` after acceptance (Meta gave up delivering)
fails the row with Meta's code. A reply is an inbound message from a recipient's number
to the number the campaign sent from, within ``REPLY_WINDOW`` of the send.

Both say which campaigns moved (for the live progress, ``sending.progress``): an
executemany returns nothing, so the rows stamped with this transaction's ``now`` are read
back, as the outcomes do.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.models import Campaign, Recipient
from mia_common.contracts import Envelope, InboundMessage, MessageStatus, StatusValue
from mia_common.contracts.campaigns import RecipientState as R

__all__ = ["REPLY_WINDOW", "record_replies", "record_statuses"]

REPLY_WINDOW = timedelta(days=7)
_BEFORE = {
    R.DELIVERED.value: (R.ACCEPTED.value,),
    R.READ.value: (R.ACCEPTED.value, R.DELIVERED.value),
    R.FAILED.value: (R.ACCEPTED.value,),
    R.REPLIED.value: (R.ACCEPTED.value, R.DELIVERED.value, R.READ.value),
}
_STATE_OF = {
    StatusValue.DELIVERED: R.DELIVERED.value,
    StatusValue.READ: R.READ.value,
    StatusValue.FAILED: R.FAILED.value,
}


def _state_in(table: Table, states: tuple[str, ...]) -> ColumnElement[bool]:
    # Plain comparisons: an IN list is an "expanding" parameter, which an executemany
    # (one statement, many parameter sets) cannot take.
    return or_(*(table.c.state == state for state in states))


async def record_statuses(
    session: AsyncSession, events: list[Envelope[MessageStatus]], *, now: datetime | None = None
) -> set[uuid.UUID]:
    """Apply the receipts of campaign sends among ``events``; the campaigns that moved."""
    now = now or datetime.now(UTC)
    table = cast(Table, Recipient.__table__)
    by_state: dict[str, list[dict[str, object]]] = {}
    for event in events:
        status = event.data
        state = _STATE_OF.get(status.status)
        if state is None or status.send_request_id is None:
            continue
        try:
            row_id = uuid.UUID(status.send_request_id)
        except ValueError:
            continue  # another service's request id scheme: not a ledger row
        by_state.setdefault(state, []).append(
            {
                "row_id": row_id,
                "new_reason": status.error.code if status.error else None,
                "new_detail": (status.error.detail or status.error.title)[:1000]
                if status.error
                else None,
            }
        )
    for state, rows in by_state.items():
        values: dict[str, object] = {"state": state, "updated_at": now}
        if state == R.FAILED.value:
            values |= {"reason": bindparam("new_reason"), "detail": bindparam("new_detail")}
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"), _state_in(table, _BEFORE[state]))
            .values(**values),
            rows,
        )
    if not by_state:
        return set()
    row_ids = [row["row_id"] for rows in by_state.values() for row in rows]
    moved = await session.scalars(
        select(Recipient.campaign_id)
        .where(Recipient.id.in_(row_ids), Recipient.updated_at == now)
        .distinct()
    )
    return set(moved)


async def record_replies(
    session: AsyncSession, events: list[Envelope[InboundMessage]], *, now: datetime | None = None
) -> set[uuid.UUID]:
    """Mark the recipients who wrote back to the number a campaign reached them from."""
    now = now or datetime.now(UTC)
    replies = [
        {
            "tenant": event.tenantid,
            "account": event.data.channel_account_id,
            "sender_address": event.data.from_address,
            "since": event.data.sent_at - REPLY_WINDOW,
        }
        for event in events
        if event.data.from_address
    ]
    if not replies:
        return set()
    table = cast(Table, Recipient.__table__)
    campaigns = cast(Table, Campaign.__table__)
    sent_from_account = select(campaigns.c.id).where(
        campaigns.c.tenant_id == bindparam("tenant"),
        campaigns.c.channel_account_id == bindparam("account"),
    )
    await session.execute(
        update(table)
        .where(
            table.c.tenant_id == bindparam("tenant"),
            table.c.address == bindparam("sender_address"),
            _state_in(table, _BEFORE[R.REPLIED.value]),
            table.c.requested_at >= bindparam("since"),
            table.c.campaign_id.in_(sent_from_account),
        )
        .values(state=R.REPLIED.value, updated_at=now),
        replies,
    )
    moved = await session.scalars(
        select(Recipient.campaign_id)
        .where(
            Recipient.tenant_id.in_({reply["tenant"] for reply in replies}),
            Recipient.address.in_({reply["sender_address"] for reply in replies}),
            Recipient.state == R.REPLIED.value,
            Recipient.updated_at == now,
        )
        .distinct()
    )
    return set(moved)
