"""The HTTP edge of campaigns: what a person writes and what they read back."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mia_campaigns.models import Campaign, Recipient
from mia_campaigns.sending.window import known_time_zones
from mia_campaigns.templates.schemas import HeaderMediaIn
from mia_common.contracts.campaigns import CampaignStatus, RecipientState
from mia_common.contracts.messages import Channel

__all__ = [
    "AudienceSpec",
    "CampaignCreate",
    "CampaignOut",
    "CampaignUpdate",
    "ContactsAudience",
    "CostEstimate",
    "DailyLimit",
    "FilterAudience",
    "LaunchIn",
    "LibraryMessage",
    "MessageSpec",
    "RecipientOut",
    "ReviewOut",
    "SegmentAudience",
    "SendWindow",
    "TemplateMessage",
    "TextMessage",
    "VariantIn",
    "VariantOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


_FROM_LIBRARY = Field(
    default=None, description="set by campaigns: the library template this message came from"
)


class TextMessage(_In):
    """A free-form text (SMS, or WhatsApp inside the 24-hour window) with variables."""

    type: Literal["text"] = "text"
    body: str = Field(min_length=1, max_length=4096, examples=["Oi {{first_name|cliente}}!"])
    library_template_id: uuid.UUID | None = _FROM_LIBRARY


class TemplateMessage(_In):
    """An approved Meta template; ``body`` / ``header_text`` / ``button_url`` are its texts
    as Meta holds them, and the mappings say which of our variables fill its ``{{1}}``..."""

    type: Literal["template"] = "template"
    name: str = Field(min_length=1, max_length=512)
    language: str = Field(min_length=2, max_length=15, examples=["pt_BR"])
    category: Literal["marketing", "utility", "authentication"] = Field(
        default="marketing", description="the template's category at Meta: what it costs"
    )
    body: str = Field(min_length=1, max_length=1024)
    body_mapping: dict[str, str] | None = None
    header_text: str | None = Field(default=None, max_length=60)
    header_mapping: dict[str, str] | None = None
    button_url: str | None = Field(default=None, max_length=2000)
    button_index: int = Field(default=0, ge=0, le=9)
    button_mapping: dict[str, str] | None = None
    header_media: HeaderMediaIn | None = Field(
        default=None, description="a media header's file (the template's header is media)"
    )
    library_template_id: uuid.UUID | None = _FROM_LIBRARY


class LibraryMessage(_In):
    """A template of the library, by id. Saved as what it resolves to when the campaign is
    saved: a WhatsApp one as its approved Meta template (``template``, 422
    ``template_not_approved`` naming the status otherwise), an SMS one as its text."""

    type: Literal["library"] = "library"
    template_id: uuid.UUID


MessageSpec = Annotated[TextMessage | TemplateMessage | LibraryMessage, Field(discriminator="type")]


class ContactsAudience(_In):
    kind: Literal["contacts"] = "contacts"
    contact_ids: list[uuid.UUID] = Field(min_length=1, max_length=10_000)


class SegmentAudience(_In):
    kind: Literal["segment"] = "segment"
    segment_id: uuid.UUID


class FilterAudience(_In):
    kind: Literal["filter"] = "filter"
    filter: dict[str, Any] = Field(description="a crm contact filter, as the segments API takes")


AudienceSpec = Annotated[
    ContactsAudience | SegmentAudience | FilterAudience, Field(discriminator="kind")
]


class SendWindow(_In):
    """Send only on these days between these times, in one zone or each contact's own."""

    days: list[int] = Field(
        default=[1, 2, 3, 4, 5], min_length=1, max_length=7, description="ISO: 1 Monday, 7 Sunday"
    )
    start: time = Field(examples=["09:00"])
    end: time = Field(examples=["18:00"], description="before start: the window spans midnight")
    time_zone: str = Field(
        description="IANA zone (the company's); with per_contact, for contacts without one",
        examples=["America/Sao_Paulo"],
    )
    per_contact: bool = Field(default=False, description="each contact's own time zone")

    @model_validator(mode="after")
    def _valid(self) -> SendWindow:
        if any(day < 1 or day > 7 for day in self.days):
            raise ValueError("days are ISO weekdays, 1 (Monday) to 7 (Sunday)")
        if self.start == self.end:
            raise ValueError("the window's start and end differ")
        if self.time_zone not in known_time_zones():
            raise ValueError(f"unknown time zone {self.time_zone!r}")
        return self


