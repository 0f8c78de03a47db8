"""For other packages' tests: the sandbox on a free port, and a typed control API client.

```python
async with running_sandbox(SandboxSettings(webhook_url=receiver_url)) as sandbox:
    ...  # point the code under test at sandbox.url (the Graph API base URL)
    wamids = [m.wamid for m in await sandbox.client.sent(phone_number_id="100000000000001")]
    await sandbox.client.wait_for_statuses(wamids[0])
```

The server runs inside the caller's event loop (uvicorn's ``Server.serve`` as a task) on
a socket bound before the app is built, so the port is known without a race and the
media URLs the sandbox hands out point at it.
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

from mia_meta_sandbox.client import SandboxClient
from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.context import Sandbox
from mia_meta_sandbox.main import create_app

__all__ = [
    "SandboxClient",
    "SandboxHandle",
    "free_listener",
    "running_sandbox",
    "serve_app",
]

STARTUP_SECONDS = 10.0
SHUTDOWN_SECONDS = 10.0


@dataclass
class SandboxHandle:
    """A running sandbox: ``url`` is both the Graph API base URL and the control API's."""

    url: str
    settings: SandboxSettings
    app: FastAPI
    client: SandboxClient

    @property
    def sandbox(self) -> Sandbox:
        """The in-process state, for assertions the control API does not expose."""
        state: Sandbox = self.app.state.sandbox
        return state


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The hosting process keeps its own signal handling: Ctrl+C still stops pytest.
        yield


def free_listener() -> tuple[socket.socket, str]:
    """A socket bound to a free 127.0.0.1 port, and the base URL it will serve."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


@contextlib.asynccontextmanager
async def serve_app(app: FastAPI, listener: socket.socket) -> AsyncIterator[None]:
    """Serve ``app`` on ``listener`` inside this event loop until the block ends.

    Also handy for a test's own fakes (a webhook receiver): build the app knowing its URL
    from ``free_listener()``, then serve it.
    """
    server = _EmbeddedServer(
        uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", log_level="warning")
    )

    async def serve() -> None:
        try:
            await server.serve(sockets=[listener])
        except SystemExit as exc:
            # uvicorn exits the process when the lifespan fails; a SystemExit escaping a
            # task would end the hosting test session, so it becomes an ordinary error.
            raise RuntimeError(f"the server exited ({exc.code}) during start-up") from None

    serving = asyncio.get_running_loop().create_task(serve())
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if serving.done():
                cause = None if serving.cancelled() else serving.exception()
                raise RuntimeError("the server stopped during start-up") from cause
            if time.monotonic() > deadline:
                raise TimeoutError(f"the server did not start within {STARTUP_SECONDS}s")
            await asyncio.sleep(0.01)
        yield
    finally:
        server.should_exit = True
        if not serving.done():
            try:
                await asyncio.wait_for(asyncio.shield(serving), SHUTDOWN_SECONDS)
            except TimeoutError:
                server.force_exit = True
                await serving
        listener.close()


@contextlib.asynccontextmanager
async def running_sandbox(settings: SandboxSettings | None = None) -> AsyncIterator[SandboxHandle]:
    """Start the sandbox on a free 127.0.0.1 port in this event loop; stop it on exit.

    Without ``settings`` it uses the defaults with the start-up handshake off (tests
    rarely run a receiver at the default URL). ``public_url`` and ``http_port`` are always
    set to where the server really listens.
    """
    listener, url = free_listener()
    chosen = settings or SandboxSettings(verify_webhook_on_start=False)
    chosen = chosen.model_copy(update={"public_url": url, "http_port": int(url.rsplit(":", 1)[1])})
    app = create_app(chosen)
    async with serve_app(app, listener), SandboxClient(url) as client:
        yield SandboxHandle(url=url, settings=chosen, app=app, client=client)
