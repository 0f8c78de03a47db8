"""Ending a send: its terminal state and its outcome on ``messages.outcome.v1``, together.

The outcome goes to the outbox in the transaction that moves the send to 'accepted' or
'failed', so an outcome exists exactly when the send ended. The functions here build the
outcome events; the transaction collects them and stages them with one ``add_events``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from mia_common.contracts import (
    Channel,
    ChannelError,
    SendOrigin,
    SendOutcome,
    SendRequest,
    SendResult,
)
from mia_common.outbox import StagedEvent
from mia_sender.events import SenderEvents
from mia_sender.metrics import SENDS
from mia_sender.models import Send, SendState

__all__ = ["EndedSend", "mark_failed", "outcome_event", "outcome_of", "request_of"]


class EndedSend(Protocol):
    """What an outcome is made of: a ``Send`` row, or a row of the ``OUTCOME_COLUMNS``
    a batch UPDATE returned (``repository``)."""

    @property
    def request_id(self) -> Any: ...
    @property
    def tenant_id(self) -> Any: ...
    @property
    def channel(self) -> str: ...
    @property
    def channel_account_id(self) -> Any: ...
    @property
    def recipient(self) -> str | None: ...
    @property
    def recipient_user_id(self) -> str | None: ...
    @property
    def state(self) -> str: ...
    @property
    def external_message_id(self) -> str | None: ...
    @property
    def last_error(self) -> dict[str, Any] | None: ...
    @property
    def attempts(self) -> int: ...
    @property
    def origin(self) -> str: ...
    @property
    def origin_ref(self) -> str | None: ...
    @property
    def finished_at(self) -> datetime | None: ...


def request_of(send: Send) -> SendRequest:
    """The send request as it arrived (what the provider client takes)."""
    return SendRequest.model_validate(
        {
            "request_id": send.request_id,
            "channel": send.channel,
            "channel_account_id": send.channel_account_id,
            "to": send.recipient,
            "to_user_id": send.recipient_user_id,
            "content": send.content,
            "origin": send.origin,
            "origin_ref": send.origin_ref,
            "reply_to_external_id": send.reply_to_external_id,
            "not_after": send.not_after,
        }
    )


def outcome_of(send: EndedSend) -> SendOutcome:
    accepted = send.state == SendState.ACCEPTED.value
    return SendOutcome(
        request_id=send.request_id,
        channel=Channel(send.channel),
        channel_account_id=send.channel_account_id,
        to=send.recipient,
        to_user_id=send.recipient_user_id,
        result=SendResult.ACCEPTED if accepted else SendResult.FAILED,
        external_message_id=send.external_message_id if accepted else None,
        error=None if accepted or send.last_error is None else ChannelError(**send.last_error),
        attempts=send.attempts,
        origin=SendOrigin(send.origin),
        origin_ref=send.origin_ref,
        occurred_at=send.finished_at or datetime.now(UTC),
    )


def outcome_event(events: SenderEvents, send: EndedSend) -> StagedEvent:
    """The outcome of a send already moved to its terminal state, counted in the metrics."""
    outcome = outcome_of(send)
    code = outcome.error.code if outcome.error is not None else ""
    SENDS.labels(send.channel, outcome.result.value, code).inc()
    return events.outcome(tenant_id=send.tenant_id, outcome=outcome)


def mark_failed(events: SenderEvents, send: Send, error: ChannelError) -> StagedEvent:
    """Fail a send the transaction holds locked (flushed with the transaction); its
    outcome, for the caller to stage."""
    send.state = SendState.FAILED.value
    send.last_error = error.model_dump()
    send.finished_at = datetime.now(UTC)
    return outcome_event(events, send)
