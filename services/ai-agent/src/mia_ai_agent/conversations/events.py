"""A persona's decisions about a conversation, staged on ``ai.events.v1`` for the crm.

Keyed by the conversation, so the crm applies one conversation's replies and handoff in
the order they were decided; the ``mia-event-type`` header lets consumers that want only
some kinds (analytics, webhooks) drop the rest undecoded.
"""

from __future__ import annotations

import uuid

from mia_common.contracts import AiAction, AiHandoff, AiLeadUpdate, AiReply, AiTyping, Envelope
from mia_common.contracts.campaigns import EVENT_TYPE_HEADER
from mia_common.contracts.topics import AI_EVENTS
from mia_common.outbox import StagedEvent

__all__ = ["SOURCE", "decision_event"]

SOURCE = "/services/ai-agent"

Decided = AiReply | AiTyping | AiHandoff | AiAction | AiLeadUpdate


def decision_event(*, topic: str, tenant_id: uuid.UUID, data: Decided) -> StagedEvent:
    key = (
        data.conversation_id or data.contact_id
        if isinstance(data, AiLeadUpdate)
        else data.conversation_id
    )
    envelope = Envelope[Decided](
        type=AI_EVENTS.name,
        source=SOURCE,
        tenantid=tenant_id,
        subject=str(key),
        data=data,
    )
    return StagedEvent(topic, str(key), envelope, {EVENT_TYPE_HEADER: data.type})
