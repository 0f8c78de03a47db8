"""A channel account: one WhatsApp Cloud API number or one SMS sender of a tenant.

Secrets are stored sealed by the platform key ring, each bound to the account and to what
it is (``mia_common.contracts.channels``), so the sealed app secret and access token can
travel on ``channels.state.v1`` exactly as they are stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["ChannelAccount"]


class ChannelAccount(UUIDv7PrimaryKey, TenantScoped, Timestamped, Base):
    __tablename__ = "channel_accounts"

    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)

    # WhatsApp Cloud API
    phone_number: Mapped[str | None] = mapped_column(String(20))
    phone_number_id: Mapped[str | None] = mapped_column(String(64))
    waba_id: Mapped[str | None] = mapped_column(String(64))
    business_id: Mapped[str | None] = mapped_column(String(64))
    access_token_sealed: Mapped[str | None] = mapped_column(Text)
    app_secret_sealed: Mapped[str | None] = mapped_column(Text)
    throughput_per_second: Mapped[int] = mapped_column(Integer, nullable=False, default=80)
    messaging_tier: Mapped[str] = mapped_column(String(16), nullable=False, default="250")

    # SMS
    sms_provider: Mapped[str | None] = mapped_column(String(32))
    account_sid: Mapped[str | None] = mapped_column(String(64))
    auth_token_sealed: Mapped[str | None] = mapped_column(Text)
    from_number: Mapped[str | None] = mapped_column(String(20))
    messaging_service_sid: Mapped[str | None] = mapped_column(String(64))

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The time of the last change as published on channels.state.v1: consumers order
    # states by it, so it is set by us (strictly increasing), not by the database.
    state_updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # One live account per Meta number: meta-ingest routes webhooks by this id.
        Index(
            "uq_channel_accounts_phone_number_id_live",
            "phone_number_id",
            unique=True,
            postgresql_where=text("deleted_at IS NULL AND phone_number_id IS NOT NULL"),
        ),
        Index("ix_channel_accounts_tenant_id_id", "tenant_id", "id"),
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
