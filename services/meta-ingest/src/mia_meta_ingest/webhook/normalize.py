"""From Meta's webhook body to flat, channel-neutral items, and from those to our contracts.

One webhook body may hold several WABAs (entries), several changes per entry and several
messages or statuses per change; ``normalize`` flattens all of them and says what it
skipped. The items keep the contact as Meta gave it (phone number, BSUID, or both), so
the caller decides how to map a user who withholds the phone number; the
``to_*_contract`` functions do the usual mapping onto the shared event contracts.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
from mia_meta_ingest.webhook.payloads import (
    Contact,
    Interactive,
    Media,
    MessagesChange,
    MessagesValue,
    MetaError,
    Status,
    TemplateStatusChange,
    WebhookBody,
    WebhookMessage,
)

__all__ = [
    "PERMANENT_ERROR_CODES",
    "ContactRef",
    "NormalizedBatch",
    "NormalizedMessage",
    "NormalizedStatus",
    "NormalizedTemplateUpdate",
    "normalize",
    "to_inbound_contract",
    "to_status_contract",
]

# Retrying cannot help: the recipient, the template, the parameters or our account must
# change first (re-engagement window closed, user unreachable, template paused...).
PERMANENT_ERROR_CODES: frozenset[int] = frozenset(
    {
        100,
        131008,
        131009,
        131021,
        131026,
        131047,
        131051,
        131052,
        131053,
        132000,
        132001,
        132005,
        132007,
        132012,
        132015,
        132016,
    }
)

# Media sometimes arrives without a MIME type; the contract needs one.
_UNKNOWN_MIME = "application/octet-stream"
# The contracts' E.164 pattern: a wa_id that does not fit it cannot be a from_address.
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")

_MEDIA_KINDS: dict[str, MessageKind] = {
    "image": MessageKind.IMAGE,
    "audio": MessageKind.AUDIO,
    "voice": MessageKind.AUDIO,
    "video": MessageKind.VIDEO,
    "document": MessageKind.DOCUMENT,
    "sticker": MessageKind.STICKER,
}
_OTHER_KINDS: dict[str, MessageKind] = {
    "text": MessageKind.TEXT,
    "location": MessageKind.LOCATION,
    "contacts": MessageKind.CONTACTS,
    "interactive": MessageKind.INTERACTIVE,
    "button": MessageKind.BUTTON,
    "reaction": MessageKind.REACTION,
}


@dataclass(frozen=True, slots=True)
class ContactRef:
    """The other party as Meta identified it: a phone number (``wa_id``), a BSUID, or both."""

    wa_id: str | None
    user_id: str | None
    name: str | None
    username: str | None = None
    parent_user_id: str | None = None


@dataclass(frozen=True, slots=True)
class NormalizedMessage:
    """A message a user sent to one of our phone numbers."""

    waba_id: str
    phone_number_id: str
    display_phone_number: str
    message_id: str
    contact: ContactRef
    kind: MessageKind
    text: str | None
    media: MediaRef | None
    reply_to: str | None
    sent_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        return self.message_id


@dataclass(frozen=True, slots=True)
class NormalizedStatus:
    """What happened to a message we sent; ``message_id`` is the wamid Meta gave it."""

    waba_id: str
    phone_number_id: str
    display_phone_number: str
    message_id: str
    contact: ContactRef
    status: StatusValue
    occurred_at: datetime
    error: ChannelError | None
    send_request_id: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        # One wamid gets several statuses (sent, delivered, read): the pair is the event.
        return f"{self.message_id}:{self.status.value}"


@dataclass(frozen=True, slots=True)
class NormalizedTemplateUpdate:
    """A template's review or quality outcome (APPROVED, REJECTED, PAUSED, ...)."""

    waba_id: str
    template_id: str
    name: str
    language: str
    event: str
    reason: str | None
    occurred_at: datetime | None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NormalizedBatch:
    inbound: list[NormalizedMessage] = field(default_factory=list)
    statuses: list[NormalizedStatus] = field(default_factory=list)
    templates: list[NormalizedTemplateUpdate] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def normalize(body: WebhookBody) -> NormalizedBatch:
    """Flatten every entry and change of ``body``; what we do not handle goes to ``ignored``."""
    batch = NormalizedBatch()
    for entry in body.entry:
        for change in entry.changes:
            if isinstance(change, MessagesChange):
                _add_messages_value(batch, waba_id=entry.id, value=change.value)
            elif isinstance(change, TemplateStatusChange):
                update = change.value
                batch.templates.append(
                    NormalizedTemplateUpdate(
                        waba_id=entry.id,
                        template_id=str(update.message_template_id),
                        name=update.message_template_name,
                        language=update.message_template_language,
                        event=update.event,
                        reason=update.reason,
                        occurred_at=(
                            datetime.fromtimestamp(entry.time, tz=UTC)
                            if entry.time is not None
                            else None
                        ),
                        extra=dict(update.model_extra or {}),
                    )
                )
            else:
                batch.ignored.append(f"waba {entry.id}: change field {change.field!r}")
    return batch


