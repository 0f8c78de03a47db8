"""Alembic env of campaigns: its models, and its URL from the settings when not given."""

from alembic import context

import mia_campaigns.models  # noqa: F401  (registers every campaigns table)
from mia_campaigns.config import CampaignsSettings
from mia_common.db import Base
from mia_common.db.migrations import run_migrations

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", CampaignsSettings().own_database_url)
run_migrations(Base.metadata)
