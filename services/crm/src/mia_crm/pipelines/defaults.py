"""The pipeline a tenant starts with: "Sales", made the first time the tenant's pipelines
are asked for (the list, or a lead created without a pipeline), never again after.

A tenant always keeps one pipeline (the last one cannot be deleted), so "the tenant has
none" means "it never had one": the default is not brought back behind anyone's back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.models.pipeline import Pipeline, PipelineStage, StageKind
from mia_crm.pipelines.repository import PipelineRepository

__all__ = ["DEFAULT_PIPELINE_NAME", "DEFAULT_STAGES", "StageSpec", "ensure_default", "new_stages"]

DEFAULT_PIPELINE_NAME = "Sales"


@dataclass(frozen=True, slots=True)
class StageSpec:
    name: str
    color: str
    probability: int
    kind: StageKind = StageKind.OPEN
    rotting_days: int | None = None


DEFAULT_STAGES = (
    StageSpec("New", "#64748b", 10, rotting_days=7),
    StageSpec("Qualified", "#0ea5e9", 25, rotting_days=14),
    StageSpec("Proposal", "#8b5cf6", 50, rotting_days=14),
    StageSpec("Negotiation", "#f59e0b", 75, rotting_days=14),
    StageSpec("Won", "#22c55e", 100, StageKind.WON),
    StageSpec("Lost", "#ef4444", 0, StageKind.LOST),
)


def new_stages(
    pipeline: Pipeline, specs: tuple[StageSpec, ...] | list[StageSpec]
) -> list[PipelineStage]:
    return [
        PipelineStage(
            tenant_id=pipeline.tenant_id,
            pipeline_id=pipeline.id,
            name=spec.name,
            color=spec.color,
            probability=spec.probability,
            kind=spec.kind.value,
            rotting_days=spec.rotting_days,
            position=index,
        )
        for index, spec in enumerate(specs)
    ]


async def ensure_default(session: AsyncSession, tenant_id: uuid.UUID) -> Pipeline:
    """The tenant's first pipeline; "Sales" with the default stages when it has none."""
    pipelines = PipelineRepository.from_session(session)
    first = await pipelines.first(tenant_id)
    if first is not None:
        return first
    await pipelines.hold_tenant(tenant_id)
    # Again under the lock: a concurrent first request may have made it meanwhile.
    first = await pipelines.first(tenant_id)
    if first is not None:
        return first
    pipeline = Pipeline(tenant_id=tenant_id, name=DEFAULT_PIPELINE_NAME)
    await pipelines.add(pipeline)
    await pipelines.add_all(new_stages(pipeline, DEFAULT_STAGES))
    return pipeline
