"""The body Meta posts to our WhatsApp Cloud API webhook, as pydantic models.

Meta adds fields without notice, so every model keeps unknown keys (``extra="allow"``)
instead of rejecting them; only what we cannot work without (the message or status id,
its timestamp and type, the phone number id) is required, so a malformed body fails
validation rather than producing an event nobody can deduplicate.

Since 2026 a user who adopted a username may arrive with a business-scoped user id
(BSUID, ``user_id``) and no phone number (``wa_id`` / ``from`` / ``recipient_id``), so
every phone number field here is optional and sits next to its ``*user_id`` sibling.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AliasChoices, BaseModel, ConfigDict, Discriminator, Field, Tag

__all__ = [
    "Button",
    "Change",
    "Contact",
    "ContactProfile",
    "Context",
    "Entry",
    "ErrorData",
    "Interactive",
    "InteractiveReply",
    "Location",
    "Media",
    "MessagesChange",
    "MessagesValue",
    "MetaError",
    "Metadata",
    "NfmReply",
    "OtherChange",
    "Reaction",
    "Status",
    "StatusError",
    "System",
    "TemplateStatusChange",
    "TemplateStatusUpdate",
    "Text",
    "WebhookBody",
    "WebhookMessage",
]

# Meta sends unix seconds as strings ("1749416383"); anything else is not a timestamp.
UnixSeconds = Annotated[str, Field(pattern=r"^\d{1,12}$")]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class ErrorData(_Payload):
    details: str | None = None


class MetaError(_Payload):
    """An error object as Meta nests it in statuses, messages and change values."""

    code: int
    title: str = ""
    message: str | None = None
    error_data: ErrorData | None = None


# The same object, under the name it has in the status reference.
StatusError: TypeAlias = MetaError


class Metadata(_Payload):
    display_phone_number: str = ""
    phone_number_id: NonEmpty


class ContactProfile(_Payload):
    name: str | None = None
    username: str | None = None


class Contact(_Payload):
    """Who wrote (or, on statuses, who received): a phone number, a BSUID, or both."""

    profile: ContactProfile | None = None
    wa_id: str | None = None
    user_id: str | None = None
    parent_user_id: str | None = None


class Context(_Payload):
    """Set when the user replied to (or tapped a button of) one of our messages."""

    from_: str | None = Field(default=None, alias="from")
    id: str | None = None
    forwarded: bool | None = None
    frequently_forwarded: bool | None = None


class Text(_Payload):
    body: str


class Media(_Payload):
    """image, audio, video, document and sticker share this shape; flags tell them apart."""

    id: NonEmpty
    mime_type: str | None = None
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    voice: bool | None = None
    animated: bool | None = None


class Location(_Payload):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    url: str | None = None


class InteractiveReply(_Payload):
    id: str
    title: str = ""
    description: str | None = None


class NfmReply(_Payload):
    """A WhatsApp Flow's answer: ``response_json`` is a JSON document in a string."""

    name: str | None = None
    body: str | None = None
    response_json: str | None = None


class Interactive(_Payload):
    type: str
    button_reply: InteractiveReply | None = None
    list_reply: InteractiveReply | None = None
    nfm_reply: NfmReply | None = None


class Button(_Payload):
    """A quick-reply button of a template: ``payload`` is what we set when sending."""

    payload: str | None = None
    text: str | None = None


class Reaction(_Payload):
    # Meta omits ``emoji`` when the user removes a reaction.
    message_id: str
    emoji: str | None = None


class System(_Payload):
    """A number or BSUID change; ``wa_id`` / ``new_wa_id`` carry the new phone number."""

    body: str | None = None
    type: str | None = None
    wa_id: str | None = None
    new_wa_id: str | None = None
    user_id: str | None = None
    new_user_id: str | None = None


class WebhookMessage(_Payload):
    """One message a user sent us; exactly one typed sub-object matches ``type``."""

    id: NonEmpty
    timestamp: UnixSeconds
    type: NonEmpty
    from_: str | None = Field(default=None, alias="from")
    # Meta documents ``from_user_id``; accept ``user_id`` too while the rollout settles.
    from_user_id: str | None = Field(
        default=None, validation_alias=AliasChoices("from_user_id", "user_id")
    )
    from_parent_user_id: str | None = None
    context: Context | None = None
    text: Text | None = None
    image: Media | None = None
    audio: Media | None = None
    voice: Media | None = None
    video: Media | None = None
    document: Media | None = None
    sticker: Media | None = None
    location: Location | None = None
    contacts: list[dict[str, Any]] | None = None
    interactive: Interactive | None = None
    button: Button | None = None
    reaction: Reaction | None = None
    system: System | None = None
    referral: dict[str, Any] | None = None
    errors: list[MetaError] = Field(default_factory=list)


class Status(_Payload):
    """What happened to a message we sent; ``id`` is that message's wamid."""

    id: NonEmpty
    status: NonEmpty
    timestamp: UnixSeconds
    recipient_id: str | None = None
    recipient_user_id: str | None = None
    recipient_parent_user_id: str | None = None
    biz_opaque_callback_data: str | None = None
    conversation: dict[str, Any] | None = None
    pricing: dict[str, Any] | None = None
    errors: list[MetaError] = Field(default_factory=list)


class MessagesValue(_Payload):
    messaging_product: str = "whatsapp"
    metadata: Metadata
    contacts: list[Contact] = Field(default_factory=list)
    messages: list[WebhookMessage] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    errors: list[MetaError] = Field(default_factory=list)


class TemplateStatusUpdate(_Payload):
    """A template was approved, rejected, paused, disabled... ``event`` says which."""

    event: NonEmpty
    # Meta sends the id as a JSON number; it is an opaque id to us.
    message_template_id: int | str
    message_template_name: str
    message_template_language: str
    reason: str | None = None


class MessagesChange(_Payload):
    field: Literal["messages"]
    value: MessagesValue


class TemplateStatusChange(_Payload):
    field: Literal["message_template_status_update"]
    value: TemplateStatusUpdate


class OtherChange(_Payload):
    """A field we do not subscribe to act on; kept raw and reported as ignored."""

    field: str
    value: dict[str, Any] = Field(default_factory=dict)


def _change_tag(raw: Any) -> str:
    field = raw.get("field") if isinstance(raw, dict) else getattr(raw, "field", None)
    if field == "messages":
        return "messages"
    if field == "message_template_status_update":
        return "template"
    return "other"


Change: TypeAlias = Annotated[
    Annotated[MessagesChange, Tag("messages")]
    | Annotated[TemplateStatusChange, Tag("template")]
    | Annotated[OtherChange, Tag("other")],
    Discriminator(_change_tag),
]


class Entry(_Payload):
    id: NonEmpty = Field(description="the WhatsApp Business Account (WABA) id")
    # Only some fields (template updates) carry the entry time, in unix seconds.
    time: int | None = None
    changes: list[Change] = Field(default_factory=list)


class WebhookBody(_Payload):
    object: Literal["whatsapp_business_account"]
    entry: list[Entry] = Field(default_factory=list)
