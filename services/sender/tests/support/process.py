"""The sender as its own process (``uvicorn --factory mia_sender.main:create_app``) on a
database and topics of its own, for tests that stop it with SIGTERM or SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from mia_common.contracts.topics import Topic
from mia_common.db.migrations import upgrade
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until

SERVICE_DIR = Path(__file__).resolve().parents[2]
UVICORN = Path(sys.executable).parent / "uvicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Deployment:
    """A database, topics and settings; ``start`` runs a sender process on them."""

    platform: PlatformSettings
    graph_url: str
    database: str = field(default_factory=lambda: f"test_proc_{uuid.uuid4().hex[:12]}")
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.platform.database_url(self.database)

    @property
    def topics(self) -> dict[str, str]:
        names = ("send", "outcome", "status", "inbound", "channels", "alerts")
        return {name: f"test.{self.run}.proc.{name}" for name in names}

    def environment(self, port: int) -> dict[str, str]:
        topics = self.topics
        return {
            **os.environ,
            "MIA_DATABASE_URL_OVERRIDE": self.database_url,
            "MIA_META_GRAPH_URL": self.graph_url,
            "MIA_LOG_LEVEL": "WARNING",
            "MIA_SENDER_PORT": str(port),
            "MIA_SENDER_REDIS_PREFIX": f"test:proc:{self.run}",
            "MIA_SENDER_SEND_TOPIC": topics["send"],
            "MIA_SENDER_OUTCOME_TOPIC": topics["outcome"],
            "MIA_SENDER_STATUS_TOPIC": topics["status"],
            "MIA_SENDER_INBOUND_TOPIC": topics["inbound"],
            "MIA_SENDER_CHANNELS_TOPIC": topics["channels"],
            "MIA_SENDER_ALERTS_TOPIC": topics["alerts"],
            # A killed holder's lease runs out quickly, and an unknown send waits briefly,
            # but longer than a restarted process takes to get its status partitions back:
            # the killed member holds them until its Kafka session times out (10 s), and a
            # send whose answer the kill lost is settled by its status, not sent again.
            "MIA_SENDER_LEASE_SECONDS": "2",
            "MIA_SENDER_RECONCILE_WINDOW_SECONDS": "15",
            "MIA_SENDER_POLL_SECONDS": "0.1",
            # The sandbox runs in the tests' event loop and timestamps arrivals with its
            # stalls; see conftest.py.
            "MIA_SENDER_PACING_HEADROOM": "0.2",
        }

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        # Popen returns at once; the caller waits for readiness without blocking the loop.
        return subprocess.Popen(
            [
                str(UVICORN),
                "--factory",
                "mia_sender.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=self.environment(port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def start(self) -> str:
        """A sender process; its base URL once it is ready."""
        port = free_port()
        process = self._spawn(port)
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"

        async def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the sender exited with {process.returncode}")
            try:
                async with httpx.AsyncClient() as http:
                    return (await http.get(f"{url}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False

        await wait_until(ready, timeout=60, interval=0.2, message="the sender process ready")
        return url

    def signal(self, sig: signal.Signals) -> subprocess.Popen[bytes]:
        process = self.processes[-1]
        process.send_signal(sig)
        return process


@contextlib.asynccontextmanager
async def deployment(platform: PlatformSettings, graph_url: str) -> AsyncIterator[Deployment]:
    made = Deployment(platform=platform, graph_url=graph_url)
    admin = await _admin(platform)
    try:
        await admin.execute(f'CREATE DATABASE "{made.database}"')
    finally:
        await admin.close()
    await asyncio.to_thread(upgrade, SERVICE_DIR / "migrations", made.database_url)
    topics = [
        Topic(name, 3, key="x", compacted=role == "channels") for role, name in made.topics.items()
    ]
    await ensure_topics(platform.kafka_bootstrap_servers, topics)
    try:
        yield made
    finally:
        for process in made.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        await delete_topics(
            platform.kafka_bootstrap_servers,
            [name for topic in topics for name in (topic.name, topic.dead_letter)],
        )
        admin = await _admin(platform)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{made.database}" WITH (FORCE)')
        finally:
            await admin.close()


async def _admin(platform: PlatformSettings) -> asyncpg.Connection:
    return await asyncpg.connect(
        host=platform.postgres_host,
        port=platform.postgres_port,
        user=platform.postgres_user,
        password=platform.postgres_password.get_secret_value(),
        database="postgres",
    )
