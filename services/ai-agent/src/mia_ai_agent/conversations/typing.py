""" "Typing…" while an answer waits its humanized delay: an ``ai.typing`` per message.

Meta clears the indicator when the next message arrives (or after 25 seconds), so each
part of a long answer gets its own: the first when the answer is scheduled, the next one
when the part before it leaves. A part due within a second gets none (it arrives before
an indicator would mean anything), nor one whose customer message is unknown. The crm
decides whether the channel shows it at all.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from mia_ai_agent.conversations.events import decision_event
from mia_ai_agent.models.conversation import ScheduledReply
from mia_common.contracts import AiTyping
from mia_common.db.base import new_uuid7
from mia_common.outbox import StagedEvent

__all__ = ["MIN_WAIT", "typing_before"]

MIN_WAIT = timedelta(seconds=1)


def typing_before(
    part: ScheduledReply,
    *,
    persona_id: uuid.UUID,
    contact_id: uuid.UUID,
    ai_topic: str,
    now: datetime,
) -> StagedEvent | None:
    """The indicator to show until ``part`` is due; None when it needs none."""
    if part.in_reply_to_message_id is None or part.due_at - now < MIN_WAIT:
        return None
    return decision_event(
        topic=ai_topic,
        tenant_id=part.tenant_id,
        data=AiTyping(
            request_id=new_uuid7(),
            run_id=part.run_id,
            persona_id=persona_id,
            conversation_id=part.conversation_id,
            contact_id=contact_id,
            in_reply_to_message_id=part.in_reply_to_message_id,
            until=part.due_at,
            occurred_at=now,
        ),
    )
