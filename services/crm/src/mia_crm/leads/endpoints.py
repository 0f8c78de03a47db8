"""``/api/v1/leads``: leads: the cards of a pipeline board, their moves and stage history.

The list filters by pipeline, stage, contact or conversation (the inbox's conversation
panel asks ``?contact_id=`` for the contact's leads) and by what the board filters by.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_crm.context import ContextDep
from mia_crm.identity import Caller, CallerToken
from mia_crm.leads.errors import LeadNotFound
from mia_crm.leads.params import BoardFilters
from mia_crm.leads.repository import LeadRepository, sort_key
from mia_crm.leads.schemas import (
    LeadCreate,
    LeadMove,
    LeadOut,
    LeadSort,
    LeadUpdate,
    StageChangeOut,
)
from mia_crm.leads.service import (
    REBALANCED,
    Actor,
    create_lead,
    delete_lead,
    lead_row,
    move_lead,
    update_lead,
)
from mia_crm.leads.views import lead_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/leads", tags=["leads"])


@router.get("", response_model=Page[LeadOut], summary="Leads, as a list (newest first)")
async def list_leads(
    caller: Caller,
    session: SessionDep,
    filters: BoardFilters,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    contact_id: Annotated[uuid.UUID | None, Query(description="only this contact's")] = None,
    conversation_id: Annotated[
        uuid.UUID | None, Query(description="only those linked to this conversation")
    ] = None,
    sort: LeadSort = LeadSort.NEWEST,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[LeadOut]:
    wanted = dataclasses.replace(
        filters,
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        contact_id=contact_id,
        conversation_id=conversation_id,
    )
    rows = await LeadRepository.from_session(session).page(
        tenant_id=caller.tenant_id,
        wanted=wanted,
        sort=sort,
        cursor=cursor,
        limit=limit,
        now=datetime.now(UTC),
    )
    page, next_cursor = split_page(rows, limit, lambda row: sort_key(row.lead, sort))
    return Page(items=[lead_of(row) for row in page], next_cursor=next_cursor)


@router.post(
    "",
    response_model=LeadOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a lead, on top of its column",
    description="The contact, conversation and tags must be the tenant's (404 otherwise);"
    " the owner an active user of the tenant (422 `assignee_unknown`/`assignee_inactive`,"
    " 503 `gateway_unavailable` when the gateway cannot say). An agent may make only"
    " themselves the owner; a manager or above anyone (403 `owner_not_allowed`). Without"
    " `stage_id`, the first open stage of the pipeline (without `pipeline_id`, of the"
    " tenant's first pipeline).",
)
async def create(
    body: LeadCreate,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> LeadOut:
    now = datetime.now(UTC)
    lead = await create_lead(
        session,
        tenant_id=caller.tenant_id,
        actor=Actor(user_id=caller.user_id, role=caller.role),
        body=body,
        users=context.users,
        identity_token=token,
        leads_topic=context.settings.leads_topic,
        now=now,
    )
    return lead_of(await lead_row(session, tenant_id=caller.tenant_id, lead_id=lead.id, now=now))


@router.get("/{lead_id}", response_model=LeadOut)
async def read(lead_id: uuid.UUID, caller: Caller, session: SessionDep) -> LeadOut:
    row = await lead_row(
        session, tenant_id=caller.tenant_id, lead_id=lead_id, now=datetime.now(UTC)
    )
    return lead_of(row)


@router.patch(
    "/{lead_id}",
    response_model=LeadOut,
    summary="Edit a lead (its stage changes by a move)",
    description="409 `stale_position` when `expected_version` is given and the lead changed"
    " since. The owner: an agent may make themselves the owner of a lead nobody owns and"
    " clear their own ownership; a manager or above sets or clears anyone's (403"
    " `owner_not_allowed`); a new owner must be an active user of the tenant (422"
    " `assignee_unknown`/`assignee_inactive`).",
)
async def edit(
    lead_id: uuid.UUID,
    body: LeadUpdate,
    caller: Caller,
    token: CallerToken,
    session: SessionDep,
    context: ContextDep,
) -> LeadOut:
    now = datetime.now(UTC)
    await update_lead(
        session,
        tenant_id=caller.tenant_id,
        actor=Actor(user_id=caller.user_id, role=caller.role),
        lead_id=lead_id,
        body=body,
        users=context.users,
        identity_token=token,
        leads_topic=context.settings.leads_topic,
        now=now,
    )
    return lead_of(await lead_row(session, tenant_id=caller.tenant_id, lead_id=lead_id, now=now))


@router.delete("/{lead_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete(
    lead_id: uuid.UUID, caller: Caller, session: SessionDep, context: ContextDep
) -> Response:
    await delete_lead(
        session,
        tenant_id=caller.tenant_id,
        actor=Actor(user_id=caller.user_id),
        lead_id=lead_id,
        leads_topic=context.settings.leads_topic,
        now=datetime.now(UTC),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{lead_id}/move",
    response_model=LeadOut,
    summary="Move a card: to a column, between two neighbours",
    description="The server places the card between the current keys of `after_id` and"
    " `before_id` in `stage_id`. 409 `stale_position` when they are no longer next to each"
    " other there (a card was moved between them, or one of them away) or when"
    " `expected_version` is not the lead's: refetch the column and try again. A lost stage"
    " needs a `lost_reason` (422 `lost_reason_required`). When the column's keys grew long,"
    f" it is rewritten in the same order, announced as `{REBALANCED}` (the cards' new keys"
    " and versions).",
)
async def move(
    lead_id: uuid.UUID,
    body: LeadMove,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> LeadOut:
    now = datetime.now(UTC)
    await move_lead(
        session,
        tenant_id=caller.tenant_id,
        actor=Actor(user_id=caller.user_id),
        lead_id=lead_id,
        stage_id=body.stage_id,
        after_id=body.after_id,
        before_id=body.before_id,
        expected_version=body.expected_version,
        reason=body.reason,
        confidence=body.confidence,
        lost_reason=body.lost_reason,
        leads_topic=context.settings.leads_topic,
        now=now,
    )
    return lead_of(await lead_row(session, tenant_id=caller.tenant_id, lead_id=lead_id, now=now))


@router.get(
    "/{lead_id}/history",
    response_model=Page[StageChangeOut],
    summary="The stages the lead went through, latest first",
)
async def history(
    lead_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 50,
    cursor: CursorParam = None,
) -> Page[StageChangeOut]:
    leads = LeadRepository.from_session(session)
    if await leads.get(tenant_id=caller.tenant_id, lead_id=lead_id) is None:
        raise LeadNotFound(f"no lead {lead_id}")
    rows = await leads.history(
        tenant_id=caller.tenant_id, lead_id=lead_id, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda change: (change.at, change.id))
    return Page(
        items=[
            StageChangeOut(
                id=change.id,
                lead_id=change.lead_id,
                from_stage_id=change.from_stage_id,
                to_stage_id=change.to_stage_id,
                actor_kind=change.actor_kind,
                actor_user_id=change.actor_user_id,
                reason=change.reason,
                confidence=change.confidence,
                at=change.at,
            )
            for change in page
        ],
        next_cursor=next_cursor,
    )
