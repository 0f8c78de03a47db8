"""`channel_accounts`: meta-ingest's projection of the channel accounts the sender owns."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base

__all__ = ["ChannelAccount"]


class ChannelAccount(Base):
    """One WhatsApp Cloud API number: which tenant and account a webhook belongs to."""

    __tablename__ = "channel_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    phone_number_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    waba_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    app_secret_sealed: Mapped[str | None] = mapped_column(Text)
    # Sealed too: only needed to download inbound media.
    access_token_sealed: Mapped[str | None] = mapped_column(Text)
    # The state's own time: an older record replayed from the topic never wins.
    state_updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
