"""The control API's bodies (``/sandbox/*``), shared by the endpoints and ``SandboxClient``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CustomerMessageIn",
    "CustomerMessageOut",
    "FaultIn",
    "FaultOut",
    "NumberIn",
    "NumberOut",
    "NumberStats",
    "SentMessageOut",
    "SentPage",
    "Stats",
    "TemplateIn",
    "TemplateOut",
    "TemplateReadOut",
    "WebhookDeliveryOut",
]

CustomerMessageType = Literal[
    "text",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button",
    "reaction",
]


class _In(BaseModel):
    # A misspelt field would silently fall back to its default: refuse it instead.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Out(BaseModel):
    # Clients keep reading answers that gained a field.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class NumberIn(_In):
    phone_number_id: str = Field(pattern=r"^[0-9A-Za-z_-]{1,64}$")
    display_phone_number: str = "+15550001111"
    waba_id: str = "200000000000001"
    access_token: str = Field(min_length=1)
    app_secret: str = Field(min_length=1)
    webhook_url: str | None = Field(
        default=None, description="where its webhooks go; the sandbox's WEBHOOK_URL when unset"
    )
    throughput_per_second: int | None = Field(
        default=None, ge=1, description="sends beyond this per rolling second get 130429"
    )
    verified_name: str = "Sandbox Business"


class NumberOut(NumberIn):
    model_config = ConfigDict(extra="ignore")

    webhook_url: str


class FaultIn(_In):
    code: str = Field(description="130429, 131056, 131048, 131049, 131026, 131047, 190, 500...")
    phone_number_id: str | None = None
    recipient: str | None = Field(default=None, description="a phone number or a BSUID")
    rate: float = Field(default=1.0, ge=0.0, le=1.0)
    count: int | None = Field(default=None, ge=0, description="fire for at most N sends")
    mode: Literal["sync", "async"] = "sync"
    hold_seconds: float = Field(default=0.0, ge=0.0, description="for code 'timeout'")
    accept_after_hold: bool = Field(
        default=False, description="timeout only: accept the send once the hold is over"
    )
    seed: int | None = Field(default=None, description="makes a rate fault reproducible")
    applies_to: Literal["messages", "message_templates", "read_receipts"] = Field(
        default="messages",
        description="the Graph call it refuses: sends, template list reads or read receipts "
        "(with the typing indicator); the last two by number only (190, 1, 2, 500, 130429, "
        "timeout)",
    )

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class FaultOut(FaultIn):
    model_config = ConfigDict(extra="ignore")

    id: str
    fired: int


class SentMessageOut(_Out):
    wamid: str
    phone_number_id: str
    to: str | None
    recipient: str | None
    wa_id: str | None
    user_id: str | None
    type: str
    body: dict[str, Any]
    biz_opaque_callback_data: str | None
    accepted_at: datetime
    accepted_monotonic: float
    status: str
    failure_code: int | None = None


class ReadReceiptOut(_Out):
    phone_number_id: str
    message_id: str
    typing: bool
    at: datetime


class SentPage(_Out):
    total: int
    items: list[SentMessageOut]


class NumberStats(_Out):
    phone_number_id: str
    accepted: int
    refused: dict[str, int] = Field(description="refused sends by code ('130429', 'timeout')")
    refused_total: int
    duplicate_callback_values: int = Field(
        description="biz_opaque_callback_data values accepted more than once"
    )
    duplicate_callback_sends: int = Field(description="accepted sends beyond each value's first")
    max_per_second: int = Field(description="most accepted sends in any one-second window")
    per_second: dict[int, int] = Field(description="accepted sends by unix second")


class Stats(_Out):
    numbers: dict[str, NumberStats]


class WebhookDeliveryOut(_Out):
    id: str
    kind: Literal["status", "message", "template"]
    phone_number_id: str
    url: str
    wamid: str | None
    status: str | None
    state: Literal["pending", "delivered", "gave_up", "cancelled"]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    signature: str
    body: dict[str, Any] | None = None


class CustomerMessageIn(_In):
    """A customer writing to a business number; only what the chosen ``type`` needs."""

    phone_number_id: str | None = Field(default=None, description="the default number if unset")
    from_: str | None = Field(default=None, alias="from", description="E.164 or digits")
    user_id: str | None = Field(default=None, description="BSUID; alone: a username user")
    username: str | None = None
    name: str | None = "Sandbox Customer"
    type: CustomerMessageType = "text"
    text: str | None = Field(default=None, description="text body, or a media caption")
    media_base64: str | None = Field(default=None, description="media bytes; a sample if unset")
    mime_type: str | None = None
    filename: str | None = None
    voice: bool | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_name: str | None = None
    address: str | None = None
    contacts: list[dict[str, Any]] | None = None
    interactive_type: Literal["button_reply", "list_reply"] = "button_reply"
    reply_id: str | None = None
    reply_title: str | None = None
    reply_description: str | None = None
    button_payload: str | None = None
    button_text: str | None = None
    reaction_message_id: str | None = None
    emoji: str | None = None
    context_message_id: str | None = Field(
        default=None, description="the wamid of our message this one replies to"
    )
    await_delivery: bool = Field(
        default=False, description="answer only once the webhook was accepted (or timed out)"
    )
    await_timeout_seconds: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _someone_writes(self) -> CustomerMessageIn:
        if not self.from_ and not self.user_id:
            raise ValueError("give 'from' (a phone number), 'user_id' (a BSUID), or both")
        if self.from_ and not any(ch.isdigit() for ch in self.from_):
            raise ValueError("'from' must be a phone number")
        return self


class CustomerMessageOut(_Out):
    wamid: str
    phone_number_id: str
    wa_id: str | None
    user_id: str | None
    type: str
    media_id: str | None
    delivery_id: str
    delivered: bool
    attempts: int
    last_status_code: int | None
    last_error: str | None


TemplateStatus = Literal[
    "APPROVED",
    "PENDING",
    "REJECTED",
    "PAUSED",
    "DISABLED",
    "IN_APPEAL",
    "PENDING_DELETION",
    "DELETED",
    "LIMIT_EXCEEDED",
    "ARCHIVED",
]


class TemplateIn(_In):
    """A message template as Meta stores it; ``components`` in Meta's own JSON."""

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$", examples=["atualizacao_pedido"])
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$", examples=["pt_BR"])
    status: TemplateStatus = "APPROVED"
    category: Literal["MARKETING", "UTILITY", "AUTHENTICATION"] = "UTILITY"
    components: list[dict[str, Any]] = Field(
        description="HEADER (format TEXT with text, or IMAGE/VIDEO/DOCUMENT/LOCATION), BODY "
        "(text with {{1}}... placeholders), FOOTER (text), BUTTONS (buttons)"
    )
    parameter_format: Literal["POSITIONAL", "NAMED"] = "POSITIONAL"

    @field_validator("components")
    @classmethod
    def _one_body(cls, components: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kinds = [component.get("type") for component in components]
        unknown = {kind for kind in kinds if kind not in ("HEADER", "BODY", "FOOTER", "BUTTONS")}
        if unknown:
            raise ValueError(f"unknown component types {sorted(map(str, unknown))}")
        if kinds.count("BODY") != 1:
            raise ValueError("a template has exactly one BODY component")
        body = components[kinds.index("BODY")]
        if not isinstance(body.get("text"), str) or not body["text"]:
            raise ValueError("the BODY component needs its text")
        return components


class TemplateOut(TemplateIn):
    model_config = ConfigDict(extra="ignore")

    id: str


class TemplateReadOut(_Out):
    waba_id: str
    phone_number_id: str | None = Field(description="the number whose token read; null: refused")
    limit: int | None
    after: str | None
    status_filter: str | None
    http_status: int
    returned: int = Field(description="templates in the answer")
    at: datetime


class TemplateSubmissionOut(_Out):
    """A template created through ``POST /{waba_id}/message_templates`` and its review."""

    id: str = Field(description="Meta's template id")
    waba_id: str
    name: str
    language: str
    category: str
    status: str = Field(description="PENDING until decided, then APPROVED or REJECTED...")
    components: list[dict[str, Any]]
    submitted_at: datetime
    decision: str | None
    reason: str | None
    decided_at: datetime | None
    forced: bool = Field(description="decided through the control API, not by the rules")


class TemplateDecisionIn(_In):
    """Decide a submission now, before (or instead of) the rules."""

    event: Literal["APPROVED", "REJECTED", "PAUSED", "DISABLED", "FLAGGED", "PENDING_DELETION"]
    reason: str | None = Field(
        default=None, max_length=200, description="Meta's reason code, e.g. PROMOTIONAL"
    )
