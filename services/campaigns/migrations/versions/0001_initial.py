"""The outbox of campaigns (its own tables come with their features).

Revision ID: 0001
Revises:
"""

from mia_common.outbox.migration import create_outbox_tables, drop_outbox_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_tables()


def downgrade() -> None:
    drop_outbox_tables()
