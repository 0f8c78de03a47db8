"""One test's world: a tenant, its channel account, its people, and the stand-ins."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy import func, select

from mia_campaigns.config import CampaignsSettings
from mia_campaigns.main import create_app
from mia_campaigns.models import Recipient
from mia_common.contracts import Envelope
from mia_common.contracts.campaigns import RecipientState
from mia_common.db import create_engine, create_session_factory
from mia_common.identity import Identity, Role, issue_identity_token
from mia_common.testing import wait_until
from support.fake_crm import FakeCrm, member
from support.fake_sender import FakeSender

__all__ = ["Caller", "World"]


@dataclass(frozen=True)
class Caller:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    headers: dict[str, str]


class World:
    def __init__(
        self,
        *,
        app: FastAPI,
        settings: CampaignsSettings,
        client: httpx.AsyncClient,
        crm: FakeCrm,
        sender: FakeSender,
    ) -> None:
        self.app = app
        self.settings = settings
        self.client = client
        self.crm = crm
        self.sender = sender
        self.tenant_id = uuid.uuid4()
        self.account_id = uuid.uuid4()
        self.manager = self.caller(Role.manager)
        self.agent = self.caller(Role.agent)

    def caller(self, role: Role = Role.manager, *, tenant_id: uuid.UUID | None = None) -> Caller:
        identity = Identity(user_id=uuid.uuid4(), tenant_id=tenant_id or self.tenant_id, role=role)
        token = issue_identity_token(identity, secret=self.settings.identity_token_secret)
        return Caller(identity.user_id, identity.tenant_id, role, {"X-Mia-Identity": token})

    def stranger(self) -> Caller:
        return self.caller(Role.owner, tenant_id=uuid.uuid4())

    # --- audiences ---------------------------------------------------------------------

    def contacts(self, count: int, *, name: str = "Pessoa", **fields: Any) -> list[dict[str, Any]]:
        """``count`` more contacts of this tenant, each with a number of their own."""
        tenant = self.crm.tenant(self.tenant_id)
        base = 5511900000000 + int(self.tenant_id.int % 10_000) * 10_000 + len(tenant.contacts)
        return self.crm.add(
            self.tenant_id,
            [member(phone=f"+{base + i}", name=f"{name} {i}", **fields) for i in range(count)],
        )

    # --- campaigns ---------------------------------------------------------------------

    def campaign_body(self, contacts: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "Black Friday",
            "channel": "whatsapp_cloud",
            "channel_account_id": str(self.account_id),
            "message": {"type": "text", "body": "Oi {{first_name|cliente}}, temos novidades!"},
            "audience": {"kind": "contacts", "contact_ids": [c["id"] for c in contacts]},
            "in_flight_limit": 10,
        }
        body.update(overrides)
        return body

    async def create(self, contacts: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/campaigns",
            json=self.campaign_body(contacts, **overrides),
            headers=self.manager.headers,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def launch(self, campaign_id: str, **body: Any) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/campaigns/{campaign_id}/launch", json=body, headers=self.manager.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def act(self, campaign_id: str, action: str) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/campaigns/{campaign_id}/{action}", headers=self.manager.headers
        )

    async def read(self, campaign_id: str) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/campaigns/{campaign_id}", headers=self.manager.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def until_status(
        self,
        campaign_id: str,
        status: str,
        timeout: float = 30,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            campaign = await self.read(campaign_id)
            return campaign if campaign["status"] == status else None

        return await wait_until(reached, timeout=timeout, message=f"campaign {status}")

    async def sender_count_reaches(self, count: int, timeout: float = 30) -> None:  # noqa: ASYNC109
        await wait_until(
            lambda: len(self.sender.requests(self.account_id)) >= count or None,
            timeout=timeout,
            message=f"{count} send requests at the sender",
        )

    async def publish(self, topic: str, envelope: Envelope[Any], key: str) -> None:
        await self.publish_together(topic, [envelope], key)

    async def publish_together(self, topic: str, envelopes: list[Envelope[Any]], key: str) -> None:
        """Publish ``envelopes`` in one produce request: the consumer gets them in one batch."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers, acks="all", linger_ms=50
        )
        await producer.start()
        try:
            sent = [
                await producer.send(topic, e.model_dump_json().encode(), key=key.encode())
                for e in envelopes
            ]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()

    def sent_to(self) -> list[str]:
        return [r.to or "" for r in self.sender.requests(self.account_id)]


async def ledger_counts(settings: CampaignsSettings, campaign_id: str) -> dict[str, int]:
    engine = create_engine(settings.own_database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(Recipient.state, func.count())
                .where(Recipient.campaign_id == uuid.UUID(campaign_id))
                .group_by(Recipient.state)
            )
            return {RecipientState(state).value: count for state, count in rows}
    finally:
        await engine.dispose()


def another_app(settings: CampaignsSettings) -> FastAPI:
    """A second campaigns process on the same database and topics."""
    return create_app(settings)
