"""The outbox of the ai-agent, and pgvector (its own tables come with their features).

Revision ID: 0001
Revises:
"""

from alembic import op

from mia_common.outbox.migration import create_outbox_tables, drop_outbox_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS vector")
    create_outbox_tables()


def downgrade() -> None:
    drop_outbox_tables()
