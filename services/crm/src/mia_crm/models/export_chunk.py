"""A piece of a CSV file an export job made: the file is its chunks in ``seq`` order.

Kept in the database (a batch of contacts per chunk, tens of KiB), so any crm process can
serve the download of a file another one wrote; they go with their job (ON DELETE CASCADE).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Integer, LargeBinary
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base

__all__ = ["ExportChunk"]


class ExportChunk(Base):
    __tablename__ = "export_chunks"

    job_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
