"""A local Twilio for tests, speaking its real HTTP protocol over a real socket.

It serves the Messages API (``POST /2010-04-01/Accounts/{sid}/Messages.json``, HTTP Basic
auth with the account sid and auth token, form-encoded parameters) and answers the way
Twilio does: 201 with the Message resource, or ``{"code", "message", "more_info",
"status"}``. It serves the Account resource too (``GET /2010-04-01/Accounts/{sid}.json``,
what a credentials check fetches): 200 with the account, its ``status`` ``active``,
``suspended`` or ``closed`` (``set_status``), or 401 with code 20003 for a wrong SID or
auth token, as Twilio answers. After a send it posts the status callbacks (queued, sent,
then delivered, undelivered or failed) to the message's ``StatusCallback``, form-encoded
and signed with ``X-Twilio-Signature``; it can also post an inbound SMS to a number's
webhook.

Like Twilio's test credentials, some magic recipients are refused: ``+15005550001``
(21211 invalid), ``+15005550002`` (21612 unreachable), ``+15005550003`` (21408 region),
``+15005550004`` (21610 unsubscribed) and ``+15005550009`` (21614 not a mobile).

The signing here is written from Twilio's documentation on purpose, not imported from
``mia_sender``, so the two implementations check each other.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import math
import re
import secrets
import socket
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mia_common.testing import wait_until

__all__ = [
    "AccountStatus",
    "CallbackDelivery",
    "FakeAccount",
    "FakeTwilio",
    "SendAttempt",
    "SentMessage",
    "running_fake_twilio",
    "serve_app",
    "twilio_signature",
]

API = "/2010-04-01"
_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-f]{32}$")
MAGIC_REFUSALS: dict[str, tuple[int, str]] = {
    "+15005550001": (21211, "The 'To' number {to} is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: {to}, is not currently reachable via SMS."),
    "+15005550003": (
        21408,
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: {to}.",
    ),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number {to} is not a valid mobile number"),
}
Outcome = Literal["delivered", "undelivered", "failed"]


def twilio_signature(url: str, params: Sequence[tuple[str, str]], auth_token: str) -> str:
    """base64(HMAC-SHA1(auth token, URL + each param name followed by its value, by name))."""
    signed = url
    for name, value in sorted(params):
        signed += name + value
    mac = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _rfc2822(moment: datetime) -> str:
    # Twilio's dates: "Thu, 24 Aug 2023 05:01:45 +0000".
    return format_datetime(moment).replace("-0000", "+0000")


def _segments(body: str) -> int:
    if not body:
        return 1
    single, multi = (160, 153) if body.isascii() else (70, 67)
    return 1 if len(body) <= single else math.ceil(len(body) / multi)


def _error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
        headers=headers,
    )


AccountStatus = Literal["active", "suspended", "closed"]


@dataclass(frozen=True)
class FakeAccount:
    sid: str
    auth_token: str
    numbers: frozenset[str]
    """The account's own numbers: the only valid ``From`` values (any, when empty)."""
    status: AccountStatus = "active"
    friendly_name: str = "My first Twilio account"
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def resource(self) -> dict[str, Any]:
        """The Account resource as Twilio's API shows it (the auth token included)."""
        uri = f"{API}/Accounts/{self.sid}"
        date = _rfc2822(self.created)
        return {
            "auth_token": self.auth_token,
            "date_created": date,
            "date_updated": date,
            "friendly_name": self.friendly_name,
            "owner_account_sid": self.sid,
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": {
                name: f"{uri}/{path}.json"
                for name, path in (
                    ("messages", "Messages"),
                    ("incoming_phone_numbers", "IncomingPhoneNumbers"),
                    ("balance", "Balance"),
                )
            },
            "type": "Full",
            "uri": f"{uri}.json",
        }


@dataclass(frozen=True)
class SendAttempt:
    """Every request to the Messages endpoint, accepted or not."""

    account_sid: str
    form: list[tuple[str, str]]
    status_code: int


@dataclass
class SentMessage:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    media_urls: list[str]
    status_callback: str | None
    resource: dict[str, Any]


@dataclass(frozen=True)
class CallbackDelivery:
    """One request the fake made to a webhook, and how it was answered."""

    url: str
    params: dict[str, str]
    signature: str
    status_code: int | None
    error: str | None = None


@dataclass(frozen=True)
class _Fault:
    http_status: int
    code: int
    message: str
    retry_after: str | None


