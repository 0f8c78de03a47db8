"""``/webhooks/twilio/{account_id}/…``: Twilio's delivery reports and inbound messages.

The router is built around a ``TwilioWebhooks`` (``create_router``), so the sender's
wiring hands it the account look-up, the topics and the public URL in one call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from mia_common.openapi import PROBLEM_RESPONSE
from mia_common.text import ApiStr
from mia_common.webhooks import PayloadTooLarge
from mia_sender.sms.service import MAX_BODY_BYTES, TwilioRequest, TwilioWebhooks
from mia_sender.sms.urls import INBOUND_PATH, REQUEST_ID_PARAM, STATUS_PATH

__all__ = ["EMPTY_TWIML", "create_router", "routes_resolving"]

# What Twilio expects from a messaging webhook: TwiML; an empty one sends no reply.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
# As it comes in the path, not checked to be a UUID here: any other id is simply unknown.
AccountIdPath = Annotated[ApiStr, Path(description="the SMS account's id in our platform")]
# What Twilio posts: its form, signed with the account's auth token. The parameters are
# Twilio's (MessageSid, MessageStatus, From, To, Body...), read by ``payloads``.
_SIGNED_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "additionalProperties": {"type": "string"}}
            }
        },
    },
    "parameters": [
        {
            "name": "X-Twilio-Signature",
            "in": "header",
            "required": False,
            "description": "Twilio's signature of the URL and form with the auth token; a "
            "request without a valid one is refused (403, code bad_signature)",
            "schema": {"type": "string"},
        }
    ],
}
_REFUSED: dict[int | str, dict[str, Any]] = {
    413: {**PROBLEM_RESPONSE, "description": "The body is larger than any Twilio sends"}
}


async def _twilio_request(request: Request, account_id: str) -> TwilioRequest:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        # Refused before the body is read.
        raise PayloadTooLarge(f"webhook bodies are at most {MAX_BODY_BYTES} bytes")
    return TwilioRequest(
        raw=await request.body(),
        account_id=account_id,
        url=str(request.url),
        path=request.url.path,
        query=request.url.query,
        signature=request.headers.get("x-twilio-signature"),
    )


def _send_request_id(request: Request) -> str | None:
    """Our request id from the callback URL's query (see ``urls.with_request_id``)."""
    value = request.query_params.get(REQUEST_ID_PARAM)
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def create_router(webhooks: TwilioWebhooks) -> APIRouter:
    """The Twilio webhook routes, over one ``TwilioWebhooks`` built with the process."""
    return routes_resolving(lambda _request: webhooks)


def routes_resolving(webhooks_of: Callable[[Request], TwilioWebhooks]) -> APIRouter:
    """The routes over a ``TwilioWebhooks`` found per request (``create_router`` fixes one)."""
    router = APIRouter(tags=["webhooks"])

    @router.post(
        STATUS_PATH,
        summary="Twilio's delivery report of a message we sent",
        response_class=Response,
        responses={200: {"description": "Accepted (an empty body)"}, **_REFUSED},
        openapi_extra=_SIGNED_FORM,
    )
    async def receive_status(request: Request, account_id: AccountIdPath) -> Response:
        await webhooks_of(request).receive_status(
            await _twilio_request(request, account_id), send_request_id=_send_request_id(request)
        )
        return Response(status_code=200)

    @router.post(
        INBOUND_PATH,
        summary="A message a customer sent to one of our Twilio numbers",
        response_class=Response,
        responses={
            200: {
                "description": "Accepted: an empty TwiML answer (no reply is sent)",
                "content": {"text/xml": {"schema": {"type": "string"}}},
            },
            **_REFUSED,
        },
        openapi_extra=_SIGNED_FORM,
    )
    async def receive_inbound(request: Request, account_id: AccountIdPath) -> Response:
        await webhooks_of(request).receive_inbound(await _twilio_request(request, account_id))
        return Response(content=EMPTY_TWIML, media_type="text/xml")

    return router
