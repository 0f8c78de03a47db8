"""Channel accounts, send requests, channel alerts, and the outbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from mia_common.outbox.migration import create_outbox_tables, drop_outbox_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    create_outbox_tables()
    op.create_table(
        "channel_accounts",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("phone_number", sa.String(20), nullable=True),
        sa.Column("phone_number_id", sa.String(64), nullable=True),
        sa.Column("waba_id", sa.String(64), nullable=True),
        sa.Column("business_id", sa.String(64), nullable=True),
        sa.Column("access_token_sealed", sa.Text(), nullable=True),
        sa.Column("app_secret_sealed", sa.Text(), nullable=True),
        sa.Column("throughput_per_second", sa.Integer(), nullable=False),
        sa.Column("messaging_tier", sa.String(16), nullable=False),
        sa.Column("sms_provider", sa.String(32), nullable=True),
        sa.Column("account_sid", sa.String(64), nullable=True),
        sa.Column("auth_token_sealed", sa.Text(), nullable=True),
        sa.Column("from_number", sa.String(20), nullable=True),
        sa.Column("messaging_service_sid", sa.String(64), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_updated_at", sa.DateTime(timezone=True), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_accounts")),
    )
    op.create_index(
        op.f("ix_channel_accounts_tenant_id"), "channel_accounts", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_channel_accounts_tenant_id_id", "channel_accounts", ["tenant_id", "id"], unique=False
    )
    op.create_index(
        "uq_channel_accounts_phone_number_id_live",
        "channel_accounts",
        ["phone_number_id"],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL AND phone_number_id IS NOT NULL"),
    )

    op.create_table(
        "sends",
        sa.Column("request_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("channel_account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(20), nullable=True),
        sa.Column("recipient_user_id", sa.String(128), nullable=True),
        sa.Column("recipient_key", sa.String(160), nullable=False),
        sa.Column("content", postgresql.JSONB(), nullable=False),
        sa.Column("reply_to_external_id", sa.String(256), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("origin_ref", sa.Text(), nullable=True),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sending_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_message_id", sa.String(256), nullable=True),
        sa.Column("last_error", postgresql.JSONB(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_sends")),
    )
    op.create_index(
        "ix_sends_due",
        "sends",
        ["channel_account_id", "next_attempt_at", "seq"],
        postgresql_where=sa.text("state = 'queued'"),
    )
    op.create_index(
        "ix_sends_recipient_pending",
        "sends",
        ["channel_account_id", "recipient_key", "seq"],
        postgresql_where=sa.text("state IN ('queued', 'sending')"),
    )
    op.create_index(
        "ix_sends_active_account",
        "sends",
        ["channel_account_id", "state"],
        postgresql_where=sa.text("state IN ('queued', 'sending', 'unknown')"),
    )

    op.create_table(
        "channel_alerts",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("channel_account_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe_key", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_channel_alerts_dedupe_key")),
    )
    op.create_index(
        op.f("ix_channel_alerts_tenant_id"), "channel_alerts", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_channel_alerts_channel_account_id"),
        "channel_alerts",
        ["channel_account_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("channel_alerts")
    op.drop_table("sends")
    op.drop_table("channel_accounts")
    drop_outbox_tables()
