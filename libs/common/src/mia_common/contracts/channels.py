"""The state of channel accounts, on the compacted ``channels.state.v1`` topic.

The sender owns channel accounts and publishes each one's latest state, keyed by its id;
compaction keeps the newest record per account, so a consumer that reads the topic from
the start rebuilds the full list. Secrets are never in clear here: the one that
meta-ingest must have (the Meta app secret that signs webhooks) travels sealed with the
platform key ring (``mia_common.crypto``), bound to the account id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mia_common.contracts.messages import Channel

__all__ = [
    "ChannelAccountState",
    "ChannelAccountStatus",
    "ChannelAlert",
    "ChannelAlertKind",
    "access_token_associated_data",
    "app_secret_associated_data",
]


def app_secret_associated_data(account_id: uuid.UUID) -> bytes:
    """What ``app_secret_sealed`` is bound to: a sealed secret moved to another account fails."""
    return account_id.bytes


def access_token_associated_data(account_id: uuid.UUID) -> bytes:
    """What ``access_token_sealed`` is bound to (distinct from the app secret's binding)."""
    return b"access_token:" + str(account_id).encode()


class ChannelAccountStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    DISCONNECTED = "disconnected"
    DELETED = "deleted"


class ChannelAccountState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_account_id: uuid.UUID
    tenant_id: uuid.UUID
    channel: Channel
    status: ChannelAccountStatus
    display_name: str = ""
    phone_number: str | None = Field(default=None, description="E.164, when the channel has one")
    phone_number_id: str | None = Field(default=None, description="Meta's phone number id")
    waba_id: str | None = Field(default=None, description="Meta's WhatsApp Business Account id")
    app_secret_sealed: str | None = Field(
        default=None,
        description="Meta app secret sealed by mia_common.crypto, associated data = "
        "app_secret_associated_data(account id)",
    )
    access_token_sealed: str | None = Field(
        default=None,
        description=(
            "Meta access token sealed by mia_common.crypto, associated data = "
            "access_token_associated_data(account id); ingest needs it to download media"
        ),
    )
    status_reason: str | None = Field(default=None, description="why it is paused, say")
    updated_at: datetime


class ChannelAlertKind(StrEnum):
    TOKEN_EXPIRED = "token_expired"  # noqa: S105  (an alert kind, not a secret)
    SPAM_LIMIT = "spam_limit"
    DAILY_LIMIT_NEAR = "daily_limit_near"
    DAILY_LIMIT_REACHED = "daily_limit_reached"
    PROVIDER_DOWN = "provider_down"
    RESUMED = "resumed"


class ChannelAlert(BaseModel):
    """Something about a channel account a human must know (``channels.alerts.v1``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channel_account_id: uuid.UUID
    channel: Channel
    kind: ChannelAlertKind
    message: str = Field(description="for a person: what happened and what to do")
    occurred_at: datetime
    details: dict[str, Any] = Field(default_factory=dict)
