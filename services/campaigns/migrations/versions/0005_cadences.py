"""Cadences (drips) and their enrollments.

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

_UUID = postgresql.UUID(as_uuid=True)
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cadences",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("channel_account_id", _UUID, nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("steps", postgresql.JSONB(), nullable=False),
        sa.Column("business_hours", postgresql.JSONB()),
        sa.Column("stop_on_reply", sa.Boolean(), nullable=False),
        sa.Column("stop_on_stage_change", sa.Boolean(), nullable=False),
        sa.Column("triggers", postgresql.JSONB(), nullable=False),
        sa.Column("created_by_user_id", _UUID, nullable=False),
        sa.Column("created_at", _WHEN, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", _WHEN, server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_cadences_tenant_id", "cadences", ["tenant_id"])
    op.create_index("ix_cadences_tenant_id_id", "cadences", ["tenant_id", "id"])
    op.create_index(
        "ix_cadences_tenant_active",
        "cadences",
        ["tenant_id"],
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "cadence_enrollments",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("cadence_id", _UUID, nullable=False),
        sa.Column("tenant_id", _UUID, nullable=False),
        sa.Column("contact_id", _UUID, nullable=False),
        sa.Column("address", sa.String(32)),
        sa.Column("name", sa.String(256)),
        sa.Column("values", postgresql.JSONB(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("due_at", _WHEN),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("awaiting_request_id", _UUID),
        sa.Column("last_request_id", _UUID),
        sa.Column("reason", sa.String(64)),
        sa.Column("detail", sa.String(1000)),
        sa.Column("replied_at", _WHEN),
        sa.Column("read_at", _WHEN),
        sa.Column("history", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", _WHEN, server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", _WHEN, server_default=sa.text("now()"), nullable=False),
        sa.Column("finished_at", _WHEN),
        sa.UniqueConstraint("cadence_id", "contact_id"),
    )
    op.create_index(
        "ix_cadence_enrollments_due",
        "cadence_enrollments",
        ["due_at"],
        postgresql_where=sa.text("state = 'active'"),
    )
    op.create_index(
        "ix_cadence_enrollments_cadence_state",
        "cadence_enrollments",
        ["cadence_id", "state", "step_index"],
    )
    op.create_index(
        "ix_cadence_enrollments_tenant_contact", "cadence_enrollments", ["tenant_id", "contact_id"]
    )
    op.create_index(
        "ix_cadence_enrollments_tenant_address", "cadence_enrollments", ["tenant_id", "address"]
    )
    op.create_index(
        "ix_cadence_enrollments_awaiting",
        "cadence_enrollments",
        ["awaiting_request_id"],
        postgresql_where=sa.text("awaiting_request_id IS NOT NULL"),
    )
    op.create_index(
        "ix_cadence_enrollments_last_request",
        "cadence_enrollments",
        ["last_request_id"],
        postgresql_where=sa.text("last_request_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_table("cadence_enrollments")
    op.drop_table("cadences")
