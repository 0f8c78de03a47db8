"""WhatsApp's 24-hour customer-service window.

On the WhatsApp Cloud API a business may send free-form messages (text, media) only
within 24 hours of the customer's last message; outside it, only an approved template
(Meta refuses anything else with error 131047). WhatsApp Web sessions and SMS have no such
rule, so their window is always open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mia_common.contracts import Channel

__all__ = ["CUSTOMER_SERVICE_WINDOW", "ReplyWindow", "reply_window"]

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ReplyWindow:
    open: bool
    closes_at: datetime | None
    """When a free-form reply stops being possible; None when the channel has no window."""


def reply_window(*, channel: str, last_inbound_at: datetime | None, now: datetime) -> ReplyWindow:
    if channel != Channel.WHATSAPP_CLOUD:
        return ReplyWindow(open=True, closes_at=None)
    if last_inbound_at is None:
        return ReplyWindow(open=False, closes_at=None)
    closes_at = last_inbound_at + CUSTOMER_SERVICE_WINDOW
    return ReplyWindow(open=now < closes_at, closes_at=closes_at)
