"""crm settings: shared values keep their ``MIA_`` names, its own are ``MIA_CRM_*``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from mia_common.contracts.topics import (
    AI_EVENTS,
    CONTACTS_EVENTS,
    INBOX_EVENTS,
    LEADS_EVENTS,
    MESSAGES_INBOUND,
    MESSAGES_OUTCOME,
    MESSAGES_SEND,
    MESSAGES_STATUS,
)
from mia_common.settings import ServiceSettings

__all__ = ["CrmSettings", "get_settings"]


class CrmSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "crm"
    http_port: int = Field(default=8003, validation_alias=AliasChoices("MIA_CRM_PORT"))
    database: str = "crm"
    consumer_group: str = Field(
        default="crm",
        validation_alias=AliasChoices("MIA_CRM_CONSUMER_GROUP"),
        description="prefix of the consumer groups: <group>.inbound, .outcomes, .statuses",
    )
    inbound_topic: str = Field(
        default=MESSAGES_INBOUND.name,
        validation_alias=AliasChoices("MIA_CRM_INBOUND_TOPIC"),
        description="messages customers sent (consumed)",
    )
    status_topic: str = Field(
        default=MESSAGES_STATUS.name,
        validation_alias=AliasChoices("MIA_CRM_STATUS_TOPIC"),
        description="delivery statuses of sent messages (consumed)",
    )
    outcome_topic: str = Field(
        default=MESSAGES_OUTCOME.name,
        validation_alias=AliasChoices("MIA_CRM_OUTCOME_TOPIC"),
        description="what became of each send request (consumed)",
    )
    send_topic: str = Field(
        default=MESSAGES_SEND.name,
        validation_alias=AliasChoices("MIA_CRM_SEND_TOPIC"),
        description="agents' replies, as send requests for the sender (produced)",
    )
    inbox_topic: str = Field(
        default=INBOX_EVENTS.name,
        validation_alias=AliasChoices("MIA_CRM_INBOX_TOPIC"),
        description="what changed in the inbox, for dashboards' live refresh (produced)",
    )
    contacts_topic: str = Field(
        default=CONTACTS_EVENTS.name,
        validation_alias=AliasChoices("MIA_CRM_CONTACTS_TOPIC"),
        description="contact changes, consent, merges and erasures (produced)",
    )
    leads_topic: str = Field(
        default=LEADS_EVENTS.name,
        validation_alias=AliasChoices("MIA_CRM_LEADS_TOPIC"),
        description="lead board changes: created, updated, moved, won, lost (produced)",
    )
    ai_topic: str = Field(
        default=AI_EVENTS.name,
        validation_alias=AliasChoices("MIA_CRM_AI_TOPIC"),
        description="the AI agent's replies, handoffs, actions and lead updates to apply"
        " (consumed)",
    )
    gateway_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias=AliasChoices("MIA_CRM_GATEWAY_URL"),
        description="the gateway, asked whether a user or a team may be assigned a conversation"
        " (GET /internal/v1/users/{id}, GET /internal/v1/teams/{id})",
    )
    gateway_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=30,
        validation_alias=AliasChoices("MIA_CRM_GATEWAY_TIMEOUT_SECONDS"),
        description="how long an assignment waits for the gateway before answering 503",
    )
    file_retention_days: int = Field(
        default=7,
        ge=1,
        le=3650,
        validation_alias=AliasChoices("MIA_CRM_FILE_RETENTION_DAYS"),
        description="days an import's uploaded file and rejection report, and an export's"
        " file, are kept after the job finished (then deleted; downloads answer 410)",
    )


@lru_cache
def get_settings() -> CrmSettings:
    return CrmSettings()
