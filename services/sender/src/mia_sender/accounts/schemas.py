"""The accounts API's request and response bodies.

Creation is one body per channel (``channel`` picks it); an update names only what
changes. Secrets are write-only: responses say whether each is configured and show its
last four characters, never the value.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_common.contracts import Channel
from mia_sender.accounts.secrets import SecretField

__all__ = [
    "AccountCreate",
    "AccountLimits",
    "AccountOut",
    "AccountTestResult",
    "AccountUpdate",
    "AlertOut",
    "PauseBody",
    "SecretOut",
    "SmsAccountCreate",
    "WhatsAppCloudAccountCreate",
]

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$", examples=["+5511999990000"])]
MetaId = Annotated[str, Field(pattern=r"^\d{1,64}$", description="a Meta object id (digits)")]
Tier = Literal["250", "2000", "10000", "100000", "unlimited"]
Secret = Annotated[str, Field(min_length=8, max_length=4096)]
TwilioAccountSid = Annotated[str, Field(pattern=r"^AC[0-9a-fA-F]{32}$")]
TwilioServiceSid = Annotated[str, Field(pattern=r"^MG[0-9a-fA-F]{32}$")]
DisplayName = Annotated[str, Field(max_length=200)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WhatsAppCloudAccountCreate(_Body):
    channel: Literal["whatsapp_cloud"]
    display_name: DisplayName = ""
    phone_number: E164
    phone_number_id: MetaId
    waba_id: MetaId
    business_id: MetaId | None = Field(default=None, description="the business portfolio")
    access_token: Secret = Field(description="a system user token with whatsapp permissions")
    app_secret: Secret = Field(description="the Meta app's secret (signs webhooks)")
    throughput_per_second: int | None = Field(
        default=None, ge=1, le=1000, description="the sender's default (80) when unset"
    )
    messaging_tier: Tier | None = Field(
        default=None, description="unique customers per 24 h outside the window (default 250)"
    )


class SmsAccountCreate(_Body):
    channel: Literal["sms"]
    display_name: DisplayName = ""
    provider: Literal["twilio"] = "twilio"
    account_sid: TwilioAccountSid
    auth_token: Secret
    from_number: E164 | None = None
    messaging_service_sid: TwilioServiceSid | None = None

    @model_validator(mode="after")
    def _has_a_sender(self) -> SmsAccountCreate:
        if self.from_number is None and self.messaging_service_sid is None:
            raise ValueError("from_number or messaging_service_sid is required")
        return self


AccountCreate = Annotated[
    WhatsAppCloudAccountCreate | SmsAccountCreate, Field(discriminator="channel")
]


class AccountUpdate(_Body):
    """Only the fields sent change; ``null`` clears an optional field."""

    display_name: DisplayName | None = None
    # WhatsApp Cloud API
    phone_number: E164 | None = None
    phone_number_id: MetaId | None = None
    waba_id: MetaId | None = None
    business_id: MetaId | None = None
    access_token: Secret | None = None
    app_secret: Secret | None = None
    throughput_per_second: int | None = Field(default=None, ge=1, le=1000)
    messaging_tier: Tier | None = None
    # SMS
    account_sid: TwilioAccountSid | None = None
    auth_token: Secret | None = None
    from_number: E164 | None = None
    messaging_service_sid: TwilioServiceSid | None = None


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
    reason: str | None = Field(default=None, max_length=500)


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
