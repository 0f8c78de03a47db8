"""Alembic env of crm: its models, and its URL from the settings when not given."""

from alembic import context

from mia_common.db import Base
from mia_common.db.migrations import run_migrations
from mia_crm.config import CrmSettings
from mia_crm.models import Contact  # noqa: F401  (registers every table)

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", CrmSettings().own_database_url)
run_migrations(Base.metadata)
