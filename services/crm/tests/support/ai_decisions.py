"""Publishing the AI agent's decisions to the crm, and waiting until it applied them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from mia_common.contracts import Envelope
from mia_common.outbox import ProcessedEvent
from mia_common.testing import wait_until
from support.world import World

__all__ = ["PERSONA", "publish"]

PERSONA = uuid.uuid4()


async def publish(world: World, envelope: Envelope[Any]) -> None:
    """Publish a decision and wait until the crm applied it: its claim commits with what it
    changed, so what a test then reads is what the decision did (or did not do)."""
    await world.publish(world.settings.ai_topic, envelope, key=str(envelope.data.conversation_id))

    async def claimed() -> bool:
        async with world.app.state.context.infra.sessions() as session:
            found = await session.scalar(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.consumer == "crm.ai", ProcessedEvent.event_id == envelope.id
                )
            )
        return found is not None

    await wait_until(claimed, timeout=30, message=f"the crm applied {envelope.data.type}")
