"""Our services as real OS processes, so a test can kill one with SIGKILL mid-work.

Each runs ``uvicorn --factory <app>`` from the workspace venv with the environment the
test gives it; its output goes to ``.local/e2e-logs/<name>-<run>.log`` for post-mortems.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx

from mia_common.testing import wait_until

__all__ = ["ROOT", "ServiceProcess"]

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / ".local" / "e2e-logs"


class ServiceProcess:
    def __init__(self, name: str, app: str, port: int, env: dict[str, str], run_id: str) -> None:
        self.name = name
        self.app = app
        self.port = port
        self.env = env
        self.log_path = LOG_DIR / f"{name}-{run_id}.log"
        self._process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` of the process's log (its migrations' output first), for an
        assertion message."""
        if not self.log_path.exists():
            return f"(no log at {self.log_path})"
        with self.log_path.open("rb") as log:
            log.seek(max(0, self.log_path.stat().st_size - 16_384))
            tail = log.read().decode(errors="replace").splitlines()[-lines:]
        return f"--- last {len(tail)} lines of {self.log_path}:\n" + "\n".join(tail)

    async def start(self, ready_timeout: float = 60.0) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        try:
            self._process = await asyncio.create_subprocess_exec(
                str(ROOT / ".venv" / "bin" / "uvicorn"),
                "--factory",
                self.app,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                env={**os.environ, **self.env},
                cwd=str(ROOT),
                stdout=log,
                stderr=log,
            )
        finally:
            log.close()
        await self.wait_ready(ready_timeout)

    async def wait_ready(self, seconds: float) -> None:
        async with httpx.AsyncClient(timeout=2, trust_env=False) as client:

            async def ready() -> bool:
                if not self.running:
                    raise AssertionError(f"{self.name} exited; see {self.log_path}")
                try:
                    return (await client.get(f"{self.url}/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(
                ready,
                timeout=seconds,
                interval=0.2,
                message=f"{self.name} ready (see {self.log_path})",
            )

    async def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, as in a crash or an OOM kill."""
        if self._process is not None and self.running:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()

    async def stop(self, grace_seconds: float = 20.0) -> None:
        if self._process is None or not self.running:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self._process.wait(), grace_seconds)
        except TimeoutError:
            await self.kill()
