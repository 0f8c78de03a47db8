"""The lead board of a pipeline with 5,000 leads: the first page of a column, and the whole
board (every column's totals and first page), through the gateway, beside ceilings.

usage: .venv/bin/python bench/crm_board.py [--leads 5000] [--repeat 200] [--quick]

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Makes two
throw-away databases (the crm's and the gateway's, dropped at the end, on failure or
Ctrl-C too) and Kafka topics of its own (deleted at the end), and serves in this process
the crm and a gateway routing ``pipelines`` and ``leads`` to it, each on uvicorn on a free
loopback port. A tenant and its owner are made in the gateway; the owner logs in.

Seed: a pipeline of six stages made through the crm's API, then --leads leads written
with COPY (5,000 contacts, one lead each; 40 % in the first column, the rest spread over
the others; a tag on a third of them, values, owners), their keys spaced as a rebalanced
column's are, then VACUUM ANALYZE. A second tenant holds as many leads, so every query
keeps to its tenant.

Measured, --repeat times each after a warm-up, one client at a time over keep-alive:

- column page: ``GET /api/v1/pipelines/{id}/stages/{first}/leads?limit=25`` (the page a
  column asks for; the target: p95 < 100 ms through the gateway);
- board: ``GET /api/v1/pipelines/{id}/board?limit=25`` (totals of every column and each
  one's first page: what opening the board asks for);

each through the gateway (authentication, identity token, the hop), straight to the crm
(identity token), and, as the ceiling, the column page's SQL alone on a plain asyncpg
connection (the keyset index range and its contacts, and the tags of the page's leads).

Caveats: the clients, the gateway, the crm, PostgreSQL and Kafka share this machine (the
core count and load average are printed), so latencies swell with whatever else runs; the
CPU time this process spent per request (clients, gateway and crm; PostgreSQL is another
process) holds better on a busy machine. The database is warm, as a busy crm's is.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from fractional_indexing import generate_n_keys_between

ROOT = Path(__file__).resolve().parents[1]
# The gateway tests' uvicorn helper: one way to serve an app on a free port in-process.
sys.path.insert(0, str(ROOT / "services" / "gateway" / "tests"))

from mia_common.contracts.topics import Topic  # noqa: E402
from mia_common.db import unit_of_work  # noqa: E402
from mia_common.db.base import new_uuid7  # noqa: E402
from mia_common.db.migrations import upgrade  # noqa: E402
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token  # noqa: E402
from mia_common.messaging.admin import delete_topics, ensure_topics  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_common.testing.postgres import fresh_database  # noqa: E402
from mia_crm.config import CrmSettings  # noqa: E402
from mia_crm.main import create_app as create_crm  # noqa: E402
from mia_gateway.config import GatewaySettings  # noqa: E402
from mia_gateway.main import create_app as create_gateway  # noqa: E402
from mia_gateway.tenants.service import create_tenant_with_owner  # noqa: E402
from support.fake_service import serving  # noqa: E402

PASSWORD = "bench-Horse-battery-9"  # noqa: S105 (a throw-away account in a throw-away database)
P95_TARGET_MS = 100.0
PAGE = 25
FIRST_COLUMN_SHARE = 0.4
STAGES = [
    {"name": "New", "probability": 10, "rotting_days": 7},
    {"name": "Qualified", "probability": 25, "rotting_days": 14},
    {"name": "Proposal", "probability": 50},
    {"name": "Negotiation", "probability": 75},
    {"name": "Won", "probability": 100, "kind": "won"},
    {"name": "Lost", "probability": 0, "kind": "lost"},
]


def percentile(ordered: list[float], pct: float) -> float:
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def line(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    return (
        f"  {label:<28} p50 {percentile(ordered, 50):6.2f} ms   p95 {percentile(ordered, 95):6.2f}"
        f" ms   max {ordered[-1]:6.2f} ms   mean {statistics.fmean(ordered):6.2f} ms"
        f"   cpu {CPU_MS.get(id(samples), float('nan')):5.2f} ms/req"
    )


CPU_MS: dict[int, float] = {}
"""CPU time of this whole process (clients, gateway, crm) per request, by sample list id."""


async def timed(call: Callable[[], Awaitable[Any]], repeat: int) -> list[float]:
    await call()  # warm-up: connections, prepared statements, caches
    samples = []
    cpu_started = time.process_time()
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    CPU_MS[id(samples)] = (time.process_time() - cpu_started) * 1000 / repeat
    return samples


# --- seeding -------------------------------------------------------------------------------


async def seed_leads(
    dsn: str, *, tenant_id: uuid.UUID, pipeline: dict[str, Any], count: int, rng: random.Random
) -> None:
    """``count`` contacts with a lead each in ``pipeline``, by COPY."""
    stages = [uuid.UUID(stage["id"]) for stage in pipeline["stages"]]
    first = int(count * FIRST_COLUMN_SHARE)
    per_stage = {stages[0]: first}
    rest = count - first
    for index, stage in enumerate(stages[1:]):
        per_stage[stage] = rest // (len(stages) - 1) + (
            1 if index < rest % (len(stages) - 1) else 0
        )
    now = datetime.now(UTC)
    owners = [uuid.uuid4() for _ in range(8)]
    tag_id = new_uuid7()
    contacts: list[tuple[Any, ...]] = []
    leads: list[tuple[Any, ...]] = []
    lead_tags: list[tuple[Any, ...]] = []
    number = 0
    for stage_id, size in per_stage.items():
        for key in generate_n_keys_between(None, None, size):
            contact_id, lead_id = new_uuid7(), new_uuid7()
            created = now - timedelta(minutes=count - number)
            contacts.append((contact_id, tenant_id, f"Person {number}", created, created))
            leads.append(
                (
                    lead_id,
                    tenant_id,
                    uuid.UUID(pipeline["id"]),
                    stage_id,
                    contact_id,
                    f"Deal {number}",
                    rng.randrange(0, 5_000_000) / 100,
                    "BRL",
                    rng.choice(owners) if rng.random() < 0.7 else None,
                    now - timedelta(days=rng.randrange(0, 30)),
                    key,
                    1,
                    created,
                    created,
                )
            )
            if rng.random() < 1 / 3:
                lead_tags.append((lead_id, tag_id, tenant_id, created))
            number += 1
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO tags (id, tenant_id, name, color) VALUES ($1, $2, 'hot', '#ff0000')",
            tag_id,
            tenant_id,
        )
        await connection.copy_records_to_table(
            "contacts",
            records=contacts,
            columns=["id", "tenant_id", "name", "created_at", "updated_at"],
        )
        await connection.copy_records_to_table(
            "leads",
            records=leads,
            columns=[
                "id",
                "tenant_id",
                "pipeline_id",
                "stage_id",
                "contact_id",
                "title",
                "value",
                "currency",
                "owner_user_id",
                "stage_entered_at",
                "position",
                "version",
                "created_at",
                "updated_at",
            ],
        )
        await connection.copy_records_to_table(
            "lead_tags", records=lead_tags, columns=["lead_id", "tag_id", "tenant_id", "created_at"]
        )
    finally:
        await connection.close()


async def vacuum(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


# --- the ceiling: the column page's SQL alone ---------------------------------------------------

COLUMN_SQL = """
SELECT l.*, c.name, c.phone, s.rotting_days
FROM leads l
JOIN contacts c ON c.id = l.contact_id
JOIN pipeline_stages s ON s.id = l.stage_id
WHERE l.tenant_id = $1 AND l.pipeline_id = $2 AND l.stage_id = $3
ORDER BY l.position, l.id
LIMIT $4
"""
TAGS_SQL = """
SELECT lt.lead_id, t.id, t.name, t.color
FROM lead_tags lt JOIN tags t ON t.id = lt.tag_id
WHERE lt.lead_id = ANY($1::uuid[])
ORDER BY lower(t.name), t.id
"""


async def sql_alone(
    dsn: str, *, tenant_id: uuid.UUID, pipeline_id: uuid.UUID, stage_id: uuid.UUID, repeat: int
) -> list[float]:
    connection = await asyncpg.connect(dsn)
    try:
        column = await connection.prepare(COLUMN_SQL)
        tags = await connection.prepare(TAGS_SQL)

        async def once() -> None:
            rows = await column.fetch(tenant_id, pipeline_id, stage_id, PAGE + 1)
            await tags.fetch([row["id"] for row in rows])

        return await timed(once, repeat)
    finally:
        await connection.close()


# --- the run ----------------------------------------------------------------------------------


async def run(platform: PlatformSettings, args: argparse.Namespace) -> None:
    tag = uuid.uuid4().hex[:10]
    topics = {
        field: Topic(f"bench.{tag}.{name}", 1, key="any")
        for field, name in (
            ("inbound_topic", "messages.inbound.v1"),
            ("status_topic", "messages.status.v1"),
            ("outcome_topic", "messages.outcome.v1"),
            ("send_topic", "messages.send.v1"),
            ("inbox_topic", "inbox.events.v1"),
            ("contacts_topic", "contacts.events.v1"),
            ("leads_topic", "leads.events.v1"),
        )
    }
    await ensure_topics(platform.kafka_bootstrap_servers, topics.values())
    try:
        async with (
            fresh_database(platform, f"bench_crm_board_{tag}") as crm_url,
            fresh_database(platform, f"bench_gateway_{tag}") as gateway_url_db,
        ):
            await asyncio.to_thread(upgrade, ROOT / "services" / "crm" / "migrations", crm_url)
            await asyncio.to_thread(
                upgrade, ROOT / "services" / "gateway" / "migrations", gateway_url_db
            )
            crm_settings = CrmSettings(
                **{
                    **platform.model_dump(),
                    "database_url_override": crm_url,
                    "consumer_group": f"bench-crm-{tag}",
                    "log_level": "WARNING",
                    **{field: topic.name for field, topic in topics.items()},
                }
            )
            async with serving(create_crm(crm_settings), lifespan="on") as crm:
                await measure(platform, args, crm=crm, crm_db=crm_url, gateway_db=gateway_url_db)
    finally:
        await delete_topics(
            platform.kafka_bootstrap_servers,
            [name for topic in topics.values() for name in (topic.name, topic.dead_letter)],
        )


async def measure(
    platform: PlatformSettings, args: argparse.Namespace, *, crm: str, crm_db: str, gateway_db: str
) -> None:
    unlimited = 1_000_000_000
    settings = GatewaySettings(
        **{
            **platform.model_dump(),
            "database_url_override": gateway_db,
            "log_level": "WARNING",
            "routes": {"pipelines": crm, "leads": crm},
            "tenant_requests_per_minute": unlimited,
            "tenant_request_burst": unlimited,
        }
    )
    gateway_app = create_gateway(settings)
    async with serving(gateway_app, lifespan="on") as gateway:
        tag = uuid.uuid4().hex[:8]
        async with unit_of_work(gateway_app.state.context.infra.sessions) as session:
            _tenant, owner = await create_tenant_with_owner(
                session=session,
                name=f"Bench {tag}",
                owner_email=f"bench-{tag}@example.com",
                owner_password=PASSWORD,
            )
        async with httpx.AsyncClient(base_url=gateway, trust_env=False) as http:
            login = await http.post(
                "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
            )
            login.raise_for_status()
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        identity = {
            IDENTITY_HEADER: issue_identity_token(
                Identity(user_id=owner.id, tenant_id=owner.tenant_id, role=Role.owner),
                secret=settings.identity_token_secret,
                ttl_seconds=3600,
            )
        }
        other = Identity(user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.owner)
        other_headers = {
            IDENTITY_HEADER: issue_identity_token(other, secret=settings.identity_token_secret)
        }
        dsn = crm_db.replace("postgresql+asyncpg", "postgresql")
        rng = random.Random(7)
        async with httpx.AsyncClient(base_url=crm, trust_env=False, timeout=60) as direct:
            boards = []
            for headers in (identity, other_headers):
                made = await direct.post(
                    "/api/v1/pipelines",
                    json={"name": "Bench", "stages": STAGES},
                    headers=headers,
                )
                made.raise_for_status()
                boards.append(made.json())
            started = time.perf_counter()
            await seed_leads(
                dsn, tenant_id=owner.tenant_id, pipeline=boards[0], count=args.leads, rng=rng
            )
            await seed_leads(
                dsn, tenant_id=other.tenant_id, pipeline=boards[1], count=args.leads, rng=rng
            )
            await vacuum(dsn)
            print(
                f"seeded {args.leads} leads (and another tenant's {args.leads}) in"
                f" {time.perf_counter() - started:.1f} s; {os.cpu_count()} cores,"
                f" load average {os.getloadavg()[0]:.2f}"
            )
            pipeline = boards[0]
            first = pipeline["stages"][0]["id"]
            column_path = f"/api/v1/pipelines/{pipeline['id']}/stages/{first}/leads"
            board_path = f"/api/v1/pipelines/{pipeline['id']}/board"
            params = {"limit": PAGE}
            async with httpx.AsyncClient(base_url=gateway, trust_env=False, timeout=60) as via:

                async def get(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Any:
                    response = await client.get(path, params=params, headers=headers)
                    response.raise_for_status()
                    return response.json()

                check = await get(via, column_path, bearer)
                assert len(check["items"]) == PAGE, check
                board = await get(via, board_path, bearer)
                column_count = board["columns"][0]["count"]
                print(
                    f"first column: {column_count} leads; pages of {PAGE};"
                    f" {args.repeat} requests each, one client, keep-alive"
                )
                results = {
                    "column page via gateway": await timed(
                        lambda: get(via, column_path, bearer), args.repeat
                    ),
                    "column page crm direct": await timed(
                        lambda: get(direct, column_path, identity), args.repeat
                    ),
                    "column page SQL alone": await sql_alone(
                        dsn,
                        tenant_id=owner.tenant_id,
                        pipeline_id=uuid.UUID(pipeline["id"]),
                        stage_id=uuid.UUID(first),
                        repeat=args.repeat,
                    ),
                    "board via gateway": await timed(
                        lambda: get(via, board_path, bearer), args.repeat
                    ),
                    "board crm direct": await timed(
                        lambda: get(direct, board_path, identity), args.repeat
                    ),
                }
    for label, samples in results.items():
        print(line(label, samples))
    p95 = {label: percentile(sorted(s), 95) for label, s in results.items()}
    via, crm_alone, sql = (
        p95["column page via gateway"],
        p95["column page crm direct"],
        p95["column page SQL alone"],
    )
    print(
        f"  ratios (p95): gateway/crm {via / crm_alone:.2f}   crm/SQL {crm_alone / sql:.2f}"
        f"   gateway/SQL {via / sql:.2f}"
    )
    verdict = "meets" if p95["column page via gateway"] < P95_TARGET_MS else "MISSES"
    print(
        f"  target: column page via the gateway p95 < {P95_TARGET_MS:.0f} ms: {verdict}"
        f" ({p95['column page via gateway']:.1f} ms); the whole board"
        f" {p95['board via gateway']:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="500 leads, 30 requests")
    args = parser.parse_args()
    if args.quick:
        args.leads, args.repeat = 500, 30
    await run(PlatformSettings(), args)


if __name__ == "__main__":
    asyncio.run(main())
