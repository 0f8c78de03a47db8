"""A campaign's recipients as CSV, streamed in snapshot order, one short read at a time.

Each batch of ``BATCH`` rows is read in a session of its own (keyset on ``seq``), so a
100,000-recipient list never sits in memory nor holds a transaction open while the
client downloads. Cells are made safe for spreadsheets (``mia_common.spreadsheets``).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_campaigns.models import Recipient
from mia_common.spreadsheets import BOM, spreadsheet_cell

__all__ = ["BATCH", "COLUMNS", "recipient_csv"]

BATCH = 5_000
COLUMNS = (
    "contact_id",
    "name",
    "phone",
    "variant",
    "state",
    "reason",
    "detail",
    "external_message_id",
    "requested_at",
    "updated_at",
)


def _encode(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[spreadsheet_cell(value) for value in row] for row in rows])
    return buffer.getvalue().encode()


async def recipient_csv(
    sessions: async_sessionmaker[AsyncSession],
    *,
    campaign_id: uuid.UUID,
    labels: list[str] | None,
    state: str | None,
) -> AsyncIterator[bytes]:
    yield BOM + _encode([list(COLUMNS)])
    last = -1
    while True:
        query = (
            select(
                Recipient.seq,
                Recipient.contact_id,
                Recipient.name,
                Recipient.address,
                Recipient.variant,
                Recipient.state,
                Recipient.reason,
                Recipient.detail,
                Recipient.external_message_id,
                Recipient.requested_at,
                Recipient.updated_at,
            )
            .where(Recipient.campaign_id == campaign_id, Recipient.seq > last)
            .order_by(Recipient.seq)
            .limit(BATCH)
        )
        if state is not None:
            query = query.where(Recipient.state == state)
        async with sessions() as session:
            rows = (await session.execute(query)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield _encode(
            [
                [
                    str(contact_id),
                    name,
                    address,
                    labels[variant] if labels and variant is not None else None,
                    row_state,
                    reason,
                    detail,
                    message_id,
                    requested_at,
                    updated_at,
                ]
                for (
                    _,
                    contact_id,
                    name,
                    address,
                    variant,
                    row_state,
                    reason,
                    detail,
                    message_id,
                    requested_at,
                    updated_at,
                ) in rows
            ]
        )
        if len(rows) < BATCH:
            return
