"""crm retention: import and export files expire; tags and fields are deleted by a job

``import_files.purged_at``: when the retention sweep deleted an import's chunks and
rejections (with a partial index on the imports still holding them, all the sweep reads).
``tags.deletion_job_id`` / ``custom_fields.deletion_job_id``: the job deleting the tag or
field; while set, reads leave it out (partial indexes: the few being deleted).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_files", sa.Column("purged_at", sa.DateTime(timezone=True)))
    op.create_index(
        "ix_import_files_unpurged",
        "import_files",
        ["created_at"],
        postgresql_where=sa.text("purged_at IS NULL"),
    )
    for table in ("tags", "custom_fields"):
        op.add_column(table, sa.Column("deletion_job_id", sa.UUID()))
        op.create_index(
            f"ix_{table}_deletion_job_id",
            table,
            ["deletion_job_id"],
            postgresql_where=sa.text("deletion_job_id IS NOT NULL"),
        )


def downgrade() -> None:
    for table in ("custom_fields", "tags"):
        op.drop_index(f"ix_{table}_deletion_job_id", table_name=table)
        op.drop_column(table, "deletion_job_id")
    op.drop_index("ix_import_files_unpurged", table_name="import_files")
    op.drop_column("import_files", "purged_at")
