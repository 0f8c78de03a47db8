"""Lead progression after an exchange: the turn loop marks the conversation (``lead_due_at``,
a debounce after its answer); this loop claims marked conversations (``FOR UPDATE SKIP
LOCKED``, leased) and reads each for its lead.

At or above the persona's ``lead_threshold`` the verdict goes to the crm as an
``ai.lead_update`` (stage, fields); below it, it waits on the card as a suggestion (the
contact's older pending one is superseded). The reading is a run of its own (purpose
``lead``), so its reasons and cost are shown like a reply's.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_ai_agent.conversations.events import decision_event
from mia_ai_agent.conversations.turns import history_of
from mia_ai_agent.leads.review import LeadVerdict, by_model, by_rules
from mia_ai_agent.leads.stages import CrmStages
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.llm.errors import ModelUnavailable
from mia_ai_agent.llm.prices import Prices
from mia_ai_agent.models.conversation import AiRun, BotConversation
from mia_ai_agent.models.lead_suggestion import LeadSuggestion
from mia_ai_agent.models.persona import Persona
from mia_ai_agent.personas.repository import PersonaRepository
from mia_ai_agent.usage.recorder import record_usage
from mia_common.contracts import AiLeadUpdate
from mia_common.db import unit_of_work
from mia_common.db.base import new_uuid7
from mia_common.outbox import add_events
from mia_common.rounds import RoundLoop

__all__ = ["LeadLoop", "apply_verdict"]

logger = structlog.get_logger(__name__)

LEASE = timedelta(minutes=5)
RETRY = timedelta(seconds=60)
CLAIM = 20


class LeadLoop:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        models: ModelDirectory,
        stages: CrmStages,
        ai_topic: str,
        tick_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._models = models
        self._stages = stages
        self._topic = ai_topic
        self._loop = RoundLoop("ai-leads", self.run_round, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        await self._stages.close()

    async def run_round(self) -> int:
        now = datetime.now(UTC)
        async with unit_of_work(self._sessions) as session:
            rows = (
                await session.scalars(
                    select(BotConversation)
                    .where(BotConversation.lead_due_at <= now)
                    .order_by(BotConversation.lead_due_at)
                    .limit(CLAIM)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for row in rows:
                row.lead_due_at = now + LEASE
            claimed = [row.conversation_id for row in rows]
        for conversation_id in claimed:
            try:
                await self._review(conversation_id)
            except Exception:
                logger.exception("lead review failed", conversation=str(conversation_id))
                await self._again_later(conversation_id)
        return len(claimed)

    async def _again_later(self, conversation_id: uuid.UUID) -> None:
        async with unit_of_work(self._sessions) as session:
            await session.execute(
                update(BotConversation)
                .where(BotConversation.conversation_id == conversation_id)
                .values(lead_due_at=datetime.now(UTC) + RETRY)
            )

    async def _review(self, conversation_id: uuid.UUID) -> None:
        async with self._sessions() as session:
            state = await session.get(BotConversation, conversation_id)
            if state is None:
                return
            persona = await PersonaRepository.from_session(session).get(
                tenant_id=state.tenant_id, persona_id=state.persona_id
            )
            history = [
                (line.author, line.text) for line in await history_of(session, conversation_id)
            ]
            model = await self._models.for_tenant(session, state.tenant_id)
            tenant_id = state.tenant_id
        # Closed, not rolled back: the rows read stay loaded (a rollback would expire them).
        if persona is None:
            return
        stages = await self._stages.of_tenant(tenant_id)
        verdict: LeadVerdict | None
        if model is not None and stages:
            try:
                verdict = await by_model(model, stages=stages, history=history)
            except ModelUnavailable as failure:
                logger.info("lead review: model unavailable", reason=failure.reason)
                verdict = by_rules(persona, stages, [t for a, t in history if a == "customer"])
        else:
            verdict = by_rules(persona, stages, [t for a, t in history if a == "customer"])
        async with unit_of_work(self._sessions) as session:
            held = await session.get(BotConversation, conversation_id, with_for_update=True)
            if held is None:
                return
            held.lead_due_at = None
            if verdict is None:
                return
            await apply_verdict(
                session,
                persona=persona,
                state=held,
                verdict=verdict,
                ai_topic=self._topic,
                prices=model.prices_for(verdict.model) if model and verdict.model else None,
                now=datetime.now(UTC),
            )


async def apply_verdict(
    session: AsyncSession,
    *,
    persona: Persona,
    state: BotConversation,
    verdict: LeadVerdict,
    ai_topic: str,
    prices: Prices | None,
    now: datetime,
) -> AiRun:
    applied = verdict.confidence >= persona.lead_threshold
    run = AiRun(
        id=new_uuid7(),
        tenant_id=persona.tenant_id,
        conversation_id=state.conversation_id,
        persona_id=persona.id,
        purpose="lead",
        mode="generative" if verdict.mode == "model" else "extractive",
        decision="applied" if applied else "suggested",
        reason=f"stage {verdict.stage_name}" if verdict.stage_name else "fields only",
        detail=f"{verdict.reason} (confidence {verdict.confidence:.2f})",
        sources=[],
        tool_calls=[],
        model=verdict.model,
        prompt_tokens=verdict.usage.prompt_tokens if verdict.usage else 0,
        completion_tokens=verdict.usage.completion_tokens if verdict.usage else 0,
        elapsed_ms=0,
    )
    session.add(run)
    await session.flush()
    if verdict.usage is not None and verdict.model and prices is not None:
        await record_usage(
            session,
            tenant_id=persona.tenant_id,
            persona_id=persona.id,
            purpose="lead",
            result_or_usage=verdict.usage,
            model=verdict.model,
            prices=prices,
            run_id=run.id,
            topic=ai_topic,
            now=now,
        )
    if applied:
        update_event = AiLeadUpdate(
            update_id=new_uuid7(),
            run_id=run.id,
            persona_id=persona.id,
            conversation_id=state.conversation_id,
            contact_id=state.contact_id,
            stage_id=verdict.stage_id,
            score=verdict.score,
            fields=verdict.fields,
            confidence=verdict.confidence,
            reason=verdict.reason,
            occurred_at=now,
        )
        await add_events(
            session,
            [decision_event(topic=ai_topic, tenant_id=persona.tenant_id, data=update_event)],
        )
        return run
    await session.execute(
        update(LeadSuggestion)
        .where(
            LeadSuggestion.tenant_id == persona.tenant_id,
            LeadSuggestion.contact_id == state.contact_id,
            LeadSuggestion.status == "pending",
        )
        .values(status="superseded")
    )
    session.add(
        LeadSuggestion(
            tenant_id=persona.tenant_id,
            contact_id=state.contact_id,
            conversation_id=state.conversation_id,
            persona_id=persona.id,
            run_id=run.id,
            stage_id=verdict.stage_id,
            stage_name=verdict.stage_name,
            score=verdict.score,
            fields=verdict.fields,
            confidence=verdict.confidence,
            reason=verdict.reason,
            status="pending",
        )
    )
    await session.flush()
    return run
