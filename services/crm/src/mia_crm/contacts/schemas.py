"""The contacts API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mia_common.text import ApiJsonObject, ApiStr, EmailApiStr, NonBlankApiStr, api_str
from mia_crm.contacts.profile import LANGUAGE_PATTERN, canonical_language, time_zone_of
from mia_crm.custom_fields.repository import visible_fields
from mia_crm.models import Contact, Conversation, LifecycleStage, Tag
from mia_crm.tags.schemas import TagRef

__all__ = [
    "ContactConversation",
    "ContactCreate",
    "ContactDetail",
    "ContactOut",
    "ContactTagIds",
    "ContactUpdate",
]

Name = Annotated[NonBlankApiStr, Field(max_length=256)]
Email = Annotated[EmailApiStr, Field(max_length=320)]
Source = Annotated[NonBlankApiStr, Field(max_length=64)]
if TYPE_CHECKING:  # mypy cannot read api_str's Annotated as a type
    Language = str
else:
    Language = Annotated[
        api_str(pattern=LANGUAGE_PATTERN, max_length=35),
        Field(description="BCP 47 (pt-BR, en, es-419); answered in its usual case"),
    ]
TimeZone = Annotated[
    ApiStr,
    Field(
        max_length=64,
        description="an IANA name (America/Sao_Paulo); 422 `invalid_time_zone` otherwise",
    ),
]
Fields = Annotated[
    ApiJsonObject,
    Field(
        description="custom field values by key; null removes one. Checked against the"
        " definitions: 422 `invalid_field_value` names each field at fault"
    ),
]
TagIds = Annotated[list[uuid.UUID], Field(max_length=100)]


class ContactOut(BaseModel):
    id: uuid.UUID
    name: str | None
    phone: str | None = Field(description="E.164")
    user_id: str | None = Field(description="the channel's user id (Meta's BSUID)")
    email: str | None
    owner_user_id: uuid.UUID | None = Field(description="the user who looks after the contact")
    lifecycle_stage: LifecycleStage | None
    source: str | None
    language: str | None = Field(description="BCP 47")
    time_zone: str | None = Field(description="IANA; the phone's when none was set")
    time_zone_derived: bool = Field(
        description="true: nobody set the time zone, it is the phone number's"
    )
    tags: list[TagRef] = Field(description="by name")
    fields: dict[str, Any] = Field(description="custom field values by key")
    last_inbound_at: datetime | None = Field(description="the contact's latest message")
    last_outbound_at: datetime | None = Field(description="the latest message sent to them")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, contact: Contact, tags: list[Tag] | None = None) -> ContactOut:
        time_zone, derived = time_zone_of(contact)
        return cls(
            id=contact.id,
            name=contact.name,
            phone=contact.phone,
            user_id=contact.channel_user_id,
            email=contact.email,
            owner_user_id=contact.owner_user_id,
            lifecycle_stage=(
                LifecycleStage(contact.lifecycle_stage) if contact.lifecycle_stage else None
            ),
            source=contact.source,
            language=contact.language,
            time_zone=time_zone,
            time_zone_derived=derived,
            tags=[TagRef.of(tag) for tag in tags or []],
            fields=visible_fields(contact),
            last_inbound_at=contact.last_inbound_at,
            last_outbound_at=contact.last_outbound_at,
            created_at=contact.created_at,
            updated_at=contact.updated_at,
        )


class ContactConversation(BaseModel):
    id: uuid.UUID
    channel: str
    channel_account_id: uuid.UUID
    status: str
    unread_count: int
    assigned_user_id: uuid.UUID | None
    last_message_at: datetime

    @classmethod
    def of(cls, conversation: Conversation) -> ContactConversation:
        return cls(
            id=conversation.id,
            channel=conversation.channel,
            channel_account_id=conversation.channel_account_id,
            status=conversation.status,
            unread_count=conversation.unread_count,
            assigned_user_id=conversation.assigned_user_id,
            last_message_at=conversation.last_message_at,
        )


class ContactDetail(ContactOut):
    conversations: list[ContactConversation]


def _collapse(name: str | None) -> str | None:
    return None if name is None else " ".join(name.split())


def _language(tag: str | None) -> str | None:
    return None if tag is None else canonical_language(tag)


class ContactUpdate(BaseModel):
    """Fields left out stay as they are; null clears one."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = Field(default=None, description="white space is collapsed; null clears it")
    email: Email | None = Field(default=None, description="trimmed and lower-cased; null clears it")
    owner_user_id: uuid.UUID | None = Field(
        default=None,
        description="an active user of the tenant (422 `assignee_unknown` or"
        " `assignee_inactive` otherwise, 503 `gateway_unavailable` when that cannot be"
        " checked now); null: nobody. An agent may make themselves the owner of a contact"
        " nobody owns and clear their own ownership; a manager or above sets anyone (403"
        " `owner_not_allowed` otherwise)",
    )
    lifecycle_stage: LifecycleStage | None = None
    source: Source | None = None
    language: Language | None = None
    time_zone: TimeZone | None = Field(
        default=None, description="IANA; null: the phone number's again"
    )
    fields: Fields | None = Field(
        default=None, description="the values to change (others stay); null removes one"
    )

    _names = field_validator("name", "source")(_collapse)
    _languages = field_validator("language")(_language)


class ContactCreate(BaseModel):
    """A contact made by hand: at least a phone, a user id or an email (422
    `contact_identifier_required`); 409 `contact_exists` when one is already a contact's."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    phone: Annotated[ApiStr, Field(max_length=32)] | None = Field(
        default=None,
        description="in E.164, or as written in the tenant's default country; 422"
        " `invalid_phone` when no country has it",
    )
    user_id: Annotated[NonBlankApiStr, Field(max_length=128)] | None = Field(
        default=None, description="the channel's user id (Meta's BSUID)"
    )
    email: Email | None = None
    owner_user_id: uuid.UUID | None = Field(
        default=None,
        description="an active user of the tenant, as for an edit; an agent may name only"
        " themselves (403 `owner_not_allowed`)",
    )
    lifecycle_stage: LifecycleStage | None = None
    source: Source | None = None
    language: Language | None = None
    time_zone: TimeZone | None = None
    fields: Fields | None = None
    tag_ids: TagIds = Field(default_factory=list, description="tags of the tenant to put on it")

    _names = field_validator("name", "source")(_collapse)
    _languages = field_validator("language")(_language)


class ContactTagIds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tag_ids: Annotated[TagIds, Field(min_length=1)] = Field(
        description="tags of the tenant to put on the contact (those it has stay)"
    )
