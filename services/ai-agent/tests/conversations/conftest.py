"""Fixtures of the bot's tests."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings
from mia_fake_openai.testing import FakeOpenAIHandle
from support.bots import BotWorld


@pytest.fixture
def world(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> BotWorld:
    return BotWorld(app=ai_app, client=client, settings=ai_settings, fake=fake_openai)
