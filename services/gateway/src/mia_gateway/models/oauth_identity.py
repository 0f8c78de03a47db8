"""A user's account at an OAuth/OIDC provider, linked by verified email."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, Timestamped, UUIDv7PrimaryKey


class OAuthIdentity(UUIDv7PrimaryKey, Timestamped, Base):
    __tablename__ = "oauth_identities"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    provider: Mapped[str] = mapped_column(String(32), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    email: Mapped[str] = mapped_column(String(320), nullable=False)

    __table_args__ = (UniqueConstraint("provider", "subject", name="uq_oauth_identities_subject"),)
