"""A contact: one customer of a tenant, known by a phone number, a channel user id, or both."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["Contact", "LifecycleStage"]


class LifecycleStage(StrEnum):
    """Where the person stands with the tenant, from first contact to fan."""

    SUBSCRIBER = "subscriber"
    LEAD = "lead"
    MARKETING_QUALIFIED = "marketing_qualified"
    SALES_QUALIFIED = "sales_qualified"
    OPPORTUNITY = "opportunity"
    CUSTOMER = "customer"
    EVANGELIST = "evangelist"
    OTHER = "other"


class Contact(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "contacts"

    name: Mapped[str | None] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(16), doc="E.164")
    # Meta's business-scoped user id (BSUID), sent instead of the phone number for users
    # who hide it behind a username; the API calls it the contact's ``user_id``.
    channel_user_id: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(320))

    # The tenant's user who looks after this person (the gateway owns the users).
    owner_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(32), doc="a LifecycleStage")
    # Where the contact came from ("import", "website", a campaign's name...): free text.
    source: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(35), doc="BCP 47 (pt-BR)")
    # Set by a person; when NULL the API shows the one of the phone's country (derived).
    time_zone: Mapped[str | None] = mapped_column(String(64), doc="IANA (America/Sao_Paulo)")
    last_inbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_outbound_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Custom field values by field key (``custom_fields.key``), as validated on write.
    fields: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb")
    )
    # The ids of the contact's rows in contact_tags, kept by the database (a trigger of
    # migration 0008), never written here: segments read it through one GIN index.
    # Deferred: no reader of a contact needs it loaded.
    tag_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(UUID(as_uuid=True)),
        nullable=False,
        server_default=text("'{}'::uuid[]"),
        deferred=True,
    )

    __table_args__ = (
        # NULLs are distinct in a unique constraint: many contacts may lack either id.
        UniqueConstraint("tenant_id", "phone", name="uq_contacts_tenant_id_phone"),
        UniqueConstraint(
            "tenant_id", "channel_user_id", name="uq_contacts_tenant_id_channel_user_id"
        ),
        # Trigram indexes serve the inbox's and the contact list's ILIKE '%q%' searches.
        Index(
            "ix_contacts_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index(
            "ix_contacts_phone_trgm",
            "phone",
            postgresql_using="gin",
            postgresql_ops={"phone": "gin_trgm_ops"},
        ),
        # The contact list's order (newest first), and the filters of lists and segments.
        Index("ix_contacts_list_order", "tenant_id", "created_at", "id"),
        Index("ix_contacts_tenant_id_owner_user_id", "tenant_id", "owner_user_id"),
        Index("ix_contacts_tenant_id_lifecycle_stage", "tenant_id", "lifecycle_stage"),
        Index("ix_contacts_tenant_id_last_inbound_at", "tenant_id", "last_inbound_at"),
        # fields @> '{"plan": "gold"}': the segment filters on custom fields.
        Index(
            "ix_contacts_fields",
            "fields",
            postgresql_using="gin",
            postgresql_ops={"fields": "jsonb_path_ops"},
        ),
        # tag_ids && '{A,B}', tag_ids @> '{A,B}': tags in segment filters.
        Index("ix_contacts_tag_ids", "tag_ids", postgresql_using="gin"),
    )
