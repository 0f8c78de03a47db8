"""Platform settings read from the environment.

Every value has a default that works for the local run started by ``make up``; every
secret is a ``SecretStr`` so it never appears in logs or reprs. Values shared by all
services use the ``MIA_`` prefix (``MIA_KAFKA_BOOTSTRAP_SERVERS``); a service adds its
own settings class with its own prefix (``MIA_CRM_``) by subclassing ``ServiceSettings``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEV_ENCRYPTION_KEYS",
    "DEV_IDENTITY_SECRET",
    "Environment",
    "PlatformSettings",
    "ServiceSettings",
]

# Development-only secrets so a fresh clone runs with no configuration. Refused when
# MIA_ENVIRONMENT=production, so they can never protect real data by accident.
DEV_IDENTITY_SECRET = "dev-only-identity-secret-not-for-production-use!"  # noqa: S105
DEV_ENCRYPTION_KEYS = "dev1:ZGV2LW9ubHktMzItYnl0ZS1rZXktbm90LXNlY3JldCE="


class Environment(StrEnum):
    LOCAL = "local"
    TEST = "test"
    PRODUCTION = "production"


class PlatformSettings(BaseSettings):
    """Settings every service shares: where the infrastructure is and the platform secrets."""

    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore")

    environment: Environment = Field(
        default=Environment.LOCAL, description="local, test or production"
    )
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:19092", description="Kafka bootstrap servers, comma separated"
    )
    postgres_host: str = Field(default="127.0.0.1", description="PostgreSQL host")
    postgres_port: int = Field(default=15432, description="PostgreSQL port")
    postgres_user: str = Field(default="mia", description="PostgreSQL role of the services")
    postgres_password: SecretStr = Field(default=SecretStr("mia"), description="its password")
    redis_url: str = Field(default="redis://127.0.0.1:16379/0", description="Redis URL")
    identity_token_secret: SecretStr = Field(
        default=SecretStr(DEV_IDENTITY_SECRET),
        description="HMAC key the gateway signs forwarded identity tokens with (>= 32 bytes)",
    )
    encryption_keys: SecretStr = Field(
        default=SecretStr(DEV_ENCRYPTION_KEYS),
        description="key ring for secrets at rest: 'kid:base64-32-bytes' entries, comma separated",
    )
    encryption_active_key_id: str | None = Field(
        default=None, description="kid new secrets are sealed with; the last entry when unset"
    )
    log_level: str = Field(default="INFO", description="root log level")
    log_json: bool = Field(default=True, description="JSON logs (false: coloured console)")
    otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP traces endpoint; tracing export is off when unset"
    )
    meta_graph_url: str = Field(
        default="https://graph.facebook.com",
        description="Meta Graph API base URL (the local sandbox's in development)",
    )
    meta_graph_version: str = Field(default="v23.0", description="Graph API version in paths")

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> PlatformSettings:
        if self.environment is Environment.PRODUCTION:
            if self.identity_token_secret.get_secret_value() == DEV_IDENTITY_SECRET:
                raise ValueError("MIA_IDENTITY_TOKEN_SECRET must be set in production")
            if self.encryption_keys.get_secret_value() == DEV_ENCRYPTION_KEYS:
                raise ValueError("MIA_ENCRYPTION_KEYS must be set in production")
        if len(self.identity_token_secret.get_secret_value().encode()) < 32:
            raise ValueError("MIA_IDENTITY_TOKEN_SECRET must be at least 32 bytes")
        return self

    def database_url(self, database: str) -> str:
        """SQLAlchemy asyncpg URL of one service's own database."""
        password = self.postgres_password.get_secret_value()
        return (
            f"postgresql+asyncpg://{self.postgres_user}:{password}"
            f"@{self.postgres_host}:{self.postgres_port}/{database}"
        )


class ServiceSettings(PlatformSettings):
    """Base of a service's settings; a service sets its own ``env_prefix`` and defaults.

    The shared fields keep their ``MIA_`` names through ``PlatformSettings``; subclasses
    declare ``service_name``, ``http_port`` and ``database`` defaults of their own.
    """

    service_name: str = Field(default="service", description="name in logs, traces and metrics")
    http_port: int = Field(default=8000, description="port of the service's HTTP API")
    database: str = Field(default="mia", description="name of the service's own database")
    database_url_override: str | None = Field(
        default=None, description="full SQLAlchemy URL; built from the MIA_POSTGRES_* when unset"
    )

    @property
    def own_database_url(self) -> str:
        return self.database_url_override or self.database_url(self.database)
