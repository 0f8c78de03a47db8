"""Shapes of the bot's HTTP edge: the test console, a conversation's bot, a run's "why"."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mia_ai_agent.models.conversation import AiRun, BotConversation
from mia_common.text import ApiStr

__all__ = [
    "BotStateOut",
    "BotSwitch",
    "ConsoleIn",
    "ConsoleLine",
    "ConsoleOut",
    "RunOut",
    "SourceOut",
]


class ConsoleLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author: Literal["customer", "bot", "agent"]
    text: Annotated[ApiStr, Field(min_length=1, max_length=4096)]


class ConsoleIn(BaseModel):
    """A conversation to try the persona on; the last customer lines are what it answers."""

    model_config = ConfigDict(extra="forbid")

    messages: list[ConsoleLine] = Field(min_length=1, max_length=50)


class SourceOut(BaseModel):
    chunk_id: uuid.UUID
    document_id: uuid.UUID
    knowledge_base_id: uuid.UUID | None = None
    document_title: str
    heading: str | None = None
    text: str
    score: float
    similarity: float


class RunOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID | None
    persona_id: uuid.UUID
    purpose: str
    mode: Literal["extractive", "generative"]
    decision: Literal["reply", "handoff", "silent", "applied", "suggested"]
    reason: str
    detail: str | None
    question: str | None
    reply: str | None
    sources: list[SourceOut]
    tool_calls: list[dict[str, Any]]
    model: str | None
    prompt_tokens: int
    completion_tokens: int
    elapsed_ms: int
    created_at: datetime

    @classmethod
    def of(cls, run: AiRun) -> RunOut:
        return cls(
            id=run.id,
            conversation_id=run.conversation_id,
            persona_id=run.persona_id,
            purpose=run.purpose,
            mode=run.mode,
            decision=run.decision,
            reason=run.reason,
            detail=run.detail,
            question=run.question,
            reply=run.reply,
            sources=[SourceOut.model_validate(s) for s in run.sources],
            tool_calls=run.tool_calls,
            model=run.model,
            prompt_tokens=run.prompt_tokens,
            completion_tokens=run.completion_tokens,
            elapsed_ms=run.elapsed_ms,
            created_at=run.created_at,
        )


class ConsoleOut(BaseModel):
    run: RunOut
    parts: list[str] = Field(
        description="the reply as the customer would get it, message by message"
    )
    customer_message: str | None = Field(description="on a handoff: what the customer is told")
    actions: list[dict[str, Any]]


class BotStateOut(BaseModel):
    conversation_id: uuid.UUID
    persona_id: uuid.UUID
    state: Literal["active", "handed_off"]
    handoff_reason: str | None
    paused_until: datetime | None
    paused: bool
    turns: int
    last_run_id: uuid.UUID | None

    @classmethod
    def of(cls, state: BotConversation, *, now: datetime) -> BotStateOut:
        return cls(
            conversation_id=state.conversation_id,
            persona_id=state.persona_id,
            state=state.state,
            handoff_reason=state.handoff_reason,
            paused_until=state.paused_until,
            paused=state.paused_until is not None and state.paused_until > now,
            turns=state.turns,
            last_run_id=state.last_run_id,
        )


class BotSwitch(BaseModel):
    """``paused: true`` silences the bot here (for ``minutes``, or until switched back);
    ``paused: false`` gives the conversation back to the bot, a handoff included."""

    model_config = ConfigDict(extra="forbid")

    paused: bool
    minutes: int | None = Field(default=None, ge=1, le=525_600)
