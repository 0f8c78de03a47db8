"""The sealed access token of each account, for downloading inbound media.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("channel_accounts", sa.Column("access_token_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("channel_accounts", "access_token_sealed")
