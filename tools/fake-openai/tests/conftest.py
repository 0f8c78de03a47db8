"""Fake OpenAI fixtures: one server per session; each test an API key of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import openai
import pytest

from mia_fake_openai.testing import FakeOpenAIHandle, running_fake_openai


@pytest.fixture(scope="session")
async def fake() -> AsyncIterator[FakeOpenAIHandle]:
    async with running_fake_openai() as running:
        yield running


@pytest.fixture
def api_key() -> str:
    return f"sk-test-{uuid.uuid4().hex}"


@pytest.fixture
async def sdk(fake: FakeOpenAIHandle, api_key: str) -> AsyncIterator[openai.AsyncOpenAI]:
    """The real SDK as the ai-agent builds it: no retries of its own."""
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key=api_key, max_retries=0, timeout=10)
    yield client
    await client.close()
