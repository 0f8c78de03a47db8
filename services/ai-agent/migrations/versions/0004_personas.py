"""personas, and the bot in conversations: its state, transcript, runs and scheduled replies.

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
    op.create_table(
        "ai_runs",
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("persona_id", sa.UUID(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("sources", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tool_calls", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_runs")),
    )
    op.create_index("ix_ai_runs_conversation", "ai_runs", ["conversation_id", "id"], unique=False)
    op.create_index(op.f("ix_ai_runs_tenant_id"), "ai_runs", ["tenant_id"], unique=False)
    op.create_index("ix_ai_runs_tenant_id_id", "ai_runs", ["tenant_id", "id"], unique=False)
    op.create_table(
        "bot_conversations",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("channel_account_id", sa.UUID(), nullable=False),
        sa.Column("persona_id", sa.UUID(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("handoff_reason", sa.String(length=32), nullable=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("assigned_user_id", sa.UUID(), nullable=True),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("pending_message_id", sa.UUID(), nullable=True),
        sa.Column("pending_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_id", sa.UUID(), nullable=True),
        sa.Column("answered_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_bot_conversations")),
    )
    op.create_index(
        "ix_bot_conversations_due",
        "bot_conversations",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("due_at IS NOT NULL"),
    )
    op.create_index(
        op.f("ix_bot_conversations_tenant_id"), "bot_conversations", ["tenant_id"], unique=False
    )
    op.create_table(
        "bot_transcript",
        sa.Column("message_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_bot_transcript")),
    )
    op.create_index(
        "ix_bot_transcript_conversation", "bot_transcript", ["conversation_id", "at"], unique=False
    )
    op.create_index(
        op.f("ix_bot_transcript_tenant_id"), "bot_transcript", ["tenant_id"], unique=False
    )
    op.create_table(
        "personas",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column("tone", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("guidelines", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("refused_topics", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("never_promise", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("channel_account_ids", postgresql.ARRAY(sa.UUID()), nullable=False),
        sa.Column("knowledge_base_ids", postgresql.ARRAY(sa.UUID()), nullable=False),
        sa.Column("business_hours", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("after_hours", sa.String(length=16), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("temperature", sa.Float(), nullable=False),
        sa.Column("answer_threshold", sa.Float(), nullable=False),
        sa.Column("debounce_seconds", sa.Float(), nullable=False),
        sa.Column("min_delay_seconds", sa.Float(), nullable=False),
        sa.Column("max_delay_seconds", sa.Float(), nullable=False),
        sa.Column("max_turns", sa.Integer(), nullable=False),
        sa.Column("human_pause_minutes", sa.Integer(), nullable=False),
        sa.Column("handoff_user_id", sa.UUID(), nullable=True),
        sa.Column("handoff_message", sa.Text(), nullable=True),
        sa.Column("after_hours_message", sa.Text(), nullable=True),
        sa.Column("lead_threshold", sa.Float(), nullable=False),
        sa.Column("stage_rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.UUID(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personas")),
    )
    op.create_index(
        "ix_personas_channel_accounts",
        "personas",
        ["channel_account_ids"],
        unique=False,
        postgresql_using="gin",
        postgresql_where=sa.text("enabled AND deleted_at IS NULL"),
    )
    op.create_index(op.f("ix_personas_tenant_id"), "personas", ["tenant_id"], unique=False)
    op.create_index("ix_personas_tenant_id_id", "personas", ["tenant_id", "id"], unique=False)
    op.create_table(
        "scheduled_replies",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("run_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ai_runs.id"],
            name=op.f("fk_scheduled_replies_run_id_ai_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_replies")),
    )
    op.create_index(
        "ix_scheduled_replies_conversation", "scheduled_replies", ["conversation_id"], unique=False
    )
    op.create_index(
        "ix_scheduled_replies_due",
        "scheduled_replies",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.create_index(
        op.f("ix_scheduled_replies_tenant_id"), "scheduled_replies", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_scheduled_replies_tenant_id"), table_name="scheduled_replies")
    op.drop_index(
        "ix_scheduled_replies_due",
        table_name="scheduled_replies",
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.drop_index("ix_scheduled_replies_conversation", table_name="scheduled_replies")
    op.drop_table("scheduled_replies")
    op.drop_index("ix_personas_tenant_id_id", table_name="personas")
    op.drop_index(op.f("ix_personas_tenant_id"), table_name="personas")
    op.drop_index(
        "ix_personas_channel_accounts",
        table_name="personas",
        postgresql_using="gin",
        postgresql_where=sa.text("enabled AND deleted_at IS NULL"),
    )
    op.drop_table("personas")
    op.drop_index(op.f("ix_bot_transcript_tenant_id"), table_name="bot_transcript")
    op.drop_index("ix_bot_transcript_conversation", table_name="bot_transcript")
    op.drop_table("bot_transcript")
    op.drop_index(op.f("ix_bot_conversations_tenant_id"), table_name="bot_conversations")
    op.drop_index(
        "ix_bot_conversations_due",
        table_name="bot_conversations",
        postgresql_where=sa.text("due_at IS NOT NULL"),
    )
    op.drop_table("bot_conversations")
    op.drop_index("ix_ai_runs_tenant_id_id", table_name="ai_runs")
    op.drop_index(op.f("ix_ai_runs_tenant_id"), table_name="ai_runs")
    op.drop_index("ix_ai_runs_conversation", table_name="ai_runs")
    op.drop_table("ai_runs")
