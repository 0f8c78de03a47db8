"""The ``AiUsage`` event of one recorded call, staged for the outbox.

Keyed by the persona (the contract's key for usage), or by the tenant for calls no
persona made, so one persona's usage keeps its order. The ``mia-event-type`` header lets
a consumer that wants only replies and handoffs drop it undecoded.
"""

from __future__ import annotations

import uuid

from mia_common.contracts import Envelope
from mia_common.contracts.ai import AiUsage
from mia_common.contracts.campaigns import EVENT_TYPE_HEADER
from mia_common.contracts.topics import AI_EVENTS
from mia_common.outbox import StagedEvent

__all__ = ["SOURCE", "usage_event"]

SOURCE = "/services/ai-agent"


def usage_event(*, topic: str, tenant_id: uuid.UUID, usage: AiUsage) -> StagedEvent:
    key = str(usage.persona_id or tenant_id)
    envelope = Envelope[AiUsage](
        type=AI_EVENTS.name,
        source=SOURCE,
        tenantid=tenant_id,
        subject=str(usage.run_id),
        data=usage,
    )
    return StagedEvent(topic, key, envelope, {EVENT_TYPE_HEADER: usage.type})
