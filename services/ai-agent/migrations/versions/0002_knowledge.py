"""Knowledge bases, documents, chunks with their embeddings, indexing jobs.

One HNSW index per supported vector size, each a partial expression index, because the
``embedding`` column is untyped (every model's vectors in one table) and HNSW needs a size.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UUID = postgresql.UUID(as_uuid=True)
_WHEN = sa.DateTime(timezone=True)
_INDEXED_DIMENSIONS = (384, 1536)


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("created_at", _WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _WHEN, server_default=sa.func.now(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("embedding_model", sa.String(64), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_knowledge_bases_tenant_id", "knowledge_bases", ["tenant_id"])
    op.create_index(
        "uq_knowledge_bases_tenant_id_lower_name",
        "knowledge_bases",
        ["tenant_id", sa.text("lower(name)")],
        unique=True,
    )

    op.create_table(
        "knowledge_documents",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column(
            "knowledge_base_id",
            _UUID,
            sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source", sa.String(2000)),
        sa.Column("mime_type", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", postgresql.JSONB(), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_knowledge_documents_tenant_id", "knowledge_documents", ["tenant_id"])
    op.create_index(
        "ix_knowledge_documents_base",
        "knowledge_documents",
        ["tenant_id", "knowledge_base_id", "id"],
    )

    op.create_table(
        "knowledge_chunks",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column(
            "document_id",
            _UUID,
            sa.ForeignKey("knowledge_documents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("knowledge_base_id", _UUID, nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(1000), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("token_count", sa.Integer(), nullable=False),
        sa.Column("embedding", postgresql.base.ischema_names["vector"]()),
        sa.Column("dimensions", sa.Integer()),
        sa.Column("embedding_model", sa.String(64)),
        sa.Column(
            "tsv",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple'::regconfig, heading || ' ' || text)", persisted=True),
        ),
    )
    op.create_index("ix_knowledge_chunks_tenant_id", "knowledge_chunks", ["tenant_id"])
    op.create_index("ix_knowledge_chunks_document_id", "knowledge_chunks", ["document_id"])
    op.create_index(
        "ix_knowledge_chunks_base", "knowledge_chunks", ["tenant_id", "knowledge_base_id"]
    )
    op.create_index("ix_knowledge_chunks_tsv", "knowledge_chunks", ["tsv"], postgresql_using="gin")
    for size in _INDEXED_DIMENSIONS:
        op.execute(
            f"CREATE INDEX ix_knowledge_chunks_hnsw_{size} ON knowledge_chunks USING hnsw"
            f" ((embedding::vector({size})) vector_cosine_ops) WHERE dimensions = {size}"
        )

    op.create_table(
        "knowledge_jobs",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column(
            "knowledge_base_id",
            _UUID,
            sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "document_id", _UUID, sa.ForeignKey("knowledge_documents.id", ondelete="CASCADE")
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("started_at", _WHEN),
        sa.Column("finished_at", _WHEN),
        *_timestamps(),
    )
    op.create_index("ix_knowledge_jobs_tenant_id", "knowledge_jobs", ["tenant_id"])
    op.create_index("ix_knowledge_jobs_base", "knowledge_jobs", ["tenant_id", "knowledge_base_id"])
    op.create_index("ix_knowledge_jobs_document_id", "knowledge_jobs", ["document_id"])
    op.create_index(
        "ix_knowledge_jobs_unfinished",
        "knowledge_jobs",
        ["updated_at"],
        postgresql_where=sa.text("status IN ('pending', 'running')"),
    )


def downgrade() -> None:
    op.drop_table("knowledge_jobs")
    op.drop_table("knowledge_chunks")
    op.drop_table("knowledge_documents")
    op.drop_table("knowledge_bases")
