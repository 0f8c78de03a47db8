"""`retired_channel_accounts`: the app secrets of deleted accounts, kept to recognise Meta.

A business that deletes its account here may leave its app subscribed to the number's
webhooks: Meta then keeps delivering, signed with that app's secret. Knowing the secret
lets meta-ingest tell such a delivery (answered 200 and dead-lettered, so Meta stops
retrying it and does not flag the endpoint) from a forgery (refused).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base

__all__ = ["RetiredChannelAccount"]


class RetiredChannelAccount(Base):
    """A deleted WhatsApp Cloud API account: which number it had, and its sealed app secret."""

    __tablename__ = "retired_channel_accounts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    # Not unique: a number deleted twice (under two accounts) keeps both secrets.
    phone_number_id: Mapped[str] = mapped_column(String(64), nullable=False)
    waba_id: Mapped[str | None] = mapped_column(String(64))
    # Sealed like the live accounts' (associated data: the account id).
    app_secret_sealed: Mapped[str] = mapped_column(Text, nullable=False)
    # The deletion state's own time: an older state replayed never undoes it.
    retired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
