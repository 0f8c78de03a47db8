"""What changed about a contact, on ``contacts.events.v1`` (key: the contact id).

The crm publishes these through its outbox, in the transaction that made the change, so a
consumer that reads one finds the change committed. Campaigns stop sending and the AI agent
stops replying from the next message after an opt-out; every service that holds personal
data handles ``contact.erased``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CONTACT_EVENT_TYPES",
    "ConsentChanged",
    "ConsentChannel",
    "ConsentSource",
    "ConsentStatus",
    "ContactChanged",
    "ContactDeleted",
    "ContactErased",
    "ContactEvent",
    "ContactSnapshot",
    "ContactsMerged",
    "ErasedMedia",
]


class ConsentChannel(StrEnum):
    WHATSAPP = "whatsapp"
    SMS = "sms"
    EMAIL = "email"


class ConsentStatus(StrEnum):
    OPTED_IN = "opted_in"
    OPTED_OUT = "opted_out"


class ConsentSource(StrEnum):
    """How the consent was given or withdrawn."""

    IMPORT = "import"
    KEYWORD = "keyword"
    FORM = "form"
    AGENT = "agent"
    API = "api"


class ContactSnapshot(BaseModel):
    """The contact as the crm holds it after the change: what campaigns and the agent use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    name: str | None = None
    phone: str | None = Field(default=None, description="E.164")
    channel_user_id: str | None = None
    email: str | None = None
    owner_user_id: uuid.UUID | None = None
    lifecycle_stage: str | None = None
    source: str | None = None
    language: str | None = None
    time_zone: str | None = Field(default=None, description="IANA name, set or derived")
    tags: list[str] = Field(default_factory=list, description="tag names")
    fields: dict[str, Any] = Field(default_factory=dict, description="custom fields by key")


class ContactChanged(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["contact.created", "contact.updated"]
    contact: ContactSnapshot
    changed: list[str] = Field(
        default_factory=list, description="names of what changed: name, tags, fields.<key>…"
    )
    actor_user_id: uuid.UUID | None = Field(default=None, description="None: the platform")
    occurred_at: datetime


class ConsentChanged(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["contact.consent_changed"] = "contact.consent_changed"
    contact_id: uuid.UUID
    channel: ConsentChannel
    status: ConsentStatus
    source: ConsentSource
    actor_user_id: uuid.UUID | None = None
    occurred_at: datetime


class ContactsMerged(BaseModel):
    """``absorbed_id`` is gone; everything it had now belongs to ``survivor_id``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["contact.merged"] = "contact.merged"
    survivor_id: uuid.UUID
    absorbed_id: uuid.UUID
    merged_by_user_id: uuid.UUID | None = Field(
        default=None, description="who merged them; None: the platform (an inbound message)"
    )
    occurred_at: datetime


class ErasedMedia(BaseModel):
    """A file the person sent, as the channel named it: meta-ingest keeps its copy under
    the tenant, the channel account and this id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_account_id: uuid.UUID
    media_id: str = Field(min_length=1, description="the channel's id (MediaRef.media_id)")


class ContactDeleted(BaseModel):
    """The team deleted the contact (a bulk delete): its id answers 404 from now on. Unlike
    ``contact.erased`` the person asked nothing; services drop what they keep by this id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["contact.deleted"] = "contact.deleted"
    contact_id: uuid.UUID
    actor_user_id: uuid.UUID | None = None
    occurred_at: datetime


class ContactErased(BaseModel):
    """The person asked to be forgotten: every service removes or anonymizes what it holds
    about them. The addresses are carried so services keyed by them (the sender's send log)
    find the person, and the media they sent so meta-ingest deletes its copies; the topic's
    retention bounds how long they stay.

    One erasure is ``parts`` records (all keyed by the contact id, so read in order): part
    1 carries the addresses and the first page of media, each further part only its page
    of media (``mia_common.messaging.erasure.erasure_parts`` cuts them), so no record nears
    Kafka's 1 MB for a person who sent thousands of files. Each record is handled by
    itself; what happens once per erasure (the gateway's audit entry) happens on part 1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["contact.erased"] = "contact.erased"
    contact_id: uuid.UUID
    phones: list[str] = Field(default_factory=list)
    channel_user_ids: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    media: list[ErasedMedia] = Field(
        default_factory=list, description="files of their messages, once each (this part's)"
    )
    part: int = Field(default=1, ge=1, description="this record's place among the erasure's")
    parts: int = Field(default=1, ge=1, description="how many records the erasure is")
    requested_by_user_id: uuid.UUID | None = None
    occurred_at: datetime


ContactEvent = Annotated[
    ContactChanged | ConsentChanged | ContactsMerged | ContactDeleted | ContactErased,
    Field(discriminator="type"),
]
"""The data of an ``Envelope`` on ``contacts.events.v1``; the envelope's ``type`` repeats it."""

CONTACT_EVENT_TYPES = (
    "contact.created",
    "contact.updated",
    "contact.consent_changed",
    "contact.merged",
    "contact.deleted",
    "contact.erased",
)
