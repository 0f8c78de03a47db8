"""For other packages' tests: the fake on a free port inside the test's event loop.

```python
async with running_fake_openai() as fake:
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key="sk-test-1", max_retries=0)
    await fake.control.script("sk-test-1", {"content": "Olá!"})
    ...
    sent = await fake.control.requests("sk-test-1")
```

The server is uvicorn's ``Server.serve`` as a task, on a socket bound before it starts,
so the port is known without a race.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from mia_fake_openai.client import FakeOpenAIControl
from mia_fake_openai.config import FakeOpenAISettings
from mia_fake_openai.context import FakeOpenAI
from mia_fake_openai.main import create_app

__all__ = ["FakeOpenAIControl", "FakeOpenAIHandle", "running_fake_openai"]

STARTUP_SECONDS = 10.0
SHUTDOWN_SECONDS = 10.0


@dataclass
class FakeOpenAIHandle:
    url: str
    app: FastAPI
    control: FakeOpenAIControl

    @property
    def base_url(self) -> str:
        """What an OpenAI client takes as ``base_url``."""
        return f"{self.url}/v1"

    @property
    def fake(self) -> FakeOpenAI:
        state: FakeOpenAI = self.app.state.fake
        return state


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The hosting process keeps its own signal handling: Ctrl+C still stops pytest.
        yield


@contextlib.asynccontextmanager
async def running_fake_openai(
    settings: FakeOpenAISettings | None = None,
) -> AsyncIterator[FakeOpenAIHandle]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    app = create_app(settings or FakeOpenAISettings(), own_logging=False)
    server = _EmbeddedServer(
        uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", log_level="warning")
    )
    serving = asyncio.get_running_loop().create_task(server.serve(sockets=[listener]))
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if serving.done():
                raise RuntimeError("the fake OpenAI server stopped during start-up") from (
                    None if serving.cancelled() else serving.exception()
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the fake OpenAI server did not start within {STARTUP_SECONDS}s"
                )
            await asyncio.sleep(0.01)
        async with FakeOpenAIControl(url) as control:
            yield FakeOpenAIHandle(url=url, app=app, control=control)
    finally:
        server.should_exit = True
        if not serving.done():
            try:
                await asyncio.wait_for(asyncio.shield(serving), SHUTDOWN_SECONDS)
            except TimeoutError:
                server.force_exit = True
                await serving
        listener.close()
