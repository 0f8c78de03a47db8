"""The crm's errors: problem+json with a stable ``code`` clients can switch on."""

from __future__ import annotations

from typing import Any, ClassVar

from mia_common.errors import AppError

__all__ = [
    "AssignmentNotAllowed",
    "ContactNotFound",
    "ConversationNotFound",
    "CrmError",
    "IdempotencyKeyReused",
    "NoRecipient",
    "WindowClosed",
]


class CrmError(AppError):
    code: ClassVar[str] = "crm_error"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, code=self.code, **extra)


class ConversationNotFound(CrmError):
    # Also what another tenant's id gets: a 403 would confirm that the id exists.
    status_code = 404
    title = "Not found"
    code = "conversation_not_found"


class ContactNotFound(CrmError):
    status_code = 404
    title = "Not found"
    code = "contact_not_found"


class WindowClosed(CrmError):
    status_code = 409
    title = "Customer-service window closed"
    code = "window_closed"


class NoRecipient(CrmError):
    status_code = 409
    title = "No recipient"
    code = "no_recipient"


class IdempotencyKeyReused(CrmError):
    status_code = 409
    title = "Idempotency key reused"
    code = "idempotency_key_reused"


class AssignmentNotAllowed(CrmError):
    status_code = 403
    title = "Forbidden"
    code = "assignment_not_allowed"
