"""Checks a ``POST /{version}/{phone_number_id}/messages`` body the way Meta does.

Only the parts Meta itself refuses synchronously are checked (recipient, type, the typed
object's required fields); anything else is accepted and kept as sent, so a client that
adds a field Meta knows is not refused here either. A refusal is Graph error 100
"(#100) Invalid parameter" whose ``error_data.details`` names the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mia_meta_sandbox.graph_errors import invalid_parameter

__all__ = ["MEDIA_TYPES", "MESSAGE_TYPES", "OutboundMessage", "parse_send"]

MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
MESSAGE_TYPES = ("text", "template", *MEDIA_TYPES, "interactive", "reaction", "location")
INTERACTIVE_TYPES = (
    "button",
    "list",
    "cta_url",
    "flow",
    "product",
    "product_list",
    "catalog_message",
    "location_request_message",
    "address_message",
    "call_permission_request",
)
PHONE = re.compile(r"^\+?\d{6,15}$")
# Two-letter country code, a dot, optionally ENT. (a parent BSUID), then the id.
BSUID = re.compile(r"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 512


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    type: str
    to: str | None
    recipient: str | None
    biz_opaque_callback_data: str | None
    media_id: str | None
    body: dict[str, Any]

    @property
    def wa_id(self) -> str | None:
        return "".join(ch for ch in self.to if ch.isdigit()) if self.to else None

    @property
    def input(self) -> str:
        """What the client addressed, echoed as ``contacts[].input``."""
        return self.to or self.recipient or ""


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise invalid_parameter(f"The parameter {key} is required and must be an object.")
    return value


def _text(parent: dict[str, Any], key: str, where: str, *, limit: int | None = None) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid_parameter(f"The parameter {where}['{key}'] is required.")
    if limit is not None and len(value) > limit:
        raise invalid_parameter(f"{where}['{key}'] is longer than {limit} characters.")
    return value


def _check_text(body: dict[str, Any]) -> None:
    text = _object(body, "text")
    _text(text, "body", "text", limit=MAX_TEXT)
    if "preview_url" in text and not isinstance(text["preview_url"], bool):
        raise invalid_parameter("text['preview_url'] must be a boolean.")


def _check_template(body: dict[str, Any]) -> None:
    template = _object(body, "template")
    _text(template, "name", "template")
    language = template.get("language")
    if not isinstance(language, dict):
        raise invalid_parameter("The parameter template['language'] is required.")
    _text(language, "code", "template['language']")
    components = template.get("components")
    if components is not None and not isinstance(components, list):
        raise invalid_parameter("template['components'] must be an array.")


def _check_media(body: dict[str, Any], kind: str) -> str | None:
    media = _object(body, kind)
    media_id, link = media.get("id"), media.get("link")
    if (media_id is None) == (link is None):
        raise invalid_parameter(f"{kind} needs exactly one of 'id' or 'link'.")
    if link is not None and not (
        isinstance(link, str) and link.startswith(("http://", "https://"))
    ):
        raise invalid_parameter(f"{kind}['link'] must be an http(s) URL.")
    if media_id is not None and not (isinstance(media_id, str) and media_id):
        raise invalid_parameter(f"{kind}['id'] must be a media id string.")
    caption = media.get("caption")
    if caption is not None:
        if kind not in ("image", "video", "document"):
            raise invalid_parameter(f"{kind} messages cannot have a caption.")
        if not isinstance(caption, str) or len(caption) > MAX_CAPTION:
            raise invalid_parameter(f"{kind}['caption'] must be text of at most {MAX_CAPTION}.")
    return media_id if isinstance(media_id, str) else None


def _check_interactive(body: dict[str, Any]) -> None:
    interactive = _object(body, "interactive")
    kind = interactive.get("type")
    if kind not in INTERACTIVE_TYPES:
        raise invalid_parameter(
            f"interactive['type'] must be one of {', '.join(INTERACTIVE_TYPES)}."
        )
    if not isinstance(interactive.get("action"), dict):
        raise invalid_parameter("The parameter interactive['action'] is required.")
    if kind in ("button", "list", "cta_url", "flow"):
        body_part = interactive.get("body")
        if not isinstance(body_part, dict):
            raise invalid_parameter("The parameter interactive['body'] is required.")
        _text(body_part, "text", "interactive['body']")


def _check_reaction(body: dict[str, Any]) -> None:
    reaction = _object(body, "reaction")
    _text(reaction, "message_id", "reaction")
    # An empty emoji removes the reaction, so only its presence is required.
    if not isinstance(reaction.get("emoji"), str):
        raise invalid_parameter("The parameter reaction['emoji'] is required.")


def _check_location(body: dict[str, Any]) -> None:
    location = _object(body, "location")
    for key in ("latitude", "longitude"):
        value = location.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise invalid_parameter(f"The parameter location['{key}'] is required.")
        try:
            float(value)
        except ValueError:
            raise invalid_parameter(f"location['{key}'] must be a number.") from None


def _recipient(body: dict[str, Any]) -> tuple[str | None, str | None]:
    to, recipient = body.get("to"), body.get("recipient")
    if to is None and recipient is None:
        raise invalid_parameter("The parameter to is required.")
    if to is not None and recipient is not None:
        raise invalid_parameter("Give either 'to' (a phone number) or 'recipient' (a BSUID).")
    if to is not None and not (isinstance(to, str) and PHONE.match(to)):
        raise invalid_parameter("'to' must be a phone number: digits, optionally a leading +.")
    if recipient is not None and not (isinstance(recipient, str) and BSUID.match(recipient)):
        raise invalid_parameter("'recipient' must be a business-scoped user id like BR.1234.")
    return to, recipient


def parse_send(body: Any) -> OutboundMessage:
    """The send the body asks for; raises ``GraphError`` (code 100) when Meta would refuse."""
    if not isinstance(body, dict):
        raise invalid_parameter("The request body must be a JSON object.")
    if body.get("messaging_product") != "whatsapp":
        raise invalid_parameter("The parameter messaging_product is required: 'whatsapp'.")
    recipient_type = body.get("recipient_type", "individual")
    if recipient_type != "individual":
        raise invalid_parameter("recipient_type must be 'individual' in the sandbox.")
    to, recipient = _recipient(body)
    # Meta defaults a send without a type to a text message.
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        raise invalid_parameter(f"type must be one of {', '.join(MESSAGE_TYPES)}.")
    media_id: str | None = None
    if kind == "text":
        _check_text(body)
    elif kind == "template":
        _check_template(body)
    elif kind in MEDIA_TYPES:
        media_id = _check_media(body, kind)
    elif kind == "interactive":
        _check_interactive(body)
    elif kind == "reaction":
        _check_reaction(body)
    else:
        _check_location(body)
    context = body.get("context")
    if context is not None and not (isinstance(context, dict) and context.get("message_id")):
        raise invalid_parameter("context['message_id'] is required when context is given.")
    callback = body.get("biz_opaque_callback_data")
    if callback is not None and not (
        isinstance(callback, str) and len(callback) <= MAX_CALLBACK_DATA
    ):
        raise invalid_parameter(
            f"biz_opaque_callback_data must be text of at most {MAX_CALLBACK_DATA} characters."
        )
    return OutboundMessage(
        type=kind,
        to=to,
        recipient=recipient,
        biz_opaque_callback_data=callback,
        media_id=media_id,
        body=body,
    )
