"""sender settings: shared values keep their ``MIA_`` names, its own are ``MIA_SENDER_*``.

Every field also accepts its own name, so tests build settings with keyword arguments
(per-run topics, a short reconcile window, a shrunken messaging tier).
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import SettingsConfigDict

from mia_common.contracts.topics import (
    CHANNELS_ALERTS,
    CHANNELS_STATE,
    CONTACTS_EVENTS,
    MESSAGES_INBOUND,
    MESSAGES_OUTCOME,
    MESSAGES_SEND,
    MESSAGES_STATUS,
)
from mia_common.settings import ServiceSettings

__all__ = ["MESSAGING_TIERS", "SenderSettings", "get_settings"]

# Meta's messaging-limit tiers: unique customers reached outside the customer-service
# window per business portfolio in a rolling 24 hours (None: no limit).
MESSAGING_TIERS: dict[str, int | None] = {
    "250": 250,
    "2000": 2000,
    "10000": 10000,
    "100000": 100000,
    "unlimited": None,
}


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class SenderSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "sender"
    http_port: int = Field(default=8002, validation_alias=_env("MIA_SENDER_PORT"))
    database: str = "sender"

    # --- topics (overridable so tests run on topics of their own) ---------------------
    send_topic: str = Field(
        default=MESSAGES_SEND.name, validation_alias=_env("MIA_SENDER_SEND_TOPIC")
    )
    outcome_topic: str = Field(
        default=MESSAGES_OUTCOME.name, validation_alias=_env("MIA_SENDER_OUTCOME_TOPIC")
    )
    status_topic: str = Field(
        default=MESSAGES_STATUS.name, validation_alias=_env("MIA_SENDER_STATUS_TOPIC")
    )
    inbound_topic: str = Field(
        default=MESSAGES_INBOUND.name, validation_alias=_env("MIA_SENDER_INBOUND_TOPIC")
    )
    channels_topic: str = Field(
        default=CHANNELS_STATE.name, validation_alias=_env("MIA_SENDER_CHANNELS_TOPIC")
    )
    alerts_topic: str = Field(
        default=CHANNELS_ALERTS.name, validation_alias=_env("MIA_SENDER_ALERTS_TOPIC")
    )
    contacts_topic: str = Field(
        default=CONTACTS_EVENTS.name,
        validation_alias=_env("MIA_SENDER_CONTACTS_TOPIC"),
        description="the crm's contact events: on contact.erased the send log forgets the person",
    )

    # --- providers ----------------------------------------------------------------------
    provider_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_PROVIDER_TIMEOUT_SECONDS"),
        description="one provider call; an answer that does not come in time is 'unknown'",
    )
    provider_max_connections: int = Field(
        default=200,
        ge=1,
        validation_alias=_env("MIA_SENDER_PROVIDER_MAX_CONNECTIONS"),
        description="pooled HTTP connections per provider client, for every account together",
    )
    twilio_url: str = Field(
        default="https://api.twilio.com",
        validation_alias=_env("MIA_SENDER_TWILIO_URL"),
        description="Twilio's REST API (a local fake in tests)",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8002",
        validation_alias=_env("MIA_SENDER_PUBLIC_URL"),
        description="where providers reach this service (Twilio status callback URLs)",
    )

    # --- message templates (the composer's picker) --------------------------------------
    templates_cache_seconds: float = Field(
        default=60.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_TEMPLATES_CACHE_SECONDS"),
        description="how long an account's template list is kept in Redis before Meta is asked",
    )
    templates_page_size: int = Field(
        default=100,
        ge=1,
        le=1000,
        validation_alias=_env("MIA_SENDER_TEMPLATES_PAGE_SIZE"),
        description="templates asked of the Graph API per page",
    )
    templates_max_pages: int = Field(
        default=20,
        ge=1,
        validation_alias=_env("MIA_SENDER_TEMPLATES_MAX_PAGES"),
        description="Graph pages followed at most for one list (the rest is left out, logged)",
    )
    templates_deadline_seconds: float = Field(
        default=8.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_TEMPLATES_DEADLINE_SECONDS"),
        description=(
            "the whole listing, every page; below the gateway's upstream timeout (10 s) so "
            "a slow Meta is answered as a clear 502, not the gateway's 504"
        ),
    )

    # --- accounts -----------------------------------------------------------------------
    default_throughput_per_second: int = Field(
        default=80,
        ge=1,
        le=1000,
        validation_alias=_env("MIA_SENDER_DEFAULT_THROUGHPUT_PER_SECOND"),
        description="Meta's default per-number throughput; an account may set its own",
    )
    default_messaging_tier: str = Field(
        default="250",
        validation_alias=_env("MIA_SENDER_DEFAULT_MESSAGING_TIER"),
        description="tier of a new number (Meta starts numbers at 250)",
    )
    tier_limits: dict[str, int | None] = Field(
        default_factory=dict,
        validation_alias=_env("MIA_SENDER_TIER_LIMITS"),
        description=(
            'JSON overriding what a tier allows, e.g. {"250": 5} in tests; '
            "unnamed tiers keep Meta's numbers"
        ),
    )
    daily_limit_near_ratio: float = Field(
        default=0.8,
        gt=0,
        le=1,
        validation_alias=_env("MIA_SENDER_DAILY_LIMIT_NEAR_RATIO"),
        description="share of the tier at which daily_limit_near is raised (once a day)",
    )

    # --- dispatch -----------------------------------------------------------------------
    pacing_headroom: float = Field(
        default=0.1,
        ge=0,
        lt=0.5,
        validation_alias=_env("MIA_SENDER_PACING_HEADROOM"),
        description=(
            "share of an account's throughput kept free so network jitter never bunches "
            "more than the limit into one second at the provider"
        ),
    )
    max_in_flight_per_account: int = Field(
        default=32,
        ge=1,
        validation_alias=_env("MIA_SENDER_MAX_IN_FLIGHT_PER_ACCOUNT"),
        description="provider calls one account may have open at once",
    )
    claim_horizon_seconds: float = Field(
        default=0.25,
        gt=0,
        le=2,
        validation_alias=_env("MIA_SENDER_CLAIM_HORIZON_SECONDS"),
        description=(
            "how much of an account's throughput is marked 'sending' per claim (the next "
            "claim is made when this much is left of the current one); what a crash strands "
            "in 'sending' waits for reconciliation, so keep it small"
        ),
    )
    poll_seconds: float = Field(
        default=0.25,
        gt=0,
        validation_alias=_env("MIA_SENDER_POLL_SECONDS"),
        description="how often an idle dispatcher or the scheduler looks for due sends",
    )
    dispatcher_idle_seconds: float = Field(
        default=10.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_DISPATCHER_IDLE_SECONDS"),
        description="a dispatcher with nothing to do for this long gives its account back",
    )
    lease_seconds: float = Field(
        default=15.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_LEASE_SECONDS"),
        description="an account's dispatch lease; a dead holder's is taken over after it",
    )
    retry_base_seconds: float = Field(
        default=2.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_RETRY_BASE_SECONDS"),
        description="first backoff of a transient failure (doubles, full jitter)",
    )
    retry_max_seconds: float = Field(
        default=300.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_RETRY_MAX_SECONDS"),
        description="longest backoff between two attempts",
    )
    max_attempts: int = Field(
        default=8,
        ge=1,
        validation_alias=_env("MIA_SENDER_MAX_ATTEMPTS"),
        description="provider calls per send before it fails with the last error",
    )
    pair_rate_per_second: float = Field(
        default=1 / 6,
        gt=0,
        validation_alias=_env("MIA_SENDER_PAIR_RATE_PER_SECOND"),
        description="Meta's pair rate: about one message every 6 s to the same customer",
    )
    pair_burst: int = Field(
        default=5,
        ge=1,
        validation_alias=_env("MIA_SENDER_PAIR_BURST"),
        description="messages one customer may get in a burst before pacing applies",
    )
    pair_retry_seconds: float = Field(
        default=30.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_PAIR_RETRY_SECONDS"),
        description="first delay of a recipient after Meta's 131056 (doubles per attempt)",
    )
    reconcile_window_seconds: float = Field(
        default=600.0,
        gt=0,
        validation_alias=_env("MIA_SENDER_RECONCILE_WINDOW_SECONDS"),
        description=(
            "how long an 'unknown' send waits for a status proving the provider accepted it "
            "before it is sent again"
        ),
    )
    database_pool_size: int = Field(
        default=24,
        ge=1,
        validation_alias=_env("MIA_SENDER_DATABASE_POOL_SIZE"),
        description=(
            "database connections kept open: each account being dispatched claims and "
            "records at once, and a connection opened past the pool is closed after one use "
            "(a new one costs a connect and the type introspection: a measured quarter of "
            "recording answers when the pool was 10)"
        ),
    )
    redis_prefix: str = Field(
        default="mia:sender",
        validation_alias=_env("MIA_SENDER_REDIS_PREFIX"),
        description="namespace of the sender's Redis keys",
    )

    @model_validator(mode="after")
    def _known_tiers(self) -> SenderSettings:
        unknown = {self.default_messaging_tier, *self.tier_limits} - set(MESSAGING_TIERS)
        if unknown:
            raise ValueError(f"unknown messaging tiers {sorted(unknown)}: {list(MESSAGING_TIERS)}")
        if self.retry_max_seconds < self.retry_base_seconds:
            raise ValueError("MIA_SENDER_RETRY_MAX_SECONDS must not be below the base")
        return self

    def tier_limit(self, tier: str) -> int | None:
        """Unique customers a tier allows per rolling 24 h (None: unlimited)."""
        if tier in self.tier_limits:
            return self.tier_limits[tier]
        return MESSAGING_TIERS[tier]


@lru_cache
def get_settings() -> SenderSettings:
    return SenderSettings()
