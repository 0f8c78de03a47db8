"""The segments' errors."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = [
    "FilterInvalid",
    "FilterTooLarge",
    "MemberSelectionInvalid",
    "SegmentNameTaken",
    "SegmentNotFound",
    "TooManyMemberIds",
    "UnknownMemberField",
]


class SegmentNotFound(CrmError):
    # Also what another tenant's segment id gets.
    status_code = 404
    title = "Not found"
    code = "segment_not_found"


class FilterInvalid(CrmError):
    """The filter is well formed but names what the tenant does not have (a tag, a field, a
    stage; another tenant's look the same as none) or uses an operator or a value its field's
    kind does not take. ``path`` says where: ``filter.all[2].value``."""

    status_code = 422
    title = "Invalid filter"
    code = "segment_filter_invalid"


class FilterTooLarge(CrmError):
    """Deeper or with more conditions than ``filters.MAX_DEPTH`` / ``MAX_CONDITIONS``."""

    status_code = 422
    title = "Filter too large"
    code = "segment_filter_too_large"


class SegmentNameTaken(CrmError):
    status_code = 409
    title = "Segment name taken"
    code = "segment_name_taken"


class UnknownMemberField(CrmError):
    """``fields=`` of the member stream names a key the tenant has no custom field for."""

    status_code = 422
    title = "Unknown field"
    code = "segment_unknown_field"


class MemberSelectionInvalid(CrmError):
    """The member stream's body has both ``filter`` and ``contact_ids``, or neither."""

    status_code = 422
    title = "Invalid member selection"
    code = "members_selection_invalid"


class TooManyMemberIds(CrmError):
    """``contact_ids`` of the member stream lists more ids than ``limit``."""

    status_code = 422
    title = "Too many contact ids"
    code = "members_too_many_contact_ids"
