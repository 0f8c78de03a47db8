"""One turn of a persona: what to do with the customer's unanswered messages.

In order: a customer asking for a person is handed off; so is a conversation past the
persona's turn limit, a customer repeating themselves (misunderstood twice), and, outside
business hours where the persona only collects details, everyone. Then the knowledge is
searched. Without a generative model the best passage above the persona's threshold is the
answer (extractive mode), and below it the conversation goes to a person. With a model, the
month's budget is checked first (spent: hand off, no call), then the model answers from the
passages and may call tools; its answer passes the guardrails or is never sent.

``decide`` changes nothing: it returns the ``Decision``, and the turn (or the test
console) records it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.conversations.extractive import extractive_reply
from mia_ai_agent.conversations.guardrails import check_reply
from mia_ai_agent.conversations.handoff_words import asks_for_a_person
from mia_ai_agent.conversations.hours import open_at
from mia_ai_agent.conversations.language import Language, detect_language, folded_words
from mia_ai_agent.conversations.phrases import after_hours_message, handoff_message
from mia_ai_agent.conversations.prompt import HistoryLine, build_messages
from mia_ai_agent.conversations.tools import TOOLS
from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.retrieval import Passage, retrieve
from mia_ai_agent.llm.client import TenantModel
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.llm.errors import ModelUnavailable
from mia_ai_agent.llm.results import ChatResult, TokenUsage
from mia_ai_agent.models.persona import Persona
from mia_ai_agent.usage.budget import budget_left
from mia_common.contracts import HandoffReason

__all__ = ["Decision", "ToolAction", "TurnInput", "decide"]

PASSAGES = 4
TOOL_ROUNDS = 3
REPEATS_TO_HAND_OFF = 2


@dataclass(frozen=True, slots=True)
class TurnInput:
    persona: Persona
    burst: str
    """The customer's messages since the bot last spoke, one per line."""
    history: Sequence[HistoryLine]
    turns: int
    """Replies the bot gave in this conversation so far."""
    repeats: int
    """Turns in a row the customer said again what they had said."""
    now: datetime


@dataclass(frozen=True, slots=True)
class ToolAction:
    """A tool call that changes the crm (tag, field, lead stage, close)."""

    name: str
    arguments: dict[str, Any]


@dataclass(slots=True)
class Decision:
    kind: Literal["reply", "handoff"]
    reason: str
    language: Language
    mode: Literal["extractive", "generative"]
    reply: str | None = None
    customer_message: str | None = None
    detail: str | None = None
    sources: list[Passage] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    actions: list[ToolAction] = field(default_factory=list)
    model: str | None = None
    usage: TokenUsage | None = None
    tenant_model: TenantModel | None = None
    repeated: bool = False
    elapsed_ms: int = 0

    @property
    def handoff_reason(self) -> HandoffReason | None:
        return HandoffReason(self.reason) if self.kind == "handoff" else None


def repeats_itself(burst: str, history: Sequence[HistoryLine]) -> bool:
    """The customer said again (most of the same words) what they said before the bot's
    last answer: that answer did not serve them."""
    earlier = [text for author, text in history if author == "customer"]
    if not earlier:
        return False
    now_words, before = set(folded_words(burst)), set(folded_words(earlier[-1]))
    if len(now_words) < 3 or not before:
        return False
    return len(now_words & before) / len(now_words | before) >= 0.6


async def decide(
    session: AsyncSession,
    *,
    turn: TurnInput,
    embedders: EmbedderDirectory,
    models: ModelDirectory,
) -> Decision:
    started = time.perf_counter()
    decision = await _decide(session, turn=turn, embedders=embedders, models=models)
    decision.elapsed_ms = int((time.perf_counter() - started) * 1000)
    return decision


async def _decide(
    session: AsyncSession,
    *,
    turn: TurnInput,
    embedders: EmbedderDirectory,
    models: ModelDirectory,
) -> Decision:
    persona = turn.persona
    language: Language = _language(persona, turn.burst)
    open_now = open_at(persona.business_hours, turn.now)
    model = await models.for_tenant(session, persona.tenant_id)
    mode: Literal["extractive", "generative"] = "generative" if model else "extractive"

    def hand_off(reason: HandoffReason, detail: str | None = None, **more: Any) -> Decision:
        return Decision(
            kind="handoff",
            reason=reason.value,
            language=language,
            mode=mode,
            detail=detail,
            customer_message=handoff_message(
                language, open_now=open_now, custom=persona.handoff_message
            ),
            **more,
        )

    if asks_for_a_person(turn.burst):
        return hand_off(HandoffReason.CUSTOMER_REQUEST)
    if turn.turns >= persona.max_turns:
        return hand_off(HandoffReason.TURN_LIMIT, f"{turn.turns} replies already")
    repeated = repeats_itself(turn.burst, turn.history)
    if repeated and turn.repeats + 1 >= REPEATS_TO_HAND_OFF:
        return hand_off(HandoffReason.MISUNDERSTANDING, "the customer repeated themselves")
    if not open_now and persona.after_hours == "collect":
        decision = hand_off(HandoffReason.AFTER_HOURS)
        decision.customer_message = after_hours_message(
            language, custom=persona.after_hours_message
        )
        return decision

    passages = await _search(session, persona, turn.burst, embedders=embedders)
    if model is None:
        best = max(passages, key=lambda p: p.similarity, default=None)
        if best is None or best.similarity < persona.answer_threshold:
            found = f"best similarity {best.similarity:.2f}" if best else "no passage"
            return hand_off(
                HandoffReason.NO_CONFIDENT_ANSWER,
                f"{found} < threshold {persona.answer_threshold:.2f}",
                sources=passages,
            )
        reply = extractive_reply(best, language=language)
        return _guarded(
            Decision(
                kind="reply",
                reason="extractive_match",
                language=language,
                mode=mode,
                reply=reply,
                detail=f"similarity {best.similarity:.2f} ≥ {persona.answer_threshold:.2f}",
                sources=[best],
                repeated=repeated,
            ),
            persona,
            open_now=open_now,
        )

    left = await budget_left(session, tenant_id=persona.tenant_id, now=turn.now)
    if left is not None and left <= 0:
        return hand_off(HandoffReason.BUDGET_EXHAUSTED, "the month's AI budget is spent")
    return await _generate(
        session,
        turn=turn,
        model=model,
        passages=passages,
        embedders=embedders,
        language=language,
        open_now=open_now,
        repeated=repeated,
        hand_off=hand_off,
    )


