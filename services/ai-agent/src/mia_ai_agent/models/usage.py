"""Model usage, one row per tenant, day, persona, purpose and model: what the usage
dashboard charts and the monthly budget sums.

Rows are upserted in the transaction of the call they count (``usage.recorder``), so a
rolled-back reply counts nothing. ``persona_id`` is null for calls no persona made (the
console's model test, embeddings); the unique key treats nulls as equal
(``NULLS NOT DISTINCT``, PostgreSQL 15) so those calls share one row a day too.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, UUIDv7PrimaryKey

__all__ = ["UsageDay"]


class UsageDay(UUIDv7PrimaryKey, Base):
    __tablename__ = "usage_days"
    __table_args__ = (
        # Also the index of the month's sum (tenant, day range).
        UniqueConstraint(
            "tenant_id",
            "day",
            "persona_id",
            "purpose",
            "model",
            name="uq_usage_days_bucket",
            postgresql_nulls_not_distinct=True,
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    persona_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    model: Mapped[str] = mapped_column(String(200), nullable=False)
    calls: Mapped[int] = mapped_column(Integer, nullable=False)
    prompt_tokens: Mapped[int] = mapped_column(BigInteger, nullable=False)
    completion_tokens: Mapped[int] = mapped_column(BigInteger, nullable=False)
    cost_usd: Mapped[Decimal] = mapped_column(Numeric(18, 8), nullable=False)
