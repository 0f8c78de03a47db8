"""lead progression: suggestions below the threshold, and each conversation's next reading

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_suggestions",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("persona_id", sa.UUID(), nullable=True),
        sa.Column("run_id", sa.UUID(), nullable=False),
        sa.Column("stage_id", sa.UUID(), nullable=True),
        sa.Column("stage_name", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_user_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_suggestions")),
    )
    op.create_index(
        "ix_lead_suggestions_contact_pending",
        "lead_suggestions",
        ["tenant_id", "contact_id"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        op.f("ix_lead_suggestions_tenant_id"), "lead_suggestions", ["tenant_id"], unique=False
    )
    op.add_column(
        "bot_conversations", sa.Column("lead_due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_bot_conversations_lead_due",
        "bot_conversations",
        ["lead_due_at"],
        unique=False,
        postgresql_where=sa.text("lead_due_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_bot_conversations_lead_due",
        table_name="bot_conversations",
        postgresql_where=sa.text("lead_due_at IS NOT NULL"),
    )
    op.drop_column("bot_conversations", "lead_due_at")
    op.drop_index(op.f("ix_lead_suggestions_tenant_id"), table_name="lead_suggestions")
    op.drop_index(
        "ix_lead_suggestions_contact_pending",
        table_name="lead_suggestions",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("lead_suggestions")
