"""The contacts' own errors (problem+json codes); ``ContactNotFound`` is in mia_crm.errors."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["ContactExists", "ContactIdentifierRequired", "InvalidPhone", "InvalidTimeZone"]


class ContactExists(CrmError):
    """The phone, user id or email is already a contact's: ``contact_id`` is that one."""

    status_code = 409
    title = "Contact exists"
    code = "contact_exists"


class ContactIdentifierRequired(CrmError):
    status_code = 422
    title = "Contact identifier required"
    code = "contact_identifier_required"


class InvalidPhone(CrmError):
    status_code = 422
    title = "Invalid phone number"
    code = "invalid_phone"


class InvalidTimeZone(CrmError):
    status_code = 422
    title = "Invalid time zone"
    code = "invalid_time_zone"
