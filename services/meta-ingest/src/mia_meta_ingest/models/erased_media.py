"""`erased_media`: the storage keys of files whose sender asked to be forgotten.

An erasure records its files here (committed) before it deletes them; a copy of a
customer's media checks here after it stored the file and deletes what it wrote when the
key is listed, and refuses to copy a listed key at all. So a copy in flight when the
erasure arrives never leaves a file behind, whichever finishes first (see
``mia_meta_ingest.erasure``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base

__all__ = ["ErasedMediaKey"]


class ErasedMediaKey(Base):
    """One erased file, by its storage key (``media.storage.media_key``: tenant, channel
    account and the channel's media id)."""

    __tablename__ = "erased_media"

    storage_key: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    erased_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
