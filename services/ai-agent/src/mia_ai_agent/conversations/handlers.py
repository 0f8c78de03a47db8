"""``inbox.events.v1``: each event applied once (claimed by its id) in its own transaction;
a turn that became due wakes the turn loop once that transaction committed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mia_ai_agent.conversations.inbox import learn
from mia_common.contracts import Envelope, InboxEvent
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event

if TYPE_CHECKING:
    from mia_ai_agent.context import AiAgentContext

__all__ = ["CONSUMER", "handle_inbox_event"]

CONSUMER = "ai-agent.inbox"


async def handle_inbox_event(context: AiAgentContext, event: Envelope[InboxEvent]) -> None:
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        due = await learn(session, event, now=datetime.now(UTC))
    if due:
        context.turns.wake()
