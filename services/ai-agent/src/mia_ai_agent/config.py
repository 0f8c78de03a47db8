"""ai-agent settings: shared values keep their ``MIA_`` names, its own are ``MIA_AI_AGENT_*``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from mia_common.contracts.topics import AI_EVENTS, INBOX_EVENTS
from mia_common.settings import Environment, ServiceSettings

__all__ = ["AiAgentSettings", "get_settings"]


class AiAgentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "ai-agent"
    http_port: int = Field(default=8005, validation_alias=AliasChoices("MIA_AI_AGENT_PORT"))
    database: str = "ai_agent"
    consumer_group: str = Field(
        default="ai-agent",
        validation_alias=AliasChoices("MIA_AI_AGENT_CONSUMER_GROUP"),
        description="prefix of the consumer groups: <group>.inbox",
    )
    inbox_topic: str = Field(
        default=INBOX_EVENTS.name,
        validation_alias=AliasChoices("MIA_AI_AGENT_INBOX_TOPIC"),
        description="what the crm stored: customers' messages, replies, assignments (consumed)",
    )
    ai_topic: str = Field(
        default=AI_EVENTS.name,
        validation_alias=AliasChoices("MIA_AI_AGENT_AI_TOPIC"),
        description="replies for the crm to record and send, handoffs, lead updates, usage"
        " (produced)",
    )
    crm_url: str = Field(
        default="http://127.0.0.1:8003",
        validation_alias=AliasChoices("MIA_AI_AGENT_CRM_URL"),
        description="the crm's API: lead progression reads the company's board stages"
        " (GET /api/v1/pipelines, with a short identity token of the company)",
    )
    tick_seconds: float = Field(
        default=0.5,
        gt=0,
        le=10,
        validation_alias=AliasChoices("MIA_AI_AGENT_TICK_SECONDS"),
        description="longest wait between two looks at due turns (debounced bursts,"
        " humanized delays) and indexing jobs",
    )
    embedding_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        validation_alias=AliasChoices("MIA_AI_AGENT_EMBEDDING_THREADS"),
        description="OpenMP threads of the embedded model; more than one speeds a lone"
        " query but stalls it for hundreds of ms when the cores are shared (busy machine)",
    )
    lead_debounce_seconds: float = Field(
        default=30.0,
        ge=0,
        validation_alias=AliasChoices("MIA_AI_AGENT_LEAD_DEBOUNCE_SECONDS"),
        description="lead progression reads a conversation this long after the bot's last"
        " answer there (an exchange that goes on is read once)",
    )
    model_retry_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        validation_alias=AliasChoices("MIA_AI_AGENT_MODEL_RETRY_ATTEMPTS"),
        description="attempts of one call to a tenant's model on 429 and 5xx (1: no retry)",
    )
    model_retry_max_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        le=120,
        validation_alias=AliasChoices("MIA_AI_AGENT_MODEL_RETRY_MAX_WAIT_SECONDS"),
        description="longest total wait between those attempts (retry-after included): past"
        " it the conversation goes to people rather than keep the customer waiting",
    )
    model_private_networks: bool | None = Field(
        default=None,
        validation_alias=AliasChoices("MIA_AI_AGENT_MODEL_PRIVATE_NETWORKS"),
        description="may a tenant's model endpoint be on a private, loopback or link-local"
        " address (unset: yes outside production, so a local run and tests reach local"
        " servers; set it in a single-company deployment with its own Ollama or vLLM)",
    )
    knowledge_max_document_bytes: int = Field(
        default=10 * 1024 * 1024,
        gt=0,
        validation_alias=AliasChoices("MIA_AI_AGENT_KNOWLEDGE_MAX_DOCUMENT_BYTES"),
        description="largest file upload or fetched page a knowledge base takes (413 above)",
    )
    knowledge_page_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        validation_alias=AliasChoices("MIA_AI_AGENT_KNOWLEDGE_PAGE_TIMEOUT_SECONDS"),
        description="how long fetching a page for a knowledge base may take, per request",
    )
    knowledge_fetch_private_networks: bool | None = Field(
        default=None,
        validation_alias=AliasChoices("MIA_AI_AGENT_KNOWLEDGE_FETCH_PRIVATE_NETWORKS"),
        description="may pages be fetched from private, loopback and link-local addresses"
        " (unset: yes outside production, so a local run and tests reach local servers)",
    )

    @property
    def model_private_networks_allowed(self) -> bool:
        if self.model_private_networks is not None:
            return self.model_private_networks
        return self.environment is not Environment.PRODUCTION

    @property
    def knowledge_private_networks_allowed(self) -> bool:
        if self.knowledge_fetch_private_networks is not None:
            return self.knowledge_fetch_private_networks
        return self.environment is not Environment.PRODUCTION


@lru_cache
def get_settings() -> AiAgentSettings:
    return AiAgentSettings()
