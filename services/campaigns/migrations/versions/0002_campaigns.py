"""Campaigns and their recipients' ledger.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UUID = postgresql.UUID(as_uuid=True)
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_account_id", _UUID, nullable=False),
        sa.Column("message", postgresql.JSONB(), nullable=False),
        sa.Column("variants", postgresql.JSONB()),
        sa.Column("audience", postgresql.JSONB(), nullable=False),
        sa.Column("in_flight_limit", sa.Integer(), nullable=False),
        sa.Column("rate_per_second", sa.Float()),
        sa.Column("allowance", sa.Float(), nullable=False),
        sa.Column("allowance_at", _TS),
        sa.Column("scheduled_at", _TS),
        sa.Column("frequency_cap_hours", sa.Integer()),
        sa.Column("send_window", postgresql.JSONB()),
        sa.Column("status_reason", sa.String(64)),
        sa.Column("status_detail", sa.String(1000)),
        sa.Column("created_by_user_id", _UUID),
        sa.Column("launched_at", _TS),
        sa.Column("started_at", _TS),
        sa.Column("finished_at", _TS),
        sa.Column("created_at", _TS, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _TS, server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_campaigns_tenant_id", "campaigns", ["tenant_id"])
    op.create_index("ix_campaigns_tenant_id_id", "campaigns", ["tenant_id", "id"])
    op.create_index(
        "ix_campaigns_active",
        "campaigns",
        ["status", "scheduled_at"],
        postgresql_where=sa.text("status IN ('running', 'scheduled')"),
    )
    op.create_table(
        "campaign_recipients",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("campaign_id", _UUID, nullable=False),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("contact_id", _UUID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(32)),
        sa.Column("name", sa.String(256)),
        sa.Column("values", postgresql.JSONB(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64)),
        sa.Column("detail", sa.String(1000)),
        sa.Column("variant", sa.SmallInteger()),
        sa.Column("external_message_id", sa.String(256)),
        sa.Column("requested_at", _TS),
        sa.Column("updated_at", _TS, server_default=sa.text("now()"), nullable=False),
        sa.UniqueConstraint("campaign_id", "contact_id"),
    )
    op.create_index(
        "ix_campaign_recipients_campaign_state_seq",
        "campaign_recipients",
        ["campaign_id", "state", "seq"],
    )
    op.create_index(
        "ix_campaign_recipients_external_message_id",
        "campaign_recipients",
        ["external_message_id"],
        postgresql_where=sa.text("external_message_id IS NOT NULL"),
    )
    op.create_index(
        "ix_campaign_recipients_tenant_contact", "campaign_recipients", ["tenant_id", "contact_id"]
    )
    op.create_index(
        "ix_campaign_recipients_tenant_address", "campaign_recipients", ["tenant_id", "address"]
    )


def downgrade() -> None:
    op.drop_table("campaign_recipients")
    op.drop_table("campaigns")
