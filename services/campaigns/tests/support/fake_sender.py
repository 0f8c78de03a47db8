"""A stand-in for the sender on Kafka: it reads campaigns' send requests and answers with
outcomes as the sender does (event id from the request id, the origin header), per channel
account ``accept`` at once, ``hold`` (answer later, by hand), or ``fail`` some numbers.

``FakeSenderApi`` is the sender's HTTP side that campaigns calls (its ``sender_url``): a
number's limits, and its WhatsApp templates at Meta (``GET`` / ``POST /api/v1/channels/
accounts/{id}/templates``) with the sender's answers: 404 for another company's number,
422 ``sms_has_no_templates``, ``template_invalid`` (the sender's own checks) and
``template_rejected_by_meta`` (Meta's refusal, its words in ``detail``).

The real sender, its idempotency and the Meta sandbox are exercised end to end in
``tests-e2e``; here campaigns' ledger and flow control are watched request by request."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mia_common.contracts import (
    ChannelError,
    Envelope,
    SendOutcome,
    SendRequest,
    SendResult,
)
from mia_common.contracts.messages import ORIGIN_HEADER
from mia_common.identity import IDENTITY_HEADER, Role, verify_identity_token

__all__ = ["FakeSender", "FakeSenderApi"]

_NAMESPACE = uuid.UUID("0c2a8d1e-5e1f-4b7a-9d0e-73656e646572")


@dataclass
class _Account:
    mode: str = "accept"
    failing: dict[str, str] = field(default_factory=dict)
    """Numbers whose sends fail for good (the code Meta would give: retrying cannot help)."""
    failing_for_now: dict[str, str] = field(default_factory=dict)
    """Numbers whose sends fail after the sender's own retries (an outage): a later try may
    pass."""
    requests: list[SendRequest] = field(default_factory=list)
    held: list[tuple[uuid.UUID, SendRequest]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    """When each request arrived (``time.monotonic``), in order."""


class FakeSender:
    def __init__(
        self,
        bootstrap: str,
        *,
        send_topic: str,
        outcome_topic: str,
        api: FakeSenderApi | None = None,
    ) -> None:
        self.api = api
        """The sender's HTTP side, as campaigns reaches it."""
        self._bootstrap = bootstrap
        self._send_topic = send_topic
        self._outcome_topic = outcome_topic
        self._accounts: dict[uuid.UUID, _Account] = defaultdict(_Account)
        self._consumer: AIOKafkaConsumer | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task[None] | None = None

    def account(self, account_id: uuid.UUID) -> _Account:
        return self._accounts[account_id]

    def requests(self, account_id: uuid.UUID) -> list[SendRequest]:
        return self._accounts[account_id].requests

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(bootstrap_servers=self._bootstrap, acks="all")
        await self._producer.start()
        partitions = await self._producer.partitions_for(self._send_topic)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None)
        assigned = [TopicPartition(self._send_topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        await self._consumer.start()
        await self._consumer.seek_to_beginning(*assigned)
        self._task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=100)
            sent = []
            for records in batch.values():
                for record in records:
                    envelope = Envelope[SendRequest].model_validate_json(record.value)
                    sent += await self._received(envelope.tenantid, envelope.data)
            # A poll's outcomes go out together, as the sender's outbox relay sends them.
            await asyncio.gather(*sent)

    async def _received(
        self, tenant_id: uuid.UUID, request: SendRequest
    ) -> list[asyncio.Future[object]]:
        account = self._accounts[request.channel_account_id]
        account.requests.append(request)
        account.arrivals.append(time.monotonic())
        if account.mode == "hold":
            account.held.append((tenant_id, request))
            return []
        return [await self._answer(tenant_id, request, account)]

    async def release(self, account_id: uuid.UUID, count: int | None = None) -> int:
        """Answer ``count`` held requests (all when None); how many were answered."""
        account = self._accounts[account_id]
        chosen = account.held if count is None else account.held[:count]
        account.held = [] if count is None else account.held[count:]
        await asyncio.gather(*[await self._answer(t, r, account) for t, r in chosen])
        return len(chosen)

    async def _answer(
        self, tenant_id: uuid.UUID, request: SendRequest, account: _Account
    ) -> asyncio.Future[object]:
        """Queue the outcome of ``request``; the future resolves once the broker has it."""
        assert self._producer is not None
        code = account.failing.get(request.to or "")
        for_now = code is None and (request.to or "") in account.failing_for_now
        if for_now:
            code = account.failing_for_now[request.to or ""]
        outcome = SendOutcome(
            request_id=request.request_id,
            channel=request.channel,
            channel_account_id=request.channel_account_id,
            to=request.to,
            result=SendResult.FAILED if code else SendResult.ACCEPTED,
            external_message_id=None if code else f"wamid.{request.request_id.hex}",
            error=ChannelError(code=code, title=f"failed: {code}", permanent=not for_now)
            if code
            else None,
            attempts=1,
            origin=request.origin,
            origin_ref=request.origin_ref,
            occurred_at=datetime.now(UTC),
        )
        envelope = Envelope[SendOutcome](
            id=uuid.uuid5(_NAMESPACE, f"outcome:{request.request_id}"),
            type="messages.outcome.v1",
            source="/tests/fake-sender",
            tenantid=tenant_id,
            data=outcome,
        )
        return await self._producer.send(
            self._outcome_topic,
            envelope.model_dump_json().encode(),
            key=str(request.channel_account_id).encode(),
            headers=[(ORIGIN_HEADER, request.origin.value.encode())],
        )


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
_NAME = re.compile(r"^[a-z0-9_]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


def _problem(status: int, detail: str, **extra: Any) -> web.Response:
    return web.json_response(
        {"type": "about:blank", "title": "refused", "status": status, "detail": detail, **extra},
        status=status,
        content_type="application/problem+json",
    )


def _distinct(text: str | None) -> list[str]:
    return list(dict.fromkeys(_PLACEHOLDER.findall(text or "")))


@dataclass
class MetaAccount:
    """A number of one company, with its templates at Meta (the sender's list's items)."""

    tenant_id: uuid.UUID
    channel: str = "whatsapp_cloud"
    templates: list[dict[str, Any]] = field(default_factory=list)
    submitted: list[dict[str, Any]] = field(default_factory=list)
    """Every submission body as the sender received it, in order."""


class FakeSenderApi:
    def __init__(self, secret: str, *, limits: dict[str, dict[str, Any]] | None = None) -> None:
        self._secret = secret
        self.limits = limits if limits is not None else {}
        """The sender's limits by channel account id (absent: 404)."""
        self.accounts: dict[uuid.UUID, MetaAccount] = {}
        self._ids = itertools.count(1_300_000_000_000_001)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def account(
        self, tenant_id: uuid.UUID, account_id: uuid.UUID, *, channel: str = "whatsapp_cloud"
    ) -> MetaAccount:
        return self.accounts.setdefault(account_id, MetaAccount(tenant_id, channel))

    def at_meta(self, account_id: uuid.UUID, name: str) -> dict[str, Any]:
        return next(t for t in self.accounts[account_id].templates if t["name"] == name)

    async def start(self) -> None:
        app = web.Application()
        base = "/api/v1/channels/accounts/{account_id}"
        app.router.add_get(f"{base}/limits", self._limits)
        app.router.add_get(f"{base}/templates", self._templates)
        app.router.add_post(f"{base}/templates", self._create)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _account_of(self, request: web.Request) -> tuple[MetaAccount | None, Role]:
        identity = verify_identity_token(request.headers[IDENTITY_HEADER], secret=self._secret)
        account = self.accounts.get(uuid.UUID(request.match_info["account_id"]))
        if account is None or account.tenant_id != identity.tenant_id:
            return None, identity.role
        return account, identity.role

    async def _limits(self, request: web.Request) -> web.Response:
        verify_identity_token(request.headers[IDENTITY_HEADER], secret=self._secret)
        answer = self.limits.get(request.match_info["account_id"])
        if answer is None:
            return web.json_response({"title": "Not found"}, status=404)
        return web.json_response(answer)

    async def _templates(self, request: web.Request) -> web.Response:
        account, _ = self._account_of(request)
        if account is None:
            return _problem(404, "no such channel account")
        if account.channel != "whatsapp_cloud":
            return web.json_response({"items": []})
        wanted = request.query.get("status", "approved")
        items = [
            {key: value for key, value in t.items() if key != "id"}
            for t in sorted(account.templates, key=lambda t: (t["name"], t["language"]))
            if wanted == "all" or t["status"] == "APPROVED"
        ]
        return web.json_response({"items": items})

    async def _create(self, request: web.Request) -> web.Response:
        account, role = self._account_of(request)
        if account is None:
            return _problem(404, "no such channel account")
        if role not in (Role.manager, Role.admin, Role.owner):
            return _problem(403, "managers and above")
        body = await request.json()
        account.submitted.append(body)
        if account.channel != "whatsapp_cloud":
            return _problem(
                422, "SMS accounts have no message templates.", code="sms_has_no_templates"
            )
        invalid = self._invalid(body)
        if invalid is not None:
            return _problem(422, invalid, code="template_invalid")
        if body["name"].startswith("reject_") or any(
            t["name"] == body["name"] and t["language"] == body["language"]
            for t in account.templates
        ):
            # What Graph answers a name taken in that language, as the sender passes it on.
            return _problem(
                422,
                "Meta refused the template: Invalid parameter: Content in this language "
                "already exists",
                code="template_rejected_by_meta",
                meta_code="100",
            )
        components = {c["type"]: c for c in body["components"]}
        header = components.get("HEADER", {})
        template = {
            "id": str(next(self._ids)),
            "name": body["name"],
            "language": body["language"],
            "status": "PENDING",
            "category": body["category"],
            "body": components["BODY"]["text"],
            "variables": len(_distinct(components["BODY"]["text"])),
            "header": header.get("text"),
            "footer": components.get("FOOTER", {}).get("text"),
            "header_variables": len(_distinct(header.get("text"))),
            "button_variables": [
                {"index": i, "type": "URL", "count": len(_distinct(b.get("url")))}
                for i, b in enumerate(components.get("BUTTONS", {}).get("buttons", []))
                if b["type"] == "URL" and _distinct(b.get("url"))
            ],
        }
        account.templates.append(template)
        return web.json_response(
            {
                "id": template["id"],
                "name": body["name"],
                "language": body["language"],
                "status": "PENDING",
                "category": body["category"],
            },
            status=201,
        )

    @staticmethod
    def _invalid(body: dict[str, Any]) -> str | None:
        """The sender's own checks of a submission (its schema and ``check_submission``)."""
        if not _NAME.match(str(body.get("name", ""))):
            return "name: lower-case letters, digits and underscores"
        if not _LANGUAGE.match(str(body.get("language", ""))):
            return "language: Meta's language code"
        components = body.get("components") or []
        kinds = [c.get("type") for c in components]
        if kinds.count("BODY") != 1:
            return "A template has exactly one BODY component."
        for component in components:
            if component["type"] == "BODY":
                wanted = len(_distinct(component["text"]))
                given = len((component.get("example") or {}).get("body_text", [[]])[0])
                if wanted > given:
                    return f"The body has {wanted} variable(s) but {given} example value(s)."
            if component["type"] == "HEADER" and component.get("format") == "TEXT":
                wanted = len(_distinct(component.get("text")))
                given = len((component.get("example") or {}).get("header_text") or [])
                if wanted > given:
                    return f"The header has {wanted} variable(s) but {given} example value(s)."
            if component["type"] == "BUTTONS":
                for button in component["buttons"]:
                    if (
                        button["type"] == "URL"
                        and _distinct(button["url"])
                        and not button.get("example")
                    ):
                        return "The URL button has 1 variable(s) but 0 example value(s)."
        return None
