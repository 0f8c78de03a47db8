"""Payloads of the message topics: inbound, status, send and outcome.

Addresses are E.164 phone numbers (``+5511999990000``) for every channel we have today;
``external_message_id`` is the channel's own id (Meta's ``wamid``, a Baileys key id, an
SMS provider's message sid) and is what consumers deduplicate channel retries by.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ORIGIN_HEADER",
    "Channel",
    "ChannelError",
    "InboundMessage",
    "MediaContent",
    "MediaRef",
    "MessageKind",
    "MessageStatus",
    "SendContent",
    "SendOrigin",
    "SendOutcome",
    "SendRequest",
    "SendResult",
    "StatusValue",
    "TemplateContent",
    "TextContent",
    "TypingContent",
]

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$", examples=["+5511999990000"])]


class _Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Channel(StrEnum):
    WHATSAPP_CLOUD = "whatsapp_cloud"
    WHATSAPP_WEB = "whatsapp_web"
    SMS = "sms"


class MessageKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACTS = "contacts"
    INTERACTIVE = "interactive"
    BUTTON = "button"
    REACTION = "reaction"
    UNSUPPORTED = "unsupported"


class MediaRef(_Contract):
    """Media a customer sent: the channel's id for it and, once stored, our own URL.

    Channel media ids expire (Meta's after 7 days, its download URLs in minutes), so the
    ingest service copies the file into our storage; ``url`` is where the dashboard gets
    it (``/api/v1/media/...`` through the gateway, which checks the tenant).
    """

    media_id: str = Field(min_length=1)
    mime_type: str
    sha256: str | None = None
    filename: str | None = None
    caption: str | None = None
    url: str | None = Field(default=None, description="our own URL of the stored copy")
    size_bytes: int | None = Field(default=None, ge=0)


class ChannelError(_Contract):
    """An error the channel reported, with its own code (Meta's 131047, say)."""

    code: str
    title: str
    detail: str | None = None
    permanent: bool = Field(description="true: retrying cannot help")


class InboundMessage(_Contract):
    """A message from a customer, who is known by a phone number, a channel user id, or both.

    Since 2026 Meta may send a business-scoped user id instead of the phone number of users
    who have a username; a contact is whichever of the two arrives, linked when both do.
    """

    channel: Channel
    channel_account_id: uuid.UUID
    external_message_id: str = Field(min_length=1, max_length=256)
    from_address: E164 | None = None
    from_user_id: str | None = Field(default=None, max_length=128)
    to_address: str = Field(description="our number or the channel's id for it")
    contact_name: str | None = Field(default=None, max_length=256)
    kind: MessageKind
    text: str | None = Field(default=None, max_length=65536)
    media: MediaRef | None = None
    reply_to_external_id: str | None = None
    sent_at: datetime
    extra: dict[str, Any] = Field(
        default_factory=dict, description="channel-specific details (location, buttons)"
    )

    @model_validator(mode="after")
    def _someone_sent_it(self) -> InboundMessage:
        if self.from_address is None and self.from_user_id is None:
            raise ValueError("from_address or from_user_id is required")
        return self


class StatusValue(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
    DELETED = "deleted"


class MessageStatus(_Contract):
    channel: Channel
    channel_account_id: uuid.UUID
    external_message_id: str = Field(min_length=1, max_length=256)
    recipient: E164 | None = None
    recipient_user_id: str | None = Field(default=None, max_length=128)
    status: StatusValue
    occurred_at: datetime
    error: ChannelError | None = None
    send_request_id: str | None = Field(
        default=None, description="our send request id, echoed back by the channel"
    )
    extra: dict[str, Any] = Field(default_factory=dict, description="pricing, conversation")

    @model_validator(mode="after")
    def _someone_received_it(self) -> MessageStatus:
        if self.recipient is None and self.recipient_user_id is None:
            raise ValueError("recipient or recipient_user_id is required")
        return self


class TextContent(_Contract):
    type: Literal["text"] = "text"
    body: str = Field(min_length=1, max_length=4096)
    preview_url: bool = False


class TemplateContent(_Contract):
    type: Literal["template"] = "template"
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=15, examples=["pt_BR"])
    components: list[dict[str, Any]] = Field(default_factory=list)


class MediaContent(_Contract):
    type: Literal["media"] = "media"
    kind: Literal["image", "audio", "video", "document", "sticker"]
    media_id: str | None = None
    link: str | None = None
    caption: str | None = Field(default=None, max_length=1024)
    filename: str | None = None


class TypingContent(_Contract):
    """Not a message: the customer sees "typing…" while an answer is on its way. On the
    WhatsApp Cloud API it marks the customer's message (``reply_to_external_id``) read and
    shows the indicator until the next message or for at most 25 seconds; no other channel
    has one. It gets no message id, and the sender never retries it (a late indicator is
    worse than none)."""

    type: Literal["typing"] = "typing"


SendContent = Annotated[
    TextContent | TemplateContent | MediaContent | TypingContent, Field(discriminator="type")
]


ORIGIN_HEADER = "mia-origin"
"""Kafka header naming the ``SendOrigin`` of a send request or outcome: a consumer that
follows one origin (campaigns follows its own sends) drops the others before decoding."""


class SendOrigin(StrEnum):
    """Who asked for a send. ``system``: the platform by itself, for nobody in particular
    (the crm's confirmation of an opt-out or opt-in keyword); the crm stores and tracks
    such a send as it does an agent's reply."""

    AGENT = "agent"
    CAMPAIGN = "campaign"
    CADENCE = "cadence"
    AI = "ai"
    API = "api"
    SYSTEM = "system"


class SendRequest(_Contract):
    request_id: uuid.UUID = Field(description="idempotency key: one customer message per id")
    channel: Channel
    channel_account_id: uuid.UUID
    to: E164 | None = None
    to_user_id: str | None = Field(
        default=None,
        max_length=128,
        description="the channel's user id (Meta's BSUID) when the phone number is unknown",
    )
    content: SendContent
    origin: SendOrigin
    origin_ref: str | None = Field(default=None, description="conversation, campaign or run id")
    reply_to_external_id: str | None = None
    not_after: datetime | None = Field(default=None, description="drop instead of sending late")

    @model_validator(mode="after")
    def _someone_receives_it(self) -> SendRequest:
        if self.to is None and self.to_user_id is None:
            raise ValueError("to or to_user_id is required")
        if isinstance(self.content, TypingContent) and not self.reply_to_external_id:
            raise ValueError(
                "a typing indicator names the message it answers (reply_to_external_id)"
            )
        return self


class SendResult(StrEnum):
    ACCEPTED = "accepted"
    FAILED = "failed"


class SendOutcome(_Contract):
    """What became of one send request; origin and origin_ref are copied from it so the
    service that asked can match the outcome without a look-up."""

    request_id: uuid.UUID
    channel: Channel
    channel_account_id: uuid.UUID
    to: E164 | None = None
    to_user_id: str | None = Field(default=None, max_length=128)
    result: SendResult
    external_message_id: str | None = None
    error: ChannelError | None = None
    attempts: int = Field(ge=0, description="provider calls made (0: refused before any)")
    origin: SendOrigin | None = None
    origin_ref: str | None = None
    occurred_at: datetime | None = None
