"""An enrollment's round: a person enrolled again after their walk ended walks a new round.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The round is part of each step's send request id, so a second walk's sends are new
    # requests to the sender (the first walk's ids stay as they were: round 0).
    op.add_column(
        "cadence_enrollments",
        sa.Column("round", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("cadence_enrollments", "round")
