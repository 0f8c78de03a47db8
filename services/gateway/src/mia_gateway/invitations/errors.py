"""Why an invitation link no longer works."""

from __future__ import annotations

from mia_common.errors import AppError

__all__ = ["InvitationGone"]


class InvitationGone(AppError):
    status_code = 410
    title = "Invitation no longer valid"
