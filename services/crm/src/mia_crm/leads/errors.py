"""The leads' errors (problem+json codes)."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = [
    "ConversationOfAnotherContact",
    "InvalidNeighbour",
    "LeadNotFound",
    "LostReasonRequired",
    "StalePosition",
    "TagNotFound",
]


class LeadNotFound(CrmError):
    # Also what another tenant's id gets, as a lead or as a move's neighbour.
    status_code = 404
    title = "Not found"
    code = "lead_not_found"


class TagNotFound(CrmError):
    status_code = 404
    title = "Not found"
    code = "tag_not_found"


class StalePosition(CrmError):
    """The board the client saw is not the board any more: the neighbours it named are no
    longer next to each other in that column, or the lead changed (its version). The
    client refetches the column and tries again."""

    status_code = 409
    title = "Stale position"
    code = "stale_position"


class InvalidNeighbour(CrmError):
    """A move naming the lead itself as its own neighbour."""

    status_code = 422
    title = "Invalid neighbour"
    code = "invalid_neighbour"


class LostReasonRequired(CrmError):
    status_code = 422
    title = "Lost reason required"
    code = "lost_reason_required"


class ConversationOfAnotherContact(CrmError):
    status_code = 422
    title = "Conversation of another contact"
    code = "conversation_of_another_contact"
