"""Segments over a million contacts: live counts (p50/p95) and the member stream's rate,
each beside a ceiling doing the least the job needs.

usage: .venv/bin/python bench/crm_segments.py [--contacts 1000000] [--repeat 30] [--quick]

Needs the local PostgreSQL (`deploy/local/infra.sh up`). Makes a throw-away database
(removed at the end, on failure or Ctrl-C too), applies the crm's migrations, and seeds it
with COPY: one tenant of --contacts contacts (and a second tenant of a tenth as many, so
every query has to keep to its tenant), with what segments filter on, drawn from a seeded
random generator (the same data every run):

- 20 tags, each contact carrying 0-3 of them, popular ones more often (the first on ~25 %),
  in contact_tags and in the contacts' ``tag_ids`` (as an import writes them: the
  trigger of migration 0008 then finds every array right and rewrites none);
- custom fields ``plan`` (select: gold ~10 %, silver ~30 %, bronze, or none), ``age``
  (number), ``city`` (text);
- a lifecycle stage, an owner for half of them, a last inbound time for 70 % (within a
  year), creation times over two years, a phone for 95 %, an email for 60 %;

then VACUUM ANALYZE (as autovacuum would after such a load). Nothing else writes meanwhile.

Counts: each filter below is compiled by ``mia_crm.segments.compiler`` and counted the way
the preview and a segment's read count it (``segments.service.count_matching``: its
savepoint and statement_timeout guard included, on the app's engine; a filter that is only
"has any of these tags" is counted from contact_tags' index alone), --repeat times after
one warm-up; p50/p95/max. The ceiling: the same count as hand-written minimal SQL on a
plain asyncpg connection (JIT off and custom plans, as the crm's counts run). Target: p95
< 300 ms at 1,000,000 contacts.

- tag in: contacts carrying the most popular tag;
- field eq: plan = gold;
- and/or: (tag 1 or tag 2) and lifecycle in (customer, lead) and not plan = bronze;
- last inbound after: written in the last 30 days.

Stream: ``segments.members.member_lines`` (what the internal endpoints stream, without the
HTTP framing) over every contact of the tenant and over the tag filter, with two custom
fields, read to the end; contacts/s. The ceiling: ``COPY (SELECT the same columns ...
ORDER BY id) TO STDOUT`` on a plain connection, read to the end. Target: >= 20,000
contacts/s.

Caveats: PostgreSQL and this process share the machine (the core count is printed); the
database is warm (shared buffers and the OS cache hold it after seeding), as a busy crm's
would be; a cold read from disk is slower.
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

import orjson

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "services" / "crm"

TAGS = 20
P95_TARGET_MS = 300.0
STREAM_TARGET = 20_000.0
CITIES = ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Recife", "Manaus"]
STAGES = ["subscriber", "lead", "customer", "opportunity", "other"]
AREA_CODES = ["11", "21", "31", "41", "81", "92"]


def percentile(ordered: list[float], pct: float) -> float:
    index = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[index]


# --- seeding -------------------------------------------------------------------------------


def contact_rows(
    tenant_id: uuid.UUID, count: int, rng: random.Random, now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[uuid.UUID]]:
    """Contacts and contact_tags rows of one tenant (ids in creation order), and its tags."""
    from mia_common.db.base import new_uuid7

    tag_ids = [new_uuid7() for _ in range(TAGS)]
    # Tag popularity: the first tag on ~25 % of contacts, falling off.
    weights = [1 / (rank + 1) for rank in range(TAGS)]
    owners = [uuid.uuid4() for _ in range(10)]
    start = now - timedelta(days=730)
    contacts: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []
    step = 730 * 86_400 / max(count, 1)
    for index in range(count):
        contact_id = new_uuid7()
        created = start + timedelta(seconds=index * step)
        roll = rng.random()
        plan = (
            "gold" if roll < 0.10 else "silver" if roll < 0.40 else "bronze" if roll < 0.7 else None
        )
        fields: dict[str, Any] = {"age": rng.randint(18, 80), "city": rng.choice(CITIES)}
        if plan is not None:
            fields["plan"] = plan
        # Unique in the tenant, as the crm keeps them: the index spread over six area codes.
        area = AREA_CODES[index % len(AREA_CODES)]
        phone = f"+55{area}9{index:08d}" if rng.random() < 0.95 else None
        email = f"person{index}@example.com" if rng.random() < 0.6 else None
        inbound = (
            now - timedelta(seconds=rng.randrange(365 * 86_400)) if rng.random() < 0.7 else None
        )
        carried = set(rng.choices(tag_ids, weights, k=rng.choice((0, 0, 1, 1, 2, 3))))
        contacts.append(
            (
                contact_id,
                tenant_id,
                f"Person {index}",
                phone,
                email,
                created,
                created,
                rng.choice(STAGES),
                rng.choice(owners) if rng.random() < 0.5 else None,
                inbound,
                orjson.dumps(fields).decode(),
                sorted(carried),
            )
        )
        for tag_id in carried:
            tags.append((contact_id, tag_id, tenant_id, created))
    return contacts, tags, tag_ids


async def seed(url: str, tenant_id: uuid.UUID, count: int) -> list[uuid.UUID]:
    import asyncpg

    rng = random.Random(12)
    now = datetime.now(UTC)
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        started = time.perf_counter()
        main_tags: list[uuid.UUID] = []
        for tenant, size in ((tenant_id, count), (uuid.uuid4(), count // 10)):
            contacts, tags, tag_ids = contact_rows(tenant, size, rng, now)
            if tenant == tenant_id:
                main_tags = tag_ids
            await connection.copy_records_to_table(
                "tags",
                records=[
                    (t, tenant, f"Tag {i}", "#336699", now, now) for i, t in enumerate(tag_ids)
                ],
                columns=["id", "tenant_id", "name", "color", "created_at", "updated_at"],
            )
            await connection.copy_records_to_table(
                "contacts",
                records=contacts,
                columns=[
                    "id",
                    "tenant_id",
                    "name",
                    "phone",
                    "email",
                    "created_at",
                    "updated_at",
                    "lifecycle_stage",
                    "owner_user_id",
                    "last_inbound_at",
                    "fields",
                    "tag_ids",
                ],
            )
            await connection.copy_records_to_table(
                "contact_tags",
                records=tags,
                columns=["contact_id", "tag_id", "tenant_id", "created_at"],
            )
            await connection.copy_records_to_table(
                "custom_fields",
                records=[
                    (uuid.uuid4(), tenant, key, key.title(), kind, options, position, now, now)
                    for position, (key, kind, options) in enumerate(
                        [
                            ("plan", "select", '["gold", "silver", "bronze"]'),
                            ("age", "number", None),
                            ("city", "text", None),
                        ]
                    )
                ],
                columns=[
                    "id",
                    "tenant_id",
                    "key",
                    "label",
                    "kind",
                    "options",
                    "position",
                    "created_at",
                    "updated_at",
                ],
            )
            del contacts, tags
        seeded = time.perf_counter() - started
        await connection.execute("VACUUM ANALYZE")
        total = await connection.fetchval("SELECT count(*) FROM contacts")
        tagged = await connection.fetchval("SELECT count(*) FROM contact_tags")
        size = await connection.fetchval(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        )
        print(
            f"seeded           {total:,} contacts, {tagged:,} tags on them in {seeded:.0f} s"
            f" (COPY), then VACUUM ANALYZE in {time.perf_counter() - started - seeded:.0f} s;"
            f" database {size}"
        )
    finally:
        await connection.close()
    return main_tags


# --- the measured work ---------------------------------------------------------------------


def filters(tag_ids: list[uuid.UUID]) -> dict[str, dict[str, Any]]:
    def tag(tag_id: uuid.UUID) -> dict[str, Any]:
        return {"condition": "tags", "match": "any", "tag_ids": [str(tag_id)]}

    def plan(value: str) -> dict[str, Any]:
        return {"condition": "field", "key": "plan", "op": "eq", "value": value}

    return {
        "tag in": tag(tag_ids[0]),
        "field eq": plan("gold"),
        "and/or": {
            "all": [
                {"any": [tag(tag_ids[1]), tag(tag_ids[2])]},
                {"condition": "lifecycle_stage", "stages": ["customer", "lead"]},
                {"not": plan("bronze")},
            ]
        },
        "last inbound after": {
            "condition": "last_inbound",
            "op": "after",
            "when": {"days_ago": 30},
        },
    }


def ceilings(tag_ids: list[uuid.UUID]) -> dict[str, tuple[str, list[Any]]]:
    """The same counts, hand-written: what PostgreSQL needs at the least."""
    base = "SELECT count(*) FROM contacts c WHERE c.tenant_id = $1"
    return {
        # The crm counts a tags-only filter from contact_tags alone: so does its ceiling.
        "tag in": (
            "SELECT count(*) FROM contact_tags WHERE tenant_id = $1 AND tag_id = $2",
            [tag_ids[0]],
        ),
        "field eq": (f'{base} AND c.fields @> \'{{"plan": "gold"}}\'', []),
        "and/or": (
            f"{base} AND c.tag_ids && ARRAY[$2::uuid, $3::uuid]"
            " AND c.lifecycle_stage IN ('customer', 'lead')"
            ' AND NOT c.fields @> \'{"plan": "bronze"}\'',
            [tag_ids[1], tag_ids[2]],
        ),
        "last inbound after": (
            f"{base} AND c.last_inbound_at > now() - interval '30 days'",
            [],
        ),
    }


async def timed(repeat: int, work: Callable[[], Awaitable[Any]]) -> tuple[list[float], Any]:
    result = await work()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = await work()
        samples.append((time.perf_counter() - started) * 1000)
    return sorted(samples), result


async def measure_counts(
    url: str, tenant_id: uuid.UUID, tag_ids: list[uuid.UUID], repeat: int
) -> bool:
    import asyncpg
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from mia_crm.segments.filters import filter_adapter
    from mia_crm.segments.service import count_matching

    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    # Without JIT, as the crm counts: it compiles for longer than these counts take.
    plain = await asyncpg.connect(
        url.replace("postgresql+asyncpg", "postgresql"),
        # A plan for the values at hand, as the crm's (literal-free but re-planned) queries get.
        server_settings={"jit": "off", "plan_cache_mode": "force_custom_plan"},
    )
    met = True
    try:
        print(f"counts           {repeat} runs each after a warm-up (ms)")
        hand = ceilings(tag_ids)
        for name, body in filters(tag_ids).items():
            node = filter_adapter.validate_python(body)

            async def ours(node: Any = node) -> Any:
                async with sessions() as session, session.begin():
                    return await count_matching(session, tenant_id=tenant_id, node=node)

            sql, params = hand[name]

            async def ceiling(sql: str = sql, params: list[Any] = params) -> Any:
                return await plain.fetchval(sql, tenant_id, *params)

            samples, count = await timed(repeat, ours)
            ceiling_samples, expected = await timed(repeat, ceiling)
            p95, ceiling_p95 = percentile(samples, 95), percentile(ceiling_samples, 95)
            status = "ok" if p95 < P95_TARGET_MS and not count.timed_out else "MISSED"
            met = met and status == "ok"
            same = "" if count.value == expected else f"  MISMATCH: ceiling counted {expected:,}"
            p50 = statistics.median(samples)
            print(
                f"  {name:<19} {count.value or 0:>9,} contacts  p50 {p50:6.1f}"
                f"  p95 {p95:6.1f}  max {samples[-1]:6.1f}   ceiling p50"
                f" {statistics.median(ceiling_samples):6.1f} p95 {ceiling_p95:6.1f}"
                f"   ratio p95 {p95 / ceiling_p95:4.2f}   {status}{same}"
            )
    finally:
        await plain.close()
        await engine.dispose()
    print(f"  target: p95 < {P95_TARGET_MS:.0f} ms")
    return met


async def measure_stream(url: str, tenant_id: uuid.UUID, tag_ids: list[uuid.UUID]) -> bool:
    import asyncpg
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from mia_crm.segments.compiler import contact_condition
    from mia_crm.segments.filters import filter_adapter
    from mia_crm.segments.members import BATCH, member_lines

    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    plain = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    met = True
    columns = (
        "id, phone, channel_user_id, email, name, language, time_zone,"
        " fields -> 'plan', fields -> 'city'"
    )
    print(f"stream           NDJSON in id order, batches of {BATCH:,}, fields plan and city")
    try:
        cases = {
            "every contact": ({"all": []}, ""),
            "tag in": (
                {"condition": "tags", "match": "any", "tag_ids": [str(tag_ids[0])]},
                " AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id"  # noqa: S608
                f" AND t.tag_id = '{tag_ids[0]}')",
            ),
        }
        for name, (body, extra) in cases.items():
            condition = contact_condition(tenant_id, filter_adapter.validate_python(body))
            started = time.perf_counter()
            lines = size = 0
            async for chunk in member_lines(
                sessions, condition, tenant_id=tenant_id, after=None, keys=["plan", "city"]
            ):
                lines += chunk.count(b"\n")
                size += len(chunk)
            ours = time.perf_counter() - started

            copied = 0

            async def count_bytes(data: bytes) -> None:
                nonlocal copied
                copied += data.count(b"\n")

            started = time.perf_counter()
            await plain.copy_from_query(
                # Our own constant columns and uuids: nothing outside the bench reaches this.
                f"SELECT {columns} FROM contacts c"  # noqa: S608
                f" WHERE c.tenant_id = '{tenant_id}'{extra} ORDER BY id",
                output=count_bytes,
            )
            ceiling = time.perf_counter() - started
            rate, ceiling_rate = lines / ours, copied / ceiling
            status = "ok" if rate >= STREAM_TARGET else "MISSED"
            met = met and status == "ok"
            same = "" if copied == lines else f"  MISMATCH: COPY read {copied:,}"
            print(
                f"  {name:<19} {lines:>9,} contacts in {ours:5.1f} s = {rate:8,.0f}/s"
                f" ({size / lines:.0f} B a line)   ceiling COPY {ceiling:5.2f} s ="
                f" {ceiling_rate:9,.0f}/s   ratio {rate / ceiling_rate:4.2f}   {status}{same}"
            )
    finally:
        await plain.close()
        await engine.dispose()
    print(f"  target: >= {STREAM_TARGET:,.0f} contacts/s")
    return met


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


async def autovacuum_done(url: str, wait_seconds: float = 120.0) -> None:
    """Wait for autovacuum to leave the database: dropping it would try to end the worker,
    which the services' role may not (it is the server's)."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            busy = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'autovacuum worker'"
            )
            if not busy:
                return
            await asyncio.sleep(0.5)
    finally:
        await connection.close()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument("--repeat", type=int, default=30, help="count runs per filter (30)")
    parser.add_argument("--quick", action="store_true", help="100,000 contacts, 10 runs")
    args = parser.parse_args()
    if args.quick:
        args.contacts, args.repeat = 100_000, 10

    from mia_common.db.migrations import upgrade
    from mia_common.settings import PlatformSettings
    from mia_common.testing.postgres import fresh_database

    platform = PlatformSettings()
    name = f"bench_crm_segments_{uuid.uuid4().hex[:8]}"
    tenant_id = uuid.uuid4()
    print(
        f"crm segments: {args.contacts:,} contacts; {os.cpu_count()} cores shared with PostgreSQL"
    )
    async with fresh_database(platform, name) as url:
        try:
            await asyncio.to_thread(upgrade, SERVICE / "migrations", url)
            tag_ids = await seed(url, tenant_id, args.contacts)
            print(
                f"machine          {load()} on {os.cpu_count()} cores (above the core count,"
                " other work shares the machine and every figure is slower)"
            )
            counts_met = await measure_counts(url, tenant_id, tag_ids, args.repeat)
            stream_met = await measure_stream(url, tenant_id, tag_ids)
            print(f"machine          {load()} after")
        finally:
            await autovacuum_done(url)
    print("targets met" if counts_met and stream_met else "targets MISSED (see above)")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
