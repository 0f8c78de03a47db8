"""A stand-in for the crm's internal member endpoints, speaking their contract (NDJSON
lines in contact id order, ``after=``, the consent header), scoped by the identity token;
and for the sender's account limits, which campaigns reads before a launch.

The crm itself is tested for these endpoints; campaigns' own tests need audiences they
shape at will (thousands of contacts, missing phones, opt-outs) without seeding a crm."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from mia_common.identity import IDENTITY_HEADER, verify_identity_token

__all__ = ["FakeCrm", "filter_key", "member"]


def filter_key(contact_filter: dict[str, Any]) -> str:
    return orjson.dumps(contact_filter, option=orjson.OPT_SORT_KEYS).decode()


def member(
    *,
    phone: str | None,
    name: str | None = "Maria Silva",
    fields: dict[str, Any] | None = None,
    whatsapp: str | None = None,
    sms: str | None = None,
    last_inbound_at: str | None = None,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "phone": phone,
        "channel_user_id": None,
        "email": None,
        "name": name,
        "language": None,
        "time_zone": "America/Sao_Paulo",
        "last_inbound_at": last_inbound_at,
        "fields": fields or {},
        "consent": {"whatsapp": whatsapp, "sms": sms},
    }


@dataclass
class _Tenant:
    contacts: list[dict[str, Any]] = field(default_factory=list)
    segments: dict[str, list[str]] = field(default_factory=dict)
    filters: dict[str, set[str]] = field(default_factory=dict)
    """Which contact ids a filter (by its JSON, keys sorted) matches; an unknown one: all."""
    requires_consent: bool = False


class FakeCrm:
    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._tenants: dict[uuid.UUID, _Tenant] = {}
        self.calls = 0
        self.limits: dict[str, dict[str, Any]] = {}
        """The sender's answer by channel account id (absent: 404)."""
        self.failing = False
        self._runner: web.AppRunner | None = None
        self.url = ""

    def tenant(self, tenant_id: uuid.UUID) -> _Tenant:
        return self._tenants.setdefault(tenant_id, _Tenant())

    def add(self, tenant_id: uuid.UUID, contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        tenant = self.tenant(tenant_id)
        tenant.contacts.extend(contacts)
        tenant.contacts.sort(key=lambda c: c["id"])
        return contacts

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/internal/v1/contacts/members", self._filter_members)
        app.router.add_get("/internal/v1/segments/{segment_id}/members", self._segment_members)
        # The sender's account limits, on the same stand-in server (campaigns' sender_url).
        app.router.add_get("/api/v1/channels/accounts/{account_id}/limits", self._limits)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _tenant_of(self, request: web.Request) -> _Tenant:
        identity = verify_identity_token(request.headers[IDENTITY_HEADER], secret=self._secret)
        return self.tenant(identity.tenant_id)

    async def _answer(
        self, request: web.Request, tenant: _Tenant, contacts: list[dict[str, Any]]
    ) -> web.StreamResponse:
        self.calls += 1
        if self.failing:
            return web.json_response({"title": "boom"}, status=503)
        after = request.query.get("after")
        response = web.StreamResponse(
            headers={
                "Content-Type": "application/x-ndjson",
                "X-Mia-Marketing-Requires-Consent": str(tenant.requires_consent).lower(),
            }
        )
        await response.prepare(request)
        for contact in contacts:
            if after is None or contact["id"] > after:
                await response.write(orjson.dumps(contact) + b"\n")
        await response.write_eof()
        return response

    async def _filter_members(self, request: web.Request) -> web.StreamResponse:
        tenant = self._tenant_of(request)
        body = await request.json()
        chosen = list(tenant.contacts)
        if "contact_ids" in body:
            wanted = set(body["contact_ids"])
            chosen = [c for c in chosen if c["id"] in wanted]
        if "filter" in body:
            matching = tenant.filters.get(filter_key(body["filter"]))
            if matching is not None:
                chosen = [c for c in chosen if c["id"] in matching]
        return await self._answer(request, tenant, chosen)

    async def _limits(self, request: web.Request) -> web.Response:
        verify_identity_token(request.headers[IDENTITY_HEADER], secret=self._secret)
        answer = self.limits.get(request.match_info["account_id"])
        if answer is None:
            return web.json_response({"title": "Not found"}, status=404)
        return web.json_response(answer)

    async def _segment_members(self, request: web.Request) -> web.StreamResponse:
        tenant = self._tenant_of(request)
        ids = tenant.segments.get(request.match_info["segment_id"])
        if ids is None:
            return web.json_response(
                {"title": "No such segment", "code": "segment_not_found", "status": 404},
                status=404,
                content_type="application/problem+json",
            )
        wanted = set(ids)
        return await self._answer(
            request, tenant, [c for c in tenant.contacts if c["id"] in wanted]
        )
