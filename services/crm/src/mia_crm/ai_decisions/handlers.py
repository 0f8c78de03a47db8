"""``ai.events.v1``: the AI agent's decisions, each applied once in its own transaction.

Replies and handoffs change conversations; usage records are the agent's own bookkeeping
(skipped). Actions and lead updates come with lead progression.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mia_common.contracts import AiHandoff, AiReply, Envelope
from mia_common.contracts.ai import AiEvent
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.ai_decisions.service import apply_handoff, apply_reply
from mia_crm.context import CrmContext

__all__ = ["CONSUMER", "handle_ai_event"]

CONSUMER = "crm.ai"


async def handle_ai_event(context: CrmContext, event: Envelope[AiEvent]) -> None:
    decision = event.data
    if not isinstance(decision, AiReply | AiHandoff):
        return
    settings = context.settings
    async with unit_of_work(context.infra.sessions) as session:
        if not await claim_event(session, consumer=CONSUMER, event_id=event.id):
            return
        now = datetime.now(UTC)
        if isinstance(decision, AiReply):
            await apply_reply(
                session,
                tenant_id=event.tenantid,
                reply=decision,
                send_topic=settings.send_topic,
                inbox_topic=settings.inbox_topic,
                now=now,
            )
        else:
            await apply_handoff(
                session,
                tenant_id=event.tenantid,
                handoff=decision,
                send_topic=settings.send_topic,
                inbox_topic=settings.inbox_topic,
                now=now,
            )
