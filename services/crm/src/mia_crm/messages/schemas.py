"""The message API's bodies: replies in, messages out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from mia_common.contracts import MediaContent, SendContent, TemplateContent, TextContent
from mia_crm.models import Message

__all__ = [
    "MediaReply",
    "MessageError",
    "MessageOut",
    "ReplyBody",
    "StatusEntry",
    "TemplateReply",
    "TextReply",
]


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextReply(_Reply):
    type: Literal["text"]
    text: str = Field(min_length=1, max_length=4096)

    @model_validator(mode="after")
    def _not_blank(self) -> TextReply:
        if not self.text.strip():
            raise ValueError("text must not be blank")
        return self

    def to_content(self) -> SendContent:
        return TextContent(body=self.text)


class TemplateReply(_Reply):
    """An approved template; ``variables`` fill the body's {{1}}, {{2}}... in order, or
    ``components`` are passed to Meta as they are."""

    type: Literal["template"]
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=15, examples=["pt_BR"])
    variables: list[Annotated[str, Field(min_length=1, max_length=1024)]] | None = None
    components: list[dict[str, Any]] | None = None

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


class MediaReply(_Reply):
    """A file by public ``link`` or by a ``media_id`` the channel already has."""

    type: Literal["media"]
    kind: Literal["image", "audio", "video", "document"]
    link: HttpUrl | None = None
    media_id: str | None = Field(default=None, min_length=1, max_length=256)
    caption: str | None = Field(default=None, min_length=1, max_length=1024)
    filename: str | None = Field(default=None, min_length=1, max_length=240)

    @model_validator(mode="after")
    def _channel_rules(self) -> MediaReply:
        if (self.link is None) == (self.media_id is None):
            raise ValueError("give exactly one of link or media_id")
        # WhatsApp's own rules: voice notes carry no caption, only documents a file name.
        if self.kind == "audio" and self.caption is not None:
            raise ValueError("audio cannot have a caption")
        if self.filename is not None and self.kind != "document":
            raise ValueError("only a document has a filename")
        return self

    def to_content(self) -> SendContent:
        return MediaContent(
            kind=self.kind,
            link=str(self.link) if self.link is not None else None,
            media_id=self.media_id,
            caption=self.caption,
            filename=self.filename,
        )


ReplyBody = Annotated[TextReply | TemplateReply | MediaReply, Field(discriminator="type")]


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
            external_message_id=message.external_message_id,
            reply_to_external_id=message.reply_to_external_id,
            occurred_at=message.occurred_at,
            created_at=message.created_at,
        )
