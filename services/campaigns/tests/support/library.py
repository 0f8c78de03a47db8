"""The template library's side at Meta, for tests: a company's WhatsApp number at the fake
sender, library templates submitted to it, and Meta's reviews published as meta-ingest
publishes them on ``templates.events.v1``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from mia_common.contracts import Envelope, TemplateStatusChanged
from mia_common.testing import wait_until
from support.fake_sender import MetaAccount
from support.world import Caller, World

__all__ = ["PROMO", "create", "moment", "number", "read", "review", "submit", "until_status"]

PROMO: dict[str, Any] = {
    "name": "Promo de Natal",
    "channel": "whatsapp",
    "language": "pt_BR",
    "category": "marketing",
    "header_text": "Oi {{first_name|cliente}}",
    "body": "Seu plano {{fields.plan}} tem 20% off até {{fields.until|domingo}}.",
    "footer": "Responda SAIR para não receber",
    "buttons": [
        {"type": "quick_reply", "text": "Quero"},
        {"type": "url", "text": "Ver oferta", "url": "https://loja.example.com/o/{{fields.code}}"},
        {"type": "phone", "text": "Ligar", "phone": "+5511999990000"},
    ],
}


def number(world: World, *, channel: str = "whatsapp_cloud") -> MetaAccount:
    """The world's channel account, at the fake sender, as this company's."""
    assert world.sender.api is not None
    return world.sender.api.account(world.tenant_id, world.account_id, channel=channel)


async def create(world: World, **overrides: Any) -> dict[str, Any]:
    body = {**PROMO, "name": f"{PROMO['name']} {uuid.uuid4().hex[:6]}", **overrides}
    response = await world.client.post(
        "/api/v1/templates", json=body, headers=world.manager.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def submit(world: World, template_id: str, **body: Any) -> dict[str, Any]:
    response = await world.client.post(
        f"/api/v1/templates/{template_id}/submit",
        json={"channel_account_id": str(world.account_id), **body},
        headers=world.manager.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def read(world: World, template_id: str, caller: Caller | None = None) -> dict[str, Any]:
    response = await world.client.get(
        f"/api/v1/templates/{template_id}", headers=(caller or world.agent).headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def review(
    world: World,
    template: dict[str, Any],
    event: str,
    *,
    at: datetime,
    reason: str | None = None,
    template_id: str | None = None,
) -> Envelope[TemplateStatusChanged]:
    """Meta's decision on ``template`` as meta-ingest publishes it."""
    return Envelope[TemplateStatusChanged](
        id=uuid.uuid4(),
        type="templates.events.v1",
        source="/tests/meta-ingest",
        tenantid=world.tenant_id,
        data=TemplateStatusChanged(
            channel_account_id=world.account_id,
            waba_id="waba-1",
            template_id=template_id or template["meta_template_id"],
            name=template["meta_name"] or "unknown",
            language=template["meta_language"] or "pt_BR",
            event=event,
            reason=reason,
            occurred_at=at,
        ),
    )


async def until_status(world: World, template_id: str, status: str) -> dict[str, Any]:
    async def reached() -> dict[str, Any] | None:
        template = await read(world, template_id)
        return template if template["meta_status"] == status else None

    return await wait_until(reached, timeout=30, message=f"template {status}")


def moment(minutes: int) -> datetime:
    """A fixed instant, ``minutes`` after a reference one, for ordering reviews."""
    return datetime(2026, 12, 1, 12, 0, tzinfo=UTC).replace(minute=minutes)
