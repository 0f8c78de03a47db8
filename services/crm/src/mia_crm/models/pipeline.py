"""A pipeline (a board) of one tenant, and its ordered stages (the board's columns)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["Pipeline", "PipelineStage", "StageKind"]


class StageKind(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Pipeline(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "pipelines"

    name: Mapped[str] = mapped_column(String(100), nullable=False)

    __table_args__ = (
        UniqueConstraint("tenant_id", "name", name="uq_pipelines_tenant_id_name"),
        # The tenant's pipelines in creation order (the first is the default one).
        Index("ix_pipelines_tenant_order", "tenant_id", "created_at", "id"),
    )


class PipelineStage(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "pipeline_stages"

    pipeline_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipelines.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    color: Mapped[str] = mapped_column(String(7), nullable=False, doc="#rrggbb")
    probability: Mapped[int] = mapped_column(SmallInteger, nullable=False, doc="0-100 (%)")
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default=StageKind.OPEN)
    # A lead that stayed longer than this in the stage is "rotting"; NULL: never.
    rotting_days: Mapped[int | None] = mapped_column(Integer)
    # The column's place on the board: 0, 1, 2... rewritten whole on a reorder (a pipeline
    # has a handful of stages; its leads carry fractional keys instead).
    position: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (
        CheckConstraint("probability BETWEEN 0 AND 100", name="probability_range"),
        CheckConstraint("kind IN ('open', 'won', 'lost')", name="kind_known"),
        CheckConstraint("rotting_days IS NULL OR rotting_days > 0", name="rotting_days_positive"),
        # The target of the leads' (pipeline_id, stage_id) foreign key: a lead's stage is
        # always one of its pipeline's.
        UniqueConstraint("pipeline_id", "id", name="uq_pipeline_stages_pipeline_id_id"),
        Index("ix_pipeline_stages_pipeline_order", "pipeline_id", "position"),
    )
