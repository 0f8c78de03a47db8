"""A custom field's definition; the values live on each contact (``contacts.fields``)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["CustomField", "FieldKind"]


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"


class CustomField(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "custom_fields"

    # The stable slug values are stored under (``contacts.fields[key]``); never changes.
    key: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # The choices of a select or multi_select (a list of strings); NULL for other kinds.
    options: Mapped[list[Any] | None] = mapped_column(JSONB)
    # Display order in the tenant's forms and tables, ascending.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    # The job deleting the field (``custom_fields.delete``): while set, every read and
    # every check of values leaves the field out and the job removes the contacts' values,
    # then deletes the row. Its key stays taken until then.
    deletion_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))

    __table_args__ = (
        UniqueConstraint("tenant_id", "key", name="uq_custom_fields_tenant_id_key"),
        # Deletions whose job was cancelled or failed, found by the periodic restore.
        Index(
            "ix_custom_fields_deletion_job_id",
            "deletion_job_id",
            postgresql_where=text("deletion_job_id IS NOT NULL"),
        ),
    )
