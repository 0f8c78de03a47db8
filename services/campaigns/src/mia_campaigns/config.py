"""campaigns settings: shared values keep their ``MIA_`` names, its own are ``MIA_CAMPAIGNS_*``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from mia_campaigns.campaigns.pricing import DEFAULT_PRICES
from mia_common.contracts.topics import (
    CAMPAIGNS_EVENTS,
    CONTACTS_EVENTS,
    LEADS_EVENTS,
    MESSAGES_INBOUND,
    MESSAGES_OUTCOME,
    MESSAGES_SEND,
    MESSAGES_STATUS,
    TEMPLATES_EVENTS,
)
from mia_common.settings import ServiceSettings

__all__ = ["CampaignsSettings", "get_settings"]


class CampaignsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "campaigns"
    http_port: int = Field(default=8004, validation_alias=AliasChoices("MIA_CAMPAIGNS_PORT"))
    database: str = "campaigns"
    consumer_group: str = Field(
        default="campaigns",
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CONSUMER_GROUP"),
        description="prefix of the consumer groups: <group>.outcomes, .statuses, .inbound",
    )
    send_topic: str = Field(
        default=MESSAGES_SEND.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_SEND_TOPIC"),
        description="campaign and cadence messages, as send requests for the sender (produced)",
    )
    outcome_topic: str = Field(
        default=MESSAGES_OUTCOME.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_OUTCOME_TOPIC"),
        description="what became of each send request, for the recipients' ledger (consumed)",
    )
    status_topic: str = Field(
        default=MESSAGES_STATUS.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_STATUS_TOPIC"),
        description="delivered and read statuses of sent messages (consumed)",
    )
    inbound_topic: str = Field(
        default=MESSAGES_INBOUND.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_INBOUND_TOPIC"),
        description="customers' messages: replies and opt-outs stop sends (consumed)",
    )
    contacts_topic: str = Field(
        default=CONTACTS_EVENTS.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CONTACTS_TOPIC"),
        description="contact changes that enroll in or stop cadences (consumed)",
    )
    templates_topic: str = Field(
        default=TEMPLATES_EVENTS.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_TEMPLATES_TOPIC"),
        description="Meta's review of submitted templates (consumed)",
    )
    campaigns_topic: str = Field(
        default=CAMPAIGNS_EVENTS.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CAMPAIGNS_TOPIC"),
        description="campaign lifecycle and per-recipient outcomes (produced)",
    )
    crm_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CRM_URL"),
        description="the crm's internal API: segment members and contacts for previews"
        " (POST /internal/v1/contacts/members)",
    )
    sender_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=AliasChoices("MIA_CAMPAIGNS_SENDER_URL"),
        description="the sender's internal API: a number's Meta templates and limits",
    )
    default_rate_per_second: float = Field(
        default=80.0,
        gt=0,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_DEFAULT_RATE_PER_SECOND"),
        description="the pace a campaign's duration is estimated at without a rate cap"
        " (Meta's default throughput per number)",
    )
    prices: dict[str, dict[str, float]] = Field(
        default_factory=lambda: dict(DEFAULT_PRICES),
        validation_alias=AliasChoices("MIA_CAMPAIGNS_PRICES"),
        description='price per message by category and country, JSON: {"marketing":'
        ' {"BR": 0.0625, "*": 0.06}, "utility": {...}, "authentication": {...},'
        ' "sms_segment": {...}}; "*" is every other country',
    )
    fan_out_tick_seconds: float = Field(
        default=0.2,
        gt=0,
        le=5,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_FAN_OUT_TICK_SECONDS"),
        description="longest wait between two looks at running and due campaigns",
    )
    leads_topic: str = Field(
        default=LEADS_EVENTS.name,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_LEADS_TOPIC"),
        description="leads entering stages: they enroll in or stop cadences (consumed)",
    )
    cadence_tick_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CADENCE_TICK_SECONDS"),
        description="longest wait between two looks at due cadence steps",
    )
    cadence_outcome_timeout_seconds: float = Field(
        default=600.0,
        gt=0,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CADENCE_OUTCOME_TIMEOUT_SECONDS"),
        description="a cadence send with no outcome after this long goes again (same"
        " request id: the sender sends it once)",
    )
    cadence_retry_seconds: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("MIA_CAMPAIGNS_CADENCE_RETRY_SECONDS"),
        description="a failed cadence send is tried again after this, then 4x, 16x longer",
    )


@lru_cache
def get_settings() -> CampaignsSettings:
    return CampaignsSettings()
