"""The template library.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "templates",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("language", sa.String(15), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("header_text", sa.String(60)),
        sa.Column("header_media", postgresql.JSONB()),
        sa.Column("footer", sa.String(60)),
        sa.Column("buttons", postgresql.JSONB(), nullable=False),
        sa.Column("channel_account_id", postgresql.UUID(as_uuid=True)),
        sa.Column("meta_name", sa.String(512)),
        sa.Column("meta_status", sa.String(32)),
        sa.Column("meta_reason", sa.String(1000)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_index("ix_templates_tenant_id", "templates", ["tenant_id"])
    op.create_index(
        "uq_templates_tenant_id_lower_name",
        "templates",
        ["tenant_id", sa.text("lower(name)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_table("templates")