@dataclass
class FakeTwilio:
    url: str = ""
    accounts: dict[str, FakeAccount] = field(default_factory=dict)
    attempts: list[SendAttempt] = field(default_factory=list)
    messages: list[SentMessage] = field(default_factory=list)
    callbacks: list[CallbackDelivery] = field(default_factory=list)
    opted_out: set[str] = field(default_factory=set)
    """Recipients who replied STOP: sends to them are refused with 21610."""
    fetches: list[str] = field(default_factory=list)
    """The account SID of every fetch of an Account resource, answered or not."""
    _faults: list[_Fault] = field(default_factory=list)
    _stalls: list[float] = field(default_factory=list)
    _fetch_faults: list[_Fault] = field(default_factory=list)
    _fetch_stalls: list[float] = field(default_factory=list)
    _outcomes: dict[str, tuple[Outcome, str | None]] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _client: httpx.AsyncClient | None = None

    # ---- knobs -------------------------------------------------------------------------

    def add_account(self, *, numbers: Sequence[str] = ()) -> FakeAccount:
        account = FakeAccount(
            sid=_sid("AC"), auth_token=secrets.token_hex(16), numbers=frozenset(numbers)
        )
        self.accounts[account.sid] = account
        return account

    def set_status(self, sid: str, status: AccountStatus) -> FakeAccount:
        """Twilio suspends or closes an account (or reactivates it)."""
        account = replace(self.accounts[sid], status=status)
        self.accounts[sid] = account
        return account

    def fail_next_fetches(
        self, count: int, *, http_status: int, code: int, message: str = "injected failure"
    ) -> None:
        """The next ``count`` fetches of an Account are answered ``http_status``."""
        self._fetch_faults.extend([_Fault(http_status, code, message, None)] * count)

    def stall_next_fetches(self, count: int, *, seconds: float) -> None:
        """The next ``count`` fetches of an Account wait ``seconds`` before answering."""
        self._fetch_stalls.extend([seconds] * count)

    def fail_next_sends(
        self,
        count: int,
        *,
        http_status: int,
        code: int,
        message: str = "injected failure",
        retry_after: str | None = None,
    ) -> None:
        """The next ``count`` sends are answered ``http_status`` with Twilio ``code``."""
        self._faults.extend([_Fault(http_status, code, message, retry_after)] * count)

    def stall_next_sends(self, count: int, *, seconds: float) -> None:
        """The next ``count`` sends wait ``seconds`` before answering (a slow Twilio)."""
        self._stalls.extend([seconds] * count)

    def fail_delivery_to(
        self, number: str, *, outcome: Outcome = "undelivered", error_code: str = "30003"
    ) -> None:
        """Messages to ``number`` end ``outcome`` with ``ErrorCode`` instead of delivered."""
        self._outcomes[number] = (outcome, error_code)

    # ---- what happened ------------------------------------------------------------------

    def message(self, sid: str) -> SentMessage:
        return next(m for m in self.messages if m.sid == sid)

    def callbacks_of(self, message_sid: str) -> list[CallbackDelivery]:
        return [c for c in self.callbacks if c.params.get("MessageSid") == message_sid]

    async def wait_for_callbacks(
        self, message_sid: str, count: int, *, within: float = 15
    ) -> list[CallbackDelivery]:
        await wait_until(
            lambda: len(self.callbacks_of(message_sid)) >= count,
            timeout=within,
            message=f"{count} status callbacks of {message_sid}",
        )
        return self.callbacks_of(message_sid)

    # ---- Twilio calling us ----------------------------------------------------------------

    async def post_signed(
        self,
        url: str,
        params: Sequence[tuple[str, str]],
        auth_token: str,
        *,
        signed_url: str | None = None,
    ) -> httpx.Response:
        """POST ``params`` to ``url`` as Twilio does; ``signed_url`` is the URL Twilio was
        configured with when it differs from where the request lands (a proxy)."""
        signature = twilio_signature(signed_url or url, params, auth_token)
        client = self._http()
        try:
            response = await client.post(
                url,
                content=urlencode(list(params)),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                    "User-Agent": "TwilioProxy/1.1",
                    "Accept": "*/*",
                },
            )
        except httpx.HTTPError as exc:
            self.callbacks.append(CallbackDelivery(url, dict(params), signature, None, str(exc)))
            raise
        self.callbacks.append(CallbackDelivery(url, dict(params), signature, response.status_code))
        return response

    async def send_inbound(
        self,
        webhook_url: str,
        *,
        account: FakeAccount,
        from_number: str,
        to_number: str,
        body: str = "",
        media: Sequence[tuple[str, str]] = (),
        signed_url: str | None = None,
    ) -> httpx.Response:
        """A customer's SMS (or MMS: ``media`` as (content type, file name) pairs) arriving
        at ``to_number``, posted to its messaging webhook the way Twilio posts it."""
        message_sid = _sid("SM" if not media else "MM")
        params: list[tuple[str, str]] = [
            ("ToCountry", _country(to_number)),
            ("ToState", ""),
            ("SmsMessageSid", message_sid),
            ("NumMedia", str(len(media))),
            ("ToCity", ""),
            ("FromZip", ""),
            ("SmsSid", message_sid),
            ("FromState", ""),
            ("SmsStatus", "received"),
            ("FromCity", ""),
            ("Body", body),
            ("FromCountry", _country(from_number)),
            ("To", to_number),
            ("ToZip", ""),
            ("NumSegments", str(_segments(body))),
            ("MessageSid", message_sid),
            ("AccountSid", account.sid),
            ("From", from_number),
            ("ApiVersion", "2010-04-01"),
        ]
        for index, (content_type, _name) in enumerate(media):
            media_url = f"{self.url}{API}/Accounts/{account.sid}/Messages/{message_sid}/Media/"
            params.append((f"MediaContentType{index}", content_type))
            params.append((f"MediaUrl{index}", media_url + _sid("ME")))
        return await self.post_signed(
            webhook_url, params, account.auth_token, signed_url=signed_url
        )

    async def _report_statuses(self, message: SentMessage, account: FakeAccount) -> None:
        assert message.status_callback is not None
        outcome, error_code = self._outcomes.get(message.to, ("delivered", None))
        steps: list[str] = ["queued"]
        if outcome != "failed":
            steps.append("sent")
        steps.append(outcome)
        for status in steps:
            params = [
                ("SmsSid", message.sid),
                ("SmsStatus", status),
                ("MessageStatus", status),
                ("To", message.to),
                ("MessageSid", message.sid),
                ("AccountSid", account.sid),
                ("From", message.from_ or next(iter(sorted(account.numbers)), "+15005550006")),
                ("ApiVersion", "2010-04-01"),
            ]
            if message.messaging_service_sid:
                params.append(("MessagingServiceSid", message.messaging_service_sid))
            if status in ("undelivered", "failed") and error_code:
                params.append(("ErrorCode", error_code))
            if status == "delivered":
                params.append(("RawDlrDoneDate", datetime.now(UTC).strftime("%y%m%d%H%M")))
            message.resource["status"] = status
            # A webhook that is down loses the callback, as with Twilio; the test sees it.
            with contextlib.suppress(httpx.HTTPError):
                await self.post_signed(message.status_callback, params, account.auth_token)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10)
        return self._client

    async def _close(self) -> None:
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=15)
        for task in self._tasks:
            task.cancel()
        if self._client is not None:
            await self._client.aclose()

    # ---- the Messages API --------------------------------------------------------------------

    def _authenticated(self, request: Request, account_sid: str) -> FakeAccount | None:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        account = self.accounts.get(user)
        if account is None or user != account_sid:
            return None
        if not hmac.compare_digest(account.auth_token.encode(), password.encode()):
            return None
        return account

    def _refusal(self, account: FakeAccount, form: dict[str, list[str]]) -> JSONResponse | None:
        to = (form.get("To") or [""])[0]
        from_ = (form.get("From") or [""])[0]
        service = (form.get("MessagingServiceSid") or [""])[0]
        body = (form.get("Body") or [""])[0]
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not _E164.match(to):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not from_ and not service:
            return _error(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.")
        if service and not _MESSAGING_SERVICE_SID.match(service):
            return _error(400, 21701, f"The Messaging Service Sid {service} is invalid.")
        if from_ and account.numbers and from_ not in account.numbers:
            return _error(
                400,
                21606,
                f"The From phone number {from_} is not a valid, SMS-capable inbound phone "
                "number or short code for your account.",
            )
        if not body and not form.get("MediaUrl"):
            return _error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 limit.")
        if to in MAGIC_REFUSALS:
            code, text = MAGIC_REFUSALS[to]
            return _error(400, code, text.format(to=to))
        if to in self.opted_out:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        return None

    def _resource(self, account: FakeAccount, form: dict[str, list[str]]) -> SentMessage:
        sid = _sid("SM" if not form.get("MediaUrl") else "MM")
        now = _rfc2822(datetime.now(UTC))
        service = _first(form, "MessagingServiceSid")
        from_ = _first(form, "From")
        body = (form.get("Body") or [""])[0]
        media = form.get("MediaUrl", [])
        uri = f"{API}/Accounts/{account.sid}/Messages/{sid}"
        resource: dict[str, Any] = {
            "account_sid": account.sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": service,
            "num_media": str(len(media)),
            # With a Messaging Service the sender is chosen later: Twilio says 0 for now.
            "num_segments": "0" if service and not from_ else str(_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service and not from_ else "queued",
            "subresource_uris": {
                "media": f"{uri}/Media.json",
                "feedback": f"{uri}/Feedback.json",
            },
            "to": form["To"][0],
            "uri": f"{uri}.json",
        }
        return SentMessage(
            sid=sid,
            account_sid=account.sid,
            to=form["To"][0],
            from_=from_,
            messaging_service_sid=service,
            body=body,
            media_urls=list(media),
            status_callback=_first(form, "StatusCallback"),
            resource=resource,
        )

    def build_app(self) -> FastAPI:
        app = FastAPI(title="fake Twilio")

        @app.post(API + "/Accounts/{account_sid}/Messages.json")
        async def create_message(account_sid: str, request: Request) -> JSONResponse:
            pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
            form: dict[str, list[str]] = {}
            for name, value in pairs:
                form.setdefault(name, []).append(value)
            if self._stalls:
                await asyncio.sleep(self._stalls.pop(0))
            response = self._create(request, account_sid, form)
            self.attempts.append(SendAttempt(account_sid, pairs, response.status_code))
            return response

        @app.get(API + "/Accounts/{account_sid}.json")
        async def fetch_account(account_sid: str, request: Request) -> JSONResponse:
            self.fetches.append(account_sid)
            if self._fetch_stalls:
                await asyncio.sleep(self._fetch_stalls.pop(0))
            if self._fetch_faults:
                fault = self._fetch_faults.pop(0)
                return _error(fault.http_status, fault.code, fault.message)
            account = self._authenticated(request, account_sid)
            if account is None:
                return _unauthenticated()
            return JSONResponse(account.resource())

        @app.get(API + "/Accounts/{account_sid}/Messages/{message_sid}.json")
        async def fetch_message(
            account_sid: str, message_sid: str, request: Request
        ) -> JSONResponse:
            if self._authenticated(request, account_sid) is None:
                return _unauthenticated()
            found = [m for m in self.messages if m.sid == message_sid]
            if not found or found[0].account_sid != account_sid:
                return _error(
                    404, 20404, f"The requested resource {request.url.path} was not found"
                )
            return JSONResponse(found[0].resource)

        return app

    def _create(
        self, request: Request, account_sid: str, form: dict[str, list[str]]
    ) -> JSONResponse:
        if self._faults:
            fault = self._faults.pop(0)
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            return _error(fault.http_status, fault.code, fault.message, headers)
        account = self._authenticated(request, account_sid)
        if account is None:
            return _unauthenticated()
        refusal = self._refusal(account, form)
        if refusal is not None:
            return refusal
        message = self._resource(account, form)
        self.messages.append(message)
        if message.status_callback:
            task = asyncio.get_running_loop().create_task(self._report_statuses(message, account))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return JSONResponse(message.resource, status_code=201)


def _first(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _unauthenticated() -> JSONResponse:
    return _error(
        401,
        20003,
        "Authenticate",
        headers={"WWW-Authenticate": 'Basic realm="Twilio API"'},
    )


def _country(number: str) -> str:
    for prefix, country in (("+55", "BR"), ("+1", "US"), ("+44", "GB"), ("+351", "PT")):
        if number.startswith(prefix):
            return country
    return ""


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # pytest owns SIGINT; uvicorn would otherwise take it over while the server runs.
        yield


@contextlib.asynccontextmanager
async def serve_app(app: FastAPI) -> AsyncIterator[str]:
    """``http://127.0.0.1:<port>`` serving ``app`` in this event loop until the block ends.

    The socket is bound before uvicorn starts, so there is no race for a free port.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _QuietServer(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await wait_until(lambda: server.started or task.done(), message="uvicorn started")
        if task.done():
            task.result()  # raises what stopped it
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)
        sock.close()


@contextlib.asynccontextmanager
async def running_fake_twilio() -> AsyncIterator[FakeTwilio]:
    """A fake Twilio on a free local port; its ``url`` is the provider's ``base_url``."""
    fake = FakeTwilio()
    try:
        async with serve_app(fake.build_app()) as url:
            fake.url = url
            yield fake
    finally:
        await fake._close()
