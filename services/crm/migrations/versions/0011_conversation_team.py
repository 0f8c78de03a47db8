"""A conversation's team: the gateway's team it is assigned to (no user needed)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("assigned_team_id", sa.Uuid(), nullable=True))
    # Partial: every existing conversation has no team, so the index starts empty.
    op.create_index(
        "ix_conversations_team_inbox_order",
        "conversations",
        ["tenant_id", "assigned_team_id", "last_message_at", "id"],
        postgresql_where=sa.text("assigned_team_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_conversations_team_inbox_order", table_name="conversations")
    op.drop_column("conversations", "assigned_team_id")
