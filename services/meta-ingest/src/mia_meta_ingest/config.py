"""meta-ingest settings: shared values keep their ``MIA_`` names, its own are
``MIA_META_INGEST_*``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from mia_common.contracts.topics import (
    CHANNELS_STATE,
    CONTACTS_EVENTS,
    MESSAGES_INBOUND,
    MESSAGES_STATUS,
    TEMPLATES_EVENTS,
)
from mia_common.settings import ServiceSettings

__all__ = ["MetaIngestSettings", "get_settings"]


class MetaIngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "meta-ingest"
    http_port: int = Field(default=8001, validation_alias=AliasChoices("MIA_META_INGEST_PORT"))
    database: str = "meta_ingest"
    verify_token: SecretStr = Field(
        default=SecretStr("dev-only-meta-verify-token"),
        validation_alias=AliasChoices("MIA_META_INGEST_VERIFY_TOKEN"),
        description="the token Meta sends back in the webhook verification handshake",
    )
    app_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("MIA_META_INGEST_APP_SECRET"),
        description=(
            "the platform's own Meta app secret, when it has a Meta app: a delivery it signs "
            "for a number no account has is answered 200 and dead-lettered, not refused"
        ),
    )
    unknown_account_scan_bytes: int = Field(
        default=8 * 1024 * 1024,
        validation_alias=AliasChoices("MIA_META_INGEST_UNKNOWN_ACCOUNT_SCAN_BYTES"),
        description=(
            "a delivery naming no account we know is checked against every app secret we "
            "know, hashing at most this many bytes (body size x secrets): a flood of forged "
            "deliveries costs bounded CPU"
        ),
    )
    max_body_bytes: int = Field(
        default=4 * 1024 * 1024,
        validation_alias=AliasChoices("MIA_META_INGEST_MAX_BODY_BYTES"),
        description="Meta sends up to 3 MB per delivery",
    )
    dedupe_hours: int = Field(
        default=7 * 24,
        validation_alias=AliasChoices("MIA_META_INGEST_DEDUPE_HOURS"),
        description="how long a Meta id is remembered (Meta retries for up to 7 days)",
    )
    inbound_topic: str = Field(
        default=MESSAGES_INBOUND.name,
        validation_alias=AliasChoices("MIA_META_INGEST_INBOUND_TOPIC"),
    )
    status_topic: str = Field(
        default=MESSAGES_STATUS.name, validation_alias=AliasChoices("MIA_META_INGEST_STATUS_TOPIC")
    )
    templates_topic: str = Field(
        default=TEMPLATES_EVENTS.name,
        validation_alias=AliasChoices("MIA_META_INGEST_TEMPLATES_TOPIC"),
    )
    channels_topic: str = Field(
        default=CHANNELS_STATE.name, validation_alias=AliasChoices("MIA_META_INGEST_CHANNELS_TOPIC")
    )
    contacts_topic: str = Field(
        default=CONTACTS_EVENTS.name,
        validation_alias=AliasChoices("MIA_META_INGEST_CONTACTS_TOPIC"),
        description="the crm's contact events: on contact.erased the person's media is deleted",
    )
    media_storage: Literal["filesystem", "s3"] = Field(
        default="filesystem",
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_STORAGE"),
        description="where inbound media is kept: a local directory or an S3-compatible bucket",
    )
    media_dir: Path = Field(
        default=Path(".local/media"),
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_DIR"),
        description="the directory of the filesystem storage",
    )
    media_s3_bucket: str = Field(
        default="mia-media", validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_S3_BUCKET")
    )
    media_s3_endpoint_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_S3_ENDPOINT_URL"),
        description="an S3-compatible endpoint (MinIO, R2...); unset: AWS itself",
    )
    media_s3_region: str = Field(
        default="us-east-1", validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_S3_REGION")
    )
    media_s3_access_key_id: str | None = Field(
        default=None, validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_S3_ACCESS_KEY_ID")
    )
    media_s3_secret_access_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_S3_SECRET_ACCESS_KEY")
    )
    media_max_bytes: int = Field(
        default=100 * 1024 * 1024,
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_MAX_BYTES"),
        description="WhatsApp documents go up to 100 MB; larger downloads are refused",
    )
    media_graph_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_GRAPH_TIMEOUT_SECONDS"),
        description="how long a media download may wait on the Graph API for an answer",
    )
    media_url_prefix: str = Field(
        default="/api/v1/media",
        validation_alias=AliasChoices("MIA_META_INGEST_MEDIA_URL_PREFIX"),
        description="our media URLs (through the gateway, which routes the media area here)",
    )


@lru_cache
def get_settings() -> MetaIngestSettings:
    return MetaIngestSettings()
