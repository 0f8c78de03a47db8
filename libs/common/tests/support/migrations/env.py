"""Alembic env of the plumbing tests' schema, wired like a service's."""

from mia_common.db.migrations import run_migrations
from support.models import Base

run_migrations(Base.metadata)
