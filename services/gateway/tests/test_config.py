"""Gateway settings: providers appear when configured, secrets are refused in production."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from mia_gateway.config import GatewaySettings


def test_no_oauth_provider_without_client_credentials() -> None:
    assert GatewaySettings().oauth_providers() == {}


def test_facebook_uses_the_graph_api_for_code_exchange_and_profile() -> None:
    settings = GatewaySettings(
        facebook_client_id="app-id", facebook_client_secret=SecretStr("app-secret")
    )
    facebook = settings.oauth_providers()["facebook"]
    assert facebook.token_url is not None
    assert facebook.token_url.startswith("https://graph.facebook.com/")
    assert facebook.userinfo_url is not None
    assert "fields=id,name,email" in facebook.userinfo_url
    assert facebook.assume_email_verified, "Facebook returns only confirmed addresses"


def test_routes_come_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_GATEWAY_ROUTES", '{"crm": "http://crm:8010"}')
    assert GatewaySettings().routes == {"crm": "http://crm:8010"}


def test_production_refuses_the_development_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_ENVIRONMENT", "production")
    monkeypatch.setenv("MIA_IDENTITY_TOKEN_SECRET", "i" * 40)
    monkeypatch.setenv(
        "MIA_ENCRYPTION_KEYS", "k1:" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    )
    with pytest.raises(ValidationError, match="MIA_GATEWAY_JWT_SECRET"):
        GatewaySettings()
    monkeypatch.setenv("MIA_GATEWAY_JWT_SECRET", "j" * 48)
    assert GatewaySettings().environment == "production"


def test_the_live_socket_relays_only_what_browsers_listen_to_by_default() -> None:
    # Not the raw channel topics: the gateway would fetch and decode every inbound message,
    # status and outcome of every tenant only to drop it.
    assert GatewaySettings().live_topics == [
        "inbox.events.v1",
        "channels.alerts.v1",
        "leads.events.v1",
        "campaigns.events.v1",
    ]


def test_live_topics_come_from_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_GATEWAY_LIVE_TOPICS", '["inbox.events.v1", "leads.events.v1"]')
    assert GatewaySettings().live_topics == ["inbox.events.v1", "leads.events.v1"]
