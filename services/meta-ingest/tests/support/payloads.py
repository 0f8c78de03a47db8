"""Builders of realistic WhatsApp Cloud API webhook bodies, shaped like Meta's references.

Each builder returns the JSON-ready ``dict`` Meta would post, so tests exercise parsing as
well as normalization; keyword arguments override the parts a test cares about.
"""

from __future__ import annotations

import uuid
from typing import Any

__all__ = [
    "DISPLAY_PHONE_NUMBER",
    "PHONE_NUMBER_ID",
    "TIMESTAMP",
    "USER_ID",
    "WABA_ID",
    "WA_ID",
    "audio_message",
    "body",
    "button_message",
    "contact",
    "contacts_message",
    "delivered_status",
    "document_message",
    "entry",
    "failed_status",
    "image_message",
    "inbound",
    "interactive_button_reply",
    "interactive_list_reply",
    "interactive_nfm_reply",
    "location_message",
    "messages_change",
    "reaction_message",
    "status",
    "sticker_message",
    "system_message",
    "template_status_change",
    "text_message",
    "unsupported_message",
    "video_message",
]

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "15550783881"
WA_ID = "5511999990000"
USER_ID = "BR.1502576394655843"
TIMESTAMP = "1749416383"  # 2025-06-08T20:59:43Z
_counter = 0


def _wamid() -> str:
    # Unique across runs too: meta-ingest remembers the ids it published (Redis, 7 days).
    global _counter
    _counter += 1
    return (
        f"wamid.HBgNNTUxMTk5OTk5MDAwMBUCABIYFDNBMDAw{uuid.uuid4().hex[:16].upper()}{_counter:06d}"
    )


def body(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": list(entries)}


def entry(*changes: dict[str, Any], waba_id: str = WABA_ID, **more: Any) -> dict[str, Any]:
    return {"id": waba_id, "changes": list(changes), **more}


def messages_change(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
    contacts: list[dict[str, Any]] | None = None,
    phone_number_id: str = PHONE_NUMBER_ID,
    **more: Any,
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": DISPLAY_PHONE_NUMBER,
            "phone_number_id": phone_number_id,
        },
        **more,
    }
    if contacts is not None:
        value["contacts"] = contacts
    if messages is not None:
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {"field": "messages", "value": value}


def contact(
    *, name: str = "Sheena Nelson", wa_id: str | None = WA_ID, user_id: str | None = None
) -> dict[str, Any]:
    built: dict[str, Any] = {"profile": {"name": name}}
    if wa_id is not None:
        built["wa_id"] = wa_id
    if user_id is not None:
        built["user_id"] = user_id
    return built


def inbound(
    message: dict[str, Any],
    *,
    wa_id: str | None = WA_ID,
    user_id: str | None = None,
    name: str = "Sheena Nelson",
) -> dict[str, Any]:
    """A whole body with one message from one contact, the way Meta usually sends them."""
    return body(
        entry(
            messages_change(
                contacts=[contact(name=name, wa_id=wa_id, user_id=user_id)], messages=[message]
            )
        )
    )


def _message(
    type_: str, content: Any, *, wa_id: str | None = WA_ID, user_id: str | None = None, **more: Any
) -> dict[str, Any]:
    built: dict[str, Any] = {"id": _wamid(), "timestamp": TIMESTAMP, "type": type_}
    if wa_id is not None:
        built["from"] = wa_id
    if user_id is not None:
        built["from_user_id"] = user_id
    if content is not None:
        built[type_] = content
    return {**built, **more}


def text_message(text: str = "Does it come in another color?", **more: Any) -> dict[str, Any]:
    return _message("text", {"body": text}, **more)


def _media(**fields: Any) -> dict[str, Any]:
    return {"sha256": "kV8/ChwrBZfAt3Wt4pNu5tAVXZA7qw9QTTFh8+CBtGA=", **fields}


def image_message(**more: Any) -> dict[str, Any]:
    content = _media(id="1003383421387256", mime_type="image/jpeg", caption="Black, please")
    return _message("image", content, **more)


def audio_message(*, voice: bool = True, **more: Any) -> dict[str, Any]:
    return _message(
        "audio",
        _media(id="1003383421387257", mime_type="audio/ogg; codecs=opus", voice=voice),
        **more,
    )


def video_message(**more: Any) -> dict[str, Any]:
    content = _media(id="1003383421387258", mime_type="video/mp4", caption="Unboxing")
    return _message("video", content, **more)


def document_message(**more: Any) -> dict[str, Any]:
    content = _media(
        id="1003383421387259",
        mime_type="application/pdf",
        filename="invoice-42.pdf",
        caption="Here is the invoice",
    )
    return _message("document", content, **more)


