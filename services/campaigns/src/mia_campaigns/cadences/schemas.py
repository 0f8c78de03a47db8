"""The HTTP edge of cadences: steps, triggers, enrollments."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_campaigns.campaigns.schemas import SendWindow, TemplateMessage, TextMessage
from mia_campaigns.models import Cadence, Enrollment
from mia_campaigns.sending.window import known_time_zones
from mia_common.contracts.messages import Channel

__all__ = [
    "BranchStep",
    "CadenceCreate",
    "CadenceOut",
    "CadenceStatus",
    "CadenceUpdate",
    "Condition",
    "EnrollIn",
    "EnrollOut",
    "EnrollmentOut",
    "EnrollmentState",
    "SendStep",
    "Step",
    "Trigger",
    "WaitStep",
    "WaitUntilStep",
]

MAX_STEPS = 50


class CadenceStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class EnrollmentState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"
    FAILED = "failed"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


StepMessage = Annotated[TextMessage | TemplateMessage, Field(discriminator="type")]


class SendStep(_In):
    type: Literal["send"] = "send"
    message: StepMessage


class WaitStep(_In):
    type: Literal["wait"] = "wait"
    amount: int = Field(ge=1, le=100_000)
    unit: Literal["seconds", "minutes", "hours", "days"]


class WaitUntilStep(_In):
    """Wait until the next of these weekdays at this time (today, if still ahead)."""

    type: Literal["wait_until"] = "wait_until"
    days: list[int] = Field(min_length=1, max_length=7, description="ISO: 1 Monday, 7 Sunday")
    time: dt.time = Field(examples=["09:00"])
    per_contact: bool = Field(
        default=False, description="in each contact's time zone (the cadence's when unknown)"
    )

    @model_validator(mode="after")
    def _valid(self) -> WaitUntilStep:
        if any(day < 1 or day > 7 for day in self.days):
            raise ValueError("days are ISO weekdays, 1 (Monday) to 7 (Sunday)")
        return self


class Condition(_In):
    """``replied`` / ``read``: to this cadence's messages so far; ``filter``: the contact
    matches a crm contact filter now (tags, fields, lifecycle or pipeline stage...), as
    the segments API takes it."""

    kind: Literal["replied", "read", "filter"]
    filter: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _filter_iff_kind(self) -> Condition:
        if (self.kind == "filter") != (self.filter is not None):
            raise ValueError("a filter condition, and only it, has a filter")
        return self


class BranchStep(_In):
    """Go on at ``then_step`` when the condition holds, at ``else_step`` otherwise: step
    numbers after this one (0-based), or the number of steps to end the cadence there."""

    type: Literal["branch"] = "branch"
    condition: Condition
    then_step: int = Field(ge=1)
    else_step: int = Field(ge=1)


Step = Annotated[SendStep | WaitStep | WaitUntilStep | BranchStep, Field(discriminator="type")]


class Trigger(_In):
    event: Literal["contact_created", "tag_added", "lead_entered_stage"]
    tag: str | None = Field(default=None, min_length=1, max_length=100)
    stage_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _its_argument(self) -> Trigger:
        if (self.event == "tag_added") != (self.tag is not None):
            raise ValueError("tag_added, and only it, names a tag")
        if (self.event == "lead_entered_stage") != (self.stage_id is not None):
            raise ValueError("lead_entered_stage, and only it, names a stage_id")
        return self


def check_steps(steps: list[Any], channel: str | None) -> None:
    """The rules a list of steps obeys beyond each step's own (ValueError says which)."""
    if not any(step.type == "send" for step in steps):
        raise ValueError("steps: a cadence sends at least one message")
    for index, step in enumerate(steps):
        if step.type == "branch":
            for target in (step.then_step, step.else_step):
                # Forward only: a cadence cannot loop, so every enrollment ends.
                if not index < target <= len(steps):
                    raise ValueError(
                        f"steps[{index}]: a branch goes on at a later step"
                        f" ({index + 1} to {len(steps)}, the last meaning the end), not {target}"
                    )
        if step.type == "send" and channel == Channel.SMS and step.message.type != "text":
            raise ValueError(f"steps[{index}]: an SMS cadence sends text messages")


class CadenceCreate(_In):
    name: str = Field(min_length=1, max_length=200)
    channel: Literal[Channel.WHATSAPP_CLOUD, Channel.SMS]
    channel_account_id: uuid.UUID
    time_zone: str = Field(
        description="IANA zone of the company: waits until a time, business hours",
        examples=["America/Sao_Paulo"],
    )
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)
    business_hours: SendWindow | None = Field(
        default=None, description="messages go out only inside it; outside, they wait for it"
    )
    stop_on_reply: bool = True
    stop_on_stage_change: bool = False
    triggers: list[Trigger] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _valid(self) -> CadenceCreate:
        if self.time_zone not in known_time_zones():
            raise ValueError(f"unknown time zone {self.time_zone!r}")
        check_steps(self.steps, self.channel)
        return self


