"""Alembic env of meta-ingest: its models, and its URL from the settings when not given."""

from alembic import context

from mia_common.db import Base
from mia_common.db.migrations import run_migrations
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.models import ChannelAccount  # noqa: F401  (registers the table)

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", MetaIngestSettings().own_database_url)
run_migrations(Base.metadata)