class VariantIn(_In):
    label: str = Field(min_length=1, max_length=40, examples=["A"])
    percent: int = Field(ge=1, le=99, description="share of the recipients")
    message: MessageSpec


class CampaignCreate(_In):
    name: str = Field(min_length=1, max_length=200)
    channel: Literal[Channel.WHATSAPP_CLOUD, Channel.SMS]
    channel_account_id: uuid.UUID
    message: MessageSpec | None = Field(default=None, description="the message (or variants)")
    variants: list[VariantIn] | None = Field(
        default=None,
        min_length=2,
        max_length=5,
        description="an A/B test instead of one message: shares summing to 100",
    )
    audience: AudienceSpec
    in_flight_limit: int = Field(
        default=50, ge=1, le=1000, description="send requests out at once, refilled by outcomes"
    )
    rate_per_second: float | None = Field(
        default=None, gt=0, le=1000, description="a cap below the number's own pace"
    )
    send_window: SendWindow | None = None
    frequency_cap_hours: int | None = Field(
        default=None,
        ge=1,
        le=720,
        description="leave out contacts another campaign reached in the last N hours",
    )

    @model_validator(mode="after")
    def _one_message_or_variants(self) -> CampaignCreate:
        if (self.message is None) == (self.variants is None):
            raise ValueError("give message or variants, not both")
        if self.variants is not None:
            if sum(v.percent for v in self.variants) != 100:
                raise ValueError("the variants' percents add up to 100")
            if len({v.label for v in self.variants}) != len(self.variants):
                raise ValueError("each variant has a label of its own")
        if self.channel == Channel.SMS and any(
            m.type not in ("text", "library") for m in self.messages()
        ):
            raise ValueError("an SMS campaign sends a text message")
        return self

    def messages(self) -> list[TextMessage | TemplateMessage | LibraryMessage]:
        if self.variants is not None:
            return [v.message for v in self.variants]
        return [self.message] if self.message is not None else []


