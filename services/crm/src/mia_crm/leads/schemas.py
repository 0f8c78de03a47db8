"""The leads API's bodies: a lead, its changes, a move and its stage history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from mia_common.text import ApiJsonObject, ApiStr, NonBlankApiStr

__all__ = [
    "CURRENCIES",
    "Currency",
    "LeadCard",
    "LeadContact",
    "LeadCreate",
    "LeadMove",
    "LeadOut",
    "LeadSort",
    "LeadTagOut",
    "LeadUpdate",
    "StageChangeOut",
]

# ISO 4217's active codes (2024), funds and precious metals left out.
CURRENCIES = [
    "AED",
    "AFN",
    "ALL",
    "AMD",
    "ANG",
    "AOA",
    "ARS",
    "AUD",
    "AWG",
    "AZN",
    "BAM",
    "BBD",
    "BDT",
    "BGN",
    "BHD",
    "BIF",
    "BMD",
    "BND",
    "BOB",
    "BRL",
    "BSD",
    "BTN",
    "BWP",
    "BYN",
    "BZD",
    "CAD",
    "CDF",
    "CHF",
    "CLP",
    "CNY",
    "COP",
    "CRC",
    "CUP",
    "CVE",
    "CZK",
    "DJF",
    "DKK",
    "DOP",
    "DZD",
    "EGP",
    "ERN",
    "ETB",
    "EUR",
    "FJD",
    "FKP",
    "GBP",
    "GEL",
    "GHS",
    "GIP",
    "GMD",
    "GNF",
    "GTQ",
    "GYD",
    "HKD",
    "HNL",
    "HTG",
    "HUF",
    "IDR",
    "ILS",
    "INR",
    "IQD",
    "IRR",
    "ISK",
    "JMD",
    "JOD",
    "JPY",
    "KES",
    "KGS",
    "KHR",
    "KMF",
    "KPW",
    "KRW",
    "KWD",
    "KYD",
    "KZT",
    "LAK",
    "LBP",
    "LKR",
    "LRD",
    "LSL",
    "LYD",
    "MAD",
    "MDL",
    "MGA",
    "MKD",
    "MMK",
    "MNT",
    "MOP",
    "MRU",
    "MUR",
    "MVR",
    "MWK",
    "MXN",
    "MYR",
    "MZN",
    "NAD",
    "NGN",
    "NIO",
    "NOK",
    "NPR",
    "NZD",
    "OMR",
    "PAB",
    "PEN",
    "PGK",
    "PHP",
    "PKR",
    "PLN",
    "PYG",
    "QAR",
    "RON",
    "RSD",
    "RUB",
    "RWF",
    "SAR",
    "SBD",
    "SCR",
    "SDG",
    "SEK",
    "SGD",
    "SHP",
    "SLE",
    "SOS",
    "SRD",
    "SSP",
    "STN",
    "SVC",
    "SYP",
    "SZL",
    "THB",
    "TJS",
    "TMT",
    "TND",
    "TOP",
    "TRY",
    "TTD",
    "TWD",
    "TZS",
    "UAH",
    "UGX",
    "USD",
    "UYU",
    "UZS",
    "VED",
    "VES",
    "VND",
    "VUV",
    "WST",
    "XAF",
    "XCD",
    "XOF",
    "XPF",
    "YER",
    "ZAR",
    "ZMW",
    "ZWG",
]
Currency = StrEnum("Currency", {code: code for code in CURRENCIES})  # type: ignore[misc]
DEFAULT_CURRENCY = "BRL"
MAX_VALUE = Decimal("9999999999999999.99")
_CENT = Decimal("0.01")


def _to_cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_EVEN)


# Documented as what it accepts: a number, or a plain decimal string ("1234.5"), which
# keeps cents exact (a float may not).
_VALUE_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 9e15},
        {"type": "string", "pattern": "^[0-9]{1,15}(\\.[0-9]{1,20})?$"},
    ],
    "description": "rounded to cents",
}
Value = Annotated[
    Decimal,
    Field(ge=0, le=MAX_VALUE, allow_inf_nan=False),
    AfterValidator(_to_cents),
    WithJsonSchema(_VALUE_SCHEMA, mode="validation"),
]
Title = Annotated[NonBlankApiStr, Field(max_length=200)]
Source = Annotated[ApiStr, Field(max_length=64)]
LostReason = Annotated[NonBlankApiStr, Field(max_length=500)]
Reason = Annotated[ApiStr, Field(max_length=500)]
TagIds = Annotated[list[uuid.UUID], Field(max_length=50, description="the tenant's tags")]


class LeadSort(StrEnum):
    NEWEST = "-created_at"
    OLDEST = "created_at"
    VALUE_DESC = "-value"
    VALUE_ASC = "value"
    LONGEST_IN_STAGE = "stage_entered_at"
    NEWEST_IN_STAGE = "-stage_entered_at"


class LeadContact(BaseModel):
    id: uuid.UUID
    name: str | None
    phone: str | None


class LeadTagOut(BaseModel):
    id: uuid.UUID
    name: str
    color: str


class LeadCard(BaseModel):
    """A lead as a board's card shows it."""

    id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    title: str
    contact_id: uuid.UUID
    contact: LeadContact
    conversation_id: uuid.UUID | None
    value: Decimal
    currency: str = Field(description="ISO 4217")
    owner_user_id: uuid.UUID | None
    expected_close_on: date | None
    tags: list[LeadTagOut]
    lost_reason: str | None
    position: str = Field(description="fractional index of the card inside its column")
    version: int = Field(description="bumped by every change; a move or an edit may name it")
    stage_entered_at: datetime
    rotting: bool = Field(description="longer in its stage than the stage's rotting_days")


