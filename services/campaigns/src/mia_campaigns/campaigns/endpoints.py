"""``/api/v1/campaigns``: campaigns, their launch, pause, resume, cancel and recipients."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from mia_campaigns.campaigns.export import recipient_csv
from mia_campaigns.campaigns.review import review_campaign
from mia_campaigns.campaigns.schemas import (
    CampaignCreate,
    CampaignOut,
    CampaignUpdate,
    LaunchIn,
    RecipientOut,
    ReviewOut,
)
from mia_campaigns.campaigns.service import (
    cancel_campaign,
    create_campaign,
    delete_campaign,
    get_campaign,
    launch_campaign,
    pause_campaign,
    progress,
    resume_campaign,
    update_campaign,
)
from mia_campaigns.context import ContextDep
from mia_campaigns.identity import Caller, Manager
from mia_campaigns.models import Campaign, Recipient
from mia_common.contracts.campaigns import CampaignStatus, RecipientState
from mia_common.db.requests import SessionDep
from mia_common.db.search import contains
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page
from mia_common.text import ApiStr

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])


@router.post("", response_model=CampaignOut, status_code=201, summary="Create a draft")
async def create(body: CampaignCreate, caller: Manager, session: SessionDep) -> CampaignOut:
    campaign = await create_campaign(
        session, tenant_id=caller.tenant_id, user_id=caller.user_id, body=body
    )
    return CampaignOut.of(campaign)


@router.get("", response_model=Page[CampaignOut], summary="Campaigns, newest first")
async def list_campaigns(
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    status: Annotated[CampaignStatus | None, Query()] = None,
    q: Annotated[ApiStr | None, Query(max_length=200, description="part of the name")] = None,
) -> Page[CampaignOut]:
    query = select(Campaign).where(Campaign.tenant_id == caller.tenant_id)
    if status is not None:
        query = query.where(Campaign.status == status.value)
    if q:
        query = query.where(contains(Campaign.name, q))
    rows, next_cursor = await fetch_page(
        session,
        query,
        PageParams(limit=limit, cursor=cursor),
        keys=[Campaign.id],
        newest_first=True,
    )
    return Page(items=[CampaignOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/{campaign_id}", response_model=CampaignOut, summary="A campaign and its counts")
async def read(campaign_id: uuid.UUID, caller: Caller, session: SessionDep) -> CampaignOut:
    campaign = await get_campaign(session, tenant_id=caller.tenant_id, campaign_id=campaign_id)
    return await progress(session, campaign)


@router.patch(
    "/{campaign_id}",
    response_model=CampaignOut,
    summary="Edit a draft",
    description="409 `campaign_state_conflict` once launched; checked as a new campaign.",
)
async def edit(
    campaign_id: uuid.UUID, body: CampaignUpdate, caller: Manager, session: SessionDep
) -> CampaignOut:
    campaign = await update_campaign(
        session, tenant_id=caller.tenant_id, campaign_id=campaign_id, changes=body
    )
    return CampaignOut.of(campaign)


@router.delete(
    "/{campaign_id}",
    status_code=204,
    summary="Delete a draft",
    description="409 `campaign_state_conflict` once launched (cancel it instead).",
)
async def delete(campaign_id: uuid.UUID, caller: Manager, session: SessionDep) -> None:
    await delete_campaign(session, tenant_id=caller.tenant_id, campaign_id=campaign_id)


@router.get(
    "/{campaign_id}/review",
    response_model=ReviewOut,
    summary="Before launch: recipients, exclusions, the 24-hour window, the daily limit,"
    " duration and cost",
    description="Reads the audience as a launch would, writes nothing. 422 `audience_invalid`"
    " when the crm refuses the audience; 502 `audience_unavailable` when it cannot be read.",
)
async def review(
    campaign_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> ReviewOut:
    campaign = await get_campaign(session, tenant_id=caller.tenant_id, campaign_id=campaign_id)
    return await review_campaign(
        session,
        campaign,
        caller=caller,
        crm=context.crm,
        sender=context.sender_limits,
        settings=context.settings,
        now=datetime.now(UTC),
    )


@router.post(
    "/{campaign_id}/launch",
    response_model=CampaignOut,
    summary="Freeze the audience and start (or schedule)",
    description="409 `campaign_state_conflict` unless a draft; 422 `audience_invalid` when"
    " the crm refuses the audience; 502 `audience_unavailable` when it cannot be read.",
)
async def launch(
    campaign_id: uuid.UUID,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    body: LaunchIn | None = None,
) -> CampaignOut:
    campaign = await launch_campaign(
        session,
        caller=caller,
        campaign_id=campaign_id,
        scheduled_at=body.start() if body else None,
        crm=context.crm,
        events=context.events,
        now=datetime.now(UTC),
    )
    out = await progress(session, campaign)
    await session.commit()
    context.fan_out.wake()
    return out


@router.post("/{campaign_id}/pause", response_model=CampaignOut, summary="Pause sending")
async def pause(
    campaign_id: uuid.UUID, caller: Manager, session: SessionDep, context: ContextDep
) -> CampaignOut:
    campaign = await pause_campaign(
        session,
        caller=caller,
        campaign_id=campaign_id,
        events=context.events,
        now=datetime.now(UTC),
    )
    return await progress(session, campaign)


@router.post("/{campaign_id}/resume", response_model=CampaignOut, summary="Resume sending")
async def resume(
    campaign_id: uuid.UUID, caller: Manager, session: SessionDep, context: ContextDep
) -> CampaignOut:
    campaign = await resume_campaign(
        session,
        caller=caller,
        campaign_id=campaign_id,
        events=context.events,
        now=datetime.now(UTC),
    )
    out = await progress(session, campaign)
    await session.commit()
    context.fan_out.wake()
    return out


@router.post("/{campaign_id}/cancel", response_model=CampaignOut, summary="Stop for good")
async def cancel(
    campaign_id: uuid.UUID, caller: Manager, session: SessionDep, context: ContextDep
) -> CampaignOut:
    campaign = await cancel_campaign(
        session,
        caller=caller,
        campaign_id=campaign_id,
        events=context.events,
        now=datetime.now(UTC),
    )
    return await progress(session, campaign)


@router.get(
    "/{campaign_id}/recipients/export",
    response_class=StreamingResponse,
    summary="The recipients as CSV (UTF-8 with BOM), optionally of one state",
    description="Personal data in bulk: managers and above.",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def export_recipients(
    campaign_id: uuid.UUID,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    state: Annotated[RecipientState | None, Query()] = None,
) -> StreamingResponse:
    campaign = await get_campaign(session, tenant_id=caller.tenant_id, campaign_id=campaign_id)
    labels = [v["label"] for v in campaign.variants] if campaign.variants else None
    stream = recipient_csv(
        context.infra.sessions,
        campaign_id=campaign.id,
        labels=labels,
        state=state.value if state else None,
    )
    name = f"campaign-{campaign.id}-recipients.csv"
    return StreamingResponse(
        stream,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{campaign_id}/recipients",
    response_model=Page[RecipientOut],
    summary="The campaign's recipients in snapshot order; filter by state, search a number",
)
async def recipients(
    campaign_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
    state: Annotated[RecipientState | None, Query()] = None,
    q: Annotated[
        ApiStr | None, Query(max_length=64, description="part of the number or name")
    ] = None,
) -> Page[RecipientOut]:
    campaign = await get_campaign(session, tenant_id=caller.tenant_id, campaign_id=campaign_id)
    query = select(Recipient).where(Recipient.campaign_id == campaign.id)
    if state is not None:
        query = query.where(Recipient.state == state.value)
    if q:
        query = query.where(contains(Recipient.address, q) | contains(Recipient.name, q))
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[Recipient.seq]
    )
    return Page(items=[RecipientOut.of(row) for row in rows], next_cursor=next_cursor)
