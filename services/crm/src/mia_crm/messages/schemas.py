"""The message API's bodies: replies in, messages out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, HttpUrl, Tag, model_validator

from mia_common.contracts import MediaContent, SendContent, TemplateContent, TextContent
from mia_common.text import ApiJsonObject, ApiStr, NonBlankApiStr
from mia_crm.models import Message

__all__ = [
    "AudioReply",
    "DocumentReply",
    "ImageReply",
    "MediaReply",
    "MessageError",
    "MessageOut",
    "ReplyBody",
    "StatusEntry",
    "TemplateReply",
    "TextReply",
    "VideoReply",
]


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextReply(_Reply):
    type: Literal["text"]
    text: Annotated[NonBlankApiStr, Field(min_length=1, max_length=4096)]

    def to_content(self) -> SendContent:
        return TextContent(body=self.text)


class TemplateReply(_Reply):
    """An approved template; ``variables`` fill the body's {{1}}, {{2}}... in order, or
    ``components`` are passed to Meta as they are (not both)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "not": {
                "required": ["variables", "components"],
                "properties": {"variables": {"type": "array"}, "components": {"type": "array"}},
            }
        },
    )

    type: Literal["template"]
    name: Annotated[ApiStr, Field(min_length=1, max_length=512)]
    language: Annotated[ApiStr, Field(min_length=2, max_length=15, examples=["pt_BR"])]
    variables: list[Annotated[ApiStr, Field(min_length=1, max_length=1024)]] | None = None
    components: list[ApiJsonObject] | None = None

    @model_validator(mode="after")
    def _one_way_to_fill_it(self) -> TemplateReply:
        if self.variables is not None and self.components is not None:
            raise ValueError("give variables or components, not both")
        return self

    def to_content(self) -> SendContent:
        components = self.components
        if components is None:
            components = (
                [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": value} for value in self.variables],
                    }
                ]
                if self.variables
                else []
            )
        return TemplateContent(name=self.name, language=self.language, components=components)


Caption = Annotated[ApiStr, Field(min_length=1, max_length=1024)]


class MediaReply(_Reply):
    """A file by public ``link`` or by a ``media_id`` the channel already has: exactly one.

    One model per ``kind``, because WhatsApp's rules differ: voice notes (audio) carry no
    caption, and only a document has a file name.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {"required": ["link"], "properties": {"link": {"type": "string"}}},
                {"required": ["media_id"], "properties": {"media_id": {"type": "string"}}},
            ]
        },
    )

    type: Literal["media"]
    kind: Literal["image", "audio", "video", "document"]
    link: Annotated[HttpUrl, Field(json_schema_extra={"pattern": "^https?://"})] | None = None
    media_id: Annotated[ApiStr, Field(min_length=1, max_length=256)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> MediaReply:
        if (self.link is None) == (self.media_id is None):
            raise ValueError("give exactly one of link or media_id")
        return self

    # Only some kinds have these fields.
    @property
    def caption_text(self) -> str | None:
        caption: str | None = getattr(self, "caption", None)
        return caption

    @property
    def file_name(self) -> str | None:
        filename: str | None = getattr(self, "filename", None)
        return filename

    def to_content(self) -> SendContent:
        return MediaContent(
            kind=self.kind,
            link=str(self.link) if self.link is not None else None,
            media_id=self.media_id,
            caption=self.caption_text,
            filename=self.file_name,
        )


class ImageReply(MediaReply):
    kind: Literal["image"]
    caption: Caption | None = None


class VideoReply(MediaReply):
    kind: Literal["video"]
    caption: Caption | None = None


class AudioReply(MediaReply):
    kind: Literal["audio"]


class DocumentReply(MediaReply):
    kind: Literal["document"]
    caption: Caption | None = None
    filename: Annotated[ApiStr, Field(min_length=1, max_length=240)] | None = None


def _reply_tag(value: Any) -> str | None:
    """``type``, or for media its ``kind``: which of the six bodies ``value`` is."""
    if isinstance(value, dict):
        body_type, kind = value.get("type"), value.get("kind")
    else:
        body_type, kind = getattr(value, "type", None), getattr(value, "kind", None)
    tag = kind if body_type == "media" else body_type
    return tag if isinstance(tag, str) else None


# One level of tags, not a discriminated union (on ``kind``) inside another (on ``type``):
# pydantic documents that one with a discriminator mapping OpenAPI does not allow (a
# schema where a reference must be), which generators of clients cannot read. Each body
# still says its own ``type`` and ``kind`` as constants.
ReplyBody = Annotated[
    Annotated[TextReply, Tag("text")]
    | Annotated[TemplateReply, Tag("template")]
    | Annotated[ImageReply, Tag("image")]
    | Annotated[VideoReply, Tag("video")]
    | Annotated[AudioReply, Tag("audio")]
    | Annotated[DocumentReply, Tag("document")],
    Discriminator(
        _reply_tag,
        custom_error_type="reply_type",
        custom_error_message="type is text, template or media; media has a kind: image,"
        " video, audio or document",
    ),
]


class StatusEntry(BaseModel):
    status: str
    occurred_at: datetime
    error: dict[str, Any] | None = None


class MessageError(BaseModel):
    code: str | None
    title: str | None


class MessageOut(BaseModel):
    id: uuid.UUID
    conversation_id: uuid.UUID
    direction: Literal["in", "out"]
    kind: str
    text: str | None
    media: dict[str, Any] | None = Field(description="inbound: our stored copy's `url` and more")
    extra: dict[str, Any]
    status: str | None = Field(description="outbound only: pending, accepted, sent, ...")
    status_timeline: list[StatusEntry]
    error: MessageError | None
    sent_by_user_id: uuid.UUID | None
    sent_by_persona_id: uuid.UUID | None = Field(default=None, description="an AI persona's reply")
    sent_by_persona_name: str | None = None
    ai_run_id: uuid.UUID | None = Field(
        default=None, description="the AI run that decided it: GET /api/v1/ai/runs/{id}"
    )
    external_message_id: str | None
    reply_to_external_id: str | None
    occurred_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        error = (
            MessageError(code=message.error_code, title=message.error_title)
            if message.error_code or message.error_title
            else None
        )
        return cls(
            id=message.id,
            conversation_id=message.conversation_id,
            direction="in" if message.direction == "in" else "out",
            kind=message.kind,
            text=message.text,
            media=message.media,
            extra=message.extra,
            status=message.status,
            status_timeline=[StatusEntry.model_validate(e) for e in message.status_timeline],
            error=error,
            sent_by_user_id=message.sent_by_user_id,
            sent_by_persona_id=message.sent_by_persona_id,
            sent_by_persona_name=message.sent_by_persona_name,
            ai_run_id=message.ai_run_id,
            external_message_id=message.external_message_id,
            reply_to_external_id=message.reply_to_external_id,
            occurred_at=message.occurred_at,
            created_at=message.created_at,
        )
