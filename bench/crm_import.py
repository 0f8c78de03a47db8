"""CSV import into the crm: rows per second for a 100,000-row file with 5 % bad rows, the
crm's peak memory, and a ceiling (COPY of the same rows straight into ``contacts``).

usage: .venv/bin/python bench/crm_import.py [--rows 100000] [--bad 0.05] [--profile FILE]

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Starts the crm
as a real uvicorn process (as the end-to-end stack does: ``tests-e2e/support``) on a
database of its own (migrated, dropped at the end) and Kafka topics of its own (deleted
at the end). Generates the file as Excel in Brazil writes it (Windows-1252, semicolons,
CRLF, phones as people type them: ``(11) 98765-4321``, ``11 98765-4321``,
``+55 11 9...``, ``11987654321``; a select custom field; every 20th row bad: a phone, an email or an
option), uploads it (the body streamed), starts the import with a tag and waits for the
job, polling ``GET /api/v1/jobs/{id}`` as the dashboard does. Timed: from the start
request to the job's end (the upload is timed apart). Memory: the crm's resident set
(``/proc/<pid>/status``) before the upload and its peak (VmHWM) after the job, so a flat
memory shows as a small difference whatever the file's size.

Ceiling: the good rows, already normalized, copied with COPY (asyncpg's binary copy) into
the same database's ``contacts`` for another tenant: the database's own write speed for
these rows, no parsing, validation, events or tags. The ratio is import ÷ ceiling.

The crm's CPU time per row (``/proc/<pid>/stat``) holds better than the rate on a busy
machine. Caveats: the crm, its outbox relay (publishing the ``contact.created`` events the import
stages), PostgreSQL, Kafka and this script share the machine; on two cores the figures
include waiting for a core.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))

from mia_common.contracts.topics import Topic  # noqa: E402
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token  # noqa: E402
from mia_common.messaging.admin import delete_topics, ensure_topics  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_common.testing.postgres import fresh_database  # noqa: E402
from mia_common.testing.spare_kafka import free_port  # noqa: E402
from support.processes import ServiceProcess  # noqa: E402

PLANS = ("Ouro", "Prata", "Bronze")
JOB_DEADLINE_SECONDS = 900.0


def phone_of(index: int) -> tuple[str, str]:
    """(as typed in the file, E.164) for row ``index``: a distinct mobile per row."""
    area = 11 + index % 80
    number = f"9{index:08d}"
    e164 = f"+55{area}{number}"
    style = index % 4
    if style == 0:
        return f"({area}) {number[:5]}-{number[5:]}", e164
    if style == 1:
        return f"{area} {number[:5]}-{number[5:]}", e164
    if style == 2:
        return f"+55 {area} {number[:5]}-{number[5:]}", e164
    return f"{area}{number}", e164


def generate(rows: int, bad: float) -> tuple[bytes, list[tuple[str, str, str, str]]]:
    """The file's bytes and its good rows normalized (name, E.164, email, plan)."""
    rng = random.Random(12)
    every = max(1, round(1 / bad)) if bad > 0 else 0
    lines = ["Nome;Telefone;E-mail;Plano;Observações"]
    good: list[tuple[str, str, str, str]] = []
    for index in range(rows):
        name = f"Conceição {index} da Silva"
        typed, e164 = phone_of(index)
        email = f"pessoa{index}@exemplo.com.br"
        plan = PLANS[index % 3]
        note = "cliente desde 2019" if index % 7 else '"linha 1\r\nlinha 2"'
        if every and index % every == every - 1:
            flaw = rng.randrange(3)
            if flaw == 0:
                typed = "12345"
            elif flaw == 1:
                email = "sem-arroba.exemplo.com"
            else:
                plan = "Diamante"
        else:
            good.append((name, e164, email, plan))
        lines.append(f"{name};{typed};{email};{plan};{note}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252"), good


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


