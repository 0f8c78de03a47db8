"""Errors of bulk actions."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["BulkActionNotAllowed"]


class BulkActionNotAllowed(CrmError):
    status_code = 403
    title = "Forbidden"
    code = "bulk_action_not_allowed"
