"""Pipelines and their stages: create, rename, reorder, delete.

A tenant keeps at least one pipeline and every pipeline at least one stage. Deleting a
stage that holds leads needs a stage of the same pipeline to move them to (409
``stage_has_leads`` otherwise); deleting a pipeline that holds leads is refused.
Stage changes hold the pipeline row, so two reorders do not interleave.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.leads.repository import LeadRepository
from mia_crm.leads.service import Actor, move_stage_leads
from mia_crm.models.pipeline import Pipeline, PipelineStage
from mia_crm.pipelines.defaults import DEFAULT_STAGES, StageSpec, ensure_default, new_stages
from mia_crm.pipelines.errors import (
    LastPipeline,
    LastStage,
    PipelineHasLeads,
    PipelineNameTaken,
    PipelineNotFound,
    StageHasLeads,
    StageNotFound,
    TargetStageInvalid,
)
from mia_crm.pipelines.repository import Lock, PipelineRepository
from mia_crm.pipelines.schemas import MAX_STAGES, StageCreate, StageIn, StageUpdate

__all__ = [
    "add_stage",
    "create_pipeline",
    "delete_pipeline",
    "delete_stage",
    "get_pipeline",
    "list_pipelines",
    "rename_pipeline",
    "update_stage",
]


async def list_pipelines(
    session: AsyncSession, *, tenant_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[Pipeline], dict[uuid.UUID, list[PipelineStage]]]:
    """A page of the tenant's pipelines (oldest first) and their stages; a tenant that
    never had one gets the default first."""
    if cursor is None:
        await ensure_default(session, tenant_id)
    pipelines = PipelineRepository.from_session(session)
    page = await pipelines.page(tenant_id=tenant_id, cursor=cursor, limit=limit)
    stages = await pipelines.stages_of(tenant_id=tenant_id, pipeline_ids=[p.id for p in page])
    return page, stages


async def get_pipeline(
    session: AsyncSession, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, lock: Lock = Lock.NONE
) -> tuple[Pipeline, list[PipelineStage]]:
    pipelines = PipelineRepository.from_session(session)
    pipeline = await pipelines.get(tenant_id=tenant_id, pipeline_id=pipeline_id, lock=lock)
    if pipeline is None:
        raise PipelineNotFound(f"no pipeline {pipeline_id}")
    stages = await pipelines.stages_of(tenant_id=tenant_id, pipeline_ids=[pipeline.id])
    return pipeline, stages[pipeline.id]


async def create_pipeline(
    session: AsyncSession, *, tenant_id: uuid.UUID, name: str, stages: list[StageIn] | None
) -> tuple[Pipeline, list[PipelineStage]]:
    pipelines = PipelineRepository.from_session(session)
    await pipelines.hold_tenant(tenant_id)
    if await pipelines.named(tenant_id=tenant_id, name=name) is not None:
        raise PipelineNameTaken(f"a pipeline is already named {name!r}")
    pipeline = Pipeline(tenant_id=tenant_id, name=name)
    await pipelines.add(pipeline)
    specs = (
        DEFAULT_STAGES
        if stages is None
        else tuple(
            StageSpec(s.name, s.color, s.probability, s.kind, s.rotting_days) for s in stages
        )
    )
    rows = new_stages(pipeline, specs)
    await pipelines.add_all(rows)
    return pipeline, rows


async def rename_pipeline(
    session: AsyncSession, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, name: str
) -> tuple[Pipeline, list[PipelineStage]]:
    pipelines = PipelineRepository.from_session(session)
    await pipelines.hold_tenant(tenant_id)
    pipeline, stages = await get_pipeline(
        session, tenant_id=tenant_id, pipeline_id=pipeline_id, lock=Lock.NO_KEY_UPDATE
    )
    if pipeline.name != name:
        other = await pipelines.named(tenant_id=tenant_id, name=name)
        if other is not None and other.id != pipeline.id:
            raise PipelineNameTaken(f"a pipeline is already named {name!r}")
        pipeline.name = name
        await session.flush()
    return pipeline, stages


async def delete_pipeline(
    session: AsyncSession, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID
) -> None:
    pipelines = PipelineRepository.from_session(session)
    await pipelines.hold_tenant(tenant_id)
    pipeline = await pipelines.get(tenant_id=tenant_id, pipeline_id=pipeline_id, lock=Lock.UPDATE)
    if pipeline is None:
        raise PipelineNotFound(f"no pipeline {pipeline_id}")
    # Its stages held too: no lead enters them while this looks for leads.
    await pipelines.stages_of(tenant_id=tenant_id, pipeline_ids=[pipeline.id], lock=Lock.UPDATE)
    if await LeadRepository.from_session(session).any_in_pipeline(
        tenant_id=tenant_id, pipeline_id=pipeline.id
    ):
        raise PipelineHasLeads("the pipeline has leads: move or delete them first")
    if await pipelines.count(tenant_id) <= 1:
        raise LastPipeline("a tenant keeps at least one pipeline")
    await pipelines.delete(pipeline)


async def add_stage(
    session: AsyncSession, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, body: StageCreate
) -> PipelineStage:
    pipeline, stages = await get_pipeline(
        session, tenant_id=tenant_id, pipeline_id=pipeline_id, lock=Lock.NO_KEY_UPDATE
    )
    if len(stages) >= MAX_STAGES:
        raise LastStage(f"a pipeline has at most {MAX_STAGES} stages")
    stage = PipelineStage(
        tenant_id=tenant_id,
        pipeline_id=pipeline.id,
        name=body.name,
        color=body.color,
        probability=body.probability,
        kind=body.kind.value,
        rotting_days=body.rotting_days,
        position=len(stages),
    )
    await PipelineRepository.from_session(session).add(stage)
    index = len(stages) if body.position is None else min(body.position, len(stages))
    _renumber([*stages[:index], stage, *stages[index:]])
    await session.flush()
    return stage


async def update_stage(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    body: StageUpdate,
) -> PipelineStage:
    _, stages = await get_pipeline(
        session, tenant_id=tenant_id, pipeline_id=pipeline_id, lock=Lock.NO_KEY_UPDATE
    )
    stage = _stage_in(stages, stage_id)
    given = body.model_fields_set
    for name in ("name", "color", "probability", "rotting_days"):
        if name in given and (name == "rotting_days" or getattr(body, name) is not None):
            setattr(stage, name, getattr(body, name))
    if "kind" in given and body.kind is not None:
        stage.kind = body.kind.value
    if body.position is not None:
        others = [s for s in stages if s.id != stage.id]
        index = min(body.position, len(others))
        _renumber([*others[:index], stage, *others[index:]])
    await session.flush()
    return stage


async def delete_stage(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    actor: Actor,
    pipeline_id: uuid.UUID,
    stage_id: uuid.UUID,
    move_to_stage_id: uuid.UUID | None,
    leads_topic: str,
    now: datetime,
) -> None:
    """Delete the stage; its leads, if any, go to the bottom of ``move_to_stage_id``."""
    _, stages = await get_pipeline(
        session, tenant_id=tenant_id, pipeline_id=pipeline_id, lock=Lock.NO_KEY_UPDATE
    )
    stage = _stage_in(stages, stage_id)
    if len(stages) == 1:
        raise LastStage("a pipeline keeps at least one stage")
    pipelines = PipelineRepository.from_session(session)
    # Held FOR UPDATE: no lead enters it (a writer of the column waits, then finds it gone).
    await pipelines.stage(tenant_id=tenant_id, stage_id=stage.id, lock=Lock.UPDATE)
    if move_to_stage_id is not None:
        if move_to_stage_id == stage.id:
            raise TargetStageInvalid("the leads cannot move to the stage being deleted")
        target = _stage_in(stages, move_to_stage_id)
        await move_stage_leads(
            session,
            tenant_id=tenant_id,
            actor=actor,
            from_stage=stage,
            to_stage=target,
            leads_topic=leads_topic,
            now=now,
        )
    elif await LeadRepository.from_session(session).count_in_stage(
        tenant_id=tenant_id, stage_id=stage.id
    ):
        raise StageHasLeads("the stage has leads: name move_to_stage_id to move them there")
    await pipelines.delete(stage)
    _renumber([s for s in stages if s.id != stage.id])
    await session.flush()


def _stage_in(stages: list[PipelineStage], stage_id: uuid.UUID) -> PipelineStage:
    for stage in stages:
        if stage.id == stage_id:
            return stage
    raise StageNotFound(f"no stage {stage_id} in this pipeline")


def _renumber(stages: list[PipelineStage]) -> None:
    for index, stage in enumerate(stages):
        if stage.position != index:
            stage.position = index
