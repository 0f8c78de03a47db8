"""The custom fields' errors (problem+json codes)."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = [
    "CustomFieldInUse",
    "CustomFieldKeyTaken",
    "CustomFieldLimitReached",
    "CustomFieldNotFound",
    "FieldOrderMismatch",
    "InvalidFieldDefinition",
    "InvalidFieldValues",
    "OptionInUse",
]


class CustomFieldNotFound(CrmError):
    # Also what another tenant's id gets.
    status_code = 404
    title = "Not found"
    code = "custom_field_not_found"


class CustomFieldKeyTaken(CrmError):
    status_code = 409
    title = "Key taken"
    code = "custom_field_key_taken"


class CustomFieldInUse(CrmError):
    """A kind change while contacts hold values of the old kind."""

    status_code = 409
    title = "Field in use"
    code = "custom_field_in_use"


class OptionInUse(CrmError):
    status_code = 409
    title = "Option in use"
    code = "option_in_use"


class CustomFieldLimitReached(CrmError):
    status_code = 409
    title = "Too many custom fields"
    code = "custom_field_limit"


class FieldOrderMismatch(CrmError):
    status_code = 422
    title = "Invalid order"
    code = "field_order_mismatch"


class InvalidFieldDefinition(CrmError):
    """Options on a kind that has none, or none on a select (known only with the stored kind)."""

    status_code = 422
    title = "Invalid field definition"
    code = "invalid_field_definition"


class InvalidFieldValues(CrmError):
    """Custom field values that do not fit their definitions: ``field`` names the first,
    ``errors`` each (``loc`` ends with the field's key, as FastAPI's own errors do)."""

    status_code = 422
    title = "Invalid custom field value"
    code = "invalid_field_value"
