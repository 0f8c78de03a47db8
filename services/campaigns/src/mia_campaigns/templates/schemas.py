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
    "MetaTemplateOut",
    "MetaTemplatesOut",
    "PreviewIn",
    "PreviewOut",
    "SmsInfo",
    "SubmitIn",
    "SyncIn",
    "SyncOut",
    "SyncSkipped",
    "TemplateCreate",
    "TemplateOut",
    "TemplateUpdate",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


Mappings = dict[Literal["body", "header", "button"], dict[str, str]]


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
    mappings: Mappings | None = Field(
        default=None,
        description="a template imported from Meta: which variable fills each of its"
        ' {{1}}..., by part: {"body": {"1": "first_name|cliente"}, "button": {"1":'
        ' "fields.code"}}',
    )


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
    origin: Literal["library", "meta"] = Field(
        description="library: written here (named variables); meta: imported by a sync"
    )
    mappings: dict[str, dict[str, str]] = Field(
        description="a Meta import's {{1}}... and the variables that fill them, by part"
    )
    mapping_needed: str | None = Field(
        description="a Meta import whose {{1}}... are not all mapped yet: which one, and"
        " where (null: ready to send)"
    )
    channel_account_id: uuid.UUID | None = Field(description="the number it is at Meta for")
    meta_name: str | None
    meta_language: str | None
    meta_template_id: str | None
    meta_status: str | None = Field(
        description="PENDING, APPROVED, REJECTED, PAUSED, DISABLED... as Meta says; CHANGED:"
        " edited here since, to be submitted again"
    )
    meta_reason: str | None = Field(description="why Meta rejected it")
    meta_status_at: datetime | None = Field(description="when Meta decided that status")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls,
        template: Template,
        *,
        variables: list[str],
        sms: SmsInfo | None,
        mapping_needed: str | None = None,
    ) -> TemplateOut:
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
            origin="meta" if template.origin == "meta" else "library",
            mappings=template.mappings or {},
            mapping_needed=mapping_needed,
            channel_account_id=template.channel_account_id,
            meta_name=template.meta_name,
            meta_language=template.meta_language,
            meta_template_id=template.meta_template_id,
            meta_status=template.meta_status,
            meta_reason=template.meta_reason,
            meta_status_at=template.meta_status_at,
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


class SubmitIn(_In):
    channel_account_id: uuid.UUID = Field(description="the WhatsApp number to submit it for")
    meta_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=512,
        pattern=r"^[a-z0-9_]+$",
        description="Meta's name (lower-case letters, digits, _); absent: from the name",
    )


class SyncIn(_In):
    channel_account_id: uuid.UUID


class SyncSkipped(BaseModel):
    meta_name: str
    language: str
    reason: str


class SyncOut(BaseModel):
    imported: list[uuid.UUID] = Field(description="library templates added for approved ones")
    updated: int = Field(description="library templates whose Meta status changed")
    unchanged: int
    skipped: list[SyncSkipped] = Field(default_factory=list)


class MetaTemplateOut(BaseModel):
    """One of the number's templates at Meta, as the sender lists it."""

    name: str
    language: str
    status: str
    category: str
    body: str
    header: str | None = None
    footer: str | None = None
    variables: int = 0
    header_variables: int = 0
    button_variables: list[dict[str, Any]] = Field(default_factory=list)
    library_template_id: uuid.UUID | None = Field(
        default=None, description="the library template that is this one, if any"
    )


class MetaTemplatesOut(BaseModel):
    items: list[MetaTemplateOut]
