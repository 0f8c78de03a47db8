"""Meta sandbox fixtures: one sandbox and one webhook receiver per session, reset per test."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.testing import SandboxHandle, running_sandbox

sys.path.insert(0, str(Path(__file__).parent))

from support.constants import ACCESS_TOKEN, GRAPH_VERSION
from support.receiver import WebhookReceiver, running_receiver


@pytest.fixture(scope="session")
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with running_receiver() as running:
        yield running


@pytest.fixture(scope="session")
def sandbox_settings(receiver: WebhookReceiver) -> SandboxSettings:
    return SandboxSettings(
        webhook_url=receiver.url,
        status_delays="0.05,0.1,0.15",
        webhook_first_backoff_seconds=0.1,
        verify_webhook_on_start=False,
        template_review_delay_seconds=0,
    )


@pytest.fixture(scope="session")
async def sandbox(sandbox_settings: SandboxSettings) -> AsyncIterator[SandboxHandle]:
    async with running_sandbox(sandbox_settings) as running:
        yield running


@pytest.fixture(autouse=True)
async def _clean_slate(sandbox: SandboxHandle, receiver: WebhookReceiver) -> None:
    await sandbox.client.reset()
    receiver.clear()


@pytest.fixture(scope="session")
async def graph(sandbox: SandboxHandle) -> AsyncIterator[httpx.AsyncClient]:
    """The Graph API as the default number's owner calls it."""
    async with httpx.AsyncClient(
        base_url=f"{sandbox.url}/{GRAPH_VERSION}",
        headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
    ) as http:
        yield http
