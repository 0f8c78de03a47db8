"""Twilio's webhooks for one SMS account: whose request it is, its signature, the edge.

Each request is checked against the signature Twilio made with the account's auth token,
then handed to ``mia_common.webhooks``' edge: parsed, turned into our contract and
published, answered only once Kafka acknowledged the event, so Twilio's retry covers a
crash in between. Reports that carry nothing to act on (``queued``, ``sending``) publish
nothing. A signed body we cannot read goes, raw, to the dead-letter topic (retrying
cannot fix it).

Twilio retries are not deduplicated here: a retried callback yields the same event id,
which consumers apply once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import structlog

from mia_common.contracts import InboundMessage
from mia_common.contracts.topics import MESSAGES_INBOUND, MESSAGES_STATUS
from mia_common.errors import Forbidden, NotFound
from mia_common.webhooks import (
    Accepted,
    Normalized,
    WebhookEdge,
    check_body_size,
    public_request_url,
    twilio_signature_matches,
)
from mia_sender.accounts.credentials import SmsAccountCredentials
from mia_sender.sms.events import SOURCE, inbound_event, status_event
from mia_sender.sms.normalize import to_inbound_message, to_message_status
from mia_sender.sms.payloads import InboundSms, StatusCallback, parse_form

if TYPE_CHECKING:
    from faststream.kafka import KafkaBroker

__all__ = [
    "MAX_BODY_BYTES",
    "SignedRequest",
    "SmsAccountLookup",
    "SmsTopics",
    "TwilioRequest",
    "TwilioWebhooks",
]

logger = structlog.get_logger(__name__)

SmsAccountLookup: TypeAlias = Callable[[uuid.UUID], Awaitable[SmsAccountCredentials | None]]
# Twilio's forms are a few kilobytes; anything far larger is not Twilio.
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class SmsTopics:
    """Where the webhooks publish (the registry's topics unless configured otherwise)."""

    status: str = MESSAGES_STATUS.name
    inbound: str = MESSAGES_INBOUND.name


@dataclass(frozen=True, slots=True)
class TwilioRequest:
    """What the webhooks need of one HTTP request Twilio made."""

    raw: bytes
    account_id: str
    """As it came in the path: not checked to be a UUID yet."""
    url: str
    """The URL as this app saw it (behind a proxy, not the one Twilio signed)."""
    path: str
    query: str
    signature: str | None


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A webhook request whose signature matched the auth token of ``account``."""

    account: SmsAccountCredentials
    params: list[tuple[str, str]]
    raw: bytes


class TwilioWebhooks:
    def __init__(
        self,
        *,
        broker: KafkaBroker,
        lookup: SmsAccountLookup,
        topics: SmsTopics | None = None,
        public_url: str | None = None,
    ) -> None:
        """``public_url`` is the base URL Twilio calls (behind a proxy); None: the URL the
        app sees is the one Twilio signed."""
        self._lookup = lookup
        self._topics = topics or SmsTopics()
        self._public_url = public_url
        self._edge = WebhookEdge(broker=broker, source=SOURCE, dead_letter_source="twilio-webhook")

    async def receive_status(
        self, request: TwilioRequest, *, send_request_id: str | None
    ) -> Accepted:
        """A delivery report; ``send_request_id`` is our request id from the callback URL
        (signed with it, so it is the one we set), when it had one."""
        signed = await self._signed(request)
        account = signed.account
        received_at = datetime.now(UTC)

        def normalize(report: StatusCallback) -> Normalized:
            status = to_message_status(
                report,
                account_id=account.account_id,
                received_at=received_at,
                send_request_id=send_request_id,
            )
            if status is None:
                return Normalized()  # a step before sending: nothing to report yet
            event = status_event(
                status,
                tenant_id=account.tenant_id,
                raw_status=report.message_status,
                topic=self._topics.status,
            )
            return Normalized(events=[event])

        accepted = await self._edge.accept(
            signed.raw,
            parse=lambda _raw: StatusCallback.model_validate(dict(signed.params)),
            normalize=normalize,
            unparseable="unreadable status callback",
            dead_letter_topic=self._topics.status,
            dead_letter_key=str(account.account_id).encode(),
        )
        logger.debug(
            "twilio status accepted",
            account_id=str(account.account_id),
            published=accepted.published,
        )
        return accepted

    async def receive_inbound(self, request: TwilioRequest) -> Accepted:
        """A message a customer sent to one of the account's numbers."""
        signed = await self._signed(request)
        account = signed.account
        received_at = datetime.now(UTC)

        def parse(_raw: bytes) -> InboundMessage:
            sms = InboundSms.model_validate(dict(signed.params))
            return to_inbound_message(sms, account_id=account.account_id, received_at=received_at)

        def normalize(message: InboundMessage) -> Normalized:
            event = inbound_event(message, tenant_id=account.tenant_id, topic=self._topics.inbound)
            return Normalized(events=[event])

        accepted = await self._edge.accept(
            signed.raw,
            parse=parse,
            normalize=normalize,
            unparseable="unreadable inbound message",
            dead_letter_topic=self._topics.inbound,
            dead_letter_key=str(account.account_id).encode(),
        )
        logger.debug(
            "twilio inbound accepted",
            account_id=str(account.account_id),
            published=accepted.published,
        )
        return accepted

    async def _signed(self, request: TwilioRequest) -> SignedRequest:
        """The request's account and form, once its ``X-Twilio-Signature`` checked out."""
        check_body_size(request.raw, MAX_BODY_BYTES)
        account = await self._known_account(request.account_id)
        try:
            params = parse_form(request.raw)
        except ValueError:  # UnicodeDecodeError too
            params = None
        if params is None or not twilio_signature_matches(
            url=self._signed_url(request),
            params=params,
            header=request.signature,
            auth_token=account.auth_token,
        ):
            raise Forbidden("bad or missing X-Twilio-Signature", code="bad_signature")
        return SignedRequest(account=account, params=params, raw=request.raw)

    async def _known_account(self, account_id: str) -> SmsAccountCredentials:
        try:
            parsed = uuid.UUID(account_id)
        except ValueError:
            parsed = None
        account = await self._lookup(parsed) if parsed is not None else None
        if account is None or account.status == "deleted":
            raise NotFound("no SMS account with this id", code="unknown_account")
        return account

    def _signed_url(self, request: TwilioRequest) -> str:
        if not self._public_url:
            return request.url
        return public_request_url(
            public_base_url=self._public_url, path=request.path, query=request.query
        )
