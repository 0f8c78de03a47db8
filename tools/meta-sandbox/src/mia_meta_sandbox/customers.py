"""``POST /sandbox/customers/messages``: a simulated customer writes to a business number.

The message becomes the webhook Meta would post (signed, retried like every delivery);
media a customer sends becomes a media object the business can download through the
Graph media endpoints with its own token.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
from typing import Any

from fastapi import APIRouter

from mia_common.errors import AppError, NotFound
from mia_meta_sandbox.context import Sandbox, SandboxDep
from mia_meta_sandbox.numbers import RegisteredNumber
from mia_meta_sandbox.outbound import new_wamid
from mia_meta_sandbox.payloads import inbound_body, now_timestamp
from mia_meta_sandbox.samples import DEFAULT_MIME_TYPES, sample_media
from mia_meta_sandbox.schemas import CustomerMessageIn, CustomerMessageOut

__all__ = ["router"]

router = APIRouter(prefix="/sandbox/customers", tags=["sandbox"])
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")


class InvalidCustomerMessage(AppError):
    status_code = 422
    title = "Invalid customer message"


def _media_content(
    sandbox: Sandbox, number: RegisteredNumber, request: CustomerMessageIn
) -> dict[str, Any]:
    if request.media_base64 is not None:
        try:
            content = base64.b64decode(request.media_base64, validate=True)
        except binascii.Error:
            raise InvalidCustomerMessage("media_base64 is not base64") from None
        mime_type = request.mime_type or DEFAULT_MIME_TYPES[request.type]
        filename = request.filename
    else:
        content, mime_type, filename = sample_media(request.type)
        mime_type = request.mime_type or mime_type
        filename = request.filename or filename
    media = sandbox.media.add(
        phone_number_id=number.phone_number_id,
        content=content,
        mime_type=mime_type,
        filename=filename,
    )
    described: dict[str, Any] = {
        "id": media.id,
        "mime_type": media.mime_type,
        "sha256": media.sha256_base64,
    }
    if request.text and request.type in ("image", "video", "document"):
        described["caption"] = request.text
    if request.type == "document" and filename:
        described["filename"] = filename
    if request.type == "audio":
        described["voice"] = bool(request.voice) if request.voice is not None else True
    if request.type == "sticker":
        described["animated"] = False
    return described


def _content(sandbox: Sandbox, number: RegisteredNumber, request: CustomerMessageIn) -> Any:
    """The typed object of the message (``message[type]``)."""
    kind = request.type
    if kind == "text":
        if not request.text:
            raise InvalidCustomerMessage("a text message needs 'text'")
        return {"body": request.text}
    if kind in MEDIA_KINDS:
        return _media_content(sandbox, number, request)
    if kind == "location":
        location: dict[str, Any] = {
            "latitude": request.latitude if request.latitude is not None else -23.5613,
            "longitude": request.longitude if request.longitude is not None else -46.6565,
        }
        if request.location_name:
            location["name"] = request.location_name
        if request.address:
            location["address"] = request.address
        return location
    if kind == "contacts":
        return request.contacts or [
            {
                "name": {"formatted_name": "Barbara Johnson", "first_name": "Barbara"},
                "phones": [{"phone": "+1 940 555 1234", "wa_id": "19405551234", "type": "CELL"}],
            }
        ]
    if kind == "interactive":
        reply: dict[str, Any] = {
            "id": request.reply_id or "option-1",
            "title": request.reply_title or request.text or "Option 1",
        }
        if request.interactive_type == "list_reply" and request.reply_description:
            reply["description"] = request.reply_description
        return {"type": request.interactive_type, request.interactive_type: reply}
    if kind == "button":
        text = request.button_text or request.text or "Yes"
        return {"payload": request.button_payload or text, "text": text}
    # reaction
    if not request.reaction_message_id:
        raise InvalidCustomerMessage("a reaction needs 'reaction_message_id'")
    reaction: dict[str, Any] = {"message_id": request.reaction_message_id}
    if request.emoji:
        reaction["emoji"] = request.emoji
    return reaction


@router.post("/messages", summary="A customer writes", response_model=CustomerMessageOut)
async def customer_message(request: CustomerMessageIn, sandbox: SandboxDep) -> CustomerMessageOut:
    phone_number_id = request.phone_number_id or sandbox.settings.phone_number_id
    number = sandbox.numbers.get(phone_number_id)
    if number is None:
        raise NotFound(f"no number {phone_number_id} is registered in the sandbox")
    wa_id = "".join(ch for ch in request.from_ if ch.isdigit()) if request.from_ else None
    sandbox.contacts.learn(wa_id=wa_id, user_id=request.user_id)
    content = _content(sandbox, number, request)
    wamid = new_wamid(wa_id or "")
    message: dict[str, Any] = {"id": wamid, "timestamp": now_timestamp(), "type": request.type}
    if wa_id is not None:
        message["from"] = wa_id
    if request.user_id is not None:
        message["from_user_id"] = request.user_id
    message[request.type] = content
    if request.context_message_id:
        # A reply names our message and the business number it came from.
        message["context"] = {"from": number.display_digits, "id": request.context_message_id}
    payload = inbound_body(
        number,
        message=message,
        name=request.name,
        wa_id=wa_id,
        user_id=request.user_id,
        username=request.username,
    )
    delivery = sandbox.dispatcher.prepare(
        kind="message",
        phone_number_id=number.phone_number_id,
        url=number.webhook_url,
        app_secret=number.app_secret,
        payload=payload,
        wamid=wamid,
    )
    delivered = await sandbox.dispatcher.attempt(delivery)
    if not delivered:
        sandbox.dispatcher.spawn(sandbox.dispatcher.deliver(delivery))
        if request.await_delivery:
            # Out of patience is an answer too: delivered stays False, retries go on.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(delivery.settled.wait(), request.await_timeout_seconds)
            delivered = delivery.state == "delivered"
    media_id = (
        content.get("id") if isinstance(content, dict) and request.type in MEDIA_KINDS else None
    )
    return CustomerMessageOut(
        wamid=wamid,
        phone_number_id=number.phone_number_id,
        wa_id=wa_id,
        user_id=request.user_id,
        type=request.type,
        media_id=media_id,
        delivery_id=delivery.id,
        delivered=delivered,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
    )
