"""tags, custom fields, the contact profile (owner, lifecycle, language, time zone, activity)

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


def upgrade() -> None:
    op.add_column("contacts", sa.Column("owner_user_id", sa.UUID(), nullable=True))
    op.add_column("contacts", sa.Column("lifecycle_stage", sa.String(length=32), nullable=True))
    op.add_column("contacts", sa.Column("source", sa.String(length=64), nullable=True))
    op.add_column("contacts", sa.Column("language", sa.String(length=35), nullable=True))
    op.add_column("contacts", sa.Column("time_zone", sa.String(length=64), nullable=True))
    op.add_column(
        "contacts", sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "contacts", sa.Column("last_outbound_at", sa.DateTime(timezone=True), nullable=True)
    )
    # A constant default: PostgreSQL adds the column without rewriting the table.
    op.add_column(
        "contacts",
        sa.Column(
            "fields",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_index(
        "ix_contacts_list_order", "contacts", ["tenant_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "ix_contacts_tenant_id_owner_user_id",
        "contacts",
        ["tenant_id", "owner_user_id"],
        unique=False,
    )
    op.create_index(
        "ix_contacts_tenant_id_lifecycle_stage",
        "contacts",
        ["tenant_id", "lifecycle_stage"],
        unique=False,
    )
    op.create_index(
        "ix_contacts_tenant_id_last_inbound_at",
        "contacts",
        ["tenant_id", "last_inbound_at"],
        unique=False,
    )
    op.create_index(
        "ix_contacts_fields",
        "contacts",
        ["fields"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"fields": "jsonb_path_ops"},
    )

    op.create_table(
        "tags",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
    )
    op.create_index(op.f("ix_tags_tenant_id"), "tags", ["tenant_id"], unique=False)
    op.create_index(
        "uq_tags_tenant_id_lower_name",
        "tags",
        ["tenant_id", sa.text("lower(name)")],
        unique=True,
    )
    op.create_table(
        "contact_tags",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("tag_id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_tags_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_contact_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "tag_id", name=op.f("pk_contact_tags")),
    )
    op.create_index(
        "ix_contact_tags_tag_id_contact_id", "contact_tags", ["tag_id", "contact_id"], unique=False
    )

    op.create_table(
        "custom_fields",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_fields")),
        sa.UniqueConstraint("tenant_id", "key", name="uq_custom_fields_tenant_id_key"),
    )
    op.create_index(
        op.f("ix_custom_fields_tenant_id"), "custom_fields", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_custom_fields_tenant_id"), table_name="custom_fields")
    op.drop_table("custom_fields")
    op.drop_index("ix_contact_tags_tag_id_contact_id", table_name="contact_tags")
    op.drop_table("contact_tags")
    op.drop_index("uq_tags_tenant_id_lower_name", table_name="tags")
    op.drop_index(op.f("ix_tags_tenant_id"), table_name="tags")
    op.drop_table("tags")
    op.drop_index(
        "ix_contacts_fields",
        table_name="contacts",
        postgresql_using="gin",
        postgresql_ops={"fields": "jsonb_path_ops"},
    )
    op.drop_index("ix_contacts_tenant_id_last_inbound_at", table_name="contacts")
    op.drop_index("ix_contacts_tenant_id_lifecycle_stage", table_name="contacts")
    op.drop_index("ix_contacts_tenant_id_owner_user_id", table_name="contacts")
    op.drop_index("ix_contacts_list_order", table_name="contacts")
    for column in (
        "fields",
        "last_outbound_at",
        "last_inbound_at",
        "time_zone",
        "language",
        "source",
        "lifecycle_stage",
        "owner_user_id",
    ):
        op.drop_column("contacts", column)
