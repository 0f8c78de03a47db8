"""Where Twilio reaches us for one SMS account: the paths the router serves, and the URLs
to configure (``StatusCallback`` of each send, the number's messaging webhook)."""

from __future__ import annotations

import uuid

__all__ = [
    "INBOUND_PATH",
    "REQUEST_ID_PARAM",
    "STATUS_PATH",
    "inbound_webhook_url",
    "status_callback_url",
    "with_request_id",
]

STATUS_PATH = "/webhooks/twilio/{account_id}/status"
INBOUND_PATH = "/webhooks/twilio/{account_id}/inbound"
# The query parameter of a status callback URL that carries our send request id.
REQUEST_ID_PARAM = "request_id"


def status_callback_url(public_base_url: str, account_id: uuid.UUID) -> str:
    """The ``StatusCallback`` of a send from this account, as Twilio will request it."""
    return public_base_url.rstrip("/") + STATUS_PATH.format(account_id=account_id)


def inbound_webhook_url(public_base_url: str, account_id: uuid.UUID) -> str:
    """The "A message comes in" webhook to set on the account's Twilio number."""
    return public_base_url.rstrip("/") + INBOUND_PATH.format(account_id=account_id)


def with_request_id(status_callback_url: str, request_id: uuid.UUID) -> str:
    """The callback URL of one send: Twilio echoes nothing of ours in its status callbacks
    but the URL it was given (and signs it whole), so our request id rides in the query."""
    separator = "&" if "?" in status_callback_url else "?"
    return f"{status_callback_url}{separator}{REQUEST_ID_PARAM}={request_id}"
