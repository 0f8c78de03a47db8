"""A custom field's definition; the values live on each contact (``contacts.fields``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
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

    __table_args__ = (UniqueConstraint("tenant_id", "key", name="uq_custom_fields_tenant_id_key"),)
