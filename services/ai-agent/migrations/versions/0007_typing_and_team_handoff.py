"""the customer's message each scheduled answer is for (the typing indicator is shown
against it), and the team a persona hands conversations to

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "scheduled_replies",
        sa.Column("in_reply_to_message_id", postgresql.UUID(as_uuid=True), nullable=True),
    )
    op.add_column(
        "personas", sa.Column("handoff_team_id", postgresql.UUID(as_uuid=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("personas", "handoff_team_id")
    op.drop_column("scheduled_replies", "in_reply_to_message_id")
