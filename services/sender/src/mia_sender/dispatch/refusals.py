"""Sends the sender itself refuses, before or instead of a provider call, and why.

Each is a ``ChannelError`` with a stable ``code`` the requesting service can act on
(``outside_window``: send a template instead; ``daily_limit_reached``: try tomorrow).
"""

from __future__ import annotations

from mia_common.contracts import ChannelError

__all__ = [
    "account_deleted",
    "account_paused",
    "attempts_exhausted",
    "channel_mismatch",
    "daily_limit_reached",
    "expired",
    "outside_window",
    "recipient_unsupported",
    "text_with_nul",
    "unknown_account",
]


def unknown_account() -> ChannelError:
    # The same answer for an id that does not exist and for another tenant's account:
    # a request must not learn which accounts other tenants have.
    return ChannelError(
        code="unknown_account",
        title="no such channel account",
        detail="the channel account does not exist for this tenant",
        permanent=True,
    )


def account_deleted() -> ChannelError:
    return ChannelError(
        code="account_deleted", title="the channel account was deleted", permanent=True
    )


def channel_mismatch(requested: str, actual: str) -> ChannelError:
    return ChannelError(
        code="channel_mismatch",
        title="the request's channel is not the account's",
        detail=f"the request says {requested}, the account is {actual}",
        permanent=True,
    )


def recipient_unsupported(detail: str) -> ChannelError:
    return ChannelError(
        code="recipient_unsupported",
        title="this channel cannot reach the recipient as given",
        detail=detail,
        permanent=True,
    )


def expired() -> ChannelError:
    return ChannelError(
        code="expired",
        title="not sent before its not_after time",
        detail="the request asked to be dropped rather than sent late",
        permanent=True,
    )


def account_paused(reason: str | None) -> ChannelError:
    return ChannelError(
        code="account_paused",
        title="the channel account was paused past the request's not_after time",
        detail=reason,
        permanent=True,
    )


def outside_window() -> ChannelError:
    return ChannelError(
        code="outside_window",
        title="outside the 24-hour customer service window: a template is needed",
        detail=(
            "the customer has not written to this number in the last 24 hours; "
            "only an approved template may start the conversation"
        ),
        permanent=True,
    )


def daily_limit_reached(limit: int) -> ChannelError:
    return ChannelError(
        code="daily_limit_reached",
        title="the business reached its daily limit of new customers",
        detail=(
            f"the messaging tier allows {limit} unique customers outside the service "
            "window per rolling 24 hours"
        ),
        permanent=True,
    )


def attempts_exhausted(last: ChannelError | None, attempts: int) -> ChannelError:
    if last is None:
        return ChannelError(
            code="attempts_exhausted", title=f"gave up after {attempts} attempts", permanent=True
        )
    return last.model_copy(update={"permanent": True})


def text_with_nul(field: str) -> ChannelError:
    # A request's text comes from our own services, whose APIs refuse U+0000 and whose
    # channel content has it replaced: one arriving here is a bug upstream, said at once
    # rather than stored (PostgreSQL refuses it) or sent.
    return ChannelError(
        code="text_with_nul",
        title="the request holds the NUL character (U+0000), which cannot be sent",
        detail=f"{field} holds U+0000",
        permanent=True,
    )
