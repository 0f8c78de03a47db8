"""Our template library: a company's reusable messages, with named variables.

A WhatsApp template is also Meta's once submitted (``meta_name`` / ``meta_language`` /
``meta_template_id`` at the number ``channel_account_id``); its review status comes from
``templates.events.v1``, and ``meta_status_at`` is when Meta decided the status held, so an
older event never overwrites a newer one. An SMS template is a body alone.

``origin`` says where the text was written: ``library`` (here, with named variables, sent to
Meta numbered) or ``meta`` (imported by a sync, with Meta's ``{{1}}``; ``mappings`` say which
of our variables fill them, by part: ``{"body": {"1": "first_name|cliente"}}``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, Text, func, text
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
    meta_language: Mapped[str | None] = mapped_column(String(15))
    meta_template_id: Mapped[str | None] = mapped_column(String(64))
    meta_status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(
        String(16), nullable=False, default="library", server_default="library"
    )
    mappings: Mapped[dict[str, dict[str, str]]] = mapped_column(
        JSONB, nullable=False, default=dict, server_default=text("'{}'::jsonb")
    )

    __table_args__ = (
        Index("uq_templates_tenant_id_lower_name", "tenant_id", func.lower(name), unique=True),
        # One library row per Meta template of a number: a sync finds it instead of adding one.
        Index(
            "uq_templates_meta_template",
            "tenant_id",
            "channel_account_id",
            "meta_name",
            "meta_language",
            unique=True,
            postgresql_where=text("meta_name IS NOT NULL"),
        ),
        Index("ix_templates_meta_template_id", "tenant_id", "meta_template_id"),
    )
