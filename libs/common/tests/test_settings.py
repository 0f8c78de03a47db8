"""Settings come from the environment, have local defaults, and keep secrets secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mia_common.settings import PlatformSettings, ServiceSettings


def test_defaults_point_at_the_local_run_away_from_standard_ports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("MIA_KAFKA_BOOTSTRAP_SERVERS", "MIA_POSTGRES_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = PlatformSettings()
    assert settings.kafka_bootstrap_servers.endswith(":19092")
    assert settings.postgres_port == 15432


def test_environment_overrides_and_secrets_stay_out_of_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MIA_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("MIA_POSTGRES_PASSWORD", "hunter2-very-secret")
    settings = ServiceSettings(database="crm")
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert "hunter2" not in repr(settings)
    assert settings.own_database_url.endswith("/crm")


def test_production_refuses_the_development_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIA_ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="MIA_IDENTITY_TOKEN_SECRET"):
        PlatformSettings()
    monkeypatch.setenv("MIA_IDENTITY_TOKEN_SECRET", "x" * 40)
    with pytest.raises(ValidationError, match="MIA_ENCRYPTION_KEYS"):
        PlatformSettings()
