"""The messaging core as real processes on a Kafka broker of the test's own.

Meta sandbox, meta-ingest, sender and crm run as separate ``uvicorn`` processes (so one
can be killed mid-work), each on its own fresh database; the broker is a throw-away one
(so it can be restarted) with the registry's topics under their real names. PostgreSQL
and Redis are the local servers: databases are per run; in Redis the stacks use a
database index of their own and the sender a key prefix per run (message ids are unique).
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from mia_common.contracts.topics import TOPICS
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.messaging.admin import ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing import fresh_database, wait_until
from mia_common.testing.spare_kafka import SpareKafka, free_port
from support.processes import ROOT, ServiceProcess

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "Stack", "messaging_stack"]

E2E_REDIS_DB = 7
SERVICES = {
    # name: (uvicorn factory, database or None)
    "meta-sandbox": ("mia_meta_sandbox.main:create_app", None),
    "meta-ingest": ("mia_meta_ingest.main:create_app", "meta_ingest"),
    "sender": ("mia_sender.main:create_app", "sender"),
    "crm": ("mia_crm.main:create_app", "crm"),
    "gateway": ("mia_gateway.main:create_app", "gateway"),
    # Started only by the tests that name it (after the crm: it reads its audiences).
    "campaigns": ("mia_campaigns.main:create_app", "campaigns"),
}
# The API areas each service owns (their [tool.mia] areas), for the gateway's routes.
AREAS = {
    "meta-ingest": ("media",),
    "sender": ("channels",),
    "crm": (
        "inbox",
        "contacts",
        "tags",
        "custom-fields",
        "segments",
        "pipelines",
        "leads",
        "imports",
        "exports",
        "jobs",
        "duplicates",
        "crm",
    ),
    "campaigns": ("templates", "campaigns", "cadences"),
}
ADMIN_EMAIL = "owner@e2e.example.com"
ADMIN_PASSWORD = "e2e-Correct-horse-42"


@dataclass
class Stack:
    settings: PlatformSettings
    kafka: SpareKafka
    run_id: str
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.processes[name]

    def identity_headers(self, tenant_id: uuid.UUID, role: Role = Role.owner) -> dict[str, str]:
        """What the gateway adds to a forwarded request: a short-lived identity token."""
        token = issue_identity_token(
            Identity(tenant_id=tenant_id, user_id=uuid.uuid4(), role=role),
            secret=self.settings.identity_token_secret,
            ttl_seconds=3600,
        )
        return {IDENTITY_HEADER: token}


@asynccontextmanager
async def _database(settings: PlatformSettings, service: str, run_id: str) -> AsyncIterator[str]:
    name = f"e2e_{run_id}_{service.replace('-', '_')}"
    async with fresh_database(settings, name) as url:
        # A process per service: each service's models share one SQLAlchemy metadata class,
        # and two of them have a table of the same name.
        migrate = await asyncio.create_subprocess_exec(
            str(ROOT / ".venv" / "bin" / "alembic"),
            "-c",
            str(ROOT / "services" / service / "alembic.ini"),
            "upgrade",
            "head",
            cwd=str(ROOT / "services" / service),
            env={**os.environ, "MIA_DATABASE_URL_OVERRIDE": url},
        )
        assert await migrate.wait() == 0, f"migrations of {service} failed"
        yield url


@asynccontextmanager
async def messaging_stack(
    settings: PlatformSettings, services: tuple[str, ...], extra_env: dict[str, str] | None = None
) -> AsyncIterator[Stack]:
    """Start ``services`` (names of ``SERVICES``) in dependency order; stop them at the end."""
    run_id = uuid.uuid4().hex[:8]
    kafka = SpareKafka()
    stack = Stack(settings=settings, kafka=kafka, run_id=run_id)
    redis_url = settings.redis_url.rsplit("/", 1)[0] + f"/{E2E_REDIS_DB}"
    ports = {name: free_port() for name in services}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    common = {
        "MIA_KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap,
        "MIA_REDIS_URL": redis_url,
        "MIA_LOG_JSON": "true",
        "MIA_LOG_LEVEL": "INFO",
        "MIA_META_GRAPH_URL": urls.get("meta-sandbox", "http://127.0.0.1:9"),
        "MIA_SANDBOX_WEBHOOK_URL": f"{urls.get('meta-ingest', 'http://127.0.0.1:9')}/webhooks/meta",
        "MIA_SANDBOX_PUBLIC_URL": urls.get("meta-sandbox", ""),
        "MIA_SENDER_PUBLIC_URL": urls.get("sender", ""),
        # The crm asks the gateway whether an assignee is a user of the tenant.
        "MIA_CRM_GATEWAY_URL": urls.get("gateway", "http://127.0.0.1:9"),
        "MIA_CAMPAIGNS_CRM_URL": urls.get("crm", "http://127.0.0.1:9"),
        "MIA_CAMPAIGNS_SENDER_URL": urls.get("sender", "http://127.0.0.1:9"),
        # Stacks may run side by side (a benchmark beside a test run): keys of their own.
        "MIA_SENDER_REDIS_PREFIX": f"e2e:{run_id}:sender",
        "MIA_META_INGEST_MEDIA_DIR": str(ROOT / ".local" / "e2e-media" / run_id),
        "MIA_GATEWAY_ROUTES": json.dumps(
            {area: urls[name] for name, areas in AREAS.items() if name in urls for area in areas}
        ),
        "MIA_ADMIN_EMAIL": ADMIN_EMAIL,
        "MIA_ADMIN_PASSWORD": ADMIN_PASSWORD,
        **(extra_env or {}),
    }
    async with AsyncExitStack() as exit_stack:
        await kafka.start()
        exit_stack.push_async_callback(_remove_kafka, kafka)
        await ensure_topics(kafka.bootstrap, TOPICS)
        for name in services:
            app, database = SERVICES[name]
            env = dict(common)
            if database is not None:
                env["MIA_DATABASE_URL_OVERRIDE"] = await exit_stack.enter_async_context(
                    _database(settings, name, run_id)
                )
            process = ServiceProcess(name, app, ports[name], env, run_id)
            stack.processes[name] = process
            exit_stack.push_async_callback(process.stop)
            logged = process.log_path.stat().st_size if process.log_path.exists() else 0
            await process.start()
            await _listening(process, logged)
        yield stack


async def _listening(process: ServiceProcess, logged: int, seconds: float = 60.0) -> None:
    """Until the process says it listens on its port. Ports are picked when the stack starts
    and taken a minute later on a busy machine: another stack may have been given the same
    one meanwhile, and its /readyz answers 200 to ``start`` as if it were ours."""
    needle = f"Uvicorn running on http://127.0.0.1:{process.port}".encode()

    def said_so() -> bool:
        with process.log_path.open("rb") as log:
            log.seek(logged)
            if needle in log.read():
                return True
        if not process.running:
            raise AssertionError(
                f"{process.name} could not listen on port {process.port}, picked when the stack"
                f" started (taken by another process meanwhile?); see {process.log_path}"
            )
        return False

    await wait_until(
        said_so,
        timeout=seconds,
        interval=0.1,
        message=f"{process.name} saying it listens (see {process.log_path})",
    )


async def _remove_kafka(kafka: SpareKafka) -> None:
    await kafka.stop()
    kafka.remove()
