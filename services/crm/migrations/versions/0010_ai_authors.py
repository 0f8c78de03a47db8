"""crm messages and notes written by an AI persona: its id and name, and the ai-agent's run

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("sent_by_persona_id", sa.UUID()))
    op.add_column("messages", sa.Column("sent_by_persona_name", sa.String(120)))
    op.add_column("messages", sa.Column("ai_run_id", sa.UUID()))
    op.alter_column("conversation_notes", "author_user_id", nullable=True)
    op.add_column("conversation_notes", sa.Column("author_persona_name", sa.String(120)))


def downgrade() -> None:
    op.drop_column("conversation_notes", "author_persona_name")
    for column in ("ai_run_id", "sent_by_persona_name", "sent_by_persona_id"):
        op.drop_column("messages", column)
