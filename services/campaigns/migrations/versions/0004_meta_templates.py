"""Library templates submitted to Meta and imported from it: Meta's id and language, when
its status was decided, where the text came from and its variables' mappings.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("templates", sa.Column("meta_language", sa.String(15)))
    op.add_column("templates", sa.Column("meta_template_id", sa.String(64)))
    op.add_column("templates", sa.Column("meta_status_at", sa.DateTime(timezone=True)))
    op.add_column(
        "templates",
        sa.Column("origin", sa.String(16), nullable=False, server_default="library"),
    )
    op.add_column(
        "templates",
        sa.Column(
            "mappings",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'{}'::jsonb"),
        ),
    )
    op.create_index(
        "uq_templates_meta_template",
        "templates",
        ["tenant_id", "channel_account_id", "meta_name", "meta_language"],
        unique=True,
        postgresql_where=sa.text("meta_name IS NOT NULL"),
    )
    op.create_index("ix_templates_meta_template_id", "templates", ["tenant_id", "meta_template_id"])


def downgrade() -> None:
    op.drop_index("ix_templates_meta_template_id", table_name="templates")
    op.drop_index("uq_templates_meta_template", table_name="templates")
    for column in ("mappings", "origin", "meta_status_at", "meta_template_id", "meta_language"):
        op.drop_column("templates", column)
