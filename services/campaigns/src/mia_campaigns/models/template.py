"""Our template library: a company's reusable messages, with named variables.

A WhatsApp template is also Meta's (``meta_name`` / ``meta_language`` once submitted); its
review status comes from ``templates.events.v1``. An SMS template is a body alone.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["Template"]


class Template(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "templates"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False, doc="whatsapp or sms")
    language: Mapped[str] = mapped_column(String(15), nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    header_text: Mapped[str | None] = mapped_column(String(60))
    header_media: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    footer: Mapped[str | None] = mapped_column(String(60))
    buttons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False, default=list)
    channel_account_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    meta_name: Mapped[str | None] = mapped_column(String(512))
    meta_status: Mapped[str | None] = mapped_column(String(32))
    meta_reason: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        Index("uq_templates_tenant_id_lower_name", "tenant_id", func.lower(name), unique=True),
    )