class CadenceUpdate(_In):
    """What is given replaces what was. While people are enrolled, the steps' kinds and
    order stay (texts, waits and conditions may change)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    time_zone: str | None = None
    steps: list[Step] | None = Field(default=None, min_length=1, max_length=MAX_STEPS)
    business_hours: SendWindow | None = None
    stop_on_reply: bool | None = None
    stop_on_stage_change: bool | None = None
    triggers: list[Trigger] | None = Field(default=None, max_length=10)


class CadenceOut(BaseModel):
    id: uuid.UUID
    name: str
    status: CadenceStatus
    channel: str
    channel_account_id: uuid.UUID
    time_zone: str
    steps: list[dict[str, Any]]
    business_hours: dict[str, Any] | None
    stop_on_reply: bool
    stop_on_stage_change: bool
    triggers: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    counts: dict[EnrollmentState, int] = Field(
        default_factory=dict, description="enrollments by state"
    )
    at_step: dict[int, int] = Field(
        default_factory=dict, description="active enrollments by the step they are at"
    )

    @classmethod
    def of(
        cls,
        cadence: Cadence,
        *,
        counts: dict[str, int] | None = None,
        at_step: dict[int, int] | None = None,
    ) -> CadenceOut:
        return cls(
            id=cadence.id,
            name=cadence.name,
            status=CadenceStatus(cadence.status),
            channel=cadence.channel,
            channel_account_id=cadence.channel_account_id,
            time_zone=cadence.time_zone,
            steps=cadence.steps,
            business_hours=cadence.business_hours,
            stop_on_reply=cadence.stop_on_reply,
            stop_on_stage_change=cadence.stop_on_stage_change,
            triggers=cadence.triggers,
            created_at=cadence.created_at,
            updated_at=cadence.updated_at,
            counts={EnrollmentState(k): v for k, v in (counts or {}).items()},
            at_step=at_step or {},
        )


class EnrollIn(_In):
    """Exactly one of: contacts by id, a saved segment, a filter."""

    contact_ids: list[uuid.UUID] | None = Field(default=None, min_length=1, max_length=10_000)
    segment_id: uuid.UUID | None = None
    filter: dict[str, Any] | None = None
    again: bool = Field(
        default=False,
        description="also enroll again, from the first step, people whose earlier walk of this "
        "cadence ended (completed, stopped or failed); people walking it now are left as they are",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> EnrollIn:
        given = [x for x in (self.contact_ids, self.segment_id, self.filter) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of contact_ids, segment_id and filter")
        return self

    def audience(self) -> dict[str, Any]:
        if self.contact_ids is not None:
            return {"kind": "contacts", "contact_ids": [str(i) for i in self.contact_ids]}
        if self.segment_id is not None:
            return {"kind": "segment", "segment_id": str(self.segment_id)}
        return {"kind": "filter", "filter": self.filter}


class EnrollOut(BaseModel):
    enrolled: int = Field(description="newly enrolled")
    enrolled_again: int = Field(
        default=0, description="whose earlier walk had ended, starting again (with again=true)"
    )
    already_enrolled: int = Field(
        description="in this cadence before and not enrolled again (walking it, or no again)"
    )
    excluded: dict[str, int] = Field(
        default_factory=dict, description="left out, by reason (opted_out, no_address...)"
    )


class EnrollmentOut(BaseModel):
    id: uuid.UUID
    cadence_id: uuid.UUID
    contact_id: uuid.UUID
    name: str | None
    address: str | None
    source: str
    state: EnrollmentState
    step_index: int = Field(description="the step it is at (0-based)")
    step_type: str | None = Field(description="that step's kind; None once finished")
    due_at: datetime | None = Field(description="when it moves on next")
    attempts: int
    reason: str | None = Field(description="why it stopped or failed")
    detail: str | None
    replied_at: datetime | None
    read_at: datetime | None
    history: list[dict[str, Any]]
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, row: Enrollment, steps: list[dict[str, Any]]) -> EnrollmentOut:
        finished = row.state != EnrollmentState.ACTIVE.value or row.step_index >= len(steps)
        return cls(
            id=row.id,
            cadence_id=row.cadence_id,
            contact_id=row.contact_id,
            name=row.name,
            address=row.address,
            source=row.source,
            state=EnrollmentState(row.state),
            step_index=row.step_index,
            step_type=None if finished else str(steps[row.step_index]["type"]),
            due_at=row.due_at if row.state == EnrollmentState.ACTIVE.value else None,
            attempts=row.attempts,
            reason=row.reason,
            detail=row.detail,
            replied_at=row.replied_at,
            read_at=row.read_at,
            history=row.history,
            created_at=row.created_at,
            finished_at=row.finished_at,
        )
