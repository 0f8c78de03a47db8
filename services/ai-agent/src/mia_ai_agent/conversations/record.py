"""Writing down a decision: the run (the "why"), and what it makes happen.

A reply becomes scheduled parts, each due after its humanized delay (the delivery loop
publishes them), the first preceded by "typing…"; a handoff is published at once and the
conversation is the people's from then on; tools' actions leave as ``ai.action`` events;
a model call's tokens are counted.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.conversations.decide import Decision
from mia_ai_agent.conversations.events import decision_event
from mia_ai_agent.conversations.humanize import delay_seconds, split_reply
from mia_ai_agent.conversations.typing import typing_before
from mia_ai_agent.models.conversation import AiRun, BotConversation, ScheduledReply
from mia_ai_agent.models.persona import Persona
from mia_ai_agent.usage.recorder import Purpose, record_usage
from mia_common.contracts import AiAction, AiActionKind, AiHandoff, AiLeadUpdate, HandoffReason
from mia_common.db.base import new_uuid7
from mia_common.outbox import StagedEvent, add_events

__all__ = ["record_run", "schedule_reply", "stage_actions", "stage_handoff", "summary_of"]


def _sources(decision: Decision) -> list[dict[str, Any]]:
    return [
        {
            "chunk_id": str(p.chunk_id),
            "document_id": str(p.document_id),
            "knowledge_base_id": str(p.knowledge_base_id),
            "document_title": p.document_title,
            "heading": p.heading,
            "text": p.text[:1000],
            "score": round(p.score, 5),
            "similarity": round(p.similarity, 4),
        }
        for p in decision.sources
    ]


async def record_run(
    session: AsyncSession,
    *,
    persona: Persona,
    decision: Decision,
    question: str,
    conversation_id: uuid.UUID | None,
    purpose: str,
    usage_purpose: Purpose,
    ai_topic: str,
    now: datetime,
) -> AiRun:
    run = AiRun(
        id=new_uuid7(),
        tenant_id=persona.tenant_id,
        conversation_id=conversation_id,
        persona_id=persona.id,
        purpose=purpose,
        mode=decision.mode,
        decision=decision.kind,
        reason=decision.reason,
        detail=decision.detail,
        question=question[:4000],
        reply=decision.reply or decision.customer_message,
        sources=_sources(decision),
        tool_calls=decision.tool_calls,
        model=decision.model,
        prompt_tokens=decision.usage.prompt_tokens if decision.usage else 0,
        completion_tokens=decision.usage.completion_tokens if decision.usage else 0,
        elapsed_ms=decision.elapsed_ms,
    )
    session.add(run)
    await session.flush()
    if decision.usage is not None and decision.usage.calls and decision.tenant_model is not None:
        await record_usage(
            session,
            tenant_id=persona.tenant_id,
            persona_id=persona.id,
            purpose=usage_purpose,
            result_or_usage=decision.usage,
            model=decision.model or decision.tenant_model.chat_model,
            prices=decision.tenant_model.prices_for(
                decision.model or decision.tenant_model.chat_model
            ),
            run_id=run.id,
            topic=ai_topic,
            now=now,
        )
    return run


async def schedule_reply(
    session: AsyncSession,
    *,
    persona: Persona,
    run: AiRun,
    state: BotConversation,
    text: str,
    in_reply_to_message_id: uuid.UUID | None,
    ai_topic: str,
    now: datetime,
) -> list[ScheduledReply]:
    """The answer's parts, due one after another; "typing…" staged for the first."""
    parts = split_reply(text)
    due = now
    scheduled = []
    for number, part in enumerate(parts, start=1):
        due = due + timedelta(
            seconds=delay_seconds(
                part, minimum=persona.min_delay_seconds, maximum=persona.max_delay_seconds
            )
        )
        scheduled.append(
            ScheduledReply(
                id=new_uuid7(),
                tenant_id=persona.tenant_id,
                run_id=run.id,
                conversation_id=state.conversation_id,
                part=number,
                parts=len(parts),
                text=part,
                due_at=due,
                in_reply_to_message_id=in_reply_to_message_id,
                state="pending",
            )
        )
    session.add_all(scheduled)
    await session.flush()
    typing = typing_before(
        scheduled[0],
        persona_id=persona.id,
        contact_id=state.contact_id,
        ai_topic=ai_topic,
        now=now,
    )
    if typing is not None:
        await add_events(session, [typing])
    return scheduled