async def chunks(data: bytes, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def migrate(url: str) -> None:
    process = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "alembic"),
        "-c",
        str(ROOT / "services" / "crm" / "alembic.ini"),
        "upgrade",
        "head",
        cwd=str(ROOT / "services" / "crm"),
        env={**os.environ, "MIA_DATABASE_URL_OVERRIDE": url},
    )
    assert await process.wait() == 0, "the crm's migrations failed"


async def ceiling(url: str, good: list[tuple[str, str, str, str]]) -> float:
    """Rows per second of COPY of the good rows into contacts (another tenant)."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        tenant = uuid.uuid4()
        records = [
            (uuid.uuid4(), tenant, name, phone, email, f'{{"plano": "{plan}"}}')
            for name, phone, email, plan in good
        ]
        started = time.perf_counter()
        await connection.copy_records_to_table(
            "contacts",
            records=records,
            columns=["id", "tenant_id", "name", "phone", "email", "fields"],
        )
        return len(records) / (time.perf_counter() - started)
    finally:
        await connection.close()


async def run(args: argparse.Namespace) -> None:
    platform = PlatformSettings()
    run_id = uuid.uuid4().hex[:8]
    data, good = generate(args.rows, args.bad)
    print(
        f"file: {args.rows} rows, {len(data) / 1e6:.1f} MB (cp1252, ';'),"
        f" {args.rows - len(good)} bad"
    )
    topics = {
        "MIA_CRM_INBOUND_TOPIC": Topic(f"bench.{run_id}.messages.inbound.v1", 1, key="x"),
        "MIA_CRM_STATUS_TOPIC": Topic(f"bench.{run_id}.messages.status.v1", 1, key="x"),
        "MIA_CRM_OUTCOME_TOPIC": Topic(f"bench.{run_id}.messages.outcome.v1", 1, key="x"),
        "MIA_CRM_SEND_TOPIC": Topic(f"bench.{run_id}.messages.send.v1", 1, key="x"),
        "MIA_CRM_INBOX_TOPIC": Topic(f"bench.{run_id}.inbox.events.v1", 1, key="x"),
        "MIA_CRM_CONTACTS_TOPIC": Topic(f"bench.{run_id}.contacts.events.v1", 3, key="x"),
        "MIA_CRM_LEADS_TOPIC": Topic(f"bench.{run_id}.leads.events.v1", 1, key="x"),
    }
    await ensure_topics(platform.kafka_bootstrap_servers, topics.values())
    try:
        async with fresh_database(platform, f"bench_{run_id}_crm") as url:
            await migrate(url)
            env = {
                "MIA_DATABASE_URL_OVERRIDE": url,
                "MIA_CRM_CONSUMER_GROUP": f"bench-crm-{run_id}",
                "MIA_LOG_LEVEL": "WARNING",
                **{name: topic.name for name, topic in topics.items()},
            }
            crm = ServiceProcess("crm", "mia_crm.main:create_app", free_port(), env, run_id)
            await crm.start()
            try:
                await measure(crm, platform, data, args)
            finally:
                await crm.stop()
            copy_rate = await ceiling(url, good)
            print(f"ceiling: COPY of the {len(good)} good rows: {copy_rate:,.0f} rows/s")
            print(f"ratio: import / COPY = {args.rate / copy_rate:.2f}")
    finally:
        await delete_topics(
            platform.kafka_bootstrap_servers,
            [name for t in topics.values() for name in (t.name, t.dead_letter)],
        )


async def measure(
    crm: ServiceProcess, platform: PlatformSettings, data: bytes, args: argparse.Namespace
) -> None:
    assert crm._process is not None
    pid = crm._process.pid
    identity = Identity(user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.owner)
    token = issue_identity_token(identity, secret=platform.identity_token_secret)
    async with httpx.AsyncClient(
        base_url=crm.url, headers={IDENTITY_HEADER: token}, timeout=120, trust_env=False
    ) as client:
        field = await client.post(
            "/api/v1/custom-fields",
            json={"key": "plano", "label": "Plano", "kind": "select", "options": list(PLANS)},
        )
        field.raise_for_status()
        tag = await client.post("/api/v1/tags", json={"name": "Importados"})
        tag.raise_for_status()
        before_kb = rss_kb(pid, "VmRSS")

        started = time.perf_counter()
        uploaded = await client.post(
            "/api/v1/imports",
            content=chunks(data),
            headers={"Content-Type": "text/csv"},
            params={"filename": "bench.csv"},
        )
        uploaded.raise_for_status()
        upload_seconds = time.perf_counter() - started
        analysis = uploaded.json()
        mapping = [
            {"column": column["index"], "field": column["suggested"]}
            for column in analysis["columns"]
            if column["suggested"]
        ]
        print(
            f"upload: {upload_seconds:.2f} s ({len(data) / 1e6 / upload_seconds:.0f} MB/s);"
            f" mapping {[m['field'] for m in mapping]}"
        )

        after_upload_kb = rss_kb(pid, "VmRSS")
        started = time.perf_counter()
        cpu_before = cpu_seconds(pid)
        start = await client.post(
            f"/api/v1/imports/{analysis['id']}/start",
            json={"mapping": mapping, "tags": [tag.json()["id"]], "on_existing": "update"},
        )
        start.raise_for_status()
        job_id = start.json()["job_id"]
        profiler = None
        if args.profile:
            # py-spy (not a dependency: `uv pip install py-spy`), collapsed stacks.
            profiler = await asyncio.create_subprocess_exec(
                shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(pid),
                "--format",
                "raw",
                "--rate",
                "200",
                "--output",
                args.profile,
                "--nonblocking",
                stdout=asyncio.subprocess.DEVNULL,
            )
        peak_sampled = 0
        # (share of the rows done, resident KiB) at every poll: flat memory is a curve that
        # stops rising once the first batches have warmed the process up.
        curve: list[tuple[float, int]] = []
        deadline = time.monotonic() + JOB_DEADLINE_SECONDS
        while True:
            job = (await client.get(f"/api/v1/jobs/{job_id}")).json()
            resident = rss_kb(pid, "VmRSS")
            peak_sampled = max(peak_sampled, resident)
            curve.append(((job.get("processed") or 0) / args.rows, resident))
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"the import did not finish in {JOB_DEADLINE_SECONDS} s")
            await asyncio.sleep(0.25)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds(pid) - cpu_before
        if profiler is not None:
            profiler.send_signal(2)
            await profiler.wait()
            print(f"profile: {args.profile} (py-spy raw: collapsed stacks)")
        report = (await client.get(f"/api/v1/imports/{analysis['id']}")).json()
    assert job["status"] == "succeeded", job
    args.rate = args.rows / seconds
    peak_kb = rss_kb(pid, "VmHWM")
    print(f"import: {args.rows} rows in {seconds:.2f} s = {args.rate:,.0f} rows/s")
    print(f"  counts {report['counts']}")
    print(
        f"  crm CPU {cpu:.1f} s = {cpu / args.rows * 1e6:.0f} µs a row"
        f" ({cpu / seconds * 100:.0f} % of one core; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"crm memory: {before_kb / 1024:.0f} MiB before the upload,"
        f" {after_upload_kb / 1024:.0f} MiB after it, peak {peak_kb / 1024:.0f} MiB"
        f" (sampled during the job: {peak_sampled / 1024:.0f} MiB)"
    )
    marks = []
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        reached = [kb for done, kb in curve if done >= share]
        if reached:
            marks.append((share, reached[0]))
    print(
        "  resident as the rows go: "
        + ", ".join(f"{share:.0%} {kb / 1024:.0f} MiB" for share, kb in marks)
    )
    if len(marks) >= 2:
        growth = (marks[-1][1] - marks[1][1]) / 1024
        print(
            f"  growth from {marks[1][0]:.0%} of the rows to the end: {growth:+.0f} MiB"
            " (flat: about 0 whatever the file's size)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.05, help="share of bad rows")
    parser.add_argument("--profile", help="write py-spy's collapsed stacks of the crm here")
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
