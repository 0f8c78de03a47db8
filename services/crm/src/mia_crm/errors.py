"""The crm's errors: problem+json with a stable ``code`` clients can switch on."""

from __future__ import annotations

from typing import Any, ClassVar

from mia_common.errors import AppError

__all__ = [
    "AssigneeInactive",
    "AssigneeUnknown",
    "AssignmentNotAllowed",
    "ContactNotFound",
    "ConversationNotFound",
    "ConversationTaken",
    "CrmError",
    "GatewayUnavailable",
    "IdempotencyKeyReused",
    "NoRecipient",
    "TeamUnknown",
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


class ConversationTaken(CrmError):
    """A bot's reply to a conversation a person holds (never an HTTP answer: the AI
    decisions' consumer drops the reply)."""

    status_code = 409
    title = "Conversation taken"
    code = "conversation_taken"


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


class AssigneeUnknown(CrmError):
    # The gateway says the same for a user of another tenant: it never tells which.
    status_code = 422
    title = "Unknown assignee"
    code = "assignee_unknown"


class AssigneeInactive(CrmError):
    status_code = 422
    title = "Inactive assignee"
    code = "assignee_inactive"


class TeamUnknown(CrmError):
    # Also another tenant's team: the gateway answers for the caller's tenant only.
    status_code = 422
    title = "Unknown team"
    code = "team_unknown"


class GatewayUnavailable(CrmError):
    # An assignment the crm could not check is refused, never made unchecked.
    status_code = 503
    title = "Service unavailable"
    code = "gateway_unavailable"