def summary_of(history: list[tuple[str, str]], *, reason: str, detail: str | None) -> str:
    """The note a person finds: why the bot handed over, and the conversation so far."""
    names = {"customer": "Cliente", "bot": "Bot", "agent": "Atendente", "system": "Sistema"}
    lines = [f"Handoff: {reason}" + (f" ({detail})" if detail else "")]
    for author, text in history[-12:]:
        lines.append(f"{names.get(author, author)}: {text[:300]}")
    return "\n".join(lines)[:4000]


async def stage_handoff(
    session: AsyncSession,
    *,
    persona: Persona,
    state: BotConversation,
    run: AiRun,
    decision: Decision,
    history: list[tuple[str, str]],
    ai_topic: str,
    now: datetime,
) -> None:
    handoff = AiHandoff(
        request_id=new_uuid7(),
        run_id=run.id,
        persona_id=persona.id,
        persona_name=persona.name,
        conversation_id=state.conversation_id,
        contact_id=state.contact_id,
        reason=HandoffReason(decision.reason),
        detail=decision.detail[:500] if decision.detail else None,
        assign_to_user_id=persona.handoff_user_id,
        assign_to_team_id=persona.handoff_team_id,
        summary=summary_of(history, reason=decision.reason, detail=decision.detail),
        customer_message=decision.customer_message,
        occurred_at=now,
    )
    state.state = "handed_off"
    state.handoff_reason = decision.reason
    await add_events(
        session, [decision_event(topic=ai_topic, tenant_id=persona.tenant_id, data=handoff)]
    )


_ACTION_KINDS = {
    "add_tag": AiActionKind.ADD_TAG,
    "set_contact_field": AiActionKind.SET_FIELD,
    "close_conversation": AiActionKind.CLOSE_CONVERSATION,
}


async def stage_actions(
    session: AsyncSession,
    *,
    persona: Persona,
    state: BotConversation,
    run: AiRun,
    decision: Decision,
    ai_topic: str,
    now: datetime,
) -> None:
    staged: list[StagedEvent] = []
    for action in decision.actions:
        data: AiAction | AiLeadUpdate
        if action.name == "move_lead_to_stage":
            try:
                stage_id = uuid.UUID(str(action.arguments.get("stage_id")))
            except ValueError:
                continue
            data = AiLeadUpdate(
                update_id=new_uuid7(),
                run_id=run.id,
                persona_id=persona.id,
                conversation_id=state.conversation_id,
                contact_id=state.contact_id,
                stage_id=stage_id,
                confidence=1.0,
                reason=str(action.arguments.get("reason") or "the model moved it")[:500],
                occurred_at=now,
            )
        else:
            kind = _ACTION_KINDS.get(action.name)
            if kind is None:
                continue
            data = AiAction(
                action_id=new_uuid7(),
                run_id=run.id,
                persona_id=persona.id,
                conversation_id=state.conversation_id,
                contact_id=state.contact_id,
                kind=kind,
                tag=str(action.arguments.get("tag"))[:64] if "tag" in action.arguments else None,
                field_key=str(action.arguments.get("key"))[:64]
                if "key" in action.arguments
                else None,
                field_value=action.arguments.get("value"),
                occurred_at=now,
            )
        staged.append(decision_event(topic=ai_topic, tenant_id=persona.tenant_id, data=data))
    if staged:
        await add_events(session, staged)
