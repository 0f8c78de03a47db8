"""A tenant's contacts and what hangs on them, written straight to the database: the
segments' tests need every column a filter reads, some of which no API sets yet."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import insert

from mia_crm.models import (
    Contact,
    ContactConsent,
    ContactTag,
    Conversation,
    CustomField,
    Tag,
)
from mia_crm.models.lead import Lead
from mia_crm.models.pipeline import Pipeline, PipelineStage
from support.world import Caller, World

FIELDS: list[dict[str, Any]] = [
    {"key": "plan", "kind": "select", "options": ["gold", "silver", "bronze"]},
    {"key": "age", "kind": "number"},
    {"key": "born", "kind": "date"},
    {"key": "vip", "kind": "boolean"},
    {"key": "city", "kind": "text"},
    {"key": "langs", "kind": "multi_select", "options": ["pt", "en", "es"]},
    {"key": "work_email", "kind": "email"},
]


def _sessions(world: World) -> Any:
    return world.app.state.context.infra.sessions


async def add_contacts(world: World, *rows: dict[str, Any]) -> list[uuid.UUID]:
    """Contacts of the world's tenant (columns as given); their ids, in order."""
    async with _sessions(world)() as session, session.begin():
        ids = (
            await session.scalars(
                insert(Contact).returning(Contact.id),
                [{"tenant_id": world.tenant_id, **row} for row in rows],
            )
        ).all()
    return list(ids)


async def add_fields(world: World, tenant_id: uuid.UUID | None = None) -> None:
    """The custom fields of ``FIELDS`` for the tenant."""
    async with _sessions(world)() as session, session.begin():
        await session.execute(
            insert(CustomField),
            [
                {
                    "tenant_id": tenant_id or world.tenant_id,
                    "label": field["key"].title(),
                    "position": position,
                    "options": None,
                    **field,
                }
                for position, field in enumerate(FIELDS)
            ],
        )


async def add_tag(
    world: World, name: str, *contact_ids: uuid.UUID, tenant_id: uuid.UUID | None = None
) -> uuid.UUID:
    async with _sessions(world)() as session, session.begin():
        tag_id = await session.scalar(
            insert(Tag)
            .values(tenant_id=tenant_id or world.tenant_id, name=name, color="#112233")
            .returning(Tag.id)
        )
        if contact_ids:
            await session.execute(
                insert(ContactTag),
                [
                    {"tenant_id": tenant_id or world.tenant_id, "contact_id": c, "tag_id": tag_id}
                    for c in contact_ids
                ],
            )
    assert tag_id is not None
    return tag_id


async def tag_contacts(world: World, tag_id: uuid.UUID, *contact_ids: uuid.UUID) -> None:
    async with _sessions(world)() as session, session.begin():
        await session.execute(
            insert(ContactTag),
            [
                {"tenant_id": world.tenant_id, "contact_id": c, "tag_id": tag_id}
                for c in contact_ids
            ],
        )


async def add_conversation(world: World, contact_id: uuid.UUID, channel: str) -> None:
    async with _sessions(world)() as session, session.begin():
        await session.execute(
            insert(Conversation).values(
                tenant_id=world.tenant_id,
                contact_id=contact_id,
                channel=channel,
                channel_account_id=uuid.uuid4(),
                status="open",
                unread_count=0,
                last_message_at=datetime.now(UTC),
            )
        )


async def add_consent(world: World, contact_id: uuid.UUID, channel: str, status: str) -> None:
    async with _sessions(world)() as session, session.begin():
        await session.execute(
            insert(ContactConsent).values(
                tenant_id=world.tenant_id,
                contact_id=contact_id,
                channel=channel,
                status=status,
                source="api",
                occurred_at=datetime.now(UTC),
            )
        )


async def add_stages(
    world: World, tenant_id: uuid.UUID | None = None
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A pipeline of three stages; its id and the stage ids in order."""
    tenant = tenant_id or world.tenant_id
    async with _sessions(world)() as session, session.begin():
        pipeline_id = await session.scalar(
            insert(Pipeline)
            .values(tenant_id=tenant, name=f"Sales {uuid.uuid4().hex[:6]}")
            .returning(Pipeline.id)
        )
        stages = (
            await session.scalars(
                insert(PipelineStage).returning(PipelineStage.id),
                [
                    {
                        "tenant_id": tenant,
                        "pipeline_id": pipeline_id,
                        "name": name,
                        "color": "#00aa00",
                        "probability": 10 * position,
                        "position": position,
                    }
                    for position, name in enumerate(["New", "Qualified", "Won"])
                ],
            )
        ).all()
    assert pipeline_id is not None
    return pipeline_id, list(stages)


async def add_lead(
    world: World, contact_id: uuid.UUID, pipeline_id: uuid.UUID, stage_id: uuid.UUID
) -> None:
    async with _sessions(world)() as session, session.begin():
        await session.execute(
            insert(Lead).values(
                tenant_id=world.tenant_id,
                pipeline_id=pipeline_id,
                stage_id=stage_id,
                contact_id=contact_id,
                title="Deal",
                currency="BRL",
                position=f"a{uuid.uuid4().hex[:8]}",
            )
        )


async def preview(
    world: World, filter_: dict[str, Any], caller: Caller | None = None
) -> httpx.Response:
    return await world.client.post(
        "/api/v1/segments/preview",
        json={"filter": filter_, "sample_size": 50},
        headers=(caller or world.agent).headers,
    )


async def matching(world: World, filter_: dict[str, Any]) -> set[uuid.UUID]:
    """The contacts ``filter_`` matches (a tenant of at most 50), checked against the count."""
    response = await preview(world, filter_)
    assert response.status_code == 200, response.text
    body = response.json()
    ids = {uuid.UUID(contact["id"]) for contact in body["sample"]}
    assert body["count"] == len(ids), body
    assert body["count_timed_out"] is False
    return ids
