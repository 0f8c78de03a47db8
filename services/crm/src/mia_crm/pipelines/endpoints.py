"""``/api/v1/pipelines``: pipelines and their ordered stages, and the board.

Everyone of the tenant reads them; changing pipelines and stages needs a manager or
above. The board answers each column's totals and first page in one request; further
pages of a column come from ``.../stages/{stage_id}/leads``.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from mia_common.db.requests import SessionDep
from mia_common.identity import Identity, Role, require_role
from mia_common.pagination import CursorParam, Limit, Page, split_page
from mia_crm.context import ContextDep
from mia_crm.identity import Caller
from mia_crm.leads.params import BoardFilters
from mia_crm.leads.repository import LeadRepository
from mia_crm.leads.schemas import LeadCard
from mia_crm.leads.service import Actor
from mia_crm.leads.views import card_of
from mia_crm.pipelines.errors import StageNotFound
from mia_crm.pipelines.repository import PipelineRepository
from mia_crm.pipelines.schemas import (
    Board,
    BoardColumn,
    CurrencyTotal,
    PipelineCreate,
    PipelineOut,
    PipelineUpdate,
    StageCreate,
    StageOut,
    StageUpdate,
)
from mia_crm.pipelines.service import (
    add_stage,
    create_pipeline,
    delete_pipeline,
    delete_stage,
    get_pipeline,
    list_pipelines,
    rename_pipeline,
    update_stage,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/pipelines", tags=["pipelines"])

Manager = Annotated[Identity, Depends(require_role(Role.manager))]
BOARD_PAGE = 25


@router.get(
    "",
    response_model=Page[PipelineOut],
    summary="The tenant's pipelines, oldest first (a tenant that never had one gets Sales)",
)
async def list_all(
    caller: Caller, session: SessionDep, limit: Limit = 50, cursor: CursorParam = None
) -> Page[PipelineOut]:
    rows, stages = await list_pipelines(
        session, tenant_id=caller.tenant_id, cursor=cursor, limit=limit
    )
    page, next_cursor = split_page(rows, limit, lambda p: (p.created_at, p.id))
    return Page(items=[PipelineOut.of(p, stages[p.id]) for p in page], next_cursor=next_cursor)


@router.post(
    "",
    response_model=PipelineOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a pipeline (managers)",
)
async def create(body: PipelineCreate, caller: Manager, session: SessionDep) -> PipelineOut:
    pipeline, stages = await create_pipeline(
        session, tenant_id=caller.tenant_id, name=body.name, stages=body.stages
    )
    return PipelineOut.of(pipeline, stages)


@router.get("/{pipeline_id}", response_model=PipelineOut)
async def read(pipeline_id: uuid.UUID, caller: Caller, session: SessionDep) -> PipelineOut:
    pipeline, stages = await get_pipeline(
        session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id
    )
    return PipelineOut.of(pipeline, stages)


@router.patch("/{pipeline_id}", response_model=PipelineOut, summary="Rename (managers)")
async def rename(
    pipeline_id: uuid.UUID, body: PipelineUpdate, caller: Manager, session: SessionDep
) -> PipelineOut:
    pipeline, stages = await rename_pipeline(
        session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id, name=body.name
    )
    return PipelineOut.of(pipeline, stages)


@router.delete(
    "/{pipeline_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an empty pipeline (managers); the last one stays",
    description="409 `pipeline_has_leads` while it holds leads, `last_pipeline` for the"
    " tenant's only pipeline.",
)
async def delete(pipeline_id: uuid.UUID, caller: Manager, session: SessionDep) -> Response:
    await delete_pipeline(session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{pipeline_id}/stages",
    response_model=StageOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add a stage (managers), last or at `position`",
)
async def create_stage(
    pipeline_id: uuid.UUID, body: StageCreate, caller: Manager, session: SessionDep
) -> StageOut:
    stage = await add_stage(session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id, body=body)
    return StageOut.of(stage)


@router.patch(
    "/{pipeline_id}/stages/{stage_id}",
    response_model=StageOut,
    summary="Rename, recolour, re-weigh or move a stage (managers)",
)
async def edit_stage(
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    body: StageUpdate,
    caller: Manager,
    session: SessionDep,
) -> StageOut:
    stage = await update_stage(
        session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id, stage_id=stage_id, body=body
    )
    return StageOut.of(stage)


@router.delete(
    "/{pipeline_id}/stages/{stage_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a stage (managers); its leads move to `move_to_stage_id`",
    description="409 `stage_has_leads` when it holds leads and no `move_to_stage_id` is"
    " given, `last_stage` for the pipeline's only stage. The leads go to the bottom of the"
    " target column in their order, each with a stage change and a lead event.",
)
async def remove_stage(
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    caller: Manager,
    session: SessionDep,
    context: ContextDep,
    move_to_stage_id: Annotated[
        uuid.UUID | None, Query(description="a stage of the same pipeline")
    ] = None,
) -> Response:
    await delete_stage(
        session,
        tenant_id=caller.tenant_id,
        actor=Actor(user_id=caller.user_id),
        pipeline_id=pipeline_id,
        stage_id=stage_id,
        move_to_stage_id=move_to_stage_id,
        leads_topic=context.settings.leads_topic,
        now=datetime.now(UTC),
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{pipeline_id}/board",
    response_model=Board,
    summary="The board: each column's totals and first page",
    description="Totals count the leads that match the filters, in the whole column (not"
    " only its first page). `limit` is the size of each column's page.",
)
async def board(
    pipeline_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    filters: BoardFilters,
    limit: Limit = BOARD_PAGE,
) -> Board:
    now = datetime.now(UTC)
    pipeline, stages = await get_pipeline(
        session, tenant_id=caller.tenant_id, pipeline_id=pipeline_id
    )
    leads = LeadRepository.from_session(session)
    wanted = dataclasses.replace(filters, pipeline_id=pipeline.id)
    pages = await leads.first_pages(
        tenant_id=caller.tenant_id,
        stage_ids=[stage.id for stage in stages],
        wanted=wanted,
        limit=limit,
        now=now,
    )
    totals = await leads.totals(
        tenant_id=caller.tenant_id, pipeline_id=pipeline.id, wanted=wanted, now=now
    )
    columns = []
    out = PipelineOut.of(pipeline, stages)
    for stage, stage_out in zip(stages, out.stages, strict=True):
        rows, next_cursor = split_page(
            pages[stage.id], limit, lambda row: (row.lead.position, row.lead.id)
        )
        by_currency = sorted(
            (t for t in totals if t.stage_id == stage.id), key=lambda t: (-t.count, t.currency)
        )
        columns.append(
            BoardColumn(
                stage=stage_out,
                count=sum(t.count for t in by_currency),
                total_value=sum((t.total_value for t in by_currency), Decimal(0)),
                weighted_value=sum((t.weighted_value for t in by_currency), Decimal(0)),
                by_currency=[
                    CurrencyTotal(
                        currency=t.currency,
                        count=t.count,
                        total_value=t.total_value,
                        weighted_value=t.weighted_value,
                    )
                    for t in by_currency
                ],
                leads=[card_of(row) for row in rows],
                next_cursor=next_cursor,
            )
        )
    return Board(pipeline=out, columns=columns)


@router.get(
    "/{pipeline_id}/stages/{stage_id}/leads",
    response_model=Page[LeadCard],
    summary="A column's cards, top to bottom, a page at a time",
)
async def column(
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    filters: BoardFilters,
    limit: Limit = BOARD_PAGE,
    cursor: CursorParam = None,
) -> Page[LeadCard]:
    now = datetime.now(UTC)
    # One read says both: the stage is the tenant's, and of this pipeline.
    stage = await PipelineRepository.from_session(session).stage(
        tenant_id=caller.tenant_id, stage_id=stage_id
    )
    if stage is None or stage.pipeline_id != pipeline_id:
        raise StageNotFound(f"no stage {stage_id} in pipeline {pipeline_id}")
    rows = await LeadRepository.from_session(session).column_page(
        tenant_id=caller.tenant_id,
        stage_id=stage_id,
        wanted=dataclasses.replace(filters, pipeline_id=pipeline_id),
        cursor=cursor,
        limit=limit,
        now=now,
    )
    page, next_cursor = split_page(rows, limit, lambda row: (row.lead.position, row.lead.id))
    return Page(items=[card_of(row) for row in page], next_cursor=next_cursor)
