"""Requests forwarded by the gateway to a service: throughput, latency, the gateway's cost.

usage: .venv/bin/python bench/gateway.py [--requests 5000] [--concurrency 50]

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Starts in this
process a throw-away gateway (on its own database, dropped at the end) and the echo
service of the gateway tests, each on uvicorn on a free loopback port; logs a new owner
in, then drives C concurrent clients over real TCP for N requests through the gateway,
and the same load straight to the service. The difference is the gateway's overhead:
authentication (a database read), the identity token, and the extra hop. Clients,
gateway and service share one process and one core, so absolute figures are a floor; the
process's CPU per request in each run, and their difference (the gateway's CPU per
request), hold better on a shared machine.

Then, when ``bench/gateway_live.py`` exists, its live-events fan-out figures.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The echo service is the gateway tests' fake service; one implementation for both.
sys.path.insert(0, str(ROOT / "services" / "gateway" / "tests"))

from mia_common.db import unit_of_work  # noqa: E402
from mia_common.db.migrations import upgrade  # noqa: E402
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_common.testing.postgres import fresh_database  # noqa: E402
from mia_gateway.config import GatewaySettings  # noqa: E402
from mia_gateway.main import create_app  # noqa: E402
from mia_gateway.tenants.service import create_tenant_with_owner  # noqa: E402
from support.fake_service import AREA, create_fake_service, serving  # noqa: E402

PASSWORD = "bench-Horse-battery-9"  # noqa: S105 (a throw-away account in a throw-away database)
PATH = f"/api/v1/{AREA}/contacts/42?fields=name,phone"
RUN_DEADLINE_SECONDS = 600.0


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    # CPU time of this whole process (clients, gateway and service) during the run.
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, pct: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]

    def line(self, label: str) -> str:
        return (
            f"  {label:<22}{self.rate:8.0f} req/s   p50 {self.percentile(50):6.1f} ms"
            f"   p99 {self.percentile(99):6.1f} ms   max {max(self.latencies_ms):6.1f} ms"
            f"   mean {statistics.fmean(self.latencies_ms):6.1f} ms   errors {self.errors}"
            f"   cpu {self.cpu_ms_per_request:5.2f} ms/req"
        )

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / self.requests


def overhead_line(through: LoadResult, direct: LoadResult) -> str:
    p50 = through.percentile(50) - direct.percentile(50)
    p99 = through.percentile(99) - direct.percentile(99)
    # The same clients and service ran both loads in this process: the difference in CPU
    # per request is the gateway's (authentication, identity token, the extra hop).
    cpu = through.cpu_ms_per_request - direct.cpu_ms_per_request
    return (
        f"  {'gateway overhead':<22}p50 {p50:+.1f} ms   p99 {p99:+.1f} ms"
        f"   throughput x{through.rate / direct.rate:.2f}   gateway cpu {cpu:.2f} ms/req"
    )


async def drive(
    url: str, headers: dict[str, str], *, requests: int, concurrency: int
) -> LoadResult:
    """``requests`` GETs of ``url`` by ``concurrency`` clients, each on its own connection.

    One client (and one keep-alive connection) per simulated caller, as real callers are:
    a single httpx pool shared by 50 callers spends more CPU finding a free connection
    than the servers spend answering, and the bench would measure that.
    """
    pending = iter(range(requests))
    latencies: list[float] = []
    errors = 0
    warm = 0
    all_warm, go = asyncio.Event(), asyncio.Event()

    async def caller() -> None:
        nonlocal errors, warm
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False) as client:
            # Warm up (connect, caches) before the clock starts.
            await client.get(url, headers=headers)
            warm += 1
            if warm == concurrency:
                all_warm.set()
            await go.wait()
            for _ in pending:
                started = time.perf_counter()
                try:
                    ok = (await client.get(url, headers=headers)).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok

    callers = asyncio.gather(*(caller() for _ in range(concurrency)))
    await asyncio.wait_for(all_warm.wait(), RUN_DEADLINE_SECONDS)
    started, cpu_started = time.perf_counter(), time.process_time()
    go.set()
    await asyncio.wait_for(callers, RUN_DEADLINE_SECONDS)
    return LoadResult(
        requests,
        errors,
        time.perf_counter() - started,
        latencies,
        time.process_time() - cpu_started,
    )


async def bench_forwarding(platform: PlatformSettings, url: str, args: argparse.Namespace) -> None:
    await asyncio.to_thread(upgrade, ROOT / "services" / "gateway" / "migrations", url)
    settings = GatewaySettings(
        **{**platform.model_dump(), "database_url_override": url, "log_level": "WARNING"}
    )
    echo = create_fake_service(settings)
    async with serving(echo.app) as echo_url:
        # The request limits stay on (their cost is part of the gateway's) but so high that
        # one owner's thousands of requests are never refused.
        unlimited = 1_000_000_000
        settings = settings.model_copy(
            update={
                "routes": {AREA: echo_url},
                "tenant_requests_per_minute": unlimited,
                "tenant_request_burst": unlimited,
            }
        )
        app = create_app(settings)
        async with serving(app, lifespan="on") as gateway_url:
            tag = uuid.uuid4().hex[:8]
            async with unit_of_work(app.state.context.infra.sessions) as session:
                _tenant, owner = await create_tenant_with_owner(
                    session=session,
                    name=f"Bench {tag}",
                    owner_email=f"bench-{tag}@example.com",
                    owner_password=PASSWORD,
                )
            async with httpx.AsyncClient(base_url=gateway_url, trust_env=False) as http:
                login = await http.post(
                    "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
                )
                login.raise_for_status()
            token = login.json()["access_token"]
            identity = issue_identity_token(
                Identity(user_id=owner.id, tenant_id=owner.tenant_id, role=Role.owner),
                secret=settings.identity_token_secret,
                ttl_seconds=int(RUN_DEADLINE_SECONDS) * 2,
            )
            print(
                f"GET {PATH}: {args.requests} requests, {args.concurrency} concurrent"
                " clients, loopback TCP, one process"
            )
            through = await drive(
                f"{gateway_url}{PATH}",
                {"Authorization": f"Bearer {token}"},
                requests=args.requests,
                concurrency=args.concurrency,
            )
            print(through.line("through the gateway"))
            direct = await drive(
                f"{echo_url}{PATH}",
                {IDENTITY_HEADER: identity},
                requests=args.requests,
                concurrency=args.concurrency,
            )
            print(direct.line("straight to service"))
            print(overhead_line(through, direct))


async def bench_live_fanout() -> None:
    try:
        # Written by another change; this bench runs with or without it.
        live = importlib.import_module("gateway_live")
    except ImportError as error:
        print(f"live fan-out: skipped (bench/gateway_live.py not importable: {error})")
        return
    clients, rate, seconds = 200, 200.0, 10.0
    print(f"live fan-out: {clients} clients, {rate:g} events/s for {seconds:g} s")
    figures = await live.run_fanout(clients, rate, seconds)
    for name, value in figures.items():
        print(f"  {name:<22}{value:12.2f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    platform = PlatformSettings()
    # A throw-away database, dropped at the end however the run ends.
    async with fresh_database(platform, f"bench_gateway_{uuid.uuid4().hex[:12]}") as url:
        await bench_forwarding(platform, url, args)
    await bench_live_fanout()


if __name__ == "__main__":
    asyncio.run(main())
