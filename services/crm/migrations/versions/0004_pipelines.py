"""pipelines, stages, leads and their stage history

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


def _timestamps() -> list[sa.Column]:
    return [
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
    ]


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_pipelines_tenant_id_name"),
    )
    op.create_index(op.f("ix_pipelines_tenant_id"), "pipelines", ["tenant_id"], unique=False)
    op.create_index(
        "ix_pipelines_tenant_order", "pipelines", ["tenant_id", "created_at", "id"], unique=False
    )

    op.create_table(
        "pipeline_stages",
        sa.Column("pipeline_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("probability", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("rotting_days", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "probability BETWEEN 0 AND 100", name=op.f("ck_pipeline_stages_probability_range")
        ),
        sa.CheckConstraint(
            "kind IN ('open', 'won', 'lost')", name=op.f("ck_pipeline_stages_kind_known")
        ),
        sa.CheckConstraint(
            "rotting_days IS NULL OR rotting_days > 0",
            name=op.f("ck_pipeline_stages_rotting_days_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"],
            ["pipelines.id"],
            name=op.f("fk_pipeline_stages_pipeline_id_pipelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_stages")),
        sa.UniqueConstraint("pipeline_id", "id", name="uq_pipeline_stages_pipeline_id_id"),
    )
    op.create_index(
        op.f("ix_pipeline_stages_tenant_id"), "pipeline_stages", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_pipeline_stages_pipeline_order",
        "pipeline_stages",
        ["pipeline_id", "position"],
        unique=False,
    )

    op.create_table(
        "leads",
        sa.Column("pipeline_id", sa.UUID(), nullable=False),
        sa.Column("stage_id", sa.UUID(), nullable=False),
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("owner_user_id", sa.UUID(), nullable=True),
        sa.Column("expected_close_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column(
            "fields",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("lost_reason", sa.String(length=500), nullable=True),
        sa.Column(
            "stage_entered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("position", sa.String(length=128, collation="C"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        *_timestamps(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_leads_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_leads_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_leads_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id"], ["pipelines.id"], name="fk_leads_pipeline_id_pipelines"
        ),
        sa.ForeignKeyConstraint(
            ["pipeline_id", "stage_id"],
            ["pipeline_stages.pipeline_id", "pipeline_stages.id"],
            name="fk_leads_stage_pipeline_stages",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint(
            "tenant_id",
            "stage_id",
            "position",
            name="uq_leads_column_position",
            deferrable=True,
            initially="IMMEDIATE",
        ),
    )
    op.create_index(op.f("ix_leads_tenant_id"), "leads", ["tenant_id"], unique=False)
    op.create_index("ix_leads_contact_id", "leads", ["contact_id"], unique=False)
    op.create_index("ix_leads_conversation_id", "leads", ["conversation_id"], unique=False)
    op.create_index(
        "ix_leads_tenant_pipeline_created",
        "leads",
        ["tenant_id", "pipeline_id", "created_at", "id"],
        unique=False,
    )
    op.create_index("ix_leads_tenant_owner", "leads", ["tenant_id", "owner_user_id"], unique=False)
    op.create_index(
        "ix_leads_title_trgm",
        "leads",
        ["title"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"title": "gin_trgm_ops"},
    )

    op.create_table(
        "lead_tags",
        sa.Column("lead_id", sa.UUID(), nullable=False),
        sa.Column("tag_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_tags_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_lead_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("lead_id", "tag_id", name=op.f("pk_lead_tags")),
    )
    op.create_index(op.f("ix_lead_tags_tenant_id"), "lead_tags", ["tenant_id"], unique=False)
    op.create_index("ix_lead_tags_tag_id_lead_id", "lead_tags", ["tag_id", "lead_id"], unique=False)

    op.create_table(
        "lead_stage_changes",
        sa.Column("lead_id", sa.UUID(), nullable=False),
        sa.Column("from_stage_id", sa.UUID(), nullable=True),
        sa.Column("to_stage_id", sa.UUID(), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_user_id", sa.UUID(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.CheckConstraint(
            "actor_kind IN ('user', 'agent', 'automation')",
            name=op.f("ck_lead_stage_changes_actor_kind_known"),
        ),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 0 AND 1",
            name=op.f("ck_lead_stage_changes_confidence_range"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"],
            ["leads.id"],
            name=op.f("fk_lead_stage_changes_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_stage_changes")),
    )
    op.create_index(
        op.f("ix_lead_stage_changes_tenant_id"), "lead_stage_changes", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_lead_stage_changes_lead_order",
        "lead_stage_changes",
        ["lead_id", "at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("lead_stage_changes")
    op.drop_table("lead_tags")
    op.drop_table("leads")
    op.drop_table("pipeline_stages")
    op.drop_table("pipelines")