class LeadOut(LeadCard):
    source: str | None
    fields: dict[str, Any] = Field(description="custom field values by key")
    created_at: datetime
    updated_at: datetime


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: uuid.UUID
    title: Title
    pipeline_id: uuid.UUID | None = Field(
        default=None, description="omitted: the tenant's first pipeline"
    )
    stage_id: uuid.UUID | None = Field(
        default=None, description="a stage of the pipeline; omitted: its first open stage"
    )
    conversation_id: uuid.UUID | None = Field(default=None, description="one of the contact's")
    value: Value = Decimal("0.00")
    currency: Currency = Field(default=Currency(DEFAULT_CURRENCY), description="ISO 4217")
    owner_user_id: uuid.UUID | None = Field(
        default=None,
        description="an active user of the tenant (the gateway says); an agent may name only"
        " themselves (403 `owner_not_allowed`)",
    )
    expected_close_on: date | None = None
    source: Source | None = None
    tag_ids: TagIds = Field(default_factory=list)
    fields: ApiJsonObject = Field(
        default_factory=dict, description="custom field values by key (the contacts' fields)"
    )
    lost_reason: LostReason | None = Field(default=None, description="required in a lost stage")


class LeadUpdate(BaseModel):
    """Fields left out stay as they are; null clears one. The stage changes by a move."""

    model_config = ConfigDict(extra="forbid")

    # Not nullable (Field's default is left out of validation): a lead always has them.
    title: Title = Field(default=None)  # type: ignore[assignment]
    contact_id: uuid.UUID = Field(default=None)  # type: ignore[assignment]
    conversation_id: uuid.UUID | None = None
    value: Value = Field(default=None)  # type: ignore[assignment]
    currency: Currency = Field(default=None, description="ISO 4217")  # type: ignore[assignment]
    owner_user_id: uuid.UUID | None = Field(
        default=None,
        description="null clears it; an agent may make themselves the owner of a lead nobody"
        " owns and clear their own ownership, a manager or above sets anyone (403"
        " `owner_not_allowed`)",
    )
    expected_close_on: date | None = None
    source: Source | None = None
    tag_ids: TagIds | None = Field(default=None, description="replaces the lead's tags")
    fields: ApiJsonObject | None = Field(
        default=None, description="merged into the values: a key set to null removes it"
    )
    lost_reason: LostReason | None = None
    expected_version: int | None = Field(
        default=None, description="the version the client saw: 409 when it changed since"
    )


class LeadMove(BaseModel):
    """Put the lead in ``stage_id`` between two cards next to each other in that column:
    ``after_id`` above it, ``before_id`` below it (either omitted at an end of the column;
    both omitted: at the bottom)."""

    model_config = ConfigDict(extra="forbid")

    stage_id: uuid.UUID
    after_id: uuid.UUID | None = None
    before_id: uuid.UUID | None = None
    expected_version: int | None = Field(
        default=None, description="the version the client saw: 409 when it changed since"
    )
    reason: Reason | None = Field(default=None, description="kept in the stage history")
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="how sure the mover was (the AI agent's)"
    )
    lost_reason: LostReason | None = Field(
        default=None, description="required into a lost stage unless the lead has one"
    )


class StageChangeOut(BaseModel):
    id: uuid.UUID
    lead_id: uuid.UUID
    from_stage_id: uuid.UUID | None = Field(description="null: the lead was created there")
    to_stage_id: uuid.UUID
    actor_kind: str = Field(description="user, agent (the AI agent) or automation")
    actor_user_id: uuid.UUID | None
    reason: str | None
    confidence: float | None
    at: datetime
