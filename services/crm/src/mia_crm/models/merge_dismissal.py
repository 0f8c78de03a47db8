"""A merge suggestion a person dismissed: these two contacts are not one person.

Kept per pair (the smaller id first, so a pair has one row whichever way it was named);
both ids cascade, so a pair disappears with either contact. Also here: the indexes on
``contacts`` the duplicate suggestions read (kept with their only reader, so the contact
model stays the profile's).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base
from mia_crm.duplicates.ninth_digit import EIGHT_DIGIT_MOBILE
from mia_crm.models.contact import Contact

__all__ = ["MergeDismissal"]


class MergeDismissal(Base):
    __tablename__ = "merge_dismissals"

    contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    other_contact_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), nullable=False)
    dismissed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    __table_args__ = (
        CheckConstraint("contact_id < other_contact_id", name="ordered_pair"),
        # The cascade from a deleted contact finds its rows on either side.
        Index("ix_merge_dismissals_other_contact_id", "other_contact_id"),
    )


# Same email, case-insensitively: the suggestions join contacts on it, per tenant.
Index(
    "ix_contacts_tenant_id_lower_email",
    Contact.tenant_id,
    func.lower(Contact.email),
    postgresql_where=Contact.email.is_not(None),
)
# Eight-digit Brazilian mobiles (few, and fewer every year): the suggestions read each one's
# nine-digit twin through the (tenant_id, phone) unique index.
Index(
    "ix_contacts_tenant_id_phone_eight_digit_mobile",
    Contact.tenant_id,
    Contact.phone,
    postgresql_where=text(f"phone ~ '{EIGHT_DIGIT_MOBILE}'"),
)