def to_inbound_contract(
    normalized: NormalizedMessage, channel_account_id: uuid.UUID
) -> InboundMessage | None:
    """The ``InboundMessage`` event, or None when Meta identified the sender by neither id.

    A ``wa_id`` becomes the E.164 ``from_address``; a BSUID becomes ``from_user_id``, so a
    user who withholds the phone number is still delivered.
    """
    contact = normalized.contact
    from_address = _e164(contact.wa_id)
    if from_address is None and contact.user_id is None:
        return None
    extra = dict(normalized.extra)
    if contact.wa_id is not None and from_address is None:
        extra["meta_wa_id"] = contact.wa_id
    return InboundMessage(
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=channel_account_id,
        external_message_id=normalized.message_id,
        from_address=from_address,
        from_user_id=contact.user_id,
        # phone_number_id, not the display number: it is what channel accounts and sends
        # are keyed by, and it does not change with formatting.
        to_address=normalized.phone_number_id,
        contact_name=contact.name,
        kind=normalized.kind,
        text=normalized.text,
        media=normalized.media,
        reply_to_external_id=normalized.reply_to,
        sent_at=normalized.sent_at,
        extra=extra,
    )


def to_status_contract(
    normalized: NormalizedStatus, channel_account_id: uuid.UUID
) -> MessageStatus | None:
    """The ``MessageStatus`` event, or None when the recipient is known by neither id."""
    contact = normalized.contact
    recipient = _e164(contact.wa_id)
    if recipient is None and contact.user_id is None:
        return None
    return MessageStatus(
        channel=Channel.WHATSAPP_CLOUD,
        channel_account_id=channel_account_id,
        external_message_id=normalized.message_id,
        recipient=recipient,
        recipient_user_id=contact.user_id,
        status=normalized.status,
        occurred_at=normalized.occurred_at,
        error=normalized.error,
        send_request_id=normalized.send_request_id,
        extra=dict(normalized.extra),
    )


def _add_messages_value(batch: NormalizedBatch, *, waba_id: str, value: MessagesValue) -> None:
    where = {
        "waba_id": waba_id,
        "phone_number_id": value.metadata.phone_number_id,
        "display_phone_number": value.metadata.display_phone_number,
    }
    for message in value.messages:
        batch.inbound.append(_message(message, value.contacts, **where))
    for status in value.statuses:
        status_value = _status_value(status.status)
        if status_value is None:
            # e.g. "played" for voice notes: not a state our contract tracks.
            batch.ignored.append(f"status {status.status!r} of message {status.id}")
            continue
        batch.statuses.append(_status(status, status_value, value.contacts, **where))
    for error in value.errors:
        batch.ignored.append(
            f"phone number {value.metadata.phone_number_id}: error {error.code} {error.title}"
        )


def _message(
    message: WebhookMessage,
    contacts: Sequence[Contact],
    *,
    waba_id: str,
    phone_number_id: str,
    display_phone_number: str,
) -> NormalizedMessage:
    kind, text, media, extra = _content(message)
    if message.referral is not None:
        extra["referral"] = message.referral
    if message.errors:
        extra["errors"] = [error.model_dump(exclude_none=True) for error in message.errors]
    return NormalizedMessage(
        waba_id=waba_id,
        phone_number_id=phone_number_id,
        display_phone_number=display_phone_number,
        message_id=message.id,
        contact=_contact_ref(
            contacts,
            wa_id=message.from_,
            user_id=message.from_user_id,
            parent_user_id=message.from_parent_user_id,
        ),
        kind=kind,
        text=text,
        media=media,
        reply_to=message.context.id if message.context is not None else None,
        sent_at=_utc(message.timestamp),
        extra=extra,
    )


def _content(
    message: WebhookMessage,
) -> tuple[MessageKind, str | None, MediaRef | None, dict[str, Any]]:
    """Kind, text, media and details of a message, from the sub-object its ``type`` names."""
    type_ = message.type
    extra: dict[str, Any] = {}
    if type_ in _MEDIA_KINDS:
        media = getattr(message, type_)
        if isinstance(media, Media):
            if media.voice is not None:
                extra["voice"] = media.voice
            if media.animated is not None:
                extra["animated"] = media.animated
            return _MEDIA_KINDS[type_], media.caption, _media_ref(media), extra
    elif type_ == "text" and message.text is not None:
        return MessageKind.TEXT, message.text.body, None, extra
    elif type_ == "location" and message.location is not None:
        location = message.location
        extra.update(location.model_dump(exclude_none=True))
        parts = [part for part in (location.name, location.address) if part]
        return MessageKind.LOCATION, ", ".join(parts) or None, None, extra
    elif type_ == "contacts" and message.contacts is not None:
        extra["contacts"] = message.contacts
        return MessageKind.CONTACTS, None, None, extra
    elif type_ == "interactive" and message.interactive is not None:
        text, extra = _interactive(message.interactive, extra)
        return MessageKind.INTERACTIVE, text, None, extra
    elif type_ == "button" and message.button is not None:
        extra["button_payload"] = message.button.payload
        return MessageKind.BUTTON, message.button.text, None, extra
    elif type_ == "reaction" and message.reaction is not None:
        extra["reaction_to"] = message.reaction.message_id
        return MessageKind.REACTION, message.reaction.emoji, None, extra
    elif type_ == "system" and message.system is not None:
        extra["system"] = message.system.model_dump(exclude_none=True)
        return MessageKind.UNSUPPORTED, message.system.body, None, extra
    # unsupported, unknown, or a type we do not model yet (order, request_welcome...):
    # the raw type travels along so nothing the user did is lost silently.
    extra["meta_type"] = type_
    return MessageKind.UNSUPPORTED, None, None, extra


