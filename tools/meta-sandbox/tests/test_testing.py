"""The helpers other packages' tests use: running_sandbox, serve_app, SandboxClient."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from mia_meta_sandbox.testing import SandboxHandle, free_listener, running_sandbox, serve_app


async def test_running_sandbox_with_defaults_serves_the_default_number() -> None:
    async with running_sandbox() as sandbox:
        assert sandbox.settings.public_url == sandbox.url
        [number] = await sandbox.client.numbers()
        async with httpx.AsyncClient(base_url=sandbox.url) as http:
            ready = await http.get("/readyz")

    assert number.phone_number_id == "100000000000001"
    assert ready.status_code == 200


async def test_a_server_whose_start_up_fails_raises_instead_of_exiting() -> None:
    @asynccontextmanager
    async def failing(_: FastAPI) -> AsyncIterator[None]:
        raise ValueError("cannot start")
        yield  # pragma: no cover

    listener, _ = free_listener()
    with pytest.raises(RuntimeError, match="start-up"):
        async with serve_app(FastAPI(lifespan=failing), listener):
            pass


async def test_wait_for_fails_at_its_deadline(sandbox: SandboxHandle) -> None:
    with pytest.raises(AssertionError, match=r"never true not met within 0\.1s"):
        await sandbox.client.wait_for(lambda: False, timeout=0.1, message="never true")
