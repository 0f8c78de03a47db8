"""The consent API's bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
from mia_common.pagination import Page
from mia_common.text import ApiStr
from mia_crm.consent.service import may_market
from mia_crm.models import ConsentEvent, ContactConsent

__all__ = ["ChannelConsent", "ConsentBody", "ConsentChange", "ConsentEventOut", "ContactConsentOut"]


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: ConsentChannel
    status: ConsentStatus
    note: Annotated[ApiStr | None, Field(max_length=1000, description="why, for the ledger")] = None
    source: Literal["form"] | None = Field(
        default=None,
        description="form: the customer gave it on a form (yours or the integration's);"
        " left out: agent for a user, api for an API key",
    )
    occurred_at: AwareDatetime | None = Field(
        default=None, description="when the customer gave it; left out: now (never later)"
    )


class ChannelConsent(BaseModel):
    channel: ConsentChannel
    status: ConsentStatus | None = Field(description="null: the customer never said")
    source: ConsentSource | None
    actor_user_id: uuid.UUID | None
    occurred_at: datetime | None
    may_market: bool = Field(
        description="a marketing message may go out on this channel under the tenant's rule"
    )

    @classmethod
    def of(
        cls, channel: ConsentChannel, row: ContactConsent | None, *, requires_consent: bool
    ) -> ChannelConsent:
        status = row.status if row is not None else None
        return cls(
            channel=channel,
            status=ConsentStatus(row.status) if row is not None else None,
            source=ConsentSource(row.source) if row is not None else None,
            actor_user_id=row.actor_user_id if row is not None else None,
            occurred_at=row.occurred_at if row is not None else None,
            may_market=may_market(status=status, requires_consent=requires_consent),
        )


class ConsentEventOut(BaseModel):
    id: uuid.UUID
    channel: ConsentChannel
    status: ConsentStatus
    source: ConsentSource
    actor_user_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    note: str | None
    occurred_at: datetime
    created_at: datetime

    @classmethod
    def of(cls, event: ConsentEvent) -> ConsentEventOut:
        return cls(
            id=event.id,
            channel=ConsentChannel(event.channel),
            status=ConsentStatus(event.status),
            source=ConsentSource(event.source),
            actor_user_id=event.actor_user_id,
            actor_api_key_id=event.actor_api_key_id,
            note=event.note,
            occurred_at=event.occurred_at,
            created_at=event.created_at,
        )


class ContactConsentOut(BaseModel):
    contact_id: uuid.UUID
    marketing_requires_consent: bool
    channels: list[ChannelConsent] = Field(description="every channel, in a fixed order")
    history: Page[ConsentEventOut] = Field(description="the ledger, newest first")


class ConsentChange(BaseModel):
    changed: bool = Field(description="false: it already was so (nothing recorded)")
    consent: ChannelConsent
    event: ConsentEventOut | None
