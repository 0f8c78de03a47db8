"""Request and response bodies of the tenant endpoints, and the time zone names.

What a schema can say, it says (the time zones as an enum, the weekdays, the "HH:MM"
pattern, no NUL anywhere), so the document tells a client what is accepted; the rules it
cannot say (an interval closes after it opens, two intervals of a day do not overlap) are
the service's, refused with a problem that has a ``code``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal
from zoneinfo import available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
)
from typing_extensions import TypeAliasType

from mia_common.text import NUL, ApiStr, KeysWithoutNul
from mia_gateway.invitations.schemas import InvitationCreated
from mia_gateway.models import Tenant
from mia_gateway.users.schemas import EmailAddress, UserName

__all__ = [
    "WEEKDAYS",
    "BusinessHours",
    "DayHours",
    "SettingObject",
    "SettingValue",
    "TenantCreate",
    "TenantCreated",
    "TenantName",
    "TenantUpdate",
    "TenantView",
    "TimeZone",
    "TimeZoneName",
    "Weekday",
]

# Every IANA name this machine's time zone database knows: an enum in the document (one
# component, ``TimeZoneName``), so a client can offer the list and never sends a name the
# API would refuse. Built from the database, hence the functional form.
# UTC always: the default, and a machine without a time zone database (a slim image with
# neither the system's tzdata nor the PyPI package) knows no other name.
_TIME_ZONES: Final = frozenset(available_timezones()) | {"UTC"}
TimeZoneName = StrEnum(  # type: ignore[misc]
    "TimeZoneName", [(name, name) for name in sorted(_TIME_ZONES)]
)


def _known_time_zone(value: object) -> object:
    # Before the enum's own check, whose message would list all ~600 names.
    if not isinstance(value, str):
        raise ValueError("must be a time zone name, like America/Sao_Paulo")
    if value not in _TIME_ZONES:
        raise ValueError(f"unknown time zone {value!r} (use an IANA name like America/Sao_Paulo)")
    return value


TimeZone = Annotated[TimeZoneName, BeforeValidator(_known_time_zone)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: Final[tuple[Weekday, ...]] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TenantName = Annotated[ApiStr, Field(min_length=2, max_length=200)]


# A value of the free-form settings: any JSON, every string in it (keys too) without NUL.
SettingValue = TypeAliasType(
    "SettingValue",
    "ApiStr | int | float | bool | list[SettingValue] | SettingObject | None",
)
SettingObject = Annotated[dict[ApiStr, SettingValue], KeysWithoutNul()]


def _not_nullable(schema: dict[str, Any]) -> None:
    """Document an optional field as not nullable: it may be left out (its default, None,
    means "unchanged"), but null is not a value it takes (a validator refuses it).

    The Python type stays ``X | None``, which pydantic validates as a nullable X: an
    invalid value gets one error at the field, not one per branch of a union.
    """
    schema.pop("default", None)
    branches = [branch for branch in schema.pop("anyOf", []) if branch != {"type": "null"}]
    if branches:
        (value,) = branches
        schema.update(value)


class TenantView(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    timezone: str
    business_hours: dict[str, Any]
    settings: dict[str, Any]
    status: str
    created_at: datetime

    @classmethod
    def of(cls, tenant: Tenant) -> TenantView:
        return cls.model_validate(tenant, from_attributes=True)


# [0-9], not \d: pydantic's regex (Rust) takes any Unicode digit for \d.
HH_MM: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class DayHours(BaseModel):
    # The pattern refuses NUL too: no ApiStr here, whose own pattern would replace this one
    # in the document.
    open: str = Field(pattern=HH_MM, examples=["09:00"])
    close: str = Field(
        pattern=HH_MM,
        examples=["18:00"],
        description="after `open` (a night shift is two intervals, one on each day)",
    )


BusinessHours = dict[Weekday, list[DayHours]]


class TenantUpdate(BaseModel):
    """Only the fields sent change. `name` and `timezone` always have a value (null is
    refused with a 422 naming the field); a null `business_hours` or `settings` clears it
    (no business hours, no settings)."""

    name: TenantName | None = Field(
        default=None,
        description="the company's name; cannot be cleared (null is refused)",
        json_schema_extra=_not_nullable,
    )
    timezone: TimeZoneName | None = Field(
        default=None,
        description="the company's time zone; cannot be cleared (null is refused)",
        json_schema_extra=_not_nullable,
    )
    business_hours: BusinessHours | None = Field(
        default=None,
        description="weekday -> opening intervals, which may not overlap; null clears them"
        " (no business hours)",
    )
    settings: SettingObject | None = Field(
        default=None, description="free-form settings, replaced as a whole; null clears them"
    )

    @field_validator("name", "timezone", mode="before")
    @classmethod
    def _always_has_a_value(cls, value: object, info: ValidationInfo) -> object:
        # Runs only for a value sent (leaving the field out keeps it as it is), and before
        # the type's union is tried: one error saying why, not one per branch.
        if value is None:
            raise ValueError("cannot be cleared: leave it out to keep it, or send a value")
        return _known_time_zone(value) if info.field_name == "timezone" else value

    @field_validator("settings", mode="before")
    @classmethod
    def _settings_without_nul(cls, value: object) -> object:
        # Before the union is tried, so a NUL deep inside is one error saying where, not
        # one per JSON type it failed to be.
        where = _nul_in(value, "settings")
        if where is not None:
            raise ValueError(f"{where} must not contain the NUL character (U+0000)")
        return value


def _nul_in(value: object, path: str) -> str | None:
    """Where in a JSON value a string (or key) holds NUL, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return f"a key of {path}"
            found = _nul_in(item, f"{path}.{key}")
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class TenantCreate(BaseModel):
    name: TenantName
    owner_email: EmailAddress
    owner_name: UserName = ""
    timezone: TimeZone = TimeZoneName("UTC")


class TenantCreated(TenantView):
    owner_invitation: InvitationCreated = Field(
        description="the owner's one-time link to set a password and log in: hand it over"
    )
