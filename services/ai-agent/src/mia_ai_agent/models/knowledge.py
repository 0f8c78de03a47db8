"""Knowledge bases, their documents, the documents' chunks with embeddings, indexing jobs.

A knowledge base names the embedding model its chunks are embedded with (``e5-small``,
384 dimensions, by default). A chunk's ``embedding`` is an untyped ``vector`` beside its
``dimensions`` and ``embedding_model``: one table holds every model's vectors, and one HNSW
index per supported dimension is a partial expression index
(``(embedding::vector(384)) ... WHERE dimensions = 384``), since HNSW needs a fixed size.
A chunk whose ``embedding_model`` differs from its base's is waiting for an indexing job
(``NULL`` for a new chunk; the old model's after the base changed model): vector search
skips it, full-text search still finds it.

``tsv`` is generated with the ``simple`` configuration: bases hold Portuguese, English and
Spanish side by side, and a per-language stemmer would mangle the other two.

A document keeps its extracted ``content`` (blocks of text, each with its heading path)
so a re-index or a change of model needs neither the upload again nor the page fetched.
A job's state is its row: a crashed process's job is picked up where its chunks say.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey

__all__ = ["INDEXED_DIMENSIONS", "Chunk", "Document", "IndexingJob", "KnowledgeBase"]

INDEXED_DIMENSIONS = (384, 1536)
"""The vector sizes with an HNSW index: e5-small's, and text-embedding-3-small's full one."""


class KnowledgeBase(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "knowledge_bases"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    embedding_model: Mapped[str] = mapped_column(String(64), nullable=False)
    dimensions: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, doc="ready, or reembedding while a change of model runs"
    )

    __table_args__ = (
        Index(
            "uq_knowledge_bases_tenant_id_lower_name", "tenant_id", func.lower(name), unique=True
        ),
    )


class Document(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "knowledge_documents"

    knowledge_base_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
        nullable=False,
    )
    kind: Mapped[str] = mapped_column(String(8), nullable=False, doc="file, faq or url")
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    source: Mapped[str | None] = mapped_column(String(2000), doc="the file's name or the URL")
    mime_type: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, doc="pending, indexing, ready or failed"
    )
    error: Mapped[str | None] = mapped_column(Text)
    chunk_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # Up to the whole text of a 10 MB file: read only by the indexing job that asks for it
    # (a list of documents must not carry fifty of them), and loudly refused elsewhere.
    content: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB,
        nullable=False,
        deferred=True,
        deferred_raiseload=True,
        doc='[{"path": ["Heading", "Sub"], "text": "..."}]',
    )

    __table_args__ = (Index("ix_knowledge_documents_base", "tenant_id", "knowledge_base_id", "id"),)


class Chunk(UUIDv7PrimaryKey, TenantScoped, Base):
    __tablename__ = "knowledge_chunks"

    document_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("knowledge_documents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    knowledge_base_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    ordinal: Mapped[int] = mapped_column(Integer, nullable=False)
    heading: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    char_count: Mapped[int] = mapped_column(Integer, nullable=False)
    token_count: Mapped[int] = mapped_column(Integer, nullable=False)
    embedding: Mapped[Any] = mapped_column(Vector(), nullable=True)
    dimensions: Mapped[int | None] = mapped_column(Integer)
    embedding_model: Mapped[str | None] = mapped_column(String(64))
    tsv: Mapped[Any] = mapped_column(
        TSVECTOR,
        Computed("to_tsvector('simple'::regconfig, heading || ' ' || text)", persisted=True),
        nullable=True,
    )

    __table_args__ = (
        Index("ix_knowledge_chunks_base", "tenant_id", "knowledge_base_id"),
        Index("ix_knowledge_chunks_tsv", "tsv", postgresql_using="gin"),
        *(
            Index(
                f"ix_knowledge_chunks_hnsw_{size}",
                text(f"(embedding::vector({size})) vector_cosine_ops"),
                postgresql_using="hnsw",
                postgresql_where=text(f"dimensions = {size}"),
            )
            for size in INDEXED_DIMENSIONS
        ),
    )


class IndexingJob(UUIDv7PrimaryKey, Timestamped, TenantScoped, Base):
    __tablename__ = "knowledge_jobs"

    knowledge_base_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
        nullable=False,
    )
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("knowledge_documents.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False, doc="index, reindex, reembed")
    status: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        doc="pending (chunks not cut yet), running, done, failed or cancelled (replaced)",
    )
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_knowledge_jobs_base", "tenant_id", "knowledge_base_id"),
        Index("ix_knowledge_jobs_document_id", "document_id"),
        # The worker's claim: the unfinished job worked on least recently, without reading
        # finished ones.
        Index(
            "ix_knowledge_jobs_unfinished",
            "updated_at",
            postgresql_where=text("status IN ('pending', 'running')"),
        ),
    )
