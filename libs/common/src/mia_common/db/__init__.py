"""Database plumbing: the declarative base, the engine and the unit of work, Alembic."""

from mia_common.db.base import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_common.db.engine import create_engine, create_session_factory, unit_of_work

__all__ = [
    "Base",
    "TenantScoped",
    "Timestamped",
    "UUIDv7PrimaryKey",
    "create_engine",
    "create_session_factory",
    "unit_of_work",
]