class CampaignUpdate(_In):
    """A draft's changes: what is given replaces what was (message and variants together)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    message: MessageSpec | None = None
    variants: list[VariantIn] | None = Field(default=None, min_length=2, max_length=5)
    audience: AudienceSpec | None = None
    in_flight_limit: int | None = Field(default=None, ge=1, le=1000)
    rate_per_second: float | None = Field(default=None, gt=0, le=1000)
    frequency_cap_hours: int | None = Field(default=None, ge=1, le=720)
    send_window: SendWindow | None = None


class LaunchIn(_In):
    scheduled_at: datetime | None = Field(
        default=None, description="start then (with its offset); absent: now"
    )
    local_time: datetime | None = Field(
        default=None,
        description="start at this wall-clock time (no offset) in time_zone: the offset is"
        " the one in force on that date, daylight saving included",
        examples=["2027-03-14T09:00:00"],
    )
    time_zone: str | None = Field(default=None, examples=["America/Sao_Paulo"])

    @model_validator(mode="after")
    def _one_way_to_say_when(self) -> LaunchIn:
        if self.scheduled_at is not None and self.local_time is not None:
            raise ValueError("give scheduled_at or local_time, not both")
        if self.scheduled_at is not None and self.scheduled_at.tzinfo is None:
            raise ValueError("scheduled_at needs its offset (or use local_time and time_zone)")
        if self.local_time is not None:
            if self.local_time.tzinfo is not None:
                raise ValueError("local_time is a wall-clock time: no offset")
            if self.time_zone is None or self.time_zone not in known_time_zones():
                raise ValueError("local_time needs a known IANA time_zone")
        return self

    def start(self) -> datetime | None:
        """The instant to start at, or None for now."""
        if self.local_time is not None and self.time_zone is not None:
            return self.local_time.replace(tzinfo=ZoneInfo(self.time_zone))
        return self.scheduled_at


class VariantOut(BaseModel):
    label: str
    percent: int
    message: dict[str, Any]
    counts: dict[RecipientState, int] = Field(default_factory=dict)


class CampaignOut(BaseModel):
    id: uuid.UUID
    name: str
    status: CampaignStatus
    status_reason: str | None
    status_detail: str | None
    channel: str
    channel_account_id: uuid.UUID
    message: dict[str, Any]
    audience: dict[str, Any]
    in_flight_limit: int
    rate_per_second: float | None
    scheduled_at: datetime | None
    send_window: dict[str, Any] | None
    launched_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    counts: dict[RecipientState, int] = Field(
        default_factory=dict, description="recipients by ledger state"
    )
    excluded: dict[str, int] = Field(default_factory=dict, description="excluded, by reason")
    failures: dict[str, int] = Field(default_factory=dict, description="failed, by error code")
    variants: list[VariantOut] | None = Field(
        default=None, description="an A/B test's variants, each with its own counts"
    )

    @classmethod
    def of(
        cls,
        campaign: Campaign,
        *,
        counts: dict[str, int] | None = None,
        excluded: dict[str, int] | None = None,
        failures: dict[str, int] | None = None,
        by_variant: dict[int, dict[str, int]] | None = None,
    ) -> CampaignOut:
        variants = None
        if campaign.variants is not None:
            variants = [
                VariantOut(
                    label=v["label"],
                    percent=v["percent"],
                    message=v["message"],
                    counts={RecipientState(k): n for k, n in (by_variant or {}).get(i, {}).items()},
                )
                for i, v in enumerate(campaign.variants)
            ]
        return cls(
            id=campaign.id,
            name=campaign.name,
            status=CampaignStatus(campaign.status),
            status_reason=campaign.status_reason,
            status_detail=campaign.status_detail,
            channel=campaign.channel,
            channel_account_id=campaign.channel_account_id,
            message=campaign.message,
            audience=campaign.audience,
            in_flight_limit=campaign.in_flight_limit,
            rate_per_second=campaign.rate_per_second,
            scheduled_at=campaign.scheduled_at,
            send_window=campaign.send_window,
            launched_at=campaign.launched_at,
            started_at=campaign.started_at,
            finished_at=campaign.finished_at,
            created_at=campaign.created_at,
            counts={RecipientState(k): v for k, v in (counts or {}).items()},
            excluded=excluded or {},
            failures=failures or {},
            variants=variants,
        )


class DailyLimit(BaseModel):
    tier: str
    limit: int | None = Field(description="unique customers per rolling 24 h; null: unlimited")
    remaining: int | None
    over_by: int = Field(description="recipients outside the window beyond what remains")
    resets_at: datetime | None


class CostEstimate(BaseModel):
    currency: str = "USD"
    category: str = Field(description="marketing, utility, authentication, sms_segment, free")
    total: float
    by_country: dict[str, float] = Field(default_factory=dict)


class ReviewOut(BaseModel):
    """What a launch would do now, counted before it (nothing is written)."""

    members: int = Field(description="contacts the audience holds now")
    recipients: int = Field(description="who would get the message")
    excluded: dict[str, int] = Field(description="left out, by reason")
    outside_window: int = Field(
        description="recipients who have not written in 24 h: only a template reaches them"
    )
    template_required: bool = Field(
        description="true when a text message would fail for those outside the window"
    )
    daily_limit: DailyLimit | None = Field(description="null: the sender could not say")
    warnings: list[str] = Field(default_factory=list)
    rate_per_second: float
    duration_seconds: float = Field(description="at the chosen rate, sends alone")
    cost: CostEstimate
    by_country: dict[str, int] = Field(default_factory=dict)


class RecipientOut(BaseModel):
    contact_id: uuid.UUID
    address: str | None
    name: str | None
    state: RecipientState
    reason: str | None
    detail: str | None
    external_message_id: str | None
    requested_at: datetime | None
    updated_at: datetime

    @classmethod
    def of(cls, row: Recipient) -> RecipientOut:
        return cls(
            contact_id=row.contact_id,
            address=row.address,
            name=row.name,
            state=RecipientState(row.state),
            reason=row.reason,
            detail=row.detail,
            external_message_id=row.external_message_id,
            requested_at=row.requested_at,
            updated_at=row.updated_at,
        )
