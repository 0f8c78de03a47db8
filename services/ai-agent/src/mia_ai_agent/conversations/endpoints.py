"""The bot's HTTP edge under ``/api/v1/ai``: the test console, the bot in a conversation
(its state and the pause switch), and a run's "why" (sources and decision)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from sqlalchemy import select, update

from mia_ai_agent.context import ContextDep
from mia_ai_agent.conversations.decide import TurnInput, decide
from mia_ai_agent.conversations.errors import BotNotInConversation, RunNotFound
from mia_ai_agent.conversations.humanize import split_reply
from mia_ai_agent.conversations.record import record_run
from mia_ai_agent.conversations.schemas import (
    BotStateOut,
    BotSwitch,
    ConsoleIn,
    ConsoleOut,
    RunOut,
)
from mia_ai_agent.conversations.turns import ThreadLine, split_unanswered
from mia_ai_agent.identity import Caller
from mia_ai_agent.models.conversation import AiRun, BotConversation, ScheduledReply
from mia_ai_agent.personas.service import get_persona
from mia_common.db.requests import SessionDep
from mia_common.pagination import CursorParam, Limit, Page, PageParams, fetch_page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai", tags=["conversations"])

FOREVER = timedelta(days=3650)


@router.post(
    "/personas/{persona_id}/console",
    response_model=ConsoleOut,
    summary="Try the persona on a conversation",
    description="Decides as in a real conversation (knowledge, model, guardrails, handoff"
    " rules) and says why, but sends nothing and changes no conversation. A model call is"
    " counted in the usage (purpose `console`).",
)
async def console(
    persona_id: uuid.UUID,
    body: ConsoleIn,
    caller: Caller,
    session: SessionDep,
    context: ContextDep,
) -> ConsoleOut:
    persona = await get_persona(session, tenant_id=caller.tenant_id, persona_id=persona_id)
    now = datetime.now(UTC)
    unanswered, history = split_unanswered(
        [ThreadLine(line.author, line.text, now) for line in body.messages], None
    )
    burst = "\n".join(line.text for line in unanswered)
    decision = await decide(
        session,
        turn=TurnInput(
            persona=persona,
            burst=burst or body.messages[-1].text,
            history=history,
            turns=sum(author == "bot" for author, _ in history),
            repeats=0,
            now=now,
        ),
        embedders=context.embedders,
        models=context.models,
    )
    run = await record_run(
        session,
        persona=persona,
        decision=decision,
        question=burst,
        conversation_id=None,
        purpose="console",
        usage_purpose="console",
        ai_topic=context.settings.ai_topic,
        now=now,
    )
    await session.refresh(run)
    return ConsoleOut(
        run=RunOut.of(run),
        parts=split_reply(decision.reply) if decision.reply else [],
        customer_message=decision.customer_message if decision.kind == "handoff" else None,
        actions=[{"name": a.name, "arguments": a.arguments} for a in decision.actions],
    )


@router.get("/runs/{run_id}", response_model=RunOut, summary="Why the bot did what it did")
async def read_run(run_id: uuid.UUID, caller: Caller, session: SessionDep) -> RunOut:
    run = await session.scalar(
        select(AiRun).where(AiRun.id == run_id, AiRun.tenant_id == caller.tenant_id)
    )
    if run is None:
        raise RunNotFound(f"no run {run_id}")
    return RunOut.of(run)


@router.get(
    "/conversations/{conversation_id}/runs",
    response_model=Page[RunOut],
    summary="The bot's decisions in a conversation, newest first",
)
async def conversation_runs(
    conversation_id: uuid.UUID,
    caller: Caller,
    session: SessionDep,
    limit: Limit = 20,
    cursor: CursorParam = None,
) -> Page[RunOut]:
    query = select(AiRun).where(
        AiRun.tenant_id == caller.tenant_id, AiRun.conversation_id == conversation_id
    )
    rows, next_cursor = await fetch_page(
        session, query, PageParams(limit=limit, cursor=cursor), keys=[AiRun.id], newest_first=True
    )
    return Page(items=[RunOut.of(row) for row in rows], next_cursor=next_cursor)


async def _state(
    session: SessionDep, caller: Caller, conversation_id: uuid.UUID
) -> BotConversation:
    state = await session.scalar(
        select(BotConversation).where(
            BotConversation.conversation_id == conversation_id,
            BotConversation.tenant_id == caller.tenant_id,
        )
    )
    if state is None:
        raise BotNotInConversation(
            f"no persona answers in conversation {conversation_id} (its number has none, or"
            " its customer has not written since one was set)"
        )
    return state


@router.get("/conversations/{conversation_id}/bot", response_model=BotStateOut)
async def bot_state(conversation_id: uuid.UUID, caller: Caller, session: SessionDep) -> BotStateOut:
    return BotStateOut.of(await _state(session, caller, conversation_id), now=datetime.now(UTC))


@router.put(
    "/conversations/{conversation_id}/bot",
    response_model=BotStateOut,
    summary="Pause the bot in a conversation, or give it back",
)
async def switch_bot(
    conversation_id: uuid.UUID, body: BotSwitch, caller: Caller, session: SessionDep
) -> BotStateOut:
    state = await _state(session, caller, conversation_id)
    now = datetime.now(UTC)
    if body.paused:
        state.paused_until = now + (timedelta(minutes=body.minutes) if body.minutes else FOREVER)
        state.due_at = None
        state.pending_message_id = None
        state.pending_since = None
        await session.execute(
            update(ScheduledReply)
            .where(
                ScheduledReply.conversation_id == conversation_id,
                ScheduledReply.state == "pending",
            )
            .values(state="cancelled")
        )
    else:
        state.paused_until = None
        state.state = "active"
        state.handoff_reason = None
        state.turns = 0
        state.misses = 0
    state.updated_at = now
    await session.flush()
    return BotStateOut.of(state, now=now)
