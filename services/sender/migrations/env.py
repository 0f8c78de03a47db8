"""Alembic env of the sender: its models, and its URL from the settings when not given."""

from alembic import context

from mia_common.db import Base
from mia_common.db.migrations import run_migrations
from mia_common.outbox import OutboxEvent, ProcessedEvent  # noqa: F401  (registers the tables)
from mia_sender.config import SenderSettings
from mia_sender.models import ChannelAccount, ChannelAlertRecord, Send  # noqa: F401

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", SenderSettings().own_database_url)
run_migrations(Base.metadata)
