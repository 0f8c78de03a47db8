"""A tenant's crm settings: default country, consent rules, opt-out/opt-in keywords.

One row per tenant, written the first time a manager saves them; until then the defaults
of ``mia_crm.tenant_settings.defaults`` apply (``settings_of`` answers them).
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, Timestamped
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["CrmTenantSettings"]


class CrmTenantSettings(Timestamped, ReturnsServerValues, Base):
    __tablename__ = "crm_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    default_country: Mapped[str] = mapped_column(
        String(2), nullable=False, server_default=text("'BR'"), doc="ISO 3166-1 alpha-2"
    )
    marketing_requires_consent: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("true")
    )
    # As the tenant typed them (shown back as typed); matched after normalizing.
    opt_out_keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    opt_in_keywords: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    opt_out_reply: Mapped[str | None] = mapped_column(Text)
    opt_in_reply: Mapped[str | None] = mapped_column(Text)
