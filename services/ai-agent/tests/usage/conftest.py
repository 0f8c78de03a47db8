"""Fixtures of the usage tests."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings
from mia_fake_openai.testing import FakeOpenAIHandle
from support.models import ModelWorld


@pytest.fixture
def world(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> ModelWorld:
    return ModelWorld(app=ai_app, client=client, settings=ai_settings, fake=fake_openai)
