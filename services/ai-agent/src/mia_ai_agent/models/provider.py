"""The tenant's generative model: one row per tenant naming an OpenAI-compatible endpoint.

``api_key_sealed`` is the key sealed with the platform key ring (AES-256-GCM under a key
id, bound to the tenant: see ``llm.secrets``); ``api_key_last4`` is what answers show of
it. ``version`` goes up on every change, so a process that cached the opened key and the
client built from it knows when to build them again. Prices are USD per million tokens,
what the usage and budget figures are estimated with.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Float, Integer, Numeric, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, Timestamped

__all__ = ["ModelSettings"]


class ModelSettings(Timestamped, Base):
    __tablename__ = "model_settings"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("timeout_seconds > 0", name="timeout_positive"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    base_url: Mapped[str] = mapped_column(String(500), nullable=False)
    api_key_sealed: Mapped[str | None] = mapped_column(Text)
    api_key_last4: Mapped[str | None] = mapped_column(String(4))
    chat_model: Mapped[str] = mapped_column(String(200), nullable=False)
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    timeout_seconds: Mapped[float] = mapped_column(Float, nullable=False)
    input_price_per_million: Mapped[Decimal] = mapped_column(Numeric(12, 4), nullable=False)
    output_price_per_million: Mapped[Decimal] = mapped_column(Numeric(12, 4), nullable=False)
    monthly_budget_usd: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
