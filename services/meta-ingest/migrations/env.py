"""Alembic env of meta-ingest: its models, and its URL from the settings when not given."""

from alembic import context

import mia_meta_ingest.models  # noqa: F401  (registers the tables)
from mia_common.db import Base
from mia_common.db.migrations import run_migrations
from mia_meta_ingest.config import MetaIngestSettings

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", MetaIngestSettings().own_database_url)
run_migrations(Base.metadata)
