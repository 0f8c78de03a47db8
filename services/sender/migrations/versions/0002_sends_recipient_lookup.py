"""An erasure finds a person's sends by index: by tenant and recipient key (the number,
else ``user:<id>``), and by tenant and channel user id (sends to a number that also
carried one). Before, each erasure read the tenant's whole send log.

Built CONCURRENTLY: ``sends`` is written on every message and may be large; a plain
CREATE INDEX would hold its writes for the whole build.

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
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_sends_tenant_recipient_key",
            "sends",
            ["tenant_id", "recipient_key"],
            postgresql_concurrently=True,
        )
        op.create_index(
            "ix_sends_tenant_recipient_user_id",
            "sends",
            ["tenant_id", "recipient_user_id"],
            postgresql_where=sa.text("recipient_user_id IS NOT NULL"),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            "ix_sends_tenant_recipient_user_id", table_name="sends", postgresql_concurrently=True
        )
        op.drop_index(
            "ix_sends_tenant_recipient_key", table_name="sends", postgresql_concurrently=True
        )
