"""The personas API's shapes: what a manager writes, what everyone reads."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mia_ai_agent.models import persona as persona_model
from mia_common.text import ApiStr

__all__ = ["BusinessHours", "PersonaCreate", "PersonaOut", "PersonaUpdate", "StageRule"]

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Line = Annotated[ApiStr, Field(min_length=1, max_length=500)]
Tone = Literal["friendly", "formal", "casual", "enthusiastic", "concise"]


class BusinessHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: str = Field(examples=["America/Sao_Paulo"])
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        min_length=1, max_length=7, description="0 is Monday"
    )
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["18:00"])

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError("a time of day as HH:MM")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class StageRule(BaseModel):
    """Extractive mode's lead progression: a customer's words that put the lead in a stage."""

    model_config = ConfigDict(extra="forbid")

    stage_id: uuid.UUID
    keywords: list[Annotated[ApiStr, Field(min_length=2, max_length=80)]] = Field(
        min_length=1, max_length=50
    )


class _PersonaFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    instructions: str = Field(default="", max_length=20_000)
    tone: Tone = "friendly"
    language: str | None = Field(
        default=None,
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="always answer in this language; null: in the customer's",
    )
    guidelines: list[Line] = Field(default_factory=list, max_length=50)
    refused_topics: list[Line] = Field(default_factory=list, max_length=50)
    never_promise: list[Line] = Field(default_factory=list, max_length=50)
    channel_account_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    knowledge_base_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    business_hours: BusinessHours | None = None
    after_hours: Literal["answer", "collect"] = "answer"
    model: str | None = Field(default=None, max_length=200)
    temperature: float = Field(default=0.3, ge=0, le=2)
    answer_threshold: float = Field(default=0.86, ge=0, le=1)
    debounce_seconds: float = Field(default=4.0, ge=0, le=60)
    min_delay_seconds: float = Field(default=1.0, ge=0, le=60)
    max_delay_seconds: float = Field(default=6.0, ge=0, le=120)
    max_turns: int = Field(default=12, ge=1, le=200)
    human_pause_minutes: int = Field(default=60, ge=0, le=10_080)
    handoff_user_id: uuid.UUID | None = None
    handoff_team_id: uuid.UUID | None = None
    handoff_message: str | None = Field(default=None, max_length=1000)
    after_hours_message: str | None = Field(default=None, max_length=1000)
    lead_threshold: float = Field(default=0.8, ge=0, le=1)
    stage_rules: list[StageRule] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _delays_ordered(self) -> _PersonaFields:
        if self.min_delay_seconds > self.max_delay_seconds:
            raise ValueError("min_delay_seconds must not exceed max_delay_seconds")
        return self


class PersonaCreate(_PersonaFields):
    name: Annotated[ApiStr, Field(min_length=1, max_length=120)]


class PersonaUpdate(BaseModel):
    """Only the fields given change; ``version`` (optional) refuses a stale edit."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1)
    name: Annotated[ApiStr, Field(min_length=1, max_length=120)] | None = None
    enabled: bool | None = None
    instructions: str | None = Field(default=None, max_length=20_000)
    tone: Tone | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    guidelines: list[Line] | None = Field(default=None, max_length=50)
    refused_topics: list[Line] | None = Field(default=None, max_length=50)
    never_promise: list[Line] | None = Field(default=None, max_length=50)
    channel_account_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
    knowledge_base_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    business_hours: BusinessHours | None = None
    after_hours: Literal["answer", "collect"] | None = None
    model: str | None = Field(default=None, max_length=200)
    temperature: float | None = Field(default=None, ge=0, le=2)
    answer_threshold: float | None = Field(default=None, ge=0, le=1)
    debounce_seconds: float | None = Field(default=None, ge=0, le=60)
    min_delay_seconds: float | None = Field(default=None, ge=0, le=60)
    max_delay_seconds: float | None = Field(default=None, ge=0, le=120)
    max_turns: int | None = Field(default=None, ge=1, le=200)
    human_pause_minutes: int | None = Field(default=None, ge=0, le=10_080)
    handoff_user_id: uuid.UUID | None = None
    handoff_team_id: uuid.UUID | None = None
    handoff_message: str | None = Field(default=None, max_length=1000)
    after_hours_message: str | None = Field(default=None, max_length=1000)
    lead_threshold: float | None = Field(default=None, ge=0, le=1)
    stage_rules: list[StageRule] | None = Field(default=None, max_length=30)

    def changes(self) -> dict[str, Any]:
        """The fields the caller sent (null included: it clears an optional one)."""
        sent = self.model_dump(exclude_unset=True, mode="json")
        sent.pop("version", None)
        for key in (
            "channel_account_ids",
            "knowledge_base_ids",
            "handoff_user_id",
            "handoff_team_id",
        ):
            if key in sent and sent[key] is not None:
                sent[key] = getattr(self, key)
        return sent


class PersonaOut(_PersonaFields):
    id: uuid.UUID
    name: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, persona: persona_model.Persona) -> PersonaOut:
        return cls(
            id=persona.id,
            name=persona.name,
            version=persona.version,
            created_at=persona.created_at,
            updated_at=persona.updated_at,
            enabled=persona.enabled,
            instructions=persona.instructions,
            tone=persona.tone,
            language=persona.language,
            guidelines=list(persona.guidelines),
            refused_topics=list(persona.refused_topics),
            never_promise=list(persona.never_promise),
            channel_account_ids=list(persona.channel_account_ids),
            knowledge_base_ids=list(persona.knowledge_base_ids),
            business_hours=(
                BusinessHours.model_validate(persona.business_hours)
                if persona.business_hours
                else None
            ),
            after_hours=persona.after_hours,
            model=persona.model,
            temperature=persona.temperature,
            answer_threshold=persona.answer_threshold,
            debounce_seconds=persona.debounce_seconds,
            min_delay_seconds=persona.min_delay_seconds,
            max_delay_seconds=persona.max_delay_seconds,
            max_turns=persona.max_turns,
            human_pause_minutes=persona.human_pause_minutes,
            handoff_user_id=persona.handoff_user_id,
            handoff_team_id=persona.handoff_team_id,
            handoff_message=persona.handoff_message,
            after_hours_message=persona.after_hours_message,
            lead_threshold=persona.lead_threshold,
            stage_rules=[StageRule.model_validate(rule) for rule in persona.stage_rules],
        )
