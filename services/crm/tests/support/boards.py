"""Pipelines, contacts and leads of a test tenant, made through the API (contacts straight
into the database, as the inbound consumer would make them), and its lead events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select

from mia_common.testing import TopicRecord, read_topic
from mia_crm.models import Contact, Lead
from support.world import Caller, World

__all__ = ["Boards"]

STAGES = [
    {"name": "New", "probability": 10, "rotting_days": 3},
    {"name": "Proposal", "probability": 50},
    {"name": "Won", "probability": 100, "kind": "won"},
    {"name": "Lost", "probability": 0, "kind": "lost"},
]


class Boards:
    def __init__(self, world: World) -> None:
        self.world = world
        self.client = world.client

    @property
    def sessions(self) -> Any:
        return self.world.app.state.context.infra.sessions

    async def contact(self, name: str = "Ana", tenant_id: uuid.UUID | None = None) -> str:
        async with self.sessions() as session, session.begin():
            contact = Contact(tenant_id=tenant_id or self.world.tenant_id, name=name)
            session.add(contact)
            await session.flush()
            return str(contact.id)

    async def pipeline(
        self, name: str | None = None, caller: Caller | None = None
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/pipelines",
            json={"name": name or f"Board {uuid.uuid4().hex[:6]}", "stages": STAGES},
            headers=(caller or self.world.manager).headers,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def lead(
        self, stage_id: str, caller: Caller | None = None, **fields: Any
    ) -> dict[str, Any]:
        if "contact_id" not in fields:
            fields["contact_id"] = await self.contact()
        fields.setdefault("title", "Deal")
        response = await self.client.post(
            "/api/v1/leads", json={"stage_id": stage_id, **fields}, headers=self.headers(caller)
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def column_of(self, stage_id: str, leads: int) -> list[dict[str, Any]]:
        """``leads`` new leads in the column, top to bottom (each new one goes on top)."""
        made = [await self.lead(stage_id, title=f"card {n}") for n in range(leads)]
        return made[::-1]

    def headers(self, caller: Caller | None = None) -> dict[str, str]:
        return (caller or self.world.agent).headers

    async def move(
        self,
        lead_id: str,
        stage_id: str,
        after: str | None = None,
        before: str | None = None,
        caller: Caller | None = None,
        **extra: Any,
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/leads/{lead_id}/move",
            json={"stage_id": stage_id, "after_id": after, "before_id": before, **extra},
            headers=self.headers(caller),
        )

    async def column(self, pipeline_id: str, stage_id: str, **params: Any) -> list[dict[str, Any]]:
        """Every card of the column, top to bottom, read page by page."""
        cards: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {"limit": 200, **params, **({"cursor": cursor} if cursor else {})}
            page = await self.world.get(
                f"/api/v1/pipelines/{pipeline_id}/stages/{stage_id}/leads", **query
            )
            cards.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return cards

    async def rows(self, stage_id: str) -> dict[str, tuple[str, int]]:
        """The column's rows as the database holds them: id → (position, version)."""
        async with self.sessions() as session:
            found = await session.execute(
                select(Lead.id, Lead.position, Lead.version).where(
                    Lead.stage_id == uuid.UUID(stage_id)
                )
            )
            return {str(i): (position, version) for i, position, version in found}

    async def lead_events(self, *, until: Any, wait: float = 30) -> list[dict[str, Any]]:
        """This tenant's lead events (envelopes), read from the start of the topic until
        ``until(envelope)`` accepts one."""
        tenant = str(self.world.tenant_id)

        def ours(record: TopicRecord) -> bool:
            return str(record.envelope.get("tenantid")) == tenant

        records = await read_topic(
            self.world.settings.kafka_bootstrap_servers,
            self.world.settings.leads_topic,
            until=lambda read: any(ours(r) and until(r.envelope) for r in read),
            timeout=wait,
            message="the awaited lead event",
        )
        return [record.envelope for record in records if ours(record)]
