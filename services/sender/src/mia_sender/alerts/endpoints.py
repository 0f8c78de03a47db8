"""``GET /api/v1/channels/alerts``: the company's recent channel alerts, newest first."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from mia_common.contracts import Channel, ChannelAlertKind
from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_sender.accounts.schemas import AlertOut
from mia_sender.alerts.repository import AlertRepository
from mia_sender.context import Reader

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/channels/alerts", tags=["channel alerts"])


@router.get("", response_model=Page[AlertOut], summary="Recent channel alerts, newest first")
async def list_alerts(
    identity: Reader,
    session: SessionDep,
    page: PageQuery,
    channel_account_id: uuid.UUID | None = None,
    kind: ChannelAlertKind | None = None,
) -> Page[AlertOut]:
    rows, cursor = await AlertRepository.from_session(session).page_for_tenant(
        identity.tenant_id, page, channel_account_id=channel_account_id, kind=kind
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
