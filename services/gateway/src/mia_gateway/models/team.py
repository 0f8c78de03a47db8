"""A team: a named group of a tenant's users, what a conversation is handed off to.

The crm and the AI agent name a team by id and ask the gateway who is in it
(``GET /internal/v1/teams/{id}``); the gateway owns the groups as it owns the users.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from mia_common.db import Base, Timestamped, UUIDv7PrimaryKey

__all__ = ["Team", "TeamMember"]


class Team(UUIDv7PrimaryKey, Timestamped, Base):
    __tablename__ = "teams"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    description: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        # One "Sales" per tenant whatever its case; the list is ordered by it too, and the
        # index serves every query by tenant.
        Index("uq_teams_tenant_id_lower_name", "tenant_id", func.lower(name), unique=True),
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The INSERT or UPDATE returns created_at/updated_at (the server's now()), so the
        # answer reads them with no lazy load, which an async session cannot do.
        return {"eager_defaults": True}


class TeamMember(Base):
    """One user in one team. Deleting the team or the user removes the row (CASCADE)."""

    __tablename__ = "team_members"

    team_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # The team's tenant, so a query by tenant needs no join (always the user's too: the
    # service only adds users of the team's tenant).
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
