"""``ai.events.v1``: the AI agent's decisions, each applied once in its own transaction.

Replies and handoffs change conversations, a typing indicator becomes a send (nothing
stored), actions (tag, field, close) and lead updates
change contacts and leads, with the AI as the actor; usage records are the agent's own
bookkeeping (skipped).
"""

from __future__ import annotations

from datetime import UTC, datetime

from mia_common.contracts import AiAction, AiHandoff, AiLeadUpdate, AiReply, AiTyping, Envelope
from mia_common.contracts.ai import AiEvent
from mia_common.db import unit_of_work
from mia_common.outbox import claim_event
from mia_crm.ai_decisions.actions import apply_action, apply_lead_update
from mia_crm.ai_decisions.service import apply_handoff, apply_reply
from mia_crm.ai_decisions.typing import apply_typing
from mia_crm.context import CrmContext

__all__ = ["CONSUMER", "handle_ai_event"]

CONSUMER = "crm.ai"


async def handle_ai_event(context: CrmContext, event: Envelope[AiEvent]) -> None:
    decision = event.data
    if not isinstance(decision, AiReply | AiTyping | AiHandoff | AiAction | AiLeadUpdate):
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
        elif isinstance(decision, AiTyping):
            await apply_typing(
                session,
                tenant_id=event.tenantid,
                typing=decision,
                send_topic=settings.send_topic,
                now=now,
            )
        elif isinstance(decision, AiHandoff):
            await apply_handoff(
                session,
                tenant_id=event.tenantid,
                handoff=decision,
                send_topic=settings.send_topic,
                inbox_topic=settings.inbox_topic,
                now=now,
            )
        elif isinstance(decision, AiAction):
            await apply_action(
                session,
                tenant_id=event.tenantid,
                action=decision,
                contacts_topic=settings.contacts_topic,
                inbox_topic=settings.inbox_topic,
                now=now,
            )
        else:
            await apply_lead_update(
                session,
                tenant_id=event.tenantid,
                update=decision,
                users=context.users,
                contacts_topic=settings.contacts_topic,
                leads_topic=settings.leads_topic,
                now=now,
            )
