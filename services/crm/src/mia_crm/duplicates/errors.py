"""Errors of merge suggestions and merges."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["SameContact"]


class SameContact(CrmError):
    status_code = 422
    title = "Same contact"
    code = "same_contact"
