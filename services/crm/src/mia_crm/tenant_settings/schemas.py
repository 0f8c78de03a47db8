"""The crm settings API's bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from mia_common.text import ApiStr, api_str, is_blank
from mia_crm.consent.words import MAX_KEYWORD_LENGTH, normalize_keyword
from mia_crm.tenant_settings.service import TenantCrmSettings

__all__ = ["CrmSettingsOut", "CrmSettingsUpdate"]

_REGIONS: Final = sorted(phonenumbers.SUPPORTED_REGIONS)
MAX_KEYWORDS: Final = 100
MAX_REPLY_LENGTH: Final = 1000


def _region(value: str) -> str:
    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("not a country phone numbers are known for (ISO 3166-1 alpha-2)")
    return code


Country = Annotated[
    str,
    Field(
        description="ISO 3166-1 alpha-2 code: numbers written without +country are read as"
        " this country's",
        json_schema_extra={"enum": _REGIONS},
        examples=["BR"],
    ),
    AfterValidator(_region),
]


def _keyword(value: str) -> str:
    if not normalize_keyword(value):
        raise ValueError("a keyword needs a letter or a digit")
    return " ".join(value.split())


# At least one letter, digit or underscore (Python's \w), the one thing a keyword needs.
_KeywordText = api_str(
    pattern=r"^[^\u0000]*\w[^\u0000]*$", min_length=1, max_length=MAX_KEYWORD_LENGTH
)
Keyword = Annotated[_KeywordText, AfterValidator(_keyword)]  # type: ignore[valid-type]
Keywords = Annotated[
    list[Keyword],
    Field(
        max_length=MAX_KEYWORDS,
        description="whole messages that count, compared without case, accents or the"
        " punctuation around them",
    ),
]
Reply = Annotated[
    ApiStr | None,
    Field(
        max_length=MAX_REPLY_LENGTH,
        description="sent back to the customer after the keyword; null or blank: nothing",
    ),
]


def _distinct(words: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for word in words:
        normal = normalize_keyword(word)
        if normal not in seen:
            seen.add(normal)
            kept.append(word)
    return kept


_NULLABLE: Final = frozenset({"opt_out_reply", "opt_in_reply"})


class CrmSettingsUpdate(BaseModel):
    """What to change; fields left out (or null, but for the replies) keep their value."""

    model_config = ConfigDict(extra="forbid")

    default_country: Country | None = None
    marketing_requires_consent: bool | None = None
    opt_out_keywords: Keywords | None = None
    opt_in_keywords: Keywords | None = None
    opt_out_reply: Reply = None
    opt_in_reply: Reply = None

    @model_validator(mode="after")
    def _tidy(self) -> CrmSettingsUpdate:
        if self.opt_out_keywords is not None:
            self.opt_out_keywords = _distinct(self.opt_out_keywords)
        if self.opt_in_keywords is not None:
            self.opt_in_keywords = _distinct(self.opt_in_keywords)
        for name in ("opt_out_reply", "opt_in_reply"):
            value = getattr(self, name)
            if value is not None and is_blank(value):
                setattr(self, name, None)
        return self

    def changes(self) -> dict[str, Any]:
        """Column → new value; null keeps a setting that cannot be empty (a reply's null
        means no reply)."""
        return {
            name: getattr(self, name)
            for name in self.model_fields_set
            if getattr(self, name) is not None or name in _NULLABLE
        }


class CrmSettingsOut(BaseModel):
    default_country: str = Field(examples=["BR"])
    marketing_requires_consent: bool
    opt_out_keywords: list[str]
    opt_in_keywords: list[str]
    opt_out_reply: str | None
    opt_in_reply: str | None
    updated_at: datetime | None = Field(description="null: never saved, these are the defaults")

    @classmethod
    def of(cls, settings: TenantCrmSettings) -> CrmSettingsOut:
        return cls(
            default_country=settings.default_country,
            marketing_requires_consent=settings.marketing_requires_consent,
            opt_out_keywords=list(settings.opt_out_keywords),
            opt_in_keywords=list(settings.opt_in_keywords),
            opt_out_reply=settings.opt_out_reply,
            opt_in_reply=settings.opt_in_reply,
            updated_at=settings.updated_at,
        )
