"""Gateway settings. Shared values keep their ``MIA_`` names; the gateway's own are
``MIA_GATEWAY_*`` (and ``MIA_ADMIN_*`` for the first-run account)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from mia_common.contracts.campaigns import CampaignRecipientsUpdated
from mia_common.contracts.topics import (
    CAMPAIGNS_EVENTS,
    CHANNELS_ALERTS,
    CONTACTS_EVENTS,
    INBOX_EVENTS,
    LEADS_EVENTS,
)
from mia_common.settings import Environment, ServiceSettings

__all__ = [
    "BROWSER_TOPICS",
    "DEV_JWT_SECRET",
    "NOT_FOR_BROWSERS",
    "GatewaySettings",
    "OAuthProviderSettings",
    "get_settings",
]

DEV_JWT_SECRET = "dev-only-gateway-jwt-secret-not-for-production!!"  # noqa: S105
# What the dashboard listens to live. Not the raw channel topics (inbound, statuses,
# outcomes): the dashboard refetches on inbox.events.v1, which the crm writes after it
# stored the change, and a gateway subscribed to the raw topics fetched and decoded every
# message of every tenant only to drop it. leads.events.v1: open boards refetch the columns
# another person's move touched. campaigns.events.v1: a campaign's page shows its progress
# (campaign.progress, about once a second while it sends) and status changes as they come.
BROWSER_TOPICS = (
    INBOX_EVENTS.name,
    CHANNELS_ALERTS.name,
    LEADS_EVENTS.name,
    CAMPAIGNS_EVENTS.name,
)
# Event types (the data's "type") of the live topics that no browser needs: the recipients'
# outcomes, up to 500 a record, are for downstream systems; the page reads progress
# snapshots instead. Dropped by their mia-event-type header, before decoding.
NOT_FOR_BROWSERS = frozenset(
    {CampaignRecipientsUpdated.model_fields["type"].default},
)


def _env(name: str) -> AliasChoices:
    # Accept the field name too, so tests can build settings with keyword arguments.
    return AliasChoices(name)


class OAuthProviderSettings:
    """One OAuth/OIDC provider's endpoints and client credentials."""

    def __init__(
        self,
        *,
        name: str,
        client_id: str,
        client_secret: str,
        discovery_url: str | None = None,
        authorize_url: str | None = None,
        token_url: str | None = None,
        userinfo_url: str | None = None,
        scope: str = "openid email profile",
        assume_email_verified: bool = False,
    ) -> None:
        self.name = name
        self.client_id = client_id
        self.client_secret = client_secret
        self.discovery_url = discovery_url
        self.authorize_url = authorize_url
        self.token_url = token_url
        self.userinfo_url = userinfo_url
        self.scope = scope
        self.assume_email_verified = assume_email_verified

    @property
    def is_oidc(self) -> bool:
        return self.discovery_url is not None


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    http_port: int = Field(default=8000, validation_alias=_env("MIA_GATEWAY_PORT"))
    database: str = "gateway"

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        validation_alias=_env("MIA_GATEWAY_PUBLIC_URL"),
        description="URL browsers reach the gateway at (OAuth redirects, invitation links)",
    )
    jwt_secret: SecretStr = Field(
        default=SecretStr(DEV_JWT_SECRET),
        validation_alias=_env("MIA_GATEWAY_JWT_SECRET"),
        description="HMAC key of the access tokens handed to browsers",
    )
    access_token_seconds: int = Field(
        default=900, validation_alias=_env("MIA_GATEWAY_ACCESS_TOKEN_SECONDS")
    )
    refresh_token_days: int = Field(
        default=30, validation_alias=_env("MIA_GATEWAY_REFRESH_TOKEN_DAYS")
    )
    invitation_hours: int = Field(default=72, validation_alias=_env("MIA_GATEWAY_INVITATION_HOURS"))
    cookie_secure: bool = Field(
        default=False,
        validation_alias=_env("MIA_GATEWAY_COOKIE_SECURE"),
        description="mark the refresh cookie Secure (true behind HTTPS)",
    )
    signup_enabled: bool = Field(
        default=False,
        validation_alias=_env("MIA_GATEWAY_SIGNUP_ENABLED"),
        description="let anyone create a new tenant and become its owner",
    )
    login_attempts_per_minute: int = Field(
        default=10,
        ge=0,
        validation_alias=_env("MIA_GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE"),
        description="password attempts per account a minute (an address gets 5 times as"
        " many); 0 disables the throttle",
    )
    # Request rate limits (``ratelimits``): token buckets refilled at the per-minute rate and
    # holding up to the burst. Every authenticated request takes a token of its tenant's
    # bucket (the dashboard's users share it); an API key's requests take one of the key's
    # own bucket first, so one integration uses at most its share of the tenant's.
    tenant_requests_per_minute: int = Field(
        default=1200,
        ge=0,
        validation_alias=_env("MIA_GATEWAY_TENANT_REQUESTS_PER_MINUTE"),
        description="requests a minute per tenant, sessions and API keys together; 0: no limit",
    )
    tenant_request_burst: int = Field(
        default=300,
        ge=1,
        validation_alias=_env("MIA_GATEWAY_TENANT_REQUEST_BURST"),
        description="requests a tenant may send at once after a quiet while",
    )
    api_key_requests_per_minute: int = Field(
        default=600,
        ge=0,
        validation_alias=_env("MIA_GATEWAY_API_KEY_REQUESTS_PER_MINUTE"),
        description="requests a minute per API key; 0: no limit of its own",
    )
    api_key_request_burst: int = Field(
        default=120,
        ge=1,
        validation_alias=_env("MIA_GATEWAY_API_KEY_REQUEST_BURST"),
        description="requests an API key may send at once after a quiet while",
    )
    dashboard_dir: Path = Field(
        # services/gateway/src/mia_gateway/config.py -> the repository's dashboard/dist
        default=Path(__file__).resolve().parents[4] / "dashboard" / "dist",
        validation_alias=_env("MIA_GATEWAY_DASHBOARD_DIR"),
        description="the dashboard's build, served at / when it exists (npm run build)",
    )
    routes: dict[str, str] = Field(
        default_factory=dict,
        validation_alias=_env("MIA_GATEWAY_ROUTES"),
        description='JSON: area -> internal base URL, e.g. {"crm": "http://127.0.0.1:8010"}',
    )
    upstream_timeout_seconds: float = Field(
        default=10.0, validation_alias=_env("MIA_GATEWAY_UPSTREAM_TIMEOUT_SECONDS")
    )
    openapi_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        validation_alias=_env("MIA_GATEWAY_OPENAPI_CACHE_SECONDS"),
        description="how long the public document keeps a service's OpenAPI document (or its"
        " absence, when the service did not answer) before asking again",
    )
    openapi_fetch_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        validation_alias=_env("MIA_GATEWAY_OPENAPI_FETCH_TIMEOUT_SECONDS"),
        description="how long the public document waits for a service's own document",
    )
    live_topics: list[str] = Field(
        default_factory=lambda: list(BROWSER_TOPICS),
        validation_alias=_env("MIA_GATEWAY_LIVE_TOPICS"),
        description="JSON list: the topics the live socket relays (a page that listens to"
        " another adds it here)",
    )
    contacts_topic: str = Field(
        default=CONTACTS_EVENTS.name,
        validation_alias=_env("MIA_GATEWAY_CONTACTS_TOPIC"),
        description="the crm's contact events: each contact.erased is recorded in the"
        " tenant's audit log",
    )
    live_queue_size: int = Field(default=1000, validation_alias=_env("MIA_GATEWAY_LIVE_QUEUE_SIZE"))
    live_resume_seconds: int = Field(
        default=120, validation_alias=_env("MIA_GATEWAY_LIVE_RESUME_SECONDS")
    )
    admin_email: str = Field(default="admin@example.com", validation_alias=_env("MIA_ADMIN_EMAIL"))
    admin_password: SecretStr = Field(
        default=SecretStr("change-me-please-42"), validation_alias=_env("MIA_ADMIN_PASSWORD")
    )
    demo_tenant_name: str = Field(default="Demo Company", validation_alias=_env("MIA_DEMO_TENANT"))
    google_client_id: str | None = Field(
        default=None, validation_alias=_env("MIA_GATEWAY_GOOGLE_CLIENT_ID")
    )
    google_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("MIA_GATEWAY_GOOGLE_CLIENT_SECRET")
    )
    google_discovery_url: str = Field(
        default="https://accounts.google.com/.well-known/openid-configuration",
        validation_alias=_env("MIA_GATEWAY_GOOGLE_DISCOVERY_URL"),
    )
    facebook_client_id: str | None = Field(
        default=None, validation_alias=_env("MIA_GATEWAY_FACEBOOK_CLIENT_ID")
    )
    facebook_client_secret: SecretStr | None = Field(
        default=None, validation_alias=_env("MIA_GATEWAY_FACEBOOK_CLIENT_SECRET")
    )
    facebook_discovery_url: str = Field(
        default="https://www.facebook.com/.well-known/openid-configuration/",
        validation_alias=_env("MIA_GATEWAY_FACEBOOK_DISCOVERY_URL"),
    )
    # Facebook's discovery document describes only its implicit "Limited Login" flow: the
    # authorization-code exchange and the profile live on the Graph API.
    facebook_token_url: str = Field(
        default="https://graph.facebook.com/v21.0/oauth/access_token",
        validation_alias=_env("MIA_GATEWAY_FACEBOOK_TOKEN_URL"),
    )
    facebook_userinfo_url: str = Field(
        default="https://graph.facebook.com/me?fields=id,name,email",
        validation_alias=_env("MIA_GATEWAY_FACEBOOK_USERINFO_URL"),
    )

    @model_validator(mode="after")
    def _refuse_dev_jwt_secret_in_production(self) -> GatewaySettings:
        if (
            self.environment is Environment.PRODUCTION
            and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        ):
            raise ValueError("MIA_GATEWAY_JWT_SECRET must be set in production")
        return self

    def oauth_providers(self) -> dict[str, OAuthProviderSettings]:
        """The providers that have client credentials configured."""
        providers: dict[str, OAuthProviderSettings] = {}
        if self.google_client_id and self.google_client_secret:
            providers["google"] = OAuthProviderSettings(
                name="google",
                client_id=self.google_client_id,
                client_secret=self.google_client_secret.get_secret_value(),
                discovery_url=self.google_discovery_url,
            )
        if self.facebook_client_id and self.facebook_client_secret:
            providers["facebook"] = OAuthProviderSettings(
                name="facebook",
                client_id=self.facebook_client_id,
                client_secret=self.facebook_client_secret.get_secret_value(),
                discovery_url=self.facebook_discovery_url,
                token_url=self.facebook_token_url,
                userinfo_url=self.facebook_userinfo_url,
                assume_email_verified=True,
            )
        return providers


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
