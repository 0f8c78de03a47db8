"""Tags: a tenant's coloured labels, and which contacts carry them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["ContactTag", "Tag"]


class Tag(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(64), nullable=False)
    color: Mapped[str] = mapped_column(String(7), nullable=False, doc="#rrggbb, lower case")
    # The job deleting the tag (``tags.delete``): while set, every read leaves the tag out
    # and the job takes it off its contacts, then deletes the row. Its name stays taken.
    deletion_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))

    __table_args__ = (
        # One "VIP" per tenant whatever its case; the list is ordered by it too.
        Index("uq_tags_tenant_id_lower_name", "tenant_id", func.lower(name), unique=True),
        # Deletions whose job was cancelled or failed, found by the periodic restore.
        Index(
            "ix_tags_deletion_job_id",
            "deletion_job_id",
            postgresql_where=text("deletion_job_id IS NOT NULL"),
        ),
    )


class ContactTag(Base):
    """One tag on one contact. Deleting either removes the row (ON DELETE CASCADE)."""

    __tablename__ = "contact_tags"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )
    # Not indexed: every query reaches the rows by contact or by tag, both indexed.
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (
        # "Contacts with tag X" (filters, segments, bulk untag, deleting a tag).
        Index("ix_contact_tags_tag_id_contact_id", "tag_id", "contact_id"),
    )
