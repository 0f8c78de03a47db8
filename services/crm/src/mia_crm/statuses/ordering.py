"""How an outbound message's current status moves as outcomes and receipts arrive.

Receipts arrive late, twice, and out of order (a "read" may overtake its "delivered"; a
status may overtake the send outcome, which travels on another topic). Every report is
kept in the message's timeline; the current status moves **only forward** along

    pending < accepted < sent < failed < delivered < read

- ``pending``: we asked the sender; ``accepted``: the channel took it (send outcome);
  ``sent`` / ``delivered`` / ``read``: the channel's receipts.
- ``failed`` ends the sending path: nothing before it (a late ``accepted`` or ``sent``)
  moves it back. Only proof that the customer has the message does: a later
  ``delivered`` or ``read`` wins, and the error fields are cleared (the timeline still
  shows the failure).
- A ``failed`` after ``delivered`` or ``read`` is recorded but does not change the status.
- A late ``delivered`` never overwrites ``read``; a repeated status changes nothing.
- ``deleted`` (the customer deleted the message) and anything unknown go in the timeline
  only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from mia_crm.models import Message

__all__ = ["DeliveryStatus", "StatusReport", "record_status"]


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    SENT = "sent"
    FAILED = "failed"
    DELIVERED = "delivered"
    READ = "read"


_RANK: dict[str, int] = {status.value: rank for rank, status in enumerate(DeliveryStatus)}


@dataclass(frozen=True, slots=True)
class StatusReport:
    """One status as reported: by the sender (outcome) or by the channel (receipt)."""

    status: str
    occurred_at: datetime
    error: dict[str, Any] | None = None

    def as_entry(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "occurred_at": self.occurred_at.isoformat(),
            "error": self.error,
        }


def record_status(message: Message, report: StatusReport) -> bool:
    """Add ``report`` to the message's timeline and move its status if it is ahead.

    Returns whether the current status changed. A report already in the timeline (same
    status, same time: a redelivered receipt) is not added again.
    """
    entry = report.as_entry()
    if not any(
        existing.get("status") == entry["status"]
        and existing.get("occurred_at") == entry["occurred_at"]
        for existing in message.status_timeline
    ):
        # A new list: JSONB columns notice reassignment, not in-place mutation.
        message.status_timeline = [*message.status_timeline, entry]
    if not _moves_forward(message.status, report.status):
        return False
    message.status = report.status
    if report.status == DeliveryStatus.FAILED:
        error = report.error or {}
        message.error_code = str(error.get("code") or "")[:32] or None
        message.error_title = str(error.get("title") or "")[:512] or None
    else:
        message.error_code = None
        message.error_title = None
    return True


def _moves_forward(current: str | None, reported: str) -> bool:
    if reported not in _RANK:
        return False
    if current is None or current not in _RANK:
        return True
    return _RANK[reported] > _RANK[current]