async def _generate(
    session: AsyncSession,
    *,
    turn: TurnInput,
    model: TenantModel,
    passages: list[Passage],
    embedders: EmbedderDirectory,
    language: Language,
    open_now: bool,
    repeated: bool,
    hand_off: Callable[..., Decision],
) -> Decision:
    persona = turn.persona
    history = [*turn.history, ("customer", turn.burst)]
    messages = build_messages(persona, history=history, passages=passages, language=language)
    sources = list(passages)
    calls: list[dict[str, Any]] = []
    actions: list[ToolAction] = []
    usage = TokenUsage(0, 0, 0)
    result: ChatResult | None = None
    try:
        for _round in range(TOOL_ROUNDS + 1):
            result = await model.chat(
                messages=messages,
                tools=TOOLS,
                temperature=persona.temperature,
                max_tokens=600,
                model=persona.model,
            )
            usage = usage + result.usage
            if not result.tool_calls:
                break
            messages.append(result.assistant_message())
            for call in result.tool_calls:
                outcome = "done"
                if call.name == "handoff_to_human":
                    calls.append({"name": call.name, "arguments": call.arguments})
                    return hand_off(
                        HandoffReason.MODEL_DECISION,
                        str(call.arguments.get("reason") or "")[:500] or None,
                        sources=sources,
                        tool_calls=calls,
                        actions=actions,
                        model=result.model,
                        usage=usage,
                        tenant_model=model,
                    )
                if call.name == "search_knowledge_base":
                    found = await _search(
                        session,
                        persona,
                        str(call.arguments.get("query") or ""),
                        embedders=embedders,
                    )
                    sources.extend(
                        p for p in found if p.chunk_id not in {s.chunk_id for s in sources}
                    )
                    outcome = "\n\n".join(p.text for p in found) or "nothing found"
                elif call.name in (
                    "add_tag",
                    "set_contact_field",
                    "move_lead_to_stage",
                    "close_conversation",
                ):
                    actions.append(ToolAction(call.name, dict(call.arguments)))
                else:
                    outcome = "unknown tool"
                calls.append(
                    {"name": call.name, "arguments": call.arguments, "result": outcome[:500]}
                )
                messages.append({"role": "tool", "tool_call_id": call.id, "content": outcome})
    except ModelUnavailable as failure:
        # A bad answer still cost its tokens: they count against the budget.
        spent = usage + failure.usage if failure.usage is not None else usage
        return hand_off(
            HandoffReason.MODEL_UNAVAILABLE,
            str(failure)[:500],
            sources=sources,
            tool_calls=calls,
            usage=spent,
            tenant_model=model,
        )
    reply = (result.content or "").strip() if result else ""
    if not reply:
        return hand_off(
            HandoffReason.NO_CONFIDENT_ANSWER,
            "the model gave no answer",
            sources=sources,
            tool_calls=calls,
            model=result.model if result else None,
            usage=usage,
            tenant_model=model,
        )
    return _guarded(
        Decision(
            kind="reply",
            reason="generated",
            language=language,
            mode="generative",
            reply=reply,
            sources=sources,
            tool_calls=calls,
            actions=actions,
            model=result.model if result else None,
            usage=usage,
            tenant_model=model,
            repeated=repeated,
        ),
        persona,
        open_now=open_now,
    )


def _guarded(decision: Decision, persona: Persona, *, open_now: bool) -> Decision:
    verdict = check_reply(
        decision.reply or "",
        instructions=persona.instructions,
        never_promise=persona.never_promise,
        refused_topics=persona.refused_topics,
    )
    if verdict.ok:
        return decision
    decision.kind = "handoff"
    decision.reason = HandoffReason.GUARDRAIL.value
    decision.detail = f"{verdict.rule}: {verdict.detail}"
    decision.reply = None
    decision.actions = []
    decision.customer_message = handoff_message(
        decision.language, open_now=open_now, custom=persona.handoff_message
    )
    return decision


async def _search(
    session: AsyncSession, persona: Persona, query: str, *, embedders: EmbedderDirectory
) -> list[Passage]:
    if not persona.knowledge_base_ids or not query.strip():
        return []
    return await retrieve(
        session,
        embedders=embedders,
        tenant_id=persona.tenant_id,
        knowledge_base_ids=list(persona.knowledge_base_ids),
        query=query,
        limit=PASSAGES,
    )


def _language(persona: Persona, burst: str) -> Language:
    if persona.language:
        code = persona.language[:2]
        if code in ("pt", "en", "es"):
            return code  # type: ignore[return-value]
    return detect_language(burst)