def sticker_message(**more: Any) -> dict[str, Any]:
    content = _media(id="1003383421387260", mime_type="image/webp", animated=False)
    return _message("sticker", content, **more)


def location_message(**more: Any) -> dict[str, Any]:
    content = {
        "latitude": -23.5613,
        "longitude": -46.6565,
        "name": "MASP",
        "address": "Av. Paulista, 1578, São Paulo",
        "url": "https://masp.org.br",
    }
    return _message("location", content, **more)


def contacts_message(**more: Any) -> dict[str, Any]:
    card = {
        "name": {"formatted_name": "Barbara Johnson", "first_name": "Barbara"},
        "phones": [{"phone": "+1 (940) 555-1234", "wa_id": "19405551234", "type": "CELL"}],
    }
    return _message("contacts", [card], **more)


def interactive_button_reply(**more: Any) -> dict[str, Any]:
    content = {"type": "button_reply", "button_reply": {"id": "change-order", "title": "Change"}}
    return _message(
        "interactive", content, context={"from": DISPLAY_PHONE_NUMBER, "id": "wamid.ASK"}, **more
    )


def interactive_list_reply(**more: Any) -> dict[str, Any]:
    content = {
        "type": "list_reply",
        "list_reply": {"id": "priority-express", "title": "Express", "description": "Next day"},
    }
    return _message("interactive", content, **more)


def interactive_nfm_reply(**more: Any) -> dict[str, Any]:
    content = {
        "type": "nfm_reply",
        "nfm_reply": {
            "name": "flow",
            "body": "Sent",
            "response_json": '{"flow_token": "tok-1", "size": "M"}',
        },
    }
    return _message("interactive", content, **more)


def button_message(**more: Any) -> dict[str, Any]:
    return _message(
        "button",
        {"payload": "stop-promotions", "text": "Stop promotions"},
        context={"from": DISPLAY_PHONE_NUMBER, "id": "wamid.TEMPLATE"},
        **more,
    )


def reaction_message(*, emoji: str | None = "\N{THUMBS UP SIGN}", **more: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"message_id": "wamid.OURS"}
    if emoji is not None:
        content["emoji"] = emoji
    return _message("reaction", content, **more)


def unsupported_message(**more: Any) -> dict[str, Any]:
    return _message(
        "unsupported",
        None,
        errors=[
            {
                "code": 131051,
                "title": "Message type unknown",
                "message": "Message type unknown",
                "error_data": {"details": "Message type is currently not supported."},
            }
        ],
        **more,
    )


def system_message(**more: Any) -> dict[str, Any]:
    content = {
        "body": "User Sheena Nelson changed from 5511999990000 to 5511988880000",
        "type": "user_changed_number",
        "wa_id": "5511988880000",
    }
    return _message("system", content, **more)


def status(
    value: str = "delivered",
    *,
    message_id: str = "wamid.SENT",
    recipient_id: str | None = WA_ID,
    recipient_user_id: str | None = None,
    **more: Any,
) -> dict[str, Any]:
    built: dict[str, Any] = {"id": message_id, "status": value, "timestamp": TIMESTAMP}
    if recipient_id is not None:
        built["recipient_id"] = recipient_id
    if recipient_user_id is not None:
        built["recipient_user_id"] = recipient_user_id
    return {**built, **more}


def delivered_status(**more: Any) -> dict[str, Any]:
    return status(
        "delivered",
        biz_opaque_callback_data="7b3c9a1e-0000-4000-8000-000000000001",
        conversation={"id": "CONVERSATION_ID", "origin": {"type": "service"}},
        pricing={"billable": False, "pricing_model": "PMP", "category": "service", "type": "free"},
        **more,
    )


def failed_status(*, code: int = 131047, **more: Any) -> dict[str, Any]:
    return status(
        "failed",
        biz_opaque_callback_data="7b3c9a1e-0000-4000-8000-000000000002",
        pricing={"billable": False, "pricing_model": "PMP", "category": "marketing"},
        errors=[
            {
                "code": code,
                "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {
                    "details": "More than 24 hours have passed since the customer last replied."
                },
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ],
        **more,
    )


def template_status_change(
    event: str = "REJECTED", *, reason: str = "INVALID_FORMAT"
) -> dict[str, Any]:
    return {
        "field": "message_template_status_update",
        "value": {
            "event": event,
            "message_template_id": 806312974732579,
            "message_template_name": "order_confirmation",
            "message_template_language": "pt_BR",
            "reason": reason,
        },
    }
