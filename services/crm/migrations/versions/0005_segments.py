"""saved segments

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
        "segments",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("filter", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by_user_id", sa.UUID(), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_segments_tenant_id_name"),
    )
    op.create_index(op.f("ix_segments_tenant_id"), "segments", ["tenant_id"], unique=False)
    op.create_index(
        "ix_segments_list_order", "segments", ["tenant_id", "created_at", "id"], unique=False
    )
    op.create_index("ix_contacts_tenant_id_id", "contacts", ["tenant_id", "id"], unique=False)
    op.create_index(
        "ix_contact_tags_tag_id_tenant_id_contact_id",
        "contact_tags",
        ["tag_id", "tenant_id", "contact_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_contact_tags_tag_id_tenant_id_contact_id", table_name="contact_tags")
    op.drop_index("ix_contacts_tenant_id_id", table_name="contacts")
    op.drop_index("ix_segments_list_order", table_name="segments")
    op.drop_index(op.f("ix_segments_tenant_id"), table_name="segments")
    op.drop_table("segments")
