"""A saved segment: a named filter over a tenant's contacts (``mia_crm.segments.filters``)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.contact import Contact
from mia_crm.models.server_values import ReturnsServerValues
from mia_crm.models.tag import ContactTag

__all__ = ["Segment"]


class Segment(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "segments"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))
    # The filter as checked and stored (its JSON form); members are computed when asked.
    filter: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))

    __table_args__ = (
        # Campaigns and people pick a segment by its name: one of each per tenant.
        UniqueConstraint("tenant_id", "name", name="uq_segments_tenant_id_name"),
        # The list's order (newest first).
        Index("ix_segments_list_order", "tenant_id", "created_at", "id"),
    )


# On contacts, for the segments (migration 0005): a tenant's contacts in id order. The member
# stream reads its keyset batches by it, and a count that joins contact_tags merges both
# sorted id lists from indexes alone, without the table.
Index("ix_contacts_tenant_id_id", Contact.tenant_id, Contact.id)
# On contact_tags, for the segments (migration 0005): "how many contacts carry tag X", the
# most common segment, counted from this index alone (the tenant in it, no table read).
Index(
    "ix_contact_tags_tag_id_tenant_id_contact_id",
    ContactTag.tag_id,
    ContactTag.tenant_id,
    ContactTag.contact_id,
)
