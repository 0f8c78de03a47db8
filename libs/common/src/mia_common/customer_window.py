"""WhatsApp's 24-hour customer-service window: the one statement of the rule.

On the WhatsApp Cloud API a business may send free-form messages (text, media) only within
24 hours of the customer's last message to that number; outside it, only an approved
template (Meta refuses anything else with error 131047, "re-engagement message"). WhatsApp
Web sessions and SMS have no such rule, so their window is always open.

Pure functions of times and names: the crm decides with them whether an agent's reply may
be typed freely, the sender whether a send may go or must fail before calling Meta. Where
the customer's last message time is kept (a conversation row, a Redis key) is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from mia_common.contracts import Channel

__all__ = [
    "CUSTOMER_SERVICE_WINDOW",
    "FREE_FORM_CONTENT",
    "ReplyWindow",
    "channel_has_window",
    "closes_at",
    "needs_open_window",
    "reply_window",
    "window_open",
]

CUSTOMER_SERVICE_WINDOW: Final = timedelta(hours=24)
FREE_FORM_CONTENT: Final = frozenset({"text", "media", "typing"})
"""Content types (``SendRequest.content.type``) that need the window open; a template
does not. A typing indicator answers a customer's message, so it needs it too."""


@dataclass(frozen=True, slots=True)
class ReplyWindow:
    open: bool
    closes_at: datetime | None
    """When a free-form message stops being possible; None when the channel has no window
    or the customer never wrote."""


def channel_has_window(channel: str) -> bool:
    """Whether the 24-hour rule applies on ``channel`` (a ``Channel`` value)."""
    return channel == Channel.WHATSAPP_CLOUD.value


def needs_open_window(content_type: str) -> bool:
    """Whether a message of this content type may only go inside the window."""
    return content_type in FREE_FORM_CONTENT


def closes_at(last_inbound_at: datetime) -> datetime:
    """When the window opened by a customer message at ``last_inbound_at`` closes."""
    return last_inbound_at + CUSTOMER_SERVICE_WINDOW


def window_open(last_inbound_at: datetime | None, *, now: datetime) -> bool:
    """Whether a customer who last wrote at ``last_inbound_at`` may get free-form messages."""
    return last_inbound_at is not None and now < closes_at(last_inbound_at)


def reply_window(*, channel: str, last_inbound_at: datetime | None, now: datetime) -> ReplyWindow:
    """The window as an inbox shows it: open or not, and until when."""
    if not channel_has_window(channel):
        return ReplyWindow(open=True, closes_at=None)
    if last_inbound_at is None:
        return ReplyWindow(open=False, closes_at=None)
    closing = closes_at(last_inbound_at)
    return ReplyWindow(open=now < closing, closes_at=closing)
