"""The delivery loop: each scheduled part of an answer, once its humanized delay is over,
is published as an ``ai.reply`` for the crm to record and send.

Claimed with ``FOR UPDATE SKIP LOCKED`` and marked sent in the transaction that stages the
event, so a part leaves once whichever process gets it. A part whose conversation was taken
by people, paused or handed off meanwhile is cancelled instead. A part with another after
it is followed by "typing…" until that one is due.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_ai_agent.conversations.events import decision_event
from mia_ai_agent.conversations.typing import typing_before
from mia_ai_agent.models.conversation import AiRun, BotConversation, ScheduledReply
from mia_ai_agent.models.persona import Persona
from mia_common.contracts import AiReply, Citation
from mia_common.db import unit_of_work
from mia_common.outbox import StagedEvent, add_events
from mia_common.rounds import RoundLoop

__all__ = ["DeliveryLoop"]

CLAIM = 100


class DeliveryLoop:
    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], ai_topic: str, tick_seconds: float
    ) -> None:
        self._sessions = sessions
        self._topic = ai_topic
        self._loop = RoundLoop("ai-delivery", self.run_round, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run_round(self) -> int:
        now = datetime.now(UTC)
        async with unit_of_work(self._sessions) as session:
            rows = (
                await session.execute(
                    select(ScheduledReply, BotConversation, AiRun, Persona.name)
                    .join(
                        BotConversation,
                        BotConversation.conversation_id == ScheduledReply.conversation_id,
                    )
                    .join(AiRun, AiRun.id == ScheduledReply.run_id)
                    .join(Persona, Persona.id == AiRun.persona_id)
                    .where(ScheduledReply.state == "pending", ScheduledReply.due_at <= now)
                    .order_by(ScheduledReply.due_at, ScheduledReply.part)
                    .limit(CLAIM)
                    .with_for_update(of=ScheduledReply, skip_locked=True)
                )
            ).all()
            staged: list[StagedEvent] = []
            followed: list[tuple[ScheduledReply, BotConversation]] = []
            for part, state, run, persona_name in rows:
                held = (
                    state.assigned_user_id is not None
                    or state.state != "active"
                    or (state.paused_until is not None and state.paused_until > now)
                )
                if held:
                    part.state = "cancelled"
                    continue
                part.state = "sent"
                if part.part < part.parts:
                    followed.append((part, state))
                staged.append(
                    decision_event(
                        topic=self._topic,
                        tenant_id=part.tenant_id,
                        data=AiReply(
                            request_id=part.id,
                            run_id=run.id,
                            persona_id=run.persona_id,
                            persona_name=persona_name,
                            conversation_id=part.conversation_id,
                            contact_id=state.contact_id,
                            text=part.text,
                            part=part.part,
                            parts=part.parts,
                            in_reply_to_message_id=part.in_reply_to_message_id,
                            citations=[
                                Citation(
                                    chunk_id=s["chunk_id"],
                                    document_id=s["document_id"],
                                    document_title=s["document_title"][:300],
                                    score=s["score"],
                                )
                                for s in run.sources
                            ][:5],
                            occurred_at=now,
                        ),
                    )
                )
            staged.extend(await _typing_before_next(session, followed, self._topic, now))
            if staged:
                await add_events(session, staged)
            return len(rows)


async def _typing_before_next(
    session: AsyncSession,
    followed: list[tuple[ScheduledReply, BotConversation]],
    ai_topic: str,
    now: datetime,
) -> list[StagedEvent]:
    """ "typing…" for each part that comes after one just sent (and is not yet due)."""
    if not followed:
        return []
    states = {part.run_id: state for part, state in followed}
    upcoming = (
        await session.scalars(
            select(ScheduledReply).where(
                tuple_(ScheduledReply.run_id, ScheduledReply.part).in_(
                    [(part.run_id, part.part + 1) for part, _ in followed]
                ),
                ScheduledReply.state == "pending",
            )
        )
    ).all()
    staged = []
    for part in upcoming:
        typing = typing_before(
            part,
            persona_id=states[part.run_id].persona_id,
            contact_id=states[part.run_id].contact_id,
            ai_topic=ai_topic,
            now=now,
        )
        if typing is not None:
            staged.append(typing)
    return staged
