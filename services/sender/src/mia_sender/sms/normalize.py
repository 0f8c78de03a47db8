"""From Twilio's webhook forms to our contracts: ``MessageStatus`` and ``InboundMessage``.

Twilio's callbacks carry no timestamp of the event, so the moment we received one stands
in for it. ``queued``, ``sending``, ``accepted`` and ``scheduled`` are steps before the
message left Twilio: nobody downstream acts on them, so they map to nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mia_common.contracts.messages import (
    Channel,
    ChannelError,
    InboundMessage,
    MediaRef,
    MessageKind,
    MessageStatus,
    StatusValue,
)
from mia_sender.sms.payloads import InboundSms, MediaItem, StatusCallback

__all__ = ["DELIVERY_ERRORS", "DeliveryError", "to_inbound_message", "to_message_status"]

_STATUSES: dict[str, StatusValue] = {
    "sent": StatusValue.SENT,
    "delivered": StatusValue.DELIVERED,
    "read": StatusValue.READ,
    "undelivered": StatusValue.FAILED,
    "failed": StatusValue.FAILED,
}
# The contracts' E.164 pattern; a short code or alphanumeric sender id does not fit it.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass(frozen=True, slots=True)
class DeliveryError:
    title: str
    permanent: bool
    """True: sending the same message to the same number again cannot help."""


# The delivery errors Twilio reports most (its 300xx codes, in status callbacks).
DELIVERY_ERRORS: dict[str, DeliveryError] = {
    "30001": DeliveryError("queue overflow", permanent=False),
    "30002": DeliveryError("account suspended", permanent=True),
    "30003": DeliveryError("unreachable destination handset", permanent=False),
    "30004": DeliveryError("message blocked", permanent=True),
    "30005": DeliveryError("unknown destination handset", permanent=True),
    "30006": DeliveryError("landline or unreachable carrier", permanent=True),
    "30007": DeliveryError("message filtered by the carrier", permanent=True),
    "30008": DeliveryError("unknown error", permanent=False),
    "30034": DeliveryError("message from an unregistered number (US A2P 10DLC)", permanent=True),
}
_UNKNOWN_DELIVERY_ERROR = DeliveryError("delivery failed", permanent=False)


def to_message_status(
    callback: StatusCallback,
    *,
    account_id: uuid.UUID,
    received_at: datetime,
    send_request_id: str | None = None,
) -> MessageStatus | None:
    """The status event of a delivery report; None for the steps before sending.

    ``send_request_id`` is our request id from the callback URL's query, when it had one.
    """
    status = _STATUSES.get(callback.message_status.lower())
    if status is None:
        return None
    error = _channel_error(callback) if status is StatusValue.FAILED else None
    recipient = callback.to if _E164.match(callback.to) else None
    extra: dict[str, Any] = {"twilio_status": callback.message_status}
    if callback.messaging_service_sid:
        extra["messaging_service_sid"] = callback.messaging_service_sid
    return MessageStatus(
        channel=Channel.SMS,
        channel_account_id=account_id,
        external_message_id=callback.message_sid,
        recipient=recipient,
        # A recipient that is not a phone number (a short code) still names who it was.
        recipient_user_id=None if recipient else callback.to[:128],
        status=status,
        occurred_at=received_at,
        error=error,
        send_request_id=send_request_id,
        extra=extra,
    )


def _channel_error(callback: StatusCallback) -> ChannelError:
    code = (callback.error_code or "").strip() or "unknown"
    known = DELIVERY_ERRORS.get(code, _UNKNOWN_DELIVERY_ERROR)
    return ChannelError(
        code=code,
        title=known.title,
        detail=callback.error_message or None,
        permanent=known.permanent,
    )


def to_inbound_message(
    sms: InboundSms, *, account_id: uuid.UUID, received_at: datetime
) -> InboundMessage:
    """The inbound event of a customer's SMS or MMS (the first media file is the message's;
    all of them are listed in ``extra["media"]`` when there are several)."""
    media = sms.media
    first = media[0] if media else None
    text = sms.body or None
    extra: dict[str, Any] = {}
    if len(media) > 1:
        extra["media"] = [item.model_dump() for item in media]
    if sms.num_segments is not None:
        extra["num_segments"] = sms.num_segments
    if sms.messaging_service_sid:
        extra["messaging_service_sid"] = sms.messaging_service_sid
    if sms.from_country:
        extra["from_country"] = sms.from_country
    from_address = sms.from_ if _E164.match(sms.from_) else None
    return InboundMessage(
        channel=Channel.SMS,
        channel_account_id=account_id,
        external_message_id=sms.message_sid,
        from_address=from_address,
        from_user_id=None if from_address else sms.from_[:128],
        to_address=sms.to,
        kind=_kind(first) if first else MessageKind.TEXT,
        text=text,
        media=_media_ref(first, caption=text) if first else None,
        sent_at=received_at,
        extra=extra,
    )


def _kind(item: MediaItem) -> MessageKind:
    major = item.content_type.split("/", 1)[0].lower()
    if major == "image":
        return MessageKind.IMAGE
    if major == "audio":
        return MessageKind.AUDIO
    if major == "video":
        return MessageKind.VIDEO
    # vCards, PDFs and anything else a phone can attach to an MMS.
    return MessageKind.DOCUMENT


def _media_ref(item: MediaItem, *, caption: str | None) -> MediaRef:
    # Twilio's media URL is the channel's id for the file until the media service copies it.
    return MediaRef(media_id=item.url, mime_type=item.content_type, caption=caption)
