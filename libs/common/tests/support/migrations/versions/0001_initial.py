"""Outbox tables and the test domain.

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


def _common_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", postgresql.UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now()),
    ]


def upgrade() -> None:
    create_outbox_tables()
    op.create_table(
        "accounts",
        *_common_columns(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
    )
    op.create_table(
        "transfers",
        *_common_columns(),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("transfers")
    op.drop_table("accounts")
    drop_outbox_tables()
