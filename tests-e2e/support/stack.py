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
from collections.abc import AsyncIterator, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from mia_common.contracts.topics import TOPICS
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.messaging.admin import ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing import fresh_database, wait_until
from mia_common.testing.spare_kafka import SpareKafka, free_port
from support.processes import LOG_DIR, ROOT, ServiceProcess

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
    # Started only by the tests that name it: the AI personas (after the crm, whose inbox
    # events it follows).
    "ai-agent": ("mia_ai_agent.main:create_app", "ai_agent"),
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
    "ai-agent": ("ai",),
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


# Who must be ready before a service starts (when both are in the stack); the others start
# side by side.
STARTS_AFTER = {"campaigns": ("crm",), "ai-agent": ("crm",)}


@asynccontextmanager
async def _database(
    settings: PlatformSettings, process: ServiceProcess, run_id: str
) -> AsyncIterator[str]:
    service = process.name
    name = f"e2e_{run_id}_{service.replace('-', '_')}"
    async with fresh_database(settings, name) as url:
        # A process per service: each service's models share one SQLAlchemy metadata class,
        # and two of them have a table of the same name. Its output goes to the service's
        # log, whose tail a failure shows.
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with process.log_path.open("ab") as log:
            migrate = await asyncio.create_subprocess_exec(
                str(ROOT / ".venv" / "bin" / "alembic"),
                "-c",
                str(ROOT / "services" / service / "alembic.ini"),
                "upgrade",
                "head",
                cwd=str(ROOT / "services" / service),
                env={**os.environ, "MIA_DATABASE_URL_OVERRIDE": url},
                stdout=log,
                stderr=log,
            )
        try:
            if await migrate.wait() != 0:
                raise AssertionError(f"migrations of {service} failed")
        except asyncio.CancelledError:  # another service failed: no orphan left behind
            if migrate.returncode is None:
                migrate.kill()
            await migrate.wait()
            raise
        yield url


@asynccontextmanager
async def messaging_stack(
    settings: PlatformSettings, services: tuple[str, ...], extra_env: dict[str, str] | None = None
) -> AsyncIterator[Stack]:
    """Start ``services`` (names of ``SERVICES``); stop them at the end.

    Kafka and the services start side by side: each service's database is created and
    migrated at once, its process started once Kafka (and those of ``STARTS_AFTER``) are
    ready; a service that fails names itself and shows the tail of its log."""
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
        "MIA_AI_AGENT_CRM_URL": urls.get("crm", "http://127.0.0.1:9"),
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
    for name in services:
        app, _ = SERVICES[name]
        stack.processes[name] = ServiceProcess(name, app, ports[name], dict(common), run_id)
    ready = {name: asyncio.Event() for name in [*services, "kafka"]}
    # Migrating and importing a service are CPU-bound: more of them at once than there are
    # cores only slows each down, past its readiness deadline on a busy machine.
    busy = asyncio.Semaphore(os.cpu_count() or 2)

    async def start_kafka() -> None:
        await kafka.start()
        await ensure_topics(kafka.bootstrap, TOPICS)
        ready["kafka"].set()

    async def start_service(process: ServiceProcess) -> None:
        if SERVICES[process.name][1] is not None:
            async with busy, _named(process, "could not get its database"):
                process.env["MIA_DATABASE_URL_OVERRIDE"] = await exit_stack.enter_async_context(
                    _database(settings, process, run_id)
                )
        # Pushed after its database: the process stops before the database is dropped.
        exit_stack.push_async_callback(process.stop)
        for before in ("kafka", *STARTS_AFTER.get(process.name, ())):
            if before in ready:
                await ready[before].wait()
        async with busy, _named(process, "did not start"):
            logged = process.log_path.stat().st_size if process.log_path.exists() else 0
            await process.start()
            await _listening(process, logged)
        ready[process.name].set()

    async with AsyncExitStack() as exit_stack:
        exit_stack.push_async_callback(_remove_kafka, kafka)
        await _together(start_kafka(), *(start_service(p) for p in stack.processes.values()))
        # Once all are up, the first thing undone: they stop side by side (the stops pushed
        # above then find them stopped).
        exit_stack.push_async_callback(_stop_all, stack)
        yield stack


async def _together(*steps: Coroutine[Any, Any, None]) -> None:
    """Runs ``steps`` side by side; the first to fail cancels the others (which are awaited)
    and is raised as it is, not inside an exception group."""
    try:
        async with asyncio.TaskGroup() as group:
            for step in steps:
                group.create_task(step)
    except BaseExceptionGroup as failed:
        first = failed.exceptions[0]
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None


@asynccontextmanager
async def _named(process: ServiceProcess, what: str) -> AsyncIterator[None]:
    """A failure inside names ``process`` and shows the tail of its log."""
    try:
        yield
    except Exception as error:
        raise AssertionError(f"{process.name} {what}: {error}\n{process.log_tail()}") from error


async def _stop_all(stack: Stack) -> None:
    await asyncio.gather(*(process.stop() for process in stack.processes.values()))


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
