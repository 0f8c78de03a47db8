"""The accounts API's request and response bodies.

Creation is one body per channel (``channel`` picks it); an update names only what
changes. Secrets are write-only: responses say whether each is configured and show its
last four characters, never the value.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from mia_common.contracts import Channel
from mia_common.text import ApiStr, refuse_nul
from mia_sender.accounts.formats import (
    META_SECRET_MAX_LENGTH,
    META_SECRET_MIN_LENGTH,
    META_SECRET_PATTERN,
    TWILIO_ACCOUNT_SID_PATTERN,
    TWILIO_AUTH_TOKEN_PATTERN,
    TWILIO_SERVICE_SID_PATTERN,
    meta_secret_problem,
    twilio_account_sid_problem,
    twilio_auth_token_problem,
)
from mia_sender.accounts.secrets import SecretField


def _checked(problem: Callable[[str], str | None]) -> BeforeValidator:
    """Refuses U+0000 (the shared rule and message), then says what else is wrong with the
    value, before pydantic's own pattern check (whose message only repeats the pattern)
    would."""

    def check(value: object) -> object:
        if isinstance(value, str):
            refuse_nul(value)
            reason = problem(value)
            if reason is not None:
                raise ValueError(reason)
        return value

    return BeforeValidator(check)


# Fields with a pattern are plain ``str`` with the pattern first, then the U+0000 rule:
# pydantic documents only constraints placed before a validator, so ``ApiStr`` with a
# pattern added would be enforced but not shown in the document. Each pattern here
# excludes U+0000 itself.
E164 = Annotated[
    str,
    Field(pattern=r"^\+[1-9]\d{6,14}$", examples=["+5511999990000"]),
    AfterValidator(refuse_nul),
]
MetaId = Annotated[
    str,
    Field(pattern=r"^\d{1,64}$", description="a Meta object id (digits)"),
    AfterValidator(refuse_nul),
]
Tier = Literal["250", "2000", "10000", "100000", "unlimited"]
MetaSecret = Annotated[
    str,
    Field(
        pattern=META_SECRET_PATTERN,
        min_length=META_SECRET_MIN_LENGTH,
        max_length=META_SECRET_MAX_LENGTH,
    ),
    _checked(meta_secret_problem),
]
TwilioAccountSid = Annotated[
    str,
    Field(
        pattern=TWILIO_ACCOUNT_SID_PATTERN,
        description="AC and 32 hexadecimal digits (Twilio Console, Account info)",
    ),
    _checked(twilio_account_sid_problem),
]
TwilioAuthToken = Annotated[
    str,
    Field(
        pattern=TWILIO_AUTH_TOKEN_PATTERN,
        description="32 hexadecimal digits (Twilio Console, Account info)",
    ),
    _checked(twilio_auth_token_problem),
]
TwilioServiceSid = Annotated[
    str, Field(pattern=TWILIO_SERVICE_SID_PATTERN), AfterValidator(refuse_nul)
]
DisplayName = Annotated[ApiStr, Field(max_length=200)]


def _never_null(schema: dict[str, Any]) -> None:
    """The field's document without ``null``: left out, it keeps its value; sent as null
    it is refused (``AccountUpdate._not_cleared``) or taken as not given. The Python type
    stays optional, so a refusal reads as one error on the field rather than one per union
    member."""
    options = schema.pop("anyOf", None)
    if options:
        inner = next(option for option in options if option.get("type") != "null")
        described = [inner.get("description"), schema.get("description")]
        schema.update({**inner, **schema})
        if all(described):
            schema["description"] = "; ".join(described)
    schema.pop("default", None)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WhatsAppCloudAccountCreate(_Body):
    channel: Literal["whatsapp_cloud"]
    display_name: DisplayName = ""
    phone_number: E164
    phone_number_id: MetaId
    waba_id: MetaId
    business_id: MetaId | None = Field(default=None, description="the business portfolio")
    access_token: MetaSecret = Field(description="a system user token with whatsapp permissions")
    app_secret: MetaSecret = Field(description="the Meta app's secret (signs webhooks)")
    throughput_per_second: int | None = Field(
        default=None, ge=1, le=1000, description="the sender's default (80) when unset"
    )
    messaging_tier: Tier | None = Field(
        default=None, description="unique customers per 24 h outside the window (default 250)"
    )


class SmsAccountCreate(_Body):
    # The document says what the validator below checks: one of the two senders is given.
    # Inside allOf: the dashboard's generator (openapi-typescript) reads an anyOf beside
    # the properties as "this object, or one of these", and within allOf as a constraint.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                {"anyOf": [{"required": ["from_number"]}, {"required": ["messaging_service_sid"]}]}
            ]
        },
    )

    channel: Literal["sms"]
    display_name: DisplayName = ""
    provider: Literal["twilio"] = "twilio"
    account_sid: TwilioAccountSid
    auth_token: TwilioAuthToken
    # Documented without null, so "required" above means a value; a null is still taken
    # as "not given", as it always was.
    from_number: E164 | None = Field(
        default=None,
        description="the number to send from; or messaging_service_sid",
        json_schema_extra=_never_null,
    )
    messaging_service_sid: TwilioServiceSid | None = Field(
        default=None,
        description="a Messaging Service that picks the sender from its pool",
        json_schema_extra=_never_null,
    )

    @model_validator(mode="after")
    def _has_a_sender(self) -> SmsAccountCreate:
        if self.from_number is None and self.messaging_service_sid is None:
            raise ValueError("from_number or messaging_service_sid is required")
        return self


AccountCreate = Annotated[
    WhatsAppCloudAccountCreate | SmsAccountCreate, Field(discriminator="channel")
]

# An account cannot be without these: an update may change them but not clear them, so
# the document does not offer null for them (``_never_null``) and a null is refused.
_KEPT = (
    "display_name",
    "phone_number",
    "phone_number_id",
    "waba_id",
    "access_token",
    "app_secret",
    "throughput_per_second",
    "messaging_tier",
    "account_sid",
    "auth_token",
)
_WHATSAPP_ONLY = "WhatsApp Cloud API accounts only"
_SMS_ONLY = "SMS accounts only"


def _kept(description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra=_never_null)


class AccountUpdate(_Body):
    """Only the fields sent change; ``null`` clears ``business_id``, ``from_number`` or
    ``messaging_service_sid`` (an SMS account keeps at least one of the last two). A field
    of the other channel is refused (422, code ``field_not_for_channel``)."""

    display_name: DisplayName | None = Field(default=None, json_schema_extra=_never_null)
    phone_number: E164 | None = _kept(_WHATSAPP_ONLY)
    phone_number_id: MetaId | None = _kept(_WHATSAPP_ONLY)
    waba_id: MetaId | None = _kept(_WHATSAPP_ONLY)
    business_id: MetaId | None = Field(default=None, description=_WHATSAPP_ONLY)
    access_token: MetaSecret | None = _kept(_WHATSAPP_ONLY)
    app_secret: MetaSecret | None = _kept(_WHATSAPP_ONLY)
    throughput_per_second: Annotated[int, Field(ge=1, le=1000)] | None = _kept(_WHATSAPP_ONLY)
    messaging_tier: Tier | None = _kept(_WHATSAPP_ONLY)
    account_sid: TwilioAccountSid | None = _kept(_SMS_ONLY)
    auth_token: TwilioAuthToken | None = _kept(_SMS_ONLY)
    from_number: E164 | None = Field(default=None, description=_SMS_ONLY)
    messaging_service_sid: TwilioServiceSid | None = Field(default=None, description=_SMS_ONLY)

    @field_validator(*_KEPT)
    @classmethod
    def _not_cleared(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be cleared: the account needs it (leave it out to keep it)")
        return value


class SecretOut(BaseModel):
    configured: bool
    last4: str | None = Field(description="the last four characters, to recognise the value")

    @classmethod
    def of(cls, field: SecretField) -> SecretOut:
        return cls(configured=field.configured, last4=field.last4)


class AccountOut(BaseModel):
    id: uuid.UUID
    channel: Channel
    display_name: str
    status: str = Field(description="active, paused or disconnected")
    status_reason: str | None
    phone_number: str | None
    phone_number_id: str | None
    waba_id: str | None
    business_id: str | None
    throughput_per_second: int | None
    messaging_tier: str | None
    access_token: SecretOut | None
    app_secret: SecretOut | None
    provider: str | None
    account_sid: str | None
    auth_token: SecretOut | None
    from_number: str | None
    messaging_service_sid: str | None
    created_at: datetime
    updated_at: datetime


class PauseBody(_Body):
    reason: Annotated[ApiStr, Field(max_length=500)] | None = None


class AccountTestResult(BaseModel):
    ok: bool
    details: dict[str, object] = Field(default_factory=dict)
    error: dict[str, object] | None = None


class AccountLimits(BaseModel):
    channel_account_id: uuid.UUID
    portfolio: str = Field(description="what the limit is counted per (business portfolio)")
    tier: str
    limit: int | None = Field(description="unique customers per rolling 24 h; null: unlimited")
    used: int = Field(description="unique customers reached outside the window in 24 h")
    remaining: int | None
    resets_at: datetime | None = Field(
        description="when the oldest counted customer leaves the rolling window"
    )


class AlertOut(BaseModel):
    id: uuid.UUID
    channel_account_id: uuid.UUID
    channel: Channel
    kind: str
    message: str
    details: dict[str, object]
    occurred_at: datetime
