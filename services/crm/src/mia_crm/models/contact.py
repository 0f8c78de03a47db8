"""A contact: one customer of a tenant, known by a phone number, a channel user id, or both."""

from __future__ import annotations

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_crm.models.server_values import ReturnsServerValues

__all__ = ["Contact"]


class Contact(UUIDv7PrimaryKey, Timestamped, TenantScoped, ReturnsServerValues, Base):
    __tablename__ = "contacts"

    name: Mapped[str | None] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(16), doc="E.164")
    # Meta's business-scoped user id (BSUID), sent instead of the phone number for users
    # who hide it behind a username; the API calls it the contact's ``user_id``.
    channel_user_id: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str | None] = mapped_column(String(320))

    __table_args__ = (
        # NULLs are distinct in a unique constraint: many contacts may lack either id.
        UniqueConstraint("tenant_id", "phone", name="uq_contacts_tenant_id_phone"),
        UniqueConstraint(
            "tenant_id", "channel_user_id", name="uq_contacts_tenant_id_channel_user_id"
        ),
        # Trigram indexes serve the inbox's and the contact list's ILIKE '%q%' searches.
        Index(
            "ix_contacts_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index(
            "ix_contacts_phone_trgm",
            "phone",
            postgresql_using="gin",
            postgresql_ops={"phone": "gin_trgm_ops"},
        ),
    )
