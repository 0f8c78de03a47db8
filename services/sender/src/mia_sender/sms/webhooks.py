"""``/webhooks/twilio/{account_id}/…``: Twilio's delivery reports and inbound messages.

Each request is checked against the signature Twilio made with the account's auth token,
turned into our contract and published; we answer 200 only once Kafka acknowledged the
event, so Twilio's retry covers a crash in between. Reports that carry nothing to act on
(``queued``, ``sending``) get 200 and publish nothing. A signed body we cannot read still
gets 200 (retrying cannot fix it) and goes, raw, to the dead-letter topic.

The router reads from ``request.app.state.context``: ``broker`` (a started KafkaBroker)
and ``extras``: ``"sms_account_lookup"`` (required, ``SmsAccountLookup``),
``"public_url"`` (optional: the public base URL Twilio calls; default, the URL the app
sees) and ``"sms_topics"`` (optional: ``{"status": ..., "inbound": ...}``; default, the
registry's ``messages.status.v1`` and ``messages.inbound.v1``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeAlias

import structlog
from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError

from mia_common.contracts.topics import MESSAGES_INBOUND, MESSAGES_STATUS, dead_letter_topic
from mia_common.errors import AppError, Forbidden, NotFound
from mia_common.messaging import publish_many
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.sms.events import inbound_record, status_record
from mia_sender.sms.normalize import to_inbound_message, to_message_status
from mia_sender.sms.payloads import InboundSms, StatusCallback, parse_form
from mia_sender.sms.signature import public_request_url, signature_matches
from mia_sender.sms.urls import INBOUND_PATH, REQUEST_ID_PARAM, STATUS_PATH

__all__ = [
    "ACCOUNT_LOOKUP_KEY",
    "PUBLIC_URL_KEY",
    "TOPICS_KEY",
    "SmsAccountLookup",
    "router",
]

router = APIRouter(tags=["webhooks"])
logger = structlog.get_logger(__name__)

ACCOUNT_LOOKUP_KEY = "sms_account_lookup"
PUBLIC_URL_KEY = "public_url"
TOPICS_KEY = "sms_topics"
SmsAccountLookup: TypeAlias = Callable[[uuid.UUID], Awaitable[SmsAccountCredentials | None]]
TopicRole = Literal["status", "inbound"]

# Twilio's forms are a few kilobytes; anything far larger is not Twilio.
MAX_BODY_BYTES = 64 * 1024
_DEFAULT_TOPICS: dict[TopicRole, str] = {
    "status": MESSAGES_STATUS.name,
    "inbound": MESSAGES_INBOUND.name,
}
# What Twilio expects from a messaging webhook: TwiML; an empty one sends no reply.
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A webhook request whose signature matched the auth token of ``account``."""

    account: SmsAccountCredentials
    params: list[tuple[str, str]]
    raw: bytes


async def _known_account(request: Request, account_id: str) -> SmsAccountCredentials:
    lookup: SmsAccountLookup | None = request.app.state.context.extras.get(ACCOUNT_LOOKUP_KEY)
    if lookup is None:
        raise RuntimeError(f"context.extras[{ACCOUNT_LOOKUP_KEY!r}] is not set")
    try:
        parsed = uuid.UUID(account_id)
    except ValueError:
        parsed = None
    account = await lookup(parsed) if parsed is not None else None
    if account is None or account.status == "deleted":
        raise NotFound("no SMS account with this id", code="unknown_account")
    return account


def _signed_url(request: Request) -> str:
    public_base: str | None = request.app.state.context.extras.get(PUBLIC_URL_KEY)
    if not public_base:
        return str(request.url)
    return public_request_url(
        public_base_url=public_base, path=request.url.path, query=request.url.query
    )


async def signed_request(request: Request, account_id: str) -> SignedRequest:
    """The request's account and form, once its ``X-Twilio-Signature`` checked out."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"webhook bodies are at most {MAX_BODY_BYTES} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"webhook bodies are at most {MAX_BODY_BYTES} bytes")
    account = await _known_account(request, account_id)
    try:
        params = parse_form(raw)
    except (UnicodeDecodeError, ValueError):
        params = None
    if params is None or not signature_matches(
        url=_signed_url(request),
        params=params,
        header=request.headers.get("x-twilio-signature"),
        auth_token=account.auth_token,
    ):
        raise Forbidden("bad or missing X-Twilio-Signature", code="bad_signature")
    return SignedRequest(account=account, params=params, raw=raw)


SignedRequestDep = Annotated[SignedRequest, Depends(signed_request)]


def _topic(request: Request, role: TopicRole) -> str:
    topics = request.app.state.context.extras.get(TOPICS_KEY) or {}
    return str(topics.get(role) or _DEFAULT_TOPICS[role])


def _send_request_id(request: Request) -> str | None:
    """Our request id from the callback URL (signed with it, so it is the one we set)."""
    value = request.query_params.get(REQUEST_ID_PARAM)
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


async def _dead_letter(request: Request, signed: SignedRequest, topic: str, reason: str) -> None:
    await request.app.state.context.broker.publish(
        signed.raw,
        topic=dead_letter_topic(topic),
        key=str(signed.account.account_id).encode(),
        headers={
            "x-dlq-reason": reason[:4000],
            "x-dlq-source": "twilio-webhook",
            "x-dlq-failed-at": datetime.now(UTC).isoformat(),
        },
    )
    logger.error(
        "twilio webhook dead-lettered", account_id=str(signed.account.account_id), reason=reason
    )


@router.post(STATUS_PATH, summary="Twilio's delivery report of a message we sent")
async def receive_status(request: Request, signed: SignedRequestDep) -> Response:
    topic = _topic(request, "status")
    try:
        report = StatusCallback.model_validate(dict(signed.params))
    except ValidationError as exc:
        await _dead_letter(request, signed, topic, f"unreadable status callback: {exc}")
        return Response(status_code=200)
    account = signed.account
    status = to_message_status(
        report,
        account_id=account.account_id,
        received_at=datetime.now(UTC),
        send_request_id=_send_request_id(request),
    )
    log = logger.bind(
        account_id=str(account.account_id),
        message_sid=report.message_sid,
        twilio_status=report.message_status,
    )
    if status is None:
        log.debug("twilio status ignored: nothing to report yet")
        return Response(status_code=200)
    record = status_record(
        status, tenant_id=account.tenant_id, raw_status=report.message_status, topic=topic
    )
    await publish_many(request.app.state.context.broker, [record])
    log.info("twilio status published", error_code=report.error_code)
    return Response(status_code=200)


@router.post(INBOUND_PATH, summary="A message a customer sent to one of our Twilio numbers")
async def receive_inbound(request: Request, signed: SignedRequestDep) -> Response:
    topic = _topic(request, "inbound")
    account = signed.account
    try:
        sms = InboundSms.model_validate(dict(signed.params))
        message = to_inbound_message(
            sms, account_id=account.account_id, received_at=datetime.now(UTC)
        )
    except ValidationError as exc:
        await _dead_letter(request, signed, topic, f"unreadable inbound message: {exc}")
        return Response(content=EMPTY_TWIML, media_type="text/xml")
    record = inbound_record(message, tenant_id=account.tenant_id, topic=topic)
    await publish_many(request.app.state.context.broker, [record])
    logger.info(
        "twilio inbound published",
        account_id=str(account.account_id),
        message_sid=sms.message_sid,
        kind=message.kind,
    )
    return Response(content=EMPTY_TWIML, media_type="text/xml")
