"""What Twilio posts to our webhooks (form-encoded), as pydantic models.

Twilio adds parameters without notice, so the models keep unknown ones; only what we
cannot work without (the message sid, its status, the addresses) is required. Older
accounts still get the ``Sms*`` spellings (``SmsSid``, ``SmsStatus``), accepted too.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

__all__ = ["InboundSms", "MediaItem", "StatusCallback", "parse_form"]

# Twilio attaches at most 10 media files to one MMS.
MAX_MEDIA = 10


def parse_form(raw: bytes) -> list[tuple[str, str]]:
    """The decoded (name, value) pairs of an ``application/x-www-form-urlencoded`` body.

    Blank values are kept: Twilio signs them too (an empty ``Body`` of a picture message).
    Raises ``UnicodeDecodeError`` or ``ValueError`` for a body that is not such a form.
    """
    return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)


class _Form(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class StatusCallback(_Form):
    """A delivery report for a message we sent (``StatusCallback`` of the send)."""

    message_sid: str = Field(min_length=1, validation_alias=AliasChoices("MessageSid", "SmsSid"))
    message_status: str = Field(
        min_length=1, validation_alias=AliasChoices("MessageStatus", "SmsStatus")
    )
    to: str = Field(min_length=1, validation_alias="To")
    from_: str | None = Field(default=None, validation_alias="From")
    error_code: str | None = Field(default=None, validation_alias="ErrorCode")
    error_message: str | None = Field(default=None, validation_alias="ErrorMessage")
    account_sid: str | None = Field(default=None, validation_alias="AccountSid")
    messaging_service_sid: str | None = Field(default=None, validation_alias="MessagingServiceSid")


class MediaItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: str
    content_type: str


class InboundSms(_Form):
    """A message a customer sent to one of our numbers (the number's messaging webhook)."""

    message_sid: str = Field(
        min_length=1, validation_alias=AliasChoices("MessageSid", "SmsMessageSid", "SmsSid")
    )
    from_: str = Field(min_length=1, validation_alias="From")
    to: str = Field(min_length=1, validation_alias="To")
    body: str = Field(default="", validation_alias="Body")
    num_media: int = Field(default=0, ge=0, validation_alias="NumMedia")
    num_segments: int | None = Field(default=None, ge=0, validation_alias="NumSegments")
    account_sid: str | None = Field(default=None, validation_alias="AccountSid")
    messaging_service_sid: str | None = Field(default=None, validation_alias="MessagingServiceSid")
    from_country: str | None = Field(default=None, validation_alias="FromCountry")

    @property
    def media(self) -> list[MediaItem]:
        """``MediaUrl0``/``MediaContentType0``, ``MediaUrl1``... for the first NumMedia."""
        extra = self.model_extra or {}
        items: list[MediaItem] = []
        for index in range(min(self.num_media, MAX_MEDIA)):
            url = extra.get(f"MediaUrl{index}")
            if isinstance(url, str) and url:
                content_type = extra.get(f"MediaContentType{index}")
                items.append(
                    MediaItem(
                        url=url,
                        content_type=content_type
                        if isinstance(content_type, str) and content_type
                        else "application/octet-stream",
                    )
                )
        return items
