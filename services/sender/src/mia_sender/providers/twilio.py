"""Twilio's Programmable Messaging: one ``POST .../Messages.json`` per send request.

Twilio answers 201 with the Message resource (its ``sid`` is the external message id) and
reports delivery later through the ``StatusCallback`` URL (``mia_sender.sms.endpoints``).
A refusal is JSON ``{"code", "message", "more_info", "status"}``; the code, not the HTTP
status, says what went wrong, so it decides the dispatcher's next step.

Transport failures are split by whether Twilio can have seen the request: one that never
went out is retried; one whose answer was lost is ``OutcomeUnknown``. The status callback
URL carries our request id (``?request_id=``), so the delivery report of such a message
still names the send it belongs to.

``check`` proves an account's credentials with the cheapest call Twilio has, the fetch of
the Account resource (``GET .../Accounts/{AccountSid}.json``): 200 with the account (whose
``status`` may be ``suspended`` or ``closed``), or 401 with code 20003 for a wrong SID or
auth token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from mia_common.contracts import SendRequest
from mia_common.contracts.messages import MediaContent, TemplateContent, TextContent
from mia_sender.providers.base import (
    ErrorAction,
    OutcomeUnknown,
    ProviderAccepted,
    ProviderError,
)
from mia_sender.sms.urls import with_request_id

__all__ = ["TwilioCredentials", "TwilioProvider", "render_template_text"]

API_VERSION = "2010-04-01"

# Retrying later can succeed: throughput limits, a full sender queue.
_RETRY_CODES: frozenset[int] = frozenset({20429, 14107, 21611})
# The account itself cannot send: wrong credentials, suspended or closed account.
_PAUSE_CODES: frozenset[int] = frozenset({20003, 20005, 10001})
# Refusals we know by name; any other 4xx is a failure too, with Twilio's own message.
_FAIL_TITLES: Mapping[int, str] = {
    21211: "invalid 'To' phone number",
    21408: "sending to this region is not enabled",
    21602: "message body is required",
    21606: "the 'From' number cannot send to this destination",
    21610: "the recipient unsubscribed (replied STOP)",
    21612: "the 'To' number is not reachable via SMS",
    21614: "the 'To' number is not a mobile number",
    21617: "the message body exceeds 1600 characters",
    21620: "invalid media URL",
    21659: "the 'From' number is not a valid sender for this account",
}
# ``{{1}}`` or ``{{first_name}}``: the placeholders of a template's body text.
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


@dataclass(frozen=True, slots=True)
class TwilioCredentials:
    """One Twilio account (or subaccount) and the sender it sends from.

    ``messaging_service_sid`` wins over ``from_number`` when both are set: the service
    picks the sender from its pool. ``status_callback_url`` is where Twilio reports
    delivery (our ``/webhooks/twilio/{account_id}/status``, as the public sees it).
    """

    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None
    messaging_service_sid: str | None
    status_callback_url: str | None


class TwilioProvider:
    """The Twilio client of the dispatcher: exactly one API call per ``send``."""

    def __init__(self, base_url: str = "https://api.twilio.com", timeout: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(self, credentials: TwilioCredentials, request: SendRequest) -> ProviderAccepted:
        form = _message_form(credentials, request)
        url = f"{self._base_url}/{API_VERSION}/Accounts/{credentials.account_sid}/Messages.json"
        try:
            response = await self._client.post(
                url,
                data=form,
                auth=(credentials.account_sid, credentials.auth_token),
                headers={"Accept": "application/json"},
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # The request never left: Twilio cannot have acted on it.
            raise ProviderError.retryable(exc, title="could not reach Twilio") from exc
        except (httpx.WriteError, httpx.WriteTimeout) as exc:
            # Not fully written, so not a request Twilio could have accepted.
            raise ProviderError.retryable(
                exc, title="the request to Twilio could not be written"
            ) from exc
        except httpx.TransportError as exc:
            # Read timeout, reset or protocol error after the request went out: Twilio may
            # have taken the message, and its Messages API has no idempotency key, so only
            # the status callback (which names our request id) can tell.
            raise OutcomeUnknown(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in (200, 201):
            return _accepted(response)
        raise _refusal(response)

    async def check(self, credentials: TwilioCredentials) -> dict[str, Any]:
        """What Twilio says of the account; ``ProviderError`` (in words a person acts on)
        when the credentials are refused, the account cannot send, or Twilio is away."""
        url = f"{self._base_url}/{API_VERSION}/Accounts/{credentials.account_sid}.json"
        try:
            response = await self._client.get(
                url,
                auth=(credentials.account_sid, credentials.auth_token),
                headers={"Accept": "application/json"},
            )
        except httpx.TimeoutException as exc:
            raise ProviderError.retryable(
                exc, title="Twilio did not answer in time; try again shortly", code="timeout"
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError.retryable(
                exc, title="could not reach Twilio; try again shortly"
            ) from exc
        if response.status_code == 200:
            return _checked_account(response)
        raise _check_refusal(response)

    async def aclose(self) -> None:
        await self._client.aclose()


# What the test shows of Twilio's Account resource: never its ``auth_token`` (Twilio sends
# the token back in it) nor the URIs.
_ACCOUNT_DETAILS = ("sid", "friendly_name", "status", "type")


def _checked_account(response: httpx.Response) -> dict[str, Any]:
    account = _json_object(response)
    status = account.get("status")
    if status in ("suspended", "closed"):
        raise ProviderError(
            code=f"account_{status}",
            title=f"Twilio has {status} this account",
            action=ErrorAction.PAUSE_ACCOUNT,
            detail=(
                "the credentials are right, but Twilio sends nothing from a "
                f"{status} account; see the account's status in the Twilio Console "
                "(often a billing matter)"
            ),
            http_status=response.status_code,
        )
    return {key: account[key] for key in _ACCOUNT_DETAILS if account.get(key) is not None}


def _check_refusal(response: httpx.Response) -> ProviderError:
    """The fetch of the Account resource refused: the credentials, or Twilio itself."""
    refusal = _refusal(response)
    if response.status_code in (401, 403, 404) or refusal.code == "20003":
        # With Basic auth as the account itself, an unknown SID is a 401 as well: either
        # way the pair does not open this account.
        return ProviderError(
            code=refusal.code,
            title="Twilio did not accept the Account SID and auth token",
            action=ErrorAction.PAUSE_ACCOUNT,
            detail=(
                "check both in the Twilio Console under Account info (the auth token "
                "changes when it is rotated there), then save them again"
            ),
            http_status=response.status_code,
        )
    if refusal.action is ErrorAction.RETRY:
        return ProviderError(
            code=refusal.code,
            title="Twilio could not answer now; try again shortly",
            action=ErrorAction.RETRY,
            detail=refusal.detail,
            http_status=response.status_code,
            retry_after_seconds=refusal.retry_after_seconds,
        )
    return refusal


def _message_form(credentials: TwilioCredentials, request: SendRequest) -> dict[str, str]:
    if request.to is None:
        # SMS reaches phone numbers only; a channel user id (Meta's BSUID) means nothing here.
        raise ProviderError(
            code="sms_needs_phone",
            title="SMS needs the recipient's phone number",
            action=ErrorAction.FAIL,
            detail="the recipient is known only by a channel user id",
        )
    form = {"To": request.to}
    if credentials.messaging_service_sid:
        form["MessagingServiceSid"] = credentials.messaging_service_sid
    elif credentials.from_number:
        form["From"] = credentials.from_number
    else:
        # No message of this account can go out until someone sets a sender.
        raise ProviderError(
            code="sms_no_sender",
            title="the SMS account has neither a From number nor a Messaging Service",
            action=ErrorAction.PAUSE_ACCOUNT,
        )
    form.update(_content_form(request))
    if credentials.status_callback_url:
        form["StatusCallback"] = with_request_id(
            credentials.status_callback_url, request.request_id
        )
    return form


def _content_form(request: SendRequest) -> dict[str, str]:
    content = request.content
    if isinstance(content, TextContent):
        return {"Body": content.body}
    if isinstance(content, MediaContent):
        if not content.link:
            # Twilio fetches media from a public URL; a channel media id is no such thing.
            raise _unsupported("SMS media needs a public link, not a media id")
        form = {"MediaUrl": content.link}
        if content.caption:
            form["Body"] = content.caption
        return form
    if not isinstance(content, TemplateContent):
        # Intake refuses these on SMS already; a stored one must still never be sent.
        raise _unsupported("SMS shows no typing indicator")
    body = render_template_text(content)
    if body is None:
        raise _unsupported(f"template {content.name!r} carries no body text to send as a plain SMS")
    return {"Body": body}


def render_template_text(template: TemplateContent) -> str | None:
    """The template's body text with its variables filled in; None when it has no text.

    SMS has no templates: a template goes out as plain text only when its body component
    carries the text (``{"type": "body", "text": "Olá {{1}}", "parameters": [...]}``).
    Positional parameters fill ``{{1}}``, ``{{2}}``...; named ones (``parameter_name``)
    fill ``{{name}}``. A placeholder without a value makes the template unrenderable.
    """
    body = next((c for c in template.components if str(c.get("type", "")).lower() == "body"), None)
    if body is None or not isinstance(body.get("text"), str) or not body["text"].strip():
        return None
    values: dict[str, str] = {}
    parameters = body.get("parameters") or []
    if not isinstance(parameters, Sequence):
        return None
    for position, parameter in enumerate(parameters, start=1):
        if not isinstance(parameter, Mapping) or not isinstance(parameter.get("text"), str):
            return None
        name = parameter.get("parameter_name")
        values[str(name) if name else str(position)] = parameter["text"]
    missing = [m for m in _PLACEHOLDER.findall(body["text"]) if m not in values]
    if missing:
        return None
    rendered: str = _PLACEHOLDER.sub(lambda m: values[m.group(1)], body["text"])
    return rendered


def _unsupported(detail: str) -> ProviderError:
    return ProviderError(
        code="unsupported_content",
        title="this content cannot be sent as SMS",
        action=ErrorAction.FAIL,
        detail=detail,
    )


def _accepted(response: httpx.Response) -> ProviderAccepted:
    message = _json_object(response)
    sid = message.get("sid")
    if not isinstance(sid, str) or not sid:
        # Twilio took the message but we cannot name it: retrying would send it twice.
        raise ProviderError(
            code="malformed_response",
            title="Twilio accepted the message without a sid",
            action=ErrorAction.FAIL,
            http_status=response.status_code,
        )
    details = {
        key: message[key]
        for key in ("status", "num_segments", "messaging_service_sid")
        if message.get(key) is not None
    }
    return ProviderAccepted(external_message_id=sid, details=details)


def _refusal(response: httpx.Response) -> ProviderError:
    """The ``ProviderError`` a non-2xx answer of the Messages API stands for."""
    body = _json_object(response)
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, int) else None
    status = response.status_code
    message = body.get("message") if isinstance(body.get("message"), str) else None
    more_info = body.get("more_info") if isinstance(body.get("more_info"), str) else None
    detail = " ".join(part for part in (message, more_info) if part) or None
    code_text = str(code) if code is not None else f"http_{status}"

    def error(action: ErrorAction, title: str, retry_after: float | None = None) -> ProviderError:
        return ProviderError(
            code=code_text,
            title=title,
            action=action,
            detail=detail,
            http_status=status,
            retry_after_seconds=retry_after,
        )

    if status == 429 or code in _RETRY_CODES:
        return error(
            ErrorAction.RETRY,
            message or "Twilio's rate limit was reached",
            _retry_after_seconds(response.headers.get("Retry-After")),
        )
    if status >= 500:
        return error(ErrorAction.RETRY, message or f"Twilio failed with HTTP {status}")
    if status == 401 or code in _PAUSE_CODES:
        return error(ErrorAction.PAUSE_ACCOUNT, message or "Twilio refused the account")
    if code is not None and code in _FAIL_TITLES:
        return error(ErrorAction.FAIL, _FAIL_TITLES[code])
    return error(ErrorAction.FAIL, message or f"Twilio refused the message (HTTP {status})")


def _retry_after_seconds(header: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    if not header:
        return None
    value = header.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
