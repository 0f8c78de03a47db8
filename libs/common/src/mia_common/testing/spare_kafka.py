"""A throw-away Kafka broker of a test's own, so stopping or restarting it disturbs no
other test. Started by the project's own ``deploy/local/kafka.sh`` on free ports."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from pathlib import Path

__all__ = ["SpareKafka", "free_port"]

_REPO_ROOT = Path(__file__).resolve().parents[5]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SpareKafka:
    def __init__(self, repo_root: Path = _REPO_ROOT) -> None:
        self._script = repo_root / "deploy" / "local" / "kafka.sh"
        self.home = repo_root / ".local" / f"test-kafka-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.env = {
            **os.environ,
            "MIA_KAFKA_HOME": str(self.home),
            "MIA_KAFKA_PORT": str(self.port),
            "MIA_KAFKA_CONTROLLER_PORT": str(free_port()),
        }

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def _run(self, action: str) -> None:
        process = await asyncio.create_subprocess_exec(
            "bash", str(self._script), action, env=self.env
        )
        assert await asyncio.wait_for(process.wait(), 120) == 0, f"kafka.sh {action} failed"

    async def start(self) -> None:
        await self._run("start")

    async def stop(self) -> None:
        await self._run("stop")

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