def _interactive(
    interactive: Interactive, extra: dict[str, Any]
) -> tuple[str | None, dict[str, Any]]:
    extra["interactive_type"] = interactive.type
    reply = interactive.button_reply or interactive.list_reply
    if reply is not None:
        extra["reply_id"] = reply.id
        if reply.description is not None:
            extra["reply_description"] = reply.description
        return reply.title, extra
    if interactive.nfm_reply is not None:
        nfm = interactive.nfm_reply
        extra["flow_name"] = nfm.name
        extra["flow_response_json"] = nfm.response_json
        return nfm.body, extra
    return None, extra


def _status(
    status: Status,
    status_value: StatusValue,
    contacts: Sequence[Contact],
    *,
    waba_id: str,
    phone_number_id: str,
    display_phone_number: str,
) -> NormalizedStatus:
    extra: dict[str, Any] = {}
    if status.pricing is not None:
        extra["pricing"] = status.pricing
    if status.conversation is not None:
        extra["conversation"] = status.conversation
    if len(status.errors) > 1:
        extra["errors"] = [error.model_dump(exclude_none=True) for error in status.errors]
    return NormalizedStatus(
        waba_id=waba_id,
        phone_number_id=phone_number_id,
        display_phone_number=display_phone_number,
        message_id=status.id,
        contact=_contact_ref(
            contacts,
            wa_id=status.recipient_id,
            user_id=status.recipient_user_id,
            parent_user_id=status.recipient_parent_user_id,
        ),
        status=status_value,
        occurred_at=_utc(status.timestamp),
        error=_channel_error(status.errors[0]) if status.errors else None,
        send_request_id=status.biz_opaque_callback_data,
        extra=extra,
    )


def _status_value(raw: str) -> StatusValue | None:
    try:
        return StatusValue(raw)
    except ValueError:
        return None


def _channel_error(error: MetaError) -> ChannelError:
    details = error.error_data.details if error.error_data is not None else None
    return ChannelError(
        code=str(error.code),
        title=error.title or error.message or str(error.code),
        detail=details or error.message,
        permanent=error.code in PERMANENT_ERROR_CODES,
    )


def _contact_ref(
    contacts: Sequence[Contact],
    *,
    wa_id: str | None,
    user_id: str | None,
    parent_user_id: str | None,
) -> ContactRef:
    """Join the message's own ids with the matching ``contacts`` entry (name, username).

    Meta lists contacts beside the messages rather than inside them, and may put the BSUID
    in one place and the phone number in the other, so either id finds the entry.
    """
    match = next(
        (
            contact
            for contact in contacts
            if (wa_id is not None and contact.wa_id == wa_id)
            or (user_id is not None and contact.user_id == user_id)
        ),
        None,
    )
    # A lone contact with no id of its own to compare is the sender of the lone message.
    if match is None and len(contacts) == 1 and (wa_id is None or contacts[0].wa_id is None):
        match = contacts[0]
    profile = match.profile if match is not None else None
    return ContactRef(
        wa_id=wa_id or (match.wa_id if match is not None else None),
        user_id=user_id or (match.user_id if match is not None else None),
        name=profile.name if profile is not None else None,
        username=profile.username if profile is not None else None,
        parent_user_id=parent_user_id or (match.parent_user_id if match is not None else None),
    )


def _media_ref(media: Media) -> MediaRef:
    return MediaRef(
        media_id=media.id,
        mime_type=media.mime_type or _UNKNOWN_MIME,
        sha256=media.sha256,
        filename=media.filename,
        caption=media.caption,
    )


def _utc(unix_seconds: str) -> datetime:
    return datetime.fromtimestamp(int(unix_seconds), tz=UTC)


def _e164(wa_id: str | None) -> str | None:
    if wa_id is None:
        return None
    address = wa_id if wa_id.startswith("+") else f"+{wa_id}"
    return address if _E164.match(address) else None
