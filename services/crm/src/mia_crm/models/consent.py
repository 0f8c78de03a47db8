"""Consent per contact and channel: the current state, and the ledger of every change.

``contact_consents`` holds one row per contact and channel (whatsapp, sms, email) with the
latest change; no row means nobody ever said. ``consent_events`` is append-only: who or
what changed it (an import, a keyword the customer sent, a form, an agent, an API key),
when, and why. Both go with the contact (ON DELETE CASCADE); a merge moves them first
(``mia_crm.consent.service.merge_consent``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["ConsentEvent", "ContactConsent"]


class ContactConsent(TenantScoped, Base):
    __tablename__ = "contact_consents"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )

    __table_args__ = (
        # Segments and campaigns ask "who on this channel is opted in/out" per tenant.
        Index("ix_contact_consents_audience", "tenant_id", "channel", "status", "contact_id"),
    )


class ConsentEvent(UUIDv7PrimaryKey, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "consent_events"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False
    )
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    # A user of the tenant (agent source); an integration's API key id is kept apart,
    # since it names no person.
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_api_key_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    note: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (Index("ix_consent_events_history", "contact_id", "occurred_at", "id"),)
