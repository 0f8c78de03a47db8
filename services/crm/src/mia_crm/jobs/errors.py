"""The jobs API's errors."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = ["JobFinished", "JobNotFound"]


class JobNotFound(CrmError):
    # Also what another tenant's id gets.
    status_code = 404
    title = "Not found"
    code = "job_not_found"


class JobFinished(CrmError):
    status_code = 409
    title = "Job finished"
    code = "job_finished"
