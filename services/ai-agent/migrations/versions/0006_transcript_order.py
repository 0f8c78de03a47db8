"""the bot's transcript in the order it learnt the thread (learned_at), not by message time

A customer's time is Meta's, in whole seconds: a message written in the second the bot's
reply went out sorted before that reply, and the turn found nothing to answer.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "bot_transcript",
        sa.Column(
            "learned_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
    )
    op.drop_index("ix_bot_transcript_conversation", table_name="bot_transcript")
    op.create_index(
        "ix_bot_transcript_learned", "bot_transcript", ["conversation_id", "learned_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_bot_transcript_learned", table_name="bot_transcript")
    op.create_index("ix_bot_transcript_conversation", "bot_transcript", ["conversation_id", "at"])
    op.drop_column("bot_transcript", "learned_at")
