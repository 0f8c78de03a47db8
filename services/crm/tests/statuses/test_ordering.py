"""The current status only moves forward: pending < accepted < sent < failed < delivered < read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mia_crm.models import Message
from mia_crm.statuses.ordering import StatusReport, record_status

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def outbound(status: str = "pending") -> Message:
    return Message(status=status, status_timeline=[], error_code=None, error_title=None)


def apply(message: Message, *statuses: str) -> Message:
    for minute, status in enumerate(statuses):
        error = {"code": "131026", "title": "Undeliverable"} if status == "failed" else None
        record_status(
            message,
            StatusReport(status=status, occurred_at=T0 + timedelta(minutes=minute), error=error),
        )
    return message


@pytest.mark.parametrize(
    ("arrivals", "final"),
    [
        (["accepted", "sent", "delivered", "read"], "read"),
        (["read", "delivered"], "read"),
        (["delivered", "sent", "accepted"], "delivered"),
        (["accepted", "failed", "sent"], "failed"),
        (["failed", "delivered"], "delivered"),
        (["read", "failed"], "read"),
        (["sent", "deleted"], "sent"),
    ],
)
def test_status_moves_only_forward(arrivals: list[str], final: str) -> None:
    message = apply(outbound(), *arrivals)
    assert message.status == final
    assert [entry["status"] for entry in message.status_timeline] == arrivals


def test_failure_sets_the_error_and_proof_of_delivery_clears_it() -> None:
    message = apply(outbound(), "accepted", "failed")
    assert (message.error_code, message.error_title) == ("131026", "Undeliverable")
    apply(message, "delivered")
    assert (message.status, message.error_code) == ("delivered", None)


def test_a_repeated_receipt_is_recorded_once() -> None:
    message = outbound()
    report = StatusReport(status="delivered", occurred_at=T0)
    assert record_status(message, report) is True
    assert record_status(message, report) is False
    assert len(message.status_timeline) == 1
