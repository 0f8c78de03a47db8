"""Builders of the webhook bodies Meta posts: ``entry[].changes[].value`` of ``messages``.

Shapes follow Meta's webhook reference (and meta-ingest's ``webhook.payloads`` models):
a status carries ``recipient_id`` (the phone number) and/or ``recipient_user_id`` (the
BSUID), ``biz_opaque_callback_data`` when the send had one, ``conversation`` and
``pricing`` on sent and delivered, ``errors`` on failed; an inbound message sits next to
the ``contacts`` entry of who wrote it, whose ``wa_id`` is omitted for a username user.
"""

from __future__ import annotations

import time
from typing import Any

from mia_meta_sandbox.numbers import RegisteredNumber
from mia_meta_sandbox.store import Conversation, SentMessage

__all__ = ["inbound_body", "messages_body", "now_timestamp", "pricing_of", "status_body"]


def now_timestamp() -> str:
    """Meta's timestamps: unix seconds, as a string."""
    return str(int(time.time()))


def messages_body(number: RegisteredNumber, value: dict[str, Any]) -> dict[str, Any]:
    """One ``messages`` change of one number, wrapped the way Meta wraps it."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": number.waba_id,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": number.display_digits,
                                "phone_number_id": number.phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def pricing_of(message: SentMessage) -> dict[str, Any]:
    """Per-message pricing: templates are billed (utility), replies in the window are free."""
    if message.type == "template":
        return {"billable": True, "pricing_model": "PMP", "category": "utility", "type": "regular"}
    return {
        "billable": False,
        "pricing_model": "PMP",
        "category": "service",
        "type": "free_customer_service",
    }


def status_body(
    number: RegisteredNumber,
    message: SentMessage,
    status: str,
    *,
    conversation: Conversation | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": message.wamid, "status": status, "timestamp": now_timestamp()}
    if message.wa_id is not None:
        entry["recipient_id"] = message.wa_id
    if message.user_id is not None:
        entry["recipient_user_id"] = message.user_id
    if message.biz_opaque_callback_data is not None:
        entry["biz_opaque_callback_data"] = message.biz_opaque_callback_data
    if status in ("sent", "delivered") and conversation is not None:
        pricing = pricing_of(message)
        described: dict[str, Any] = {
            "id": conversation.id,
            "origin": {"type": pricing["category"]},
        }
        if status == "sent" and conversation.opened:
            # Only the status that opens a conversation tells when it ends.
            described["expiration_timestamp"] = str(conversation.expires_at)
        entry["conversation"] = described
        entry["pricing"] = pricing
    if error is not None:
        entry["errors"] = [error]
    return messages_body(number, {"statuses": [entry]})


def inbound_body(
    number: RegisteredNumber,
    *,
    message: dict[str, Any],
    name: str | None,
    wa_id: str | None,
    user_id: str | None,
    username: str | None = None,
) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if name is not None:
        profile["name"] = name
    if username is not None:
        profile["username"] = username
    contact: dict[str, Any] = {"profile": profile}
    if wa_id is not None:
        contact["wa_id"] = wa_id
    if user_id is not None:
        contact["user_id"] = user_id
    return messages_body(number, {"contacts": [contact], "messages": [message]})
