"""Payloads of ``ai.events.v1``: what the AI agent decided, for the crm to apply and for
everyone else to follow (analytics, webhooks, the dashboards the gateway relays to).

The ai-agent never writes a conversation or a lead itself: the crm owns them. A persona's
reply is an ``AiReply`` the crm records in the thread (as the bot's, with the persona's
name) and hands to the sender through its own outbox, in one transaction, after checking
that nobody took the conversation over in the meantime. A handoff, a tool's action and a
lead update are applied the same way. ``AiUsage`` is the cost of one call to a model.

Keyed by the conversation id (usage: by the persona id): one conversation's decisions
keep their order. Every record names its ``type`` in the ``mia-event-type`` header, so a
consumer drops what it does not want undecoded.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AiAction",
    "AiActionKind",
    "AiEvent",
    "AiHandoff",
    "AiLeadUpdate",
    "AiReply",
    "AiTyping",
    "AiUsage",
    "Citation",
    "HandoffReason",
]


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(_Contract):
    """A passage an answer was drawn from."""

    chunk_id: uuid.UUID
    document_id: uuid.UUID
    document_title: str
    score: float


class AiReply(_Contract):
    """One message of a persona's answer; a long answer is several, ``part`` of ``parts``,
    each published when its humanized delay is over."""

    type: Literal["ai.reply"] = "ai.reply"
    request_id: uuid.UUID = Field(
        description="the message's id in the crm and the send request's: one message per id"
    )
    run_id: uuid.UUID
    persona_id: uuid.UUID
    persona_name: str = Field(max_length=120)
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    text: str = Field(min_length=1, max_length=4096)
    part: int = Field(default=1, ge=1)
    parts: int = Field(default=1, ge=1)
    in_reply_to_message_id: uuid.UUID | None = Field(
        default=None, description="the customer's last message this answers"
    )
    citations: list[Citation] = Field(default_factory=list)
    occurred_at: datetime


class AiTyping(_Contract):
    """The persona is writing: an answer waits its humanized delay. Where the channel
    shows it (the WhatsApp Cloud API), the crm asks the sender for the typing indicator
    against the customer's message ``in_reply_to_message_id``, which also marks that
    message read; on other channels, or once a person holds the conversation, it is
    dropped. Meta clears the indicator at the next message or after 25 seconds, so a
    long answer in several messages is preceded by one of these per message."""

    type: Literal["ai.typing"] = "ai.typing"
    request_id: uuid.UUID = Field(description="the send request's id: one indicator per id")
    run_id: uuid.UUID
    persona_id: uuid.UUID
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    in_reply_to_message_id: uuid.UUID = Field(description="the customer's message (crm id)")
    until: datetime = Field(
        description="the reply's time: an indicator not shown by then is dropped"
    )
    occurred_at: datetime


class HandoffReason(StrEnum):
    CUSTOMER_REQUEST = "customer_request"
    NO_CONFIDENT_ANSWER = "no_confident_answer"
    MISUNDERSTANDING = "misunderstanding"
    TURN_LIMIT = "turn_limit"
    MODEL_DECISION = "model_decision"
    BUDGET_EXHAUSTED = "budget_exhausted"
    GUARDRAIL = "guardrail"
    MODEL_UNAVAILABLE = "model_unavailable"
    AFTER_HOURS = "after_hours"


class AiHandoff(_Contract):
    """The persona gives the conversation to people: the crm assigns it (to
    ``assign_to_team_id``'s queue and/or ``assign_to_user_id``; neither: unassigned, for
    whoever picks it up), adds ``summary`` as a note and sends
    ``customer_message`` as the bot's. The bot stays quiet there until a person hands the
    conversation back (or closes it)."""

    type: Literal["ai.handoff"] = "ai.handoff"
    request_id: uuid.UUID = Field(description="the customer message's id and send request id")
    run_id: uuid.UUID
    persona_id: uuid.UUID
    persona_name: str = Field(max_length=120)
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    reason: HandoffReason
    detail: str | None = Field(default=None, max_length=500)
    assign_to_user_id: uuid.UUID | None = None
    assign_to_team_id: uuid.UUID | None = None
    summary: str = Field(max_length=4000, description="the note left for the person")
    customer_message: str | None = Field(default=None, max_length=4096)
    occurred_at: datetime


class AiActionKind(StrEnum):
    ADD_TAG = "add_tag"
    SET_FIELD = "set_field"
    CLOSE_CONVERSATION = "close_conversation"


class AiAction(_Contract):
    """A tool the model called that changes the crm: tag the contact, set one of its
    fields, close the conversation. Audited: the crm records the persona as the actor."""

    type: Literal["ai.action"] = "ai.action"
    action_id: uuid.UUID
    run_id: uuid.UUID
    persona_id: uuid.UUID
    conversation_id: uuid.UUID
    contact_id: uuid.UUID
    kind: AiActionKind
    tag: str | None = Field(default=None, max_length=64)
    field_key: str | None = Field(default=None, max_length=64)
    field_value: Any = None
    occurred_at: datetime


class AiLeadUpdate(_Contract):
    """The lead progression's verdict, above the tenant's confidence threshold: the crm
    moves the contact's lead to ``stage_id`` (the stage history records the AI, the
    confidence and the reason), sets the score and the extracted fields."""

    type: Literal["ai.lead_update"] = "ai.lead_update"
    update_id: uuid.UUID
    run_id: uuid.UUID
    persona_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    contact_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    score: int | None = Field(default=None, ge=0, le=100)
    fields: dict[str, Any] = Field(
        default_factory=dict, description="contact fields: name, email, custom field keys"
    )
    confidence: float = Field(ge=0, le=1)
    reason: str = Field(max_length=500)
    occurred_at: datetime


class AiUsage(_Contract):
    """One call to a model: what it cost, for the tenant's daily usage and budget."""

    type: Literal["ai.usage"] = "ai.usage"
    run_id: uuid.UUID
    persona_id: uuid.UUID | None = None
    purpose: Literal["reply", "lead", "embedding", "console"]
    model: str = Field(max_length=200)
    calls: int = Field(ge=0)
    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(ge=0)
    cost_usd: Decimal = Field(ge=0, description="estimated from the tenant's price table")
    occurred_at: datetime


AiEvent = Annotated[
    AiReply | AiTyping | AiHandoff | AiAction | AiLeadUpdate | AiUsage,
    Field(discriminator="type"),
]
"""The data of an ``Envelope`` on ``ai.events.v1``."""
