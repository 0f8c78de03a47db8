"""Contacts (and what hangs on them) written straight to the database, for tests that need
many of them or fields the API does not set."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
from mia_crm.consent.service import record_consent
from mia_crm.models import Contact
from mia_crm.models.lead import Lead, LeadStageChange
from mia_crm.models.pipeline import Pipeline, PipelineStage
from support.world import World


async def add_contacts(world: World, *rows: dict[str, Any]) -> list[uuid.UUID]:
    """Insert contacts of the world's tenant; their ids, in order."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        ids = (
            await session.scalars(
                insert(Contact).returning(Contact.id),
                [{"tenant_id": world.tenant_id, **row} for row in rows],
            )
        ).all()
    return list(ids)


async def add_contact(world: World, **fields: Any) -> uuid.UUID:
    (contact_id,) = await add_contacts(world, fields)
    return contact_id


async def add_lead(world: World, contact_id: uuid.UUID, *, title: str = "Deal") -> uuid.UUID:
    """A lead of ``contact_id`` on a fresh pipeline of two stages, moved once (created in the
    first stage, then into the second): two stage changes in its history."""
    async with world.app.state.context.infra.sessions() as session, session.begin():
        pipeline_id = await session.scalar(
            insert(Pipeline)
            .values(tenant_id=world.tenant_id, name=f"Sales {uuid.uuid4().hex[:6]}")
            .returning(Pipeline.id)
        )
        first, second = (
            await session.scalars(
                insert(PipelineStage).returning(PipelineStage.id),
                [
                    {
                        "tenant_id": world.tenant_id,
                        "pipeline_id": pipeline_id,
                        "name": name,
                        "color": "#00aa00",
                        "probability": probability,
                        "position": position,
                    }
                    for position, (name, probability) in enumerate([("New", 10), ("Won", 100)])
                ],
            )
        ).all()
        lead_id = await session.scalar(
            insert(Lead)
            .values(
                tenant_id=world.tenant_id,
                pipeline_id=pipeline_id,
                stage_id=second,
                contact_id=contact_id,
                title=title,
                currency="BRL",
                position="a0",
            )
            .returning(Lead.id)
        )
        await session.execute(
            insert(LeadStageChange),
            [
                {
                    "tenant_id": world.tenant_id,
                    "lead_id": lead_id,
                    "from_stage_id": None,
                    "to_stage_id": first,
                    "actor_kind": "user",
                },
                {
                    "tenant_id": world.tenant_id,
                    "lead_id": lead_id,
                    "from_stage_id": first,
                    "to_stage_id": second,
                    "actor_kind": "agent",
                    "reason": "asked for the invoice",
                    "confidence": 0.9,
                },
            ],
        )
    assert lead_id is not None
    return lead_id


async def consent(
    world: World,
    contact_id: uuid.UUID,
    *,
    channel: ConsentChannel,
    status: ConsentStatus,
    at: datetime,
) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await record_consent(
            session,
            tenant_id=world.tenant_id,
            contact_id=contact_id,
            channel=channel,
            status=status,
            source=ConsentSource.AGENT,
            actor_user_id=world.agent.user_id,
            occurred_at=at,
            contacts_topic=world.settings.contacts_topic,
        )
