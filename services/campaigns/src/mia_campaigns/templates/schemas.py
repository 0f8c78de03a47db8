"""The HTTP edge of the template library."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_campaigns.models import Template

__all__ = [
    "ButtonIn",
    "HeaderMediaIn",
    "PreviewIn",
    "PreviewOut",
    "SmsInfo",
    "TemplateCreate",
    "TemplateOut",
    "TemplateUpdate",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ButtonIn(_In):
    type: Literal["quick_reply", "url", "phone"]
    text: str = Field(min_length=1, max_length=25)
    url: str | None = Field(
        default=None, max_length=2000, description="url buttons; one variable, at the end"
    )
    phone: str | None = Field(default=None, pattern=r"^\+[1-9][0-9]{6,14}$")

    @model_validator(mode="after")
    def _needs_its_target(self) -> ButtonIn:
        if self.type == "url" and not self.url:
            raise ValueError("a url button needs its url")
        if self.type == "phone" and not self.phone:
            raise ValueError("a phone button needs its phone number")
        return self


class HeaderMediaIn(_In):
    kind: Literal["image", "video", "document"]
    link: str | None = Field(default=None, max_length=2000, pattern=r"^https://")
    media_id: str | None = Field(default=None, max_length=256)
    filename: str | None = Field(default=None, max_length=240)

    @model_validator(mode="after")
    def _one_source(self) -> HeaderMediaIn:
        if (self.link is None) == (self.media_id is None):
            raise ValueError("a header media needs exactly one of link or media_id")
        return self


class _Fields(_In):
    language: str = Field(default="pt_BR", min_length=2, max_length=15)
    category: Literal["marketing", "utility", "authentication"] = "marketing"
    body: str = Field(min_length=1, max_length=1600)
    header_text: str | None = Field(default=None, max_length=60)
    header_media: HeaderMediaIn | None = None
    footer: str | None = Field(default=None, max_length=60)
    buttons: list[ButtonIn] = Field(default_factory=list, max_length=10)


class TemplateCreate(_Fields):
    name: str = Field(min_length=1, max_length=200)
    channel: Literal["whatsapp", "sms"]


class TemplateUpdate(_In):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    language: str | None = Field(default=None, min_length=2, max_length=15)
    category: Literal["marketing", "utility", "authentication"] | None = None
    body: str | None = Field(default=None, min_length=1, max_length=1600)
    header_text: str | None = Field(default=None, max_length=60)
    header_media: HeaderMediaIn | None = None
    footer: str | None = Field(default=None, max_length=60)
    buttons: list[ButtonIn] | None = Field(default=None, max_length=10)


class SmsInfo(BaseModel):
    encoding: str
    characters: int
    segments: int
    characters_left_in_segment: int


class TemplateOut(BaseModel):
    id: uuid.UUID
    name: str
    channel: str
    language: str
    category: str
    body: str
    header_text: str | None
    header_media: dict[str, Any] | None
    footer: str | None
    buttons: list[dict[str, Any]]
    variables: list[str] = Field(description="the variables it reads, in order, once each")
    sms: SmsInfo | None = Field(description="SMS: encoding and segments of the body as written")
    meta_name: str | None
    meta_status: str | None
    meta_reason: str | None = Field(description="why Meta rejected it")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, template: Template, *, variables: list[str], sms: SmsInfo | None) -> TemplateOut:
        return cls(
            id=template.id,
            name=template.name,
            channel=template.channel,
            language=template.language,
            category=template.category,
            body=template.body,
            header_text=template.header_text,
            header_media=template.header_media,
            footer=template.footer,
            buttons=template.buttons,
            variables=variables,
            sms=sms,
            meta_name=template.meta_name,
            meta_status=template.meta_status,
            meta_reason=template.meta_reason,
            created_at=template.created_at,
            updated_at=template.updated_at,
        )


class PreviewIn(_In):
    contact_id: uuid.UUID | None = Field(default=None, description="a real contact's values")
    values: dict[str, str | None] | None = Field(
        default=None, description='sample values by variable: {"first_name": "Maria"}'
    )

    @model_validator(mode="after")
    def _one_source(self) -> PreviewIn:
        if (self.contact_id is None) == (self.values is None):
            raise ValueError("give contact_id or values")
        return self


class PreviewOut(BaseModel):
    body: str
    header_text: str | None
    button_url: str | None
    fallbacks_used: list[str]
    sms: SmsInfo | None = Field(description="SMS: the segments of this rendered body")
