"""The storage keys of erased media: a copy in flight when its sender's erasure arrives
deletes what it wrote, and an erased file is never copied again.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_media",
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column(
            "erased_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("storage_key", name=op.f("pk_erased_media")),
    )


def downgrade() -> None:
    op.drop_table("erased_media")
