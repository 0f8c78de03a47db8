"""Fixtures of the knowledge tests."""

from __future__ import annotations

import httpx
import pytest

from mia_ai_agent.config import AiAgentSettings
from support.knowledge import KnowledgeWorld


@pytest.fixture
def world(client: httpx.AsyncClient, ai_settings: AiAgentSettings) -> KnowledgeWorld:
    return KnowledgeWorld(client=client, settings=ai_settings)
