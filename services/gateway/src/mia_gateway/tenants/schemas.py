"""Request and response bodies of the tenant endpoints."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, EmailStr, Field, field_validator, model_validator

from mia_gateway.models import Tenant

__all__ = ["DayHours", "TenantCreate", "TenantUpdate", "TenantView"]


def _valid_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like America/Sao_Paulo)"
        ) from None
    return value


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


class DayHours(BaseModel):
    open: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["09:00"])
    close: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["18:00"])

    @model_validator(mode="after")
    def _closes_after_opening(self) -> DayHours:
        # "HH:MM" strings compare in time order. An interval cannot cross midnight: a night
        # shift is two intervals, one on each day.
        if self.close <= self.open:
            raise ValueError(f"closes at {self.close}, not after it opens at {self.open}")
        return self


class TenantUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    timezone: str | None = None
    business_hours: dict[str, list[DayHours]] | None = Field(
        default=None, description="weekday (mon..sun) -> opening intervals"
    )
    settings: dict[str, Any] | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        return _valid_timezone(value) if value is not None else None

    @field_validator("business_hours")
    @classmethod
    def _days(cls, value: dict[str, list[DayHours]] | None) -> dict[str, list[DayHours]] | None:
        if value is not None:
            unknown = set(value) - {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
            if unknown:
                raise ValueError(f"unknown weekdays: {sorted(unknown)}")
            for day, intervals in value.items():
                ordered = sorted(intervals, key=lambda interval: interval.open)
                for earlier, later in itertools.pairwise(ordered):
                    if later.open < earlier.close:
                        raise ValueError(
                            f"{day}: {earlier.open}-{earlier.close} overlaps "
                            f"{later.open}-{later.close}"
                        )
        return value


class TenantCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    owner_email: EmailStr
    owner_name: str = Field(default="", max_length=200)
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _valid_timezone(value)
