"""Errors of exports."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["ExportExpired", "ExportNotFound", "ExportNotReady"]


class ExportNotFound(CrmError):
    status_code = 404
    title = "Not found"
    code = "export_not_found"


class ExportNotReady(CrmError):
    status_code = 409
    title = "Export not ready"
    code = "export_not_ready"


class ExportExpired(CrmError):
    """The export's file is past its retention (``file_retention_days``)."""

    status_code = 410
    title = "Expired"
    code = "export_expired"
