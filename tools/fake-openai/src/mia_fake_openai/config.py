"""Fake OpenAI settings: its own values are ``MIA_FAKE_OPENAI_*``; logging keeps ``MIA_``."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from mia_common.settings import ServiceSettings

__all__ = ["FakeOpenAISettings", "get_settings"]


def _own(name: str) -> AliasChoices:
    return AliasChoices(f"MIA_FAKE_OPENAI_{name}")


class FakeOpenAISettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MIA_", extra="ignore", populate_by_name=True)

    service_name: str = "fake-openai"
    http_port: int = Field(default=8091, validation_alias=_own("PORT"))
    extra_models: str = Field(
        default="",
        validation_alias=_own("EXTRA_MODELS"),
        description="comma-separated chat model names served beside OpenAI's own"
        " (to stand in for an Ollama or vLLM model name)",
    )
    history_per_key: int = Field(
        default=500,
        ge=1,
        validation_alias=_own("HISTORY_PER_KEY"),
        description="how many requests GET /_fake/requests remembers per API key",
    )
    max_keys: int = Field(
        default=10_000,
        ge=1,
        validation_alias=_own("MAX_KEYS"),
        description="API keys remembered at once (scripts and requests); the oldest go first",
    )

    @property
    def extra_model_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in self.extra_models.split(",") if name.strip())


@lru_cache
def get_settings() -> FakeOpenAISettings:
    return FakeOpenAISettings()
