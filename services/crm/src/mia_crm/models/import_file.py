"""A CSV file uploaded for import: its bytes in chunks, what analysis found, its report.

The bytes live in the database (``import_chunks``, about 1 MiB each), so any crm process
can run the import and a restart loses nothing. ``import_rejections`` is the report of
the rows that were not imported: row number, column, reason.

Both hold personal data: ``MIA_CRM_FILE_RETENTION_DAYS`` after the import finished (or
was uploaded, if never started) a periodic sweep deletes them and sets ``purged_at``
(``mia_crm.imports.retention``); the import then answers 410 for its file and report.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["ImportChunk", "ImportFile", "ImportRejection"]


class ImportFile(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "import_files"

    filename: Mapped[str | None] = mapped_column(String(256))
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False)
    # What analysis found: "utf-8-sig", "utf-8" or "cp1252"; ",", ";" or "\t".
    encoding: Mapped[str] = mapped_column(String(16), nullable=False)
    delimiter: Mapped[str] = mapped_column(String(1), nullable=False)
    has_header: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # The header's cells (or "Column 1"... without a header), in file order.
    columns: Mapped[list[str]] = mapped_column(JSONB, nullable=False)
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Set when the import is started; its counts are the job's (see ImportReport).
    job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("jobs.id", ondelete="SET NULL")
    )
    total_rows: Mapped[int | None] = mapped_column(BigInteger)
    created_count: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    updated_count: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    skipped_count: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    rejected_count: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    # When the sweep deleted the file's chunks and rejections (past the retention).
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # What the sweep looks through: only imports whose files are still held.
        Index(
            "ix_import_files_unpurged",
            "created_at",
            postgresql_where=text("purged_at IS NULL"),
        ),
    )


class ImportChunk(Base):
    __tablename__ = "import_chunks"

    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("import_files.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, doc="0, 1, 2... in file order")
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class ImportRejection(Base):
    """One problem of one row; a row with several bad cells has several."""

    __tablename__ = "import_rejections"

    import_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("import_files.id", ondelete="CASCADE"), primary_key=True
    )
    # As a spreadsheet numbers it: the header is row 1 (a cell with line breaks is one row).
    row_number: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, doc="order within the row")
    column: Mapped[str | None] = mapped_column(String(256), doc="the header; NULL: the row")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    # The values of the row as read, so the report can be fixed and imported again.
    values: Mapped[list[Any] | None] = mapped_column(JSONB)
