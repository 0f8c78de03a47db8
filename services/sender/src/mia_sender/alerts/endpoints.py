"""``GET /api/v1/channels/alerts``: the company's recent channel alerts, newest first."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from mia_common.contracts import Channel, ChannelAlertKind
from mia_common.pagination import Page, PageQuery, fetch_page
from mia_sender.accounts.schemas import AlertOut
from mia_sender.db import TxDep
from mia_sender.dependencies import Reader
from mia_sender.models import ChannelAlertRecord

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/alerts", tags=["channel alerts"])


@router.get("", response_model=Page[AlertOut], summary="Recent channel alerts, newest first")
async def list_alerts(
    identity: Reader,
    tx: TxDep,
    page: PageQuery,
    channel_account_id: uuid.UUID | None = None,
    kind: ChannelAlertKind | None = None,
) -> Page[AlertOut]:
    query = select(ChannelAlertRecord).where(ChannelAlertRecord.tenant_id == identity.tenant_id)
    if channel_account_id is not None:
        query = query.where(ChannelAlertRecord.channel_account_id == channel_account_id)
    if kind is not None:
        query = query.where(ChannelAlertRecord.kind == kind.value)
    rows, cursor = await fetch_page(
        tx.session, query, page, key=ChannelAlertRecord.id, newest_first=True
    )
    return Page(
        items=[
            AlertOut(
                id=row.id,
                channel_account_id=row.channel_account_id,
                channel=Channel(row.channel),
                kind=row.kind,
                message=row.message,
                details=row.details,
                occurred_at=row.occurred_at,
            )
            for row in rows
        ],
        next_cursor=cursor,
    )
