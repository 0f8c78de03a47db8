"""Alembic env of the ai-agent: its models, and its URL from the settings when not given."""

from alembic import context

import mia_ai_agent.models  # noqa: F401  (registers every ai-agent table)
from mia_ai_agent.config import AiAgentSettings
from mia_common.db import Base
from mia_common.db.migrations import run_migrations

if not context.config.get_main_option("sqlalchemy.url"):
    context.config.set_main_option("sqlalchemy.url", AiAgentSettings().own_database_url)
run_migrations(Base.metadata)
