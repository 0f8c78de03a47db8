"""bulk actions and merge suggestions

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# As in mia_crm.duplicates.ninth_digit (a migration never imports the app).
EIGHT_DIGIT_MOBILE = r"^\+55[1-9][1-9][6-9][0-9]{7}$"


def upgrade() -> None:
    op.create_table(
        "merge_dismissals",
        sa.Column("contact_id", sa.UUID(), nullable=False),
        sa.Column("other_contact_id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("dismissed_by_user_id", sa.UUID(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "contact_id < other_contact_id", name=op.f("ck_merge_dismissals_ordered_pair")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_merge_dismissals_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_contact_id"],
            ["contacts.id"],
            name=op.f("fk_merge_dismissals_other_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", "other_contact_id", name=op.f("pk_merge_dismissals")),
    )
    op.create_index(
        "ix_merge_dismissals_other_contact_id", "merge_dismissals", ["other_contact_id"]
    )
    op.create_index(
        "ix_contacts_tenant_id_lower_email",
        "contacts",
        ["tenant_id", sa.text("lower(email)")],
        postgresql_where=sa.text("email IS NOT NULL"),
    )
    op.create_index(
        "ix_contacts_tenant_id_phone_eight_digit_mobile",
        "contacts",
        ["tenant_id", "phone"],
        postgresql_where=sa.text(f"phone ~ '{EIGHT_DIGIT_MOBILE}'"),
    )
    op.create_table(
        "export_chunks",
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_export_chunks_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "seq", name=op.f("pk_export_chunks")),
    )


def downgrade() -> None:
    op.drop_table("export_chunks")
    op.drop_index("ix_contacts_tenant_id_phone_eight_digit_mobile", table_name="contacts")
    op.drop_index("ix_contacts_tenant_id_lower_email", table_name="contacts")
    op.drop_index("ix_merge_dismissals_other_contact_id", table_name="merge_dismissals")
    op.drop_table("merge_dismissals")
