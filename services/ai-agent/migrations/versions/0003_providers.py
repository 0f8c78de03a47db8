"""The tenant's model settings (endpoint, sealed key, prices, budget) and daily usage.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UUID = postgresql.UUID(as_uuid=True)
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "model_settings",
        sa.Column("tenant_id", _UUID, primary_key=True),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("api_key_sealed", sa.Text()),
        sa.Column("api_key_last4", sa.String(4)),
        sa.Column("chat_model", sa.String(200), nullable=False),
        sa.Column("embedding_model", sa.String(200)),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column("input_price_per_million", sa.Numeric(12, 4), nullable=False),
        sa.Column("output_price_per_million", sa.Numeric(12, 4), nullable=False),
        sa.Column("monthly_budget_usd", sa.Numeric(14, 2)),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _WHEN, server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_model_settings_version_positive")),
        sa.CheckConstraint("timeout_seconds > 0", name=op.f("ck_model_settings_timeout_positive")),
    )
    op.create_table(
        "usage_days",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("persona_id", _UUID),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("prompt_tokens", sa.BigInteger(), nullable=False),
        sa.Column("completion_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(18, 8), nullable=False),
        sa.UniqueConstraint(
            "tenant_id",
            "day",
            "persona_id",
            "purpose",
            "model",
            name="uq_usage_days_bucket",
            postgresql_nulls_not_distinct=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("usage_days")
    op.drop_table("model_settings")
