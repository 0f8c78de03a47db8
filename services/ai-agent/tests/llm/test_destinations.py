"""A tenant's model endpoint is no way into our network where the platform forbids it."""

from __future__ import annotations

import pytest

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.llm.destinations import check_destination
from mia_ai_agent.llm.errors import ModelUrlRefused
from mia_common.settings import Environment


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8003/v1", "http://10.0.0.5/v1", "http://[::1]:11434/v1"]
)
async def test_private_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(ModelUrlRefused, match="not a public address"):
        await check_destination(url, allow_private_networks=False)

    await check_destination(url, allow_private_networks=True)


def test_private_networks_are_allowed_by_default_outside_production_only(
    ai_settings: AiAgentSettings,
) -> None:
    production = ai_settings.model_copy(update={"environment": Environment.PRODUCTION})
    self_hosted = production.model_copy(update={"model_private_networks": True})

    assert ai_settings.model_private_networks_allowed is True
    assert production.model_private_networks_allowed is False
    assert self_hosted.model_private_networks_allowed is True
