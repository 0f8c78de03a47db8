"""The events meta-ingest's consumers have applied (``claim_event``): an erasure's
deletions are done once.

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


def upgrade() -> None:
    # The table of mia_common.outbox's ProcessedEvent, as create_outbox_tables() makes it
    # (meta-ingest publishes straight to Kafka: it has no outbox).
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column(
            "processed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_processed_events"),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
