"""The pipelines API's bodies: pipelines, stages and the board."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from mia_common.text import NonBlankApiStr, api_str
from mia_crm.leads.schemas import LeadCard
from mia_crm.models.pipeline import Pipeline, PipelineStage, StageKind

__all__ = [
    "Board",
    "BoardColumn",
    "CurrencyTotal",
    "PipelineCreate",
    "PipelineOut",
    "PipelineUpdate",
    "StageCreate",
    "StageIn",
    "StageOut",
    "StageUpdate",
]

MAX_STAGES = 30
DEFAULT_COLOR = "#64748b"
if TYPE_CHECKING:  # mypy cannot read api_str's Annotated as a type
    Color = str
else:
    Color = api_str(pattern="^#[0-9a-fA-F]{6}$")
Probability = Annotated[int, Field(ge=0, le=100, description="win probability, in percent")]
RottingDays = Annotated[
    int | None,
    Field(ge=1, le=3650, description="a lead idle longer than this here is rotting; null: never"),
]


def _collapse_spaces(value: str) -> str:
    return " ".join(value.split())


Name = Annotated[NonBlankApiStr, Field(max_length=100), AfterValidator(_collapse_spaces)]


class StageOut(BaseModel):
    id: uuid.UUID
    pipeline_id: uuid.UUID
    name: str
    color: str
    probability: int = Field(description="win probability, in percent")
    kind: StageKind
    rotting_days: int | None
    position: int = Field(description="the column's place on the board, from 0")

    @classmethod
    def of(cls, stage: PipelineStage) -> StageOut:
        return cls(
            id=stage.id,
            pipeline_id=stage.pipeline_id,
            name=stage.name,
            color=stage.color,
            probability=stage.probability,
            kind=StageKind(stage.kind),
            rotting_days=stage.rotting_days,
            position=stage.position,
        )


class PipelineOut(BaseModel):
    id: uuid.UUID
    name: str
    stages: list[StageOut] = Field(description="in board order")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, pipeline: Pipeline, stages: list[PipelineStage]) -> PipelineOut:
        return cls(
            id=pipeline.id,
            name=pipeline.name,
            stages=[StageOut.of(stage) for stage in stages],
            created_at=pipeline.created_at,
            updated_at=pipeline.updated_at,
        )


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    color: Color = DEFAULT_COLOR
    probability: Probability = 0
    kind: StageKind = StageKind.OPEN
    rotting_days: RottingDays = None

    @field_validator("color")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class StageCreate(StageIn):
    position: int | None = Field(
        default=None, ge=0, description="where the new column goes (0: first); omitted: last"
    )


class StageUpdate(BaseModel):
    """Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    color: Color | None = None
    probability: Probability | None = None
    kind: StageKind | None = None
    rotting_days: RottingDays = None
    position: int | None = Field(
        default=None, ge=0, description="move the column there (0: first; past the end: last)"
    )

    @field_validator("color")
    @classmethod
    def _lower(cls, value: str | None) -> str | None:
        return None if value is None else value.lower()


class PipelineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    stages: list[StageIn] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_STAGES,
        description="in board order; omitted: New, Qualified, Proposal, Negotiation, Won, Lost",
    )


class PipelineUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class CurrencyTotal(BaseModel):
    currency: str
    count: int
    total_value: Decimal
    weighted_value: Decimal = Field(description="the sum of value times the stage's probability")


class BoardColumn(BaseModel):
    stage: StageOut
    count: int = Field(description="leads in the column that match the filters")
    total_value: Decimal = Field(description="their values summed, whatever the currency")
    weighted_value: Decimal = Field(description="total_value times the stage's probability")
    by_currency: list[CurrencyTotal] = Field(description="the same totals per currency")
    leads: list[LeadCard] = Field(description="the column's first page, from the top")
    next_cursor: str | None = Field(
        description="pass as `cursor` to GET .../stages/{stage_id}/leads for the next page"
    )


class Board(BaseModel):
    pipeline: PipelineOut
    columns: list[BoardColumn] = Field(description="one per stage, in board order")
