"""Sandbox settings: its own values are ``MIA_SANDBOX_*``; logging keeps the shared ``MIA_``.

The defaults are the local run's: one registered number whose webhooks go to meta-ingest
on 127.0.0.1:8001, signed with a development app secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from mia_common.settings import ServiceSettings

__all__ = ["SandboxSettings", "StatusDelays", "get_settings"]


def _own(name: str) -> AliasChoices:
    return AliasChoices(f"MIA_SANDBOX_{name}")


@dataclass(frozen=True, slots=True)
class StatusDelays:
    """Seconds after the accepted send at which each status is posted; None: never."""

    sent: float | None
    delivered: float | None
    read: float | None


def _parse_delays(raw: str) -> StatusDelays:
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) > 3:
        raise ValueError("at most three delays: sent, delivered, read")
    parts += [""] * (3 - len(parts))
    values: list[float | None] = []
    for part in parts:
        if not part:
            values.append(None)
            continue
        value = float(part)
        if value < 0:
            raise ValueError("delays are seconds after the send, never negative")
        values.append(value)
    return StatusDelays(sent=values[0], delivered=values[1], read=values[2])


class SandboxSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "meta-sandbox"
    http_port: int = Field(default=8090, validation_alias=_own("PORT"))
    phone_number_id: str = Field(
        default="100000000000001",
        validation_alias=_own("PHONE_NUMBER_ID"),
        description="the number registered at start",
    )
    display_phone_number: str = Field(
        default="+15550001111", validation_alias=_own("DISPLAY_PHONE_NUMBER")
    )
    waba_id: str = Field(
        default="200000000000001",
        validation_alias=_own("WABA_ID"),
        description="WhatsApp Business Account id of the default number (entry[].id)",
    )
    app_secret: SecretStr = Field(
        default=SecretStr("sandbox-app-secret"),
        validation_alias=_own("APP_SECRET"),
        description="signs the default number's webhooks (X-Hub-Signature-256)",
    )
    access_token: SecretStr = Field(
        default=SecretStr("sandbox-access-token"),
        validation_alias=_own("ACCESS_TOKEN"),
        description="the Bearer token the default number's Graph calls must carry",
    )
    verify_token: SecretStr = Field(
        default=SecretStr("dev-only-meta-verify-token"),
        validation_alias=_own("VERIFY_TOKEN"),
        description="sent in the start-up verification handshake (meta-ingest's dev default)",
    )
    verify_webhook_on_start: bool = Field(
        default=True,
        validation_alias=_own("VERIFY_WEBHOOK_ON_START"),
        description="perform Meta's GET handshake against WEBHOOK_URL at start (logged only)",
    )
    webhook_url: str = Field(
        default="http://127.0.0.1:8001/webhooks/meta",
        validation_alias=_own("WEBHOOK_URL"),
        description="where webhooks go for numbers registered without their own URL",
    )
    status_delays: str = Field(
        default="0.3,0.8,1.5",
        validation_alias=_own("STATUS_DELAYS"),
        description="seconds after a send for sent, delivered, read; an empty value skips one",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8090",
        validation_alias=_own("PUBLIC_URL"),
        description="base of the media download URLs the sandbox hands out",
    )
    webhook_retry_seconds: float = Field(
        default=600.0,
        validation_alias=_own("WEBHOOK_RETRY_SECONDS"),
        description="how long a refused webhook keeps being retried before it is given up",
    )
    webhook_first_backoff_seconds: float = Field(
        default=0.5, validation_alias=_own("WEBHOOK_FIRST_BACKOFF_SECONDS")
    )
    webhook_max_backoff_seconds: float = Field(
        default=30.0, validation_alias=_own("WEBHOOK_MAX_BACKOFF_SECONDS")
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        validation_alias=_own("WEBHOOK_TIMEOUT_SECONDS"),
        description="one webhook attempt's deadline; a slower receiver counts as a failure",
    )
    webhook_connections: int = Field(
        default=32,
        ge=1,
        validation_alias=_own("WEBHOOK_CONNECTIONS"),
        description="webhook POSTs in flight at once (one shared HTTP client)",
    )
    webhook_history: int = Field(
        default=50_000,
        validation_alias=_own("WEBHOOK_HISTORY"),
        description="how many deliveries GET /sandbox/webhooks remembers (oldest dropped)",
    )
    template_review_delay_seconds: float = Field(
        default=1.0,
        ge=0,
        validation_alias=_own("TEMPLATE_REVIEW_DELAY_SECONDS"),
        description="seconds from a template submission to its review decision (tests: 0)",
    )
    template_reject_words: str = Field(
        default="grátis garantido,100% free",
        validation_alias=_own("TEMPLATE_REJECT_WORDS"),
        description="comma-separated phrases that get a submitted template REJECTED",
    )
    template_shortener_domains: str = Field(
        default="bit.ly,tinyurl.com,goo.gl,t.co,is.gd,cutt.ly,ow.ly,rebrand.ly",
        validation_alias=_own("TEMPLATE_SHORTENER_DOMAINS"),
        description="URL shortener domains that get a submitted template REJECTED",
    )
    max_media_bytes: int = Field(
        default=64 * 1024 * 1024,
        validation_alias=_own("MAX_MEDIA_BYTES"),
        description="largest upload accepted (Meta's own limits go to 100 MB)",
    )

    @field_validator("status_delays")
    @classmethod
    def _delays_parse(cls, value: str) -> str:
        _parse_delays(value)
        return value

    @property
    def delays(self) -> StatusDelays:
        return _parse_delays(self.status_delays)

    @property
    def template_rules(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The review's reject words and shortener domains, as lists."""

        def split(raw: str) -> tuple[str, ...]:
            return tuple(part.strip() for part in raw.split(",") if part.strip())

        return split(self.template_reject_words), split(self.template_shortener_domains)


@lru_cache
def get_settings() -> SandboxSettings:
    return SandboxSettings()
