"""The turn loop: conversations whose debounce is over get the persona's answer.

A round claims due conversations (``FOR UPDATE SKIP LOCKED``, so processes share them)
and moves each one's timer a lease ahead: a process that dies mid-turn leaves it due again
then. The turn is decided with no lock held (a model may take seconds), and applied in a
second transaction only if the conversation is as the turn found it: a newer customer
message (the burst went on), a person's reply, an assignment or a pause meanwhile, and the
decision is dropped (the newer message's turn answers everything).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_ai_agent.conversations.decide import Decision, TurnInput, decide
from mia_ai_agent.conversations.record import (
    record_run,
    schedule_reply,
    stage_actions,
    stage_handoff,
)
from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.models.conversation import BotConversation, TranscriptLine
from mia_ai_agent.personas.repository import PersonaRepository
from mia_common.db import unit_of_work
from mia_common.rounds import RoundLoop

__all__ = ["ThreadLine", "TurnLoop", "history_of", "split_unanswered"]

logger = structlog.get_logger(__name__)

LEASE = timedelta(seconds=90)
CLAIM = 20
TURNS_AT_ONCE = 8
"""Turns decided at the same time by one process (each holds a database connection while
it decides, and may wait seconds for a model)."""
HISTORY = 30


@dataclass(frozen=True, slots=True)
class _Claimed:
    conversation_id: uuid.UUID
    pending_message_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ThreadLine:
    author: str
    text: str
    at: datetime
    """when the bot learnt it (the thread's order)"""


async def history_of(session: AsyncSession, conversation_id: uuid.UUID) -> list[ThreadLine]:
    rows = (
        await session.execute(
            select(TranscriptLine.author, TranscriptLine.text, TranscriptLine.learned_at)
            .where(TranscriptLine.conversation_id == conversation_id)
            .order_by(TranscriptLine.learned_at.desc(), TranscriptLine.message_id.desc())
            .limit(HISTORY)
        )
    ).all()
    return [ThreadLine(author, text or "", at) for author, text, at in reversed(rows)]


def split_unanswered(
    lines: list[ThreadLine], answered_until: datetime | None
) -> tuple[list[ThreadLine], list[tuple[str, str]]]:
    """The customer's unanswered lines (after the last line of anyone else, and after what
    a turn answered already), and the conversation before them."""
    cut = len(lines)
    while (
        cut > 0
        and lines[cut - 1].author == "customer"
        and (answered_until is None or lines[cut - 1].at > answered_until)
    ):
        cut -= 1
    return lines[cut:], [(line.author, line.text) for line in lines[:cut]]


class TurnLoop:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        embedders: EmbedderDirectory,
        models: ModelDirectory,
        ai_topic: str,
        tick_seconds: float,
        lead_debounce_seconds: float = 30.0,
        on_scheduled: Callable[[], None] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._embedders = embedders
        self._models = models
        self._topic = ai_topic
        self._on_scheduled = on_scheduled
        self._lead_debounce = timedelta(seconds=lead_debounce_seconds)
        self._at_once = asyncio.Semaphore(TURNS_AT_ONCE)
        self._loop = RoundLoop("ai-turns", self.run_round, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run_round(self) -> int:
        claimed = await self._claim(datetime.now(UTC))
        # Side by side: one conversation's slow model call must not hold the others' turns.
        await asyncio.gather(*(self._guarded_turn(turn) for turn in claimed))
        return len(claimed)

    async def _guarded_turn(self, turn: _Claimed) -> None:
        async with self._at_once:
            try:
                await self._take_turn(turn)
            except Exception:
                logger.exception("ai turn failed", conversation=str(turn.conversation_id))

    async def _claim(self, now: datetime) -> list[_Claimed]:
        async with unit_of_work(self._sessions) as session:
            rows = (
                await session.scalars(
                    select(BotConversation)
                    .where(BotConversation.due_at <= now)
                    .order_by(BotConversation.due_at)
                    .limit(CLAIM)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                row.due_at = now + LEASE
            return [_Claimed(r.conversation_id, r.pending_message_id) for r in rows]

    async def _take_turn(self, claimed: _Claimed) -> None:
        now = datetime.now(UTC)
        async with self._sessions() as session:
            state = await session.get(BotConversation, claimed.conversation_id)
            if state is None:
                return
            persona = await PersonaRepository.from_session(session).get(
                tenant_id=state.tenant_id, persona_id=state.persona_id
            )
            lines = await history_of(session, state.conversation_id)
            unanswered, before = split_unanswered(lines, state.answered_until)
            burst = "\n".join(line.text for line in unanswered if line.text)
            if persona is None or not persona.enabled or not burst:
                decision = None
            else:
                decision = await decide(
                    session,
                    turn=TurnInput(
                        persona=persona,
                        burst=burst,
                        history=before,
                        turns=state.turns,
                        repeats=state.misses,
                        now=now,
                    ),
                    embedders=self._embedders,
                    models=self._models,
                )
            await session.rollback()
        await self._apply(
            claimed,
            decision,
            burst=burst,
            history=[*before, *((line.author, line.text) for line in unanswered)],
            answered_until=unanswered[-1].at if unanswered else None,
        )

    async def _apply(
        self,
        claimed: _Claimed,
        decision: Decision | None,
        *,
        burst: str,
        history: list[tuple[str, str]],
        answered_until: datetime | None,
    ) -> None:
        now = datetime.now(UTC)
        async with unit_of_work(self._sessions) as session:
            state = await session.get(
                BotConversation, claimed.conversation_id, with_for_update=True
            )
            if state is None:
                return
            if state.pending_message_id != claimed.pending_message_id:
                return  # the burst went on, or people took over: that turn decides
            state.due_at = None
            state.pending_message_id = None
            state.pending_since = None
            if decision is None:
                return
            if answered_until is not None:
                state.answered_until = answered_until
            if (
                state.state != "active"
                or state.assigned_user_id is not None
                or (state.paused_until is not None and state.paused_until > now)
            ):
                return
            persona = await PersonaRepository.from_session(session).get(
                tenant_id=state.tenant_id, persona_id=state.persona_id
            )
            if persona is None:
                return
            run = await record_run(
                session,
                persona=persona,
                decision=decision,
                question=burst,
                conversation_id=state.conversation_id,
                purpose="turn",
                usage_purpose="reply",
                ai_topic=self._topic,
                now=now,
            )
            state.last_run_id = run.id
            state.lead_due_at = now + self._lead_debounce
            state.misses = state.misses + 1 if decision.repeated else 0
            await stage_actions(
                session,
                persona=persona,
                state=state,
                run=run,
                decision=decision,
                ai_topic=self._topic,
                now=now,
            )
            if decision.kind == "handoff":
                await stage_handoff(
                    session,
                    persona=persona,
                    state=state,
                    run=run,
                    decision=decision,
                    history=history,
                    ai_topic=self._topic,
                    now=now,
                )
                return
            assert decision.reply is not None
            await schedule_reply(
                session,
                persona=persona,
                run=run,
                state=state,
                text=decision.reply,
                in_reply_to_message_id=claimed.pending_message_id,
                ai_topic=self._topic,
                now=now,
            )
            state.turns += 1
        self._on_scheduled()
