"""the consent ledger, per-tenant crm settings (default country, consent rules, keywords)

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


def upgrade() -> None:
    op.create_table(
        "crm_settings",
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column(
            "default_country", sa.String(length=2), server_default=sa.text("'BR'"), nullable=False
        ),
        sa.Column(
            "marketing_requires_consent",
            sa.Boolean(),
            server_default=sa.text("true"),
            nullable=False,
        ),
        sa.Column("opt_out_keywords", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("opt_in_keywords", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("opt_out_reply", sa.Text(), nullable=True),
        sa.Column("opt_in_reply", sa.Text(), nullable=True),
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
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_crm_settings")),
    )
    op.create_table(
        "contact_consents",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.UUID(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_consents_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "channel", name=op.f("pk_contact_consents")),
    )
    op.create_index(
        "ix_contact_consents_audience",
        "contact_consents",
        ["tenant_id", "channel", "status", "contact_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_contact_consents_tenant_id"), "contact_consents", ["tenant_id"], unique=False
    )
    op.create_table(
        "consent_events",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.UUID(), nullable=True),
        sa.Column("actor_api_key_id", sa.UUID(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_consent_events_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index(
        "ix_consent_events_history",
        "consent_events",
        ["contact_id", "occurred_at", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_consent_events_tenant_id"), "consent_events", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_events_tenant_id"), table_name="consent_events")
    op.drop_index("ix_consent_events_history", table_name="consent_events")
    op.drop_table("consent_events")
    op.drop_index(op.f("ix_contact_consents_tenant_id"), table_name="contact_consents")
    op.drop_index("ix_contact_consents_audience", table_name="contact_consents")
    op.drop_table("contact_consents")
    op.drop_table("crm_settings")
