"""The tags' errors (problem+json codes)."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["TagNameTaken", "TagNotFound"]


class TagNotFound(CrmError):
    # Also what another tenant's id gets.
    status_code = 404
    title = "Not found"
    code = "tag_not_found"


class TagNameTaken(CrmError):
    """Another tag of the tenant has this name (whatever its case); ``tag_id`` is its id."""

    status_code = 409
    title = "Tag name taken"
    code = "tag_name_taken"
